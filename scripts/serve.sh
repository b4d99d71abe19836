#!/usr/bin/env bash
# Sets up what is missing, builds the release site and runs the portal on
# the embedded SQLite default (data/bianmin.db) at http://127.0.0.1:3000.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/setup.sh
cargo leptos build --release
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
echo "Bianmin: http://$LEPTOS_SITE_ADDR"
exec target/release/bianmin
