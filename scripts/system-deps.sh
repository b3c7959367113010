#!/usr/bin/env bash
# Installs the Debian packages the tests use when they are missing. Nothing to do yet for the emulator foundation;
# the HSM and PostgreSQL issues add softhsm2 and postgresql here.
set -euo pipefail
exit 0
