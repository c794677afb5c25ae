#!/usr/bin/env bash
# The repository's Go checks:
# - the tests of the Node.js language host (scripts/pulumi-language-nodejs): the node
#   command it runs programs with, and how it reports their exit;
# - `go mod verify` for the two Go modules the binaries are built from (the host and
#   tools/pulumi-cli): the modules in the local module cache still hash to what go.sum
#   records, so a cache altered after download cannot slip into a build.
# Needs Go 1.25.11 or later and node.
set -euo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v go >/dev/null 2>&1 || { echo "test-go: Go is needed and was not found on PATH" >&2; exit 1; }
# The installed toolchain, as ensure-pulumi.sh builds with, rather than a downloaded one.
export GOTOOLCHAIN=local

echo "== go test (scripts/pulumi-language-nodejs)"
# -count=1: the tests start node, which go's test cache does not track.
(cd "$repo_dir/scripts/pulumi-language-nodejs" && go test -mod=readonly -count=1 ./...)

for module in scripts/pulumi-language-nodejs tools/pulumi-cli; do
  echo "== go mod verify ($module)"
  (cd "$repo_dir/$module" && go mod verify)
done
