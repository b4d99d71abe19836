#!/usr/bin/env bash
# schemathesis over the open-data API's OpenAPI document, against the built
# binary on a fresh SQLite file: generated valid and invalid requests for
# every documented operation, with every check (no 5xx, no undocumented
# status, content types, response schemas, negative data rejected, positive
# data accepted, unsupported methods). Fails on any finding, and on any ERROR
# line in the server's log. Prints the counts.
#
# bash scripts/schemathesis.sh [binary]   (default target/release/bianmin)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="${1:-target/release/bianmin}"
venv=.tools/venv
version=4.32.5
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$version"
fi
port="${ST_PORT:-3110}"
dir="$(mktemp -d)"
# Plain log lines for the ERROR scan; no per-address limit on one client's burst.
DATABASE_URL="sqlite://$dir/st.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=info \
  NO_COLOR=1 BIANMIN_PUBLIC_PER_IP_SECOND=1000000 \
  "$bin" > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/healthz" > /dev/null && break
  sleep 0.5
done
"$venv/bin/st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --checks all --max-examples "${ST_MAX_EXAMPLES:-200}" --workers 2 --no-color 2>&1 \
  | grep -vE '^\s*$' | tail -n 25
if grep -q " ERROR " "$dir/server.log"; then
  echo "schemathesis: the server logged ERROR lines:" >&2
  grep " ERROR " "$dir/server.log" | head -5 >&2
  exit 1
fi
echo "schemathesis: no ERROR lines in the server log"
