#!/usr/bin/env bash
# Sets up what is missing, builds the release site and runs the portal on
# the embedded SQLite default (data/bianmin.db) at http://127.0.0.1:3000.
# `bash scripts/serve.sh demo` runs the demo instead (data/demo.db, sample
# 延时 windows, a demo admin; see README "Demo").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/setup.sh
cargo leptos build --release --precompress --split
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
# Development on plain-http localhost: cookies without __Host-/Secure there.
export BIANMIN_COOKIE_SECURE="${BIANMIN_COOKIE_SECURE:-auto}"
echo "Bianmin: http://$LEPTOS_SITE_ADDR"
if [ "${1:-}" = demo ]; then
  exec target/release/bianmin demo
fi
echo "First staff account: target/release/bianmin admin create-user --username admin --role city_admin (password on stdin)"
echo "To see 延时预约 with sample windows: bash scripts/serve.sh demo"
exec target/release/bianmin
