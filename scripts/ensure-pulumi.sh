#!/usr/bin/env bash
# Provides the Pulumi CLI at the version pinned in package.json (`pulumiCli.version`),
# a Node.js language host and the dynamic-provider plugin. Prints, on its last line,
# the directory that holds `pulumi` and its plugins; put it first on PATH.
#
# Usage: scripts/ensure-pulumi.sh [--allow-newer]
#
# - If `pulumi` on PATH is the pinned version, it is used. With --allow-newer, a newer
#   one is accepted too: `npm run demo` passes it, so a user's installed CLI is enough to
#   try the project. Tests and CI call the script without it, so they always run the
#   engine the project is tested against. When the directory of that `pulumi` lacks the
#   Node.js plugins, a directory in the cache links to it and adds them.
# - Otherwise the CLI is built from tools/pulumi-cli, a Go module of this repository
#   that requires github.com/pulumi/pulumi/pkg/v3 at the pinned version, into a cache
#   outside the repository (default ~/.cache/pulumi-domino, or $PULUMI_DOMINO_CACHE), so
#   a warm machine reuses it. The cache entry is named after a hash of that module's
#   go.mod and go.sum and of the build flags: a change to any of them builds anew. Only
#   the Go module proxy is needed; no prebuilt binary is downloaded.
#
# Every module that goes into a binary is checked against a go.sum committed in this
# repository (tools/pulumi-cli/go.sum for the CLI, scripts/pulumi-language-nodejs/go.sum
# for the host). The builds run with -mod=readonly, so go verifies each module it
# downloads, and each one already in the module cache, against go.sum, and stops on a
# missing or different entry instead of recording a new one (the flag on the command
# line also overrides a -mod=mod in the caller's GOFLAGS). Go asks the checksum
# database (sum.golang.org) only about modules that go.sum does not list, that is when
# go.sum is updated (`go mod tidy` in the module's directory), and reaches it through the
# module proxy (proxy.golang.org/sumdb/sum.golang.org), so updating works where only the
# proxy is reachable. A build never needs the database: with GOSUMDB pointing at an
# unreachable server, the -mod=readonly build of tools/pulumi-cli still succeeds, and
# with one hash in go.sum changed it fails with "checksum mismatch". So nothing here
# turns checks off (no GOSUMDB=off, GONOSUMDB, GOINSECURE or -mod=mod).
#
# The Node.js language host is built from scripts/pulumi-language-nodejs, a small Go
# program in this repository. Pulumi's own host (module
# github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not served by
# the module registry this project builds from, so it cannot be built from source here.
# The cached host is rebuilt whenever its source changes.
#
# Needs: node, sha256sum; Go 1.25.11 or later unless every binary is already cached.
set -euo pipefail

allow_newer=false
for arg in "$@"; do
  case "$arg" in
    --allow-newer) allow_newer=true ;;
    *) printf 'usage: %s [--allow-newer]\n' "$0" >&2; exit 2 ;;
  esac
done

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pinned="$(node -p "require('$repo_dir/package.json').pulumiCli.version")"
cli_src="$repo_dir/tools/pulumi-cli"
host_src="$repo_dir/scripts/pulumi-language-nodejs"
cli_pkg="github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
version_pkg="github.com/pulumi/pulumi/sdk/v3/go/common/version"
ldflags="-s -w -X $version_pkg.Version=$pinned"
build_flags=(-mod=readonly -buildvcs=false -trimpath -ldflags "$ldflags")

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Bumping package.json without tools/pulumi-cli (or the reverse) would build one version
# and stamp it as the other.
grep -Eq "^[[:space:]]*github\.com/pulumi/pulumi/pkg/v3 $pinned( |\$)" "$cli_src/go.mod" \
  || die "tools/pulumi-cli/go.mod does not require github.com/pulumi/pulumi/pkg/v3 $pinned (package.json pulumiCli.version); update it with: cd tools/pulumi-cli && go get github.com/pulumi/pulumi/pkg/v3@$pinned github.com/pulumi/pulumi/sdk/v3@$pinned && go mod tidy"

# Comment lines of go.mod are left out of the key: editing them changes no binary.
cli_key="$(
  { echo "$pinned"; printf '%s\n' "${build_flags[@]}"
    grep -Ev '^[[:space:]]*//' "$cli_src/go.mod"; cat "$cli_src/go.sum"; } \
    | sha256sum | cut -c1-16
)"
cache_root="${PULUMI_DOMINO_CACHE:-$HOME/.cache/pulumi-domino}"
version_dir="$cache_root/pulumi-$pinned-$cli_key"
bin_dir="$version_dir/bin"

