#!/bin/sh
# Installs the NATS broker (Debian package `nats-server`) used by the NATS event bus and the
# AsyncAPI-over-NATS tests. Idempotent: does nothing when nats-server is already on PATH.
set -eu
if command -v nats-server >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y nats-server
