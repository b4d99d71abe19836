#!/usr/bin/env bash
# Sets up what is missing, builds the release site and runs the portal on
# the embedded SQLite default (data/bianmin.db) at http://127.0.0.1:3000.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/setup.sh
cargo leptos build --release
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
# Development on plain-http localhost: cookies without __Host-/Secure there.
export BIANMIN_COOKIE_SECURE="${BIANMIN_COOKIE_SECURE:-auto}"
echo "Bianmin: http://$LEPTOS_SITE_ADDR"
echo "First staff account: target/release/bianmin admin create-user --username admin --role city_admin (password on stdin)"
exec target/release/bianmin
