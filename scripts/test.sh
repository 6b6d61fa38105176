#!/usr/bin/env bash
# The test command: every test of the workspace, with each store test on SQLite and on a real
# PostgreSQL server, and the console's browser tests in headless Chromium.
# On a machine without PostgreSQL or Chromium it installs them with apt (when run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing: ${missing[*]} (install them, or run as root to have them installed)" >&2
    exit 1
  fi
fi
eval "$(scripts/start-postgres.sh)"
export PATRON_CHROMEDRIVER="${PATRON_CHROMEDRIVER:-$(command -v chromedriver)}"
cargo test --workspace --no-fail-fast "$@"
