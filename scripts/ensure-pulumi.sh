#!/usr/bin/env bash
# Provides the Pulumi CLI at the version pinned in package.json (`pulumiCli.version`),
# a Node.js language host and the dynamic-provider plugin. Prints, on its last line,
# the directory that holds `pulumi` and its plugins; put it first on PATH.
#
# - If `pulumi` on PATH is the pinned version, it is used. When its directory lacks
#   the Node.js plugins, a directory in the cache links to it and adds them.
# - Otherwise the CLI is built from its Go module (github.com/pulumi/pulumi/pkg/v3) into
#   a cache outside the repository (default ~/.cache/pulumi-domino, or
#   $PULUMI_DOMINO_CACHE), so a warm machine reuses it. Only the Go module proxy is
#   needed; no prebuilt binary is downloaded.
#
# The Node.js language host is built from scripts/pulumi-language-nodejs, a small Go
# program in this repository. Pulumi's own host (module
# github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not served by
# the module registry this project builds from, so it cannot be built from source here.
# The cached host is rebuilt whenever its source changes.
#
# Needs: node; Go 1.25.11 or later unless every binary is already cached.
set -euo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pinned="$(node -p "require('$repo_dir/package.json').pulumiCli.version")"
cache_root="${PULUMI_DOMINO_CACHE:-$HOME/.cache/pulumi-domino}"
version_dir="$cache_root/pulumi-$pinned"
bin_dir="$version_dir/bin"
host_src="$repo_dir/scripts/pulumi-language-nodejs"
version_pkg="github.com/pulumi/pulumi/sdk/v3/go/common/version"

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

version_of() { "$1" version 2>/dev/null | tr -d '\r' | head -n1 || true; }

go_env() {
  command -v go >/dev/null 2>&1 || die "Go is needed to build $1 and was not found on PATH"
  # Build with the installed toolchain rather than downloading another one.
  export GOTOOLCHAIN=local
  # Only the module proxy may be reachable, not the checksum database behind it.
  export GOSUMDB="${GOSUMDB:-off}"
}

# One build at a time per cache, even when several runs start together.
lock() {
  mkdir -p "$version_dir"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$version_dir/.lock"
    flock 9
  fi
}

# The engine starts dynamic providers through this plugin: it runs the SDK's
# dynamic-provider host, resolving @pulumi/pulumi from the program's directory (the
# engine starts plugins with that directory as working directory).
write_plugin_script() {
  local target="$1/pulumi-resource-pulumi-nodejs"
  local body
  body='#!/bin/sh
exec node "$(node -p "require.resolve('"'"'@pulumi/pulumi/cmd/dynamic-provider'"'"')")" "$@"'
  if [ ! -x "$target" ] || [ "$(cat "$target")" != "$body" ]; then
    printf '%s\n' "$body" > "$target.tmp"
    chmod +x "$target.tmp"
    mv "$target.tmp" "$target"
  fi
}

host_hash() {
  (
    cd "$host_src"
    { echo "$pinned"; find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) | LC_ALL=C sort | xargs cat; } \
      | sha256sum | cut -c1-16
  )
}

# Builds the language host into $1 unless the one there was built from the same source.
ensure_language_host() {
  local dir="$1" hash
  hash="$(host_hash)"
  if [ -x "$dir/pulumi-language-nodejs" ] && [ "$(cat "$dir/.pulumi-language-nodejs.hash" 2>/dev/null)" = "$hash" ]; then
    return 0
  fi
  go_env "the Node.js language host"
  log "building the Node.js language host into $dir"
  (
    cd "$host_src"
    go build -mod=readonly -buildvcs=false -trimpath \
      -ldflags "-s -w -X $version_pkg.Version=$pinned" \
      -o "$dir/pulumi-language-nodejs.tmp" . >&2
  )
  mv "$dir/pulumi-language-nodejs.tmp" "$dir/pulumi-language-nodejs"
  echo "$hash" > "$dir/.pulumi-language-nodejs.hash"
}

build_cli() {
  go_env "the Pulumi CLI $pinned"
  log "building the Pulumi CLI $pinned into $bin_dir (first run only; this takes several minutes)"
  local work="$version_dir/build"
  mkdir -p "$work" "$bin_dir"
  (
    cd "$work"
    # The CLI's go.mod carries replace directives, which do not apply when it is built
    # as a dependency (so `go install ...@version` fails); this wrapper module repeats
    # the one the build needs.
    cat > go.mod <<MOD
module pulumi-domino-cli-build

go 1.25

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
    rm -f go.sum
    GOFLAGS=-mod=mod go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$pinned" "github.com/pulumi/pulumi/sdk/v3@$pinned" >&2
    GOFLAGS=-mod=mod go build -buildvcs=false -trimpath \
      -ldflags "-s -w -X $version_pkg.Version=$pinned" \
      -o "$bin_dir/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
  )
  mv "$bin_dir/pulumi.tmp" "$bin_dir/pulumi"
  log "built $("$bin_dir/pulumi" version)"
}

lock

# 1. A pulumi on PATH at the pinned version (not our own cached one).
on_path="$(command -v pulumi 2>/dev/null || true)"
if [ -n "$on_path" ] && [ "$(cd "$(dirname "$on_path")" && pwd -P)" != "$(mkdir -p "$bin_dir" && cd "$bin_dir" && pwd -P)" ] \
   && [ "$(version_of "$on_path")" = "$pinned" ]; then
  path_dir="$(dirname "$on_path")"
  if [ -x "$path_dir/pulumi-language-nodejs" ] && [ -x "$path_dir/pulumi-resource-pulumi-nodejs" ]; then
    echo "$path_dir"
    exit 0
  fi
  link_dir="$version_dir/path-bin"
  mkdir -p "$link_dir"
  ln -sfn "$on_path" "$link_dir/pulumi"
  ensure_language_host "$link_dir"
  write_plugin_script "$link_dir"
  echo "$link_dir"
  exit 0
fi

# 2. The cached build (built now if missing).
mkdir -p "$bin_dir"
if [ ! -x "$bin_dir/pulumi" ] || [ "$(version_of "$bin_dir/pulumi")" != "$pinned" ]; then
  build_cli
fi
ensure_language_host "$bin_dir"
write_plugin_script "$bin_dir"
echo "$bin_dir"
