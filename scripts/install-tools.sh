#!/usr/bin/env bash
# Installs the external programs the tests use into .tools/ (git-ignored). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools
