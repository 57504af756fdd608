#!/usr/bin/env bash
# Runs Mostrador's whole test suite: on SQLite always, and again on PostgreSQL when
# MOSTRADOR_TEST_PG_URL names a server (CI sets it). Whatever is skipped is said plainly at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

skipped=()

if command -v chromedriver >/dev/null 2>&1 && { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; }; then
  export MOSTRADOR_BROWSER_TESTS=1
else
  export MOSTRADOR_BROWSER_TESTS=skip
  skipped+=("browser test (real Chromium): install Debian's chromium and chromium-driver to run it")
fi

echo "==> Test suite on SQLite"
MOSTRADOR_TEST_DB=sqlite cargo test --workspace --exclude store-postgres "$@"

if [ -n "${MOSTRADOR_TEST_PG_URL:-}" ]; then
  echo "==> Test suite on PostgreSQL (${MOSTRADOR_TEST_PG_URL})"
  # Only the crates whose tests touch a database; the rest ran above and do not depend on it.
  MOSTRADOR_TEST_DB=postgres cargo test -p store-postgres -p app "$@"
else
  skipped+=("PostgreSQL suite: set MOSTRADOR_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test to run it")
fi

if ((${#skipped[@]})); then
  echo
  echo "==> SKIPPED (not run, not passed):"
  printf '    - %s\n' "${skipped[@]}"
else
  echo
  echo "==> Everything ran: SQLite and PostgreSQL suites, browser test included."
fi
