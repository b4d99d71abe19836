#!/usr/bin/env bash
# The README's deployment, run on loopback and checked: nginx (Debian's
# package) on 127.0.0.1:3300 in front of two release instances on one fresh
# PostgreSQL database, with BIANMIN_CLIENT_IP_HEADER=X-Real-IP. Then
# server/benches/deploy.rs checks through nginx: pages and API, the booking
# capacity under concurrent bookings spread over both instances, and the
# sign-in limits counting the real client address. Also checks the systemd
# unit's syntax where systemd-analyze exists.
#
# cargo leptos build --release --precompress --split && bash scripts/deploy-test.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin=target/release/bianmin
[ -x "$bin" ] || { echo "build first: cargo leptos build --release --precompress --split" >&2; exit 1; }
if ! command -v nginx > /dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q nginx-light > /dev/null || { apt-get update -q > /dev/null && apt-get install -y -q nginx-light > /dev/null; }
fi
# Plain log lines, so the ERROR scan below can match them.
export NO_COLOR=1
pg_admin="${BIANMIN_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
db="bianmin_deploy_$$"
psql "$pg_admin" -qc "CREATE DATABASE $db"
database_url="${pg_admin%/*}/$db"
work="$(mktemp -d)"
# nginx's workers (nobody) buffer bodies in folders under it.
chmod 755 "$work"
pids=()
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT

# The benches' fixed test key: the checker signs citizens in by writing their
# sessions (server/benches/support). Production keys: openssl rand -base64 32.
key="YmVuY2gta2V5LWJlbmNoLWtleS1iZW5jaC1rZXktMzI="
instances="127.0.0.1:3301,127.0.0.1:3302"
for addr in ${instances//,/ }; do
  DATABASE_URL="$database_url" LEPTOS_SITE_ADDR="$addr" BIANMIN_DATA_KEY="$key" \
    BIANMIN_CLIENT_IP_HEADER=X-Real-IP BIANMIN_COOKIE_SECURE=auto \
    BIANMIN_OTP_PER_IP_HOUR=3 RUST_LOG=info \
    "$bin" > "$work/instance-${addr##*:}.log" 2>&1 &
  pids+=($!)
  # One at a time: the first creates the schema.
  for _ in $(seq 1 120); do curl -fs "http://$addr/healthz" > /dev/null && break; sleep 0.5; done
done

mkdir -p "$work"/{body,proxy,fastcgi,uwsgi,scgi}
upstreams="$(for a in ${instances//,/ }; do printf 'server %s max_fails=1 fail_timeout=2s; ' "$a"; done)"
sed -e "s|@PREFIX@|$work|g" -e "s|@LISTEN@|127.0.0.1:3300|" -e "s|@UPSTREAMS@|$upstreams|" \
  deploy/nginx.conf > "$work/nginx.conf"
nginx -t -q -c "$work/nginx.conf" -p "$work"
nginx -c "$work/nginx.conf" -p "$work"
for _ in $(seq 1 40); do curl -fs http://127.0.0.1:3300/healthz > /dev/null && break; sleep 0.25; done

DEPLOY_BASE=http://127.0.0.1:3300 DEPLOY_INSTANCES="$instances" DATABASE_URL="$database_url" \
  BIANMIN_DATA_KEY="$key" cargo bench -q -p bianmin --bench deploy

# Both instances answered through nginx.
for addr in ${instances//,/ }; do
  n="$(grep -c " /api/book .* $addr\$" "$work/access.log" || true)"
  echo "instance $addr answered $n booking requests through nginx"
  [ "$n" -gt 0 ] || { echo "instance $addr got no traffic through nginx" >&2; exit 1; }
done
if grep -h " ERROR " "$work"/instance-*.log; then echo "ERROR lines in the instances' logs" >&2; exit 1; fi
echo "deploy-test: ok"
