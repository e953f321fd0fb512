#!/usr/bin/env bash
# Installs Debian's chromium for the dashboard browser tests (playwright-core drives it at
# /usr/bin/chromium; `npx playwright install` cannot download browsers here). Idempotent.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present) already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
/usr/bin/chromium --version
