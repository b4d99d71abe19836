#!/usr/bin/env bash
# Sets up what is missing and runs every check: formatting, clippy for both
# features, unit and integration tests on SQLite and PostgreSQL, the search
# eval, the release build, and the end2end tests in Chromium (hydrated and
# with JavaScript off, axe audits), and the download budget of the citizen
# pages. Fails loudly at the first failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/setup.sh

step() { printf '\n== test: %s\n' "$*"; }

# PostgreSQL tests must run, not skip, when a server is expected (CI).
if [ "${CI:-}" = "true" ]; then export BIANMIN_REQUIRE_POSTGRES=1; fi
export BIANMIN_TEST_PG_URL="${BIANMIN_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"

step "cargo fmt --check"
cargo fmt --all --check

step "clippy (ssr: app + server, all targets)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (hydrate: app for wasm32)"
cargo clippy -p app --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests (SQLite and PostgreSQL)"
cargo test --workspace

step "release build (server + hydrate wasm)"
cargo leptos build --release --precompress --split

step "the binary rebuilt by plain cargo (as cargo bench does) serves the same site: the end2end run and the budget below use it"
cargo build --release -p bianmin --bin bianmin

step "end2end (Playwright, Debian chromium, 360x740, hydrated and JS off, axe)"
# The server's log of this run goes to end2end/test-results/server.log
# (serve-for-test.sh creates it after Playwright has emptied test-results/).
(cd end2end && npx playwright test)

step "server log holds no full ID or mobile numbers (scan-log self-test, then this run's log)"
(cd end2end && node scan-log.mjs --self-test && node scan-log.mjs "${E2E_SERVER_LOG:-test-results/server.log}")

step "download budget: JS + wasm of each citizen page on a cold cache (<= 150 KB), lazy chunks (<= 60 KB)"
node end2end/budget.mjs

step "schemathesis over the OpenAPI document (every check; no 5xx, no undocumented status)"
bash scripts/schemathesis.sh target/release/bianmin

step "deployment: nginx in front of two instances on one PostgreSQL (capacity and client-address limits through it)"
bash scripts/deploy-test.sh
