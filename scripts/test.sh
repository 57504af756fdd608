#!/usr/bin/env bash
# Runs Mostrador's whole test suite: the workspace with the app's end-to-end tests on SQLite, then
# those again on PostgreSQL when MOSTRADOR_TEST_PG_URL names a server (CI sets it).
#
# Tests never skip by themselves: a missing PostgreSQL or Chromium fails them. This script looks
# for both first and, for whatever is missing, sets the explicit skip variable
# (MOSTRADOR_SKIP_POSTGRES=1, MOSTRADOR_SKIP_BROWSER=1) and says so plainly at the end.
# MOSTRADOR_REQUIRE_BROWSER=1 (CI) never skips the browser test.
set -euo pipefail
cd "$(dirname "$0")/.."

skipped=()
have() { command -v "$1" >/dev/null 2>&1; }

if [ "${MOSTRADOR_SKIP_POSTGRES:-}" = 1 ]; then
  skipped+=("PostgreSQL tests: MOSTRADOR_SKIP_POSTGRES=1 was set")
elif [ -z "${MOSTRADOR_TEST_PG_URL:-}" ]; then
  export MOSTRADOR_SKIP_POSTGRES=1
  skipped+=("PostgreSQL tests (store-postgres, app end-to-end on PostgreSQL): set MOSTRADOR_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test to run them")
fi

if [ "${MOSTRADOR_SKIP_BROWSER:-}" = 1 ]; then
  skipped+=("browser test (real Chromium): MOSTRADOR_SKIP_BROWSER=1 was set")
elif [ "${MOSTRADOR_REQUIRE_BROWSER:-}" != 1 ] &&
  ! { have chromedriver && { have chromium || have chromium-browser; }; }; then
  export MOSTRADOR_SKIP_BROWSER=1
  skipped+=("browser test (real Chromium): install Debian's chromium and chromium-driver to run it")
fi

echo "==> Test suite (app end-to-end tests on SQLite)"
MOSTRADOR_TEST_DB=sqlite cargo test --workspace "$@"

if [ "${MOSTRADOR_SKIP_POSTGRES:-}" != 1 ]; then
  echo "==> App end-to-end tests on PostgreSQL (${MOSTRADOR_TEST_PG_URL})"
  # store-postgres's own tests already ran against it above; the rest does not touch a database.
  MOSTRADOR_TEST_DB=postgres cargo test -p app "$@"
fi

if ((${#skipped[@]})); then
  echo
  echo "==> SKIPPED (not run, not passed):"
  printf '    - %s\n' "${skipped[@]}"
else
  echo
  echo "==> Everything ran: SQLite and PostgreSQL suites, browser test included."
fi
