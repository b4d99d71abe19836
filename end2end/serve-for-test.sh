#!/usr/bin/env bash
# Starts the release binary from the repository root on a fresh SQLite file.
set -euo pipefail
port="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
db_dir="$(mktemp -d)"
export DATABASE_URL="sqlite://$db_dir/bianmin.db"
export LEPTOS_SITE_ADDR="127.0.0.1:$port"
exec target/release/bianmin
