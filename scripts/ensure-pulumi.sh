#!/usr/bin/env bash
# Provides the Pulumi CLI, the Node.js language host and the dynamic-provider plugin
# at the version pinned in package.json. Prints, on its last line, the directory that
# holds `pulumi` and its plugins.
#
# - If `pulumi` on PATH already is the pinned version, its directory is used (the
#   dynamic-provider plugin script is added to a cache directory next to it).
# - Otherwise the CLI and the language host are built from their Go modules into a
#   cache outside the repository (default ~/.cache/pulumi-domino), so a warm machine
#   reuses them. Only the Go module proxy is needed; no prebuilt binary is downloaded.
set -euo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pinned="$(node -p "require('$repo_dir/package.json').pulumiCli.version")"
lang_commit="$(node -p "require('$repo_dir/package.json').pulumiCli.languageHostCommit")"
cache_root="${PULUMI_DOMINO_CACHE:-$HOME/.cache/pulumi-domino}"
bin_dir="$cache_root/pulumi-$pinned/bin"

log() { printf '%s\n' "$*" >&2; }

write_plugin_script() {
  # The engine starts dynamic providers through this plugin: a script that runs the
  # SDK's dynamic-provider host. It resolves @pulumi/pulumi from the program's
  # directory (the engine starts plugins with the program directory as cwd).
  local dir="$1"
  cat > "$dir/pulumi-resource-pulumi-nodejs" <<'SH'
#!/bin/sh
exec node "$(node -p "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')")" "$@"
SH
  chmod +x "$dir/pulumi-resource-pulumi-nodejs"
}

version_of() { "$1" version 2>/dev/null | tr -d '\r' | head -n1; }

# 1. A pulumi on PATH at the pinned version, with its language host beside it.
if command -v pulumi >/dev/null 2>&1; then
  on_path="$(command -v pulumi)"
  if [ "$(version_of "$on_path")" = "$pinned" ]; then
    path_dir="$(dirname "$on_path")"
    if [ -x "$path_dir/pulumi-language-nodejs" ] && [ -x "$path_dir/pulumi-resource-pulumi-nodejs" ]; then
      echo "$path_dir"
      exit 0
    fi
  fi
fi

# 2. The cached build.
if [ -x "$bin_dir/pulumi" ] && [ "$(version_of "$bin_dir/pulumi")" = "$pinned" ] \
   && [ -x "$bin_dir/pulumi-language-nodejs" ]; then
  write_plugin_script "$bin_dir"
  echo "$bin_dir"
  exit 0
fi

# 3. Build from the Go modules.
command -v go >/dev/null 2>&1 || { log "ensure-pulumi: Go is needed to build the Pulumi CLI $pinned and was not found"; exit 1; }
log "ensure-pulumi: building Pulumi CLI $pinned and the Node.js language host into $bin_dir (first run only; this takes a while)"
work="$cache_root/build-$pinned"
mkdir -p "$work" "$bin_dir"
cd "$work"
cat > go.mod <<MOD
module pulumi-domino-cli-build

go 1.24

// The CLI's own go.mod replaces clipboard with this fork; replace directives of a
// dependency do not apply to us, so the same replace is needed here.
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN=local
# Only the module proxy is reachable here, not the checksum database behind it.
export GOSUMDB="${GOSUMDB:-off}"
go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$pinned" >&2
go get "github.com/pulumi/pulumi/sdk/v3@$pinned" >&2
# The language host has no tags of its own: use the commit of the CLI's tag.
go get "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$lang_commit" >&2
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pinned"
go build -trimpath -ldflags "$ldflags" -o "$bin_dir/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
go build -trimpath -ldflags "$ldflags" -o "$bin_dir/pulumi-language-nodejs.tmp" github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 >&2
mv "$bin_dir/pulumi.tmp" "$bin_dir/pulumi"
mv "$bin_dir/pulumi-language-nodejs.tmp" "$bin_dir/pulumi-language-nodejs"
write_plugin_script "$bin_dir"
log "ensure-pulumi: built $("$bin_dir/pulumi" version)"
echo "$bin_dir"