version_of() { "$1" version 2>/dev/null | tr -d '\r' | head -n1 || true; }

# Whether version $1 (as `pulumi version` prints it, e.g. v3.250.0) is at or above $2.
# A pre-release ranks below its release, as in semver (v3.248.0-alpha.1 < v3.248.0).
version_at_least() {
  local re='^v?([0-9]+)\.([0-9]+)\.([0-9]+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'
  local have=() want=() have_pre want_pre i
  [[ $1 =~ $re ]] || return 1
  have=("${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"); have_pre="${BASH_REMATCH[4]}"
  [[ $2 =~ $re ]] || return 1
  want=("${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"); want_pre="${BASH_REMATCH[4]}"
  for i in 0 1 2; do
    if ((10#${have[i]} != 10#${want[i]})); then
      ((10#${have[i]} > 10#${want[i]}))
      return
    fi
  done
  [ -z "$have_pre" ] || [ "$have_pre" = "$want_pre" ]
}

acceptable() {
  local version="$1"
  if [ "$allow_newer" = true ]; then
    version_at_least "$version" "$pinned"
  else
    [ "$version" = "$pinned" ]
  fi
}

go_env() {
  command -v go >/dev/null 2>&1 || die "Go is needed to build $1 and was not found on PATH"
  # Build with the installed toolchain rather than downloading another one.
  export GOTOOLCHAIN=local
}

# One build at a time per cache entry, even when several runs start together.
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

# The host's cache key: the version it reports, the build flags and the source that goes
# into the binary (its tests do not, so editing them rebuilds nothing).
host_hash() {
  (
    cd "$host_src"
    { echo "$pinned"; printf '%s\n' "${build_flags[@]}"
      find . -type f \( \( -name '*.go' ! -name '*_test.go' \) -o -name go.mod -o -name go.sum \) \
        | LC_ALL=C sort | xargs cat; } \
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
    go build "${build_flags[@]}" -o "$dir/pulumi-language-nodejs.tmp" . >&2
  )
  mv "$dir/pulumi-language-nodejs.tmp" "$dir/pulumi-language-nodejs"
  echo "$hash" > "$dir/.pulumi-language-nodejs.hash"
}

build_cli() {
  go_env "the Pulumi CLI $pinned"
  log "building the Pulumi CLI $pinned into $bin_dir (first run only; this takes several minutes)"
  mkdir -p "$bin_dir"
  (
    # The CLI's own go.mod carries replace directives, which do not apply when it is
    # built as a dependency (so `go install ...@version` fails); tools/pulumi-cli
    # repeats the one the build needs and pins every other module in its go.sum.
    cd "$cli_src"
    go build "${build_flags[@]}" -o "$bin_dir/pulumi.tmp" "$cli_pkg" >&2
  )
  mv "$bin_dir/pulumi.tmp" "$bin_dir/pulumi"
  log "built $("$bin_dir/pulumi" version)"
}

# Bash reads a script as it runs it; a checkout that rewrites this file during a build
# would otherwise feed the rest of the run from the new text.
main() {
  lock

  # 1. A pulumi on PATH at the pinned version, or newer with --allow-newer (not our own
  #    cached one).
  on_path="$(command -v pulumi 2>/dev/null || true)"
  if [ -n "$on_path" ] && [ "$(cd "$(dirname "$on_path")" && pwd -P)" != "$(mkdir -p "$bin_dir" && cd "$bin_dir" && pwd -P)" ] \
     && acceptable "$(version_of "$on_path")"; then
    path_dir="$(dirname "$on_path")"
    if [ -x "$path_dir/pulumi-language-nodejs" ] && [ -x "$path_dir/pulumi-resource-pulumi-nodejs" ]; then
      echo "$path_dir"
      return 0
    fi
    link_dir="$version_dir/path-bin"
    mkdir -p "$link_dir"
    ln -sfn "$on_path" "$link_dir/pulumi"
    ensure_language_host "$link_dir"
    write_plugin_script "$link_dir"
    echo "$link_dir"
    return 0
  fi

  # 2. The cached build (built now if missing).
  mkdir -p "$bin_dir"
  if [ ! -x "$bin_dir/pulumi" ] || [ "$(version_of "$bin_dir/pulumi")" != "$pinned" ]; then
    build_cli
  fi
  ensure_language_host "$bin_dir"
  write_plugin_script "$bin_dir"
  echo "$bin_dir"
}

main "$@"; exit
