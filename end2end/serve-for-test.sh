#!/usr/bin/env bash
# Starts the release binary from the repository root on a fresh SQLite file,
# with the staff accounts the specs sign in with. Everything the server writes
# (stdout and stderr) also goes to a log file: the specs read the one-time
# codes of the log SMS sender from it, and scan-log.mjs checks afterwards that
# no full phone or ID number was ever logged.
set -euo pipefail
port="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
db_dir="$(mktemp -d)"
export DATABASE_URL="sqlite://$db_dir/bianmin.db"
export LEPTOS_SITE_ADDR="127.0.0.1:$port"
# Plain text log lines, no colour escapes.
export NO_COLOR=1
# Plain-http 127.0.0.1: development cookies (no __Host- prefix, no Secure).
export BIANMIN_COOKIE_SECURE=auto
# Booking closes 5 minutes before a slot (default 60), so the desk spec finds
# a slot today that still takes bookings at almost any hour.
export BIANMIN_BOOKING_CUTOFF_MINUTES=5

# Playwright empties test-results/ when a run starts, before it starts this
# server; the log is (re)created here, so it holds exactly this run.
# E2E_SERVER_LOG, when relative, is relative to end2end/ (as for the specs).
log="${E2E_SERVER_LOG:-test-results/server.log}"
case "$log" in /*) ;; *) log="$root/end2end/$log" ;; esac
mkdir -p "$(dirname "$log")"
: >"$log"
exec > >(tee -a "$log") 2>&1

# Staff accounts, created with the real admin command (password on stdin,
# never in argv). The command migrates and seeds the database itself.
pw="${E2E_STAFF_PASSWORD:-E2e#Passw0rd}"
create_user() {
  printf '%s\n' "$pw" | target/release/bianmin admin create-user "$@"
}
# City admin: guide editing, users, audit log, center settings.
create_user --username e2e_admin --role city_admin --name 测试管理员
# Only for the lockout test, one per Playwright project (they run in parallel).
create_user --username lock_hydrated --role window --center qinyuan --name 锁定甲
create_user --username lock_nojs --role window --center qinyuan --name 锁定乙
# 帮办代办: a center admin and a helper per project, each project in a center
# of its own so that auto-assigning never takes the other project's requests.
create_user --username help_admin_hydrated --role center_admin --center wulongkou --name 帮办主任甲
create_user --username help_helper_hydrated --role helper --center wulongkou --name 帮办员甲
create_user --username help_admin_nojs --role center_admin --center chengliu --name 帮办主任乙
create_user --username help_helper_nojs --role helper --center chengliu --name 帮办员乙
# Service hall: a center admin per project, in a center no other spec gives
# service windows to, so each project's sticker sheet holds only its windows.
create_user --username hall_admin_hydrated --role center_admin --center beihai --name 大厅主任甲
create_user --username hall_admin_nojs --role center_admin --center tiantan --name 大厅主任乙

# 好差评: a center admin per project, in a center of its own (hall.spec's
# windows are at beihai and tiantan), who adds window 5 and follows up its
# bad review.
create_user --username rate_admin_hydrated --role center_admin --center potou --name 评价主任甲
create_user --username rate_admin_nojs --role center_admin --center lilin --name 评价主任乙

exec target/release/bianmin
