#!/usr/bin/env bash
# Builds dist/pulumi-resource-alikms-v<version>-<os>-<arch>.tar.gz, installable with
#   pulumi plugin install resource alikms <version> --file <tarball>
# Layout (the plugin directory ~/.pulumi/plugins/resource-alikms-v<version>/):
#   pulumi-resource-alikms  PulumiPlugin.yaml  package.json  schema.json  dist/*.js  node_modules/ (production only)
# Node 20.19+, 22.12+ or 24 must be on the user's PATH (package.json engines).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=$(node -p "require('$ROOT/provider/package.json').version")
OS=$(uname -s | tr '[:upper:]' '[:lower:]')
ARCH=$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')
STAGE="$ROOT/dist/plugin-stage"
OUT="$ROOT/dist/pulumi-resource-alikms-v$VERSION-$OS-$ARCH.tar.gz"

node "$ROOT/node_modules/typescript/bin/tsc" -p "$ROOT/provider/tsconfig.json"
rm -rf "$STAGE" && mkdir -p "$STAGE"
cp -r "$ROOT/provider/dist" "$STAGE/dist" && rm -f "$STAGE/dist/.tsbuildinfo"
cp "$ROOT/provider/bin/pulumi-resource-alikms" "$ROOT/provider/PulumiPlugin.yaml" "$ROOT/provider/package.json" "$ROOT/schema.json" "$STAGE/"
# Production dependencies at the versions the repo's lockfile resolved.
cp "$ROOT/package-lock.json" "$STAGE/" 2>/dev/null || true
(cd "$STAGE" && npm install --omit=dev --no-audit --no-fund --ignore-scripts --prefer-offline --loglevel=error >/dev/null && rm -f package-lock.json)
chmod 0755 "$STAGE/pulumi-resource-alikms"
tar -czf "$OUT" -C "$STAGE" .
echo "$OUT"
