#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages, for the store and service tests. Idempotent.
set -euo pipefail
if ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  echo "postgresql: $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1) already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends postgresql
