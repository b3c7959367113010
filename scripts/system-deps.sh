#!/usr/bin/env bash
# Installs the Debian packages the tests use when they are missing (runs as root in CI, else through sudo).
# softhsm2 for the PKCS#11 backend; postgresql for the shared store; chromium for the console's browser tests.
set -euo pipefail

# apt-get install, with `apt-get update` first only when the plain install fails (stale or empty package lists).
apt_install() {
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y --no-install-recommends "$@" ||
    { "${sudo[@]}" apt-get update && "${sudo[@]}" apt-get install -y --no-install-recommends "$@"; }
}

# SoftHSM2: the PKCS#11 token behind the HSM backend tests (emulator/test/pkcs11, support/softhsm.ts).
command -v softhsm2-util >/dev/null 2>&1 || apt_install softhsm2

# PostgreSQL: the tests start a private throwaway cluster with its initdb/pg_ctl (emulator/test/support/postgres.ts).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_install postgresql

# Chromium: the console's browser tests drive Debian's build through playwright-core (emulator/test/console/browser.ts);
# playwright's own browser download is never used.
command -v chromium >/dev/null 2>&1 || apt_install chromium
