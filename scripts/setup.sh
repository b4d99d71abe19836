#!/usr/bin/env bash
# Installs what a fresh machine lacks to build, run and test Bianmin. Idempotent:
# every step checks first. Sourced by serve.sh and test.sh (it sets PATH).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n== setup: %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  step "cargo-leptos 0.3.10"
  cargo install cargo-leptos --version 0.3.10 --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q '0\.2\.130'; then
  step "wasm-bindgen-cli 0.2.130 (must match the wasm-bindgen crate)"
  cargo install wasm-bindgen-cli --version 0.2.130
fi

# wasm-opt from npm binaryen@132, first on PATH. Never Debian's binaryen 108:
# its wasm-opt silently breaks hydration.
if ! "$root/.tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q 'version 132'; then
  step "wasm-opt (npm binaryen@132) into .tools/"
  mkdir -p "$root/.tools"
  (cd "$root/.tools" && npm install --no-audit --no-fund --silent binaryen@132)
fi

# Debian packages for the end2end tests: chromium, and zbarimg (zbar-tools)
# and pdftoppm (poppler-utils), with which hall.spec decodes every printed QR
# code from the SVG and from the A4 PDF.
if [ ! -x /usr/bin/chromium ] || ! command -v zbarimg >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  step "Debian chromium, zbar-tools, poppler-utils (for the end2end tests)"
  if [ "$(id -u)" = 0 ]; then sudo_cmd=""; else sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium zbar-tools poppler-utils
fi
for tool in /usr/bin/chromium zbarimg pdftoppm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "setup: $tool is still missing after apt-get install (chromium zbar-tools poppler-utils)" >&2
    exit 1
  fi
done

if [ ! -d "$root/end2end/node_modules/@playwright/test" ] || [ ! -d "$root/end2end/node_modules/@axe-core/playwright" ]; then
  step "npm packages for end2end (Playwright test runner, axe)"
  (cd "$root/end2end" && npm ci --no-audit --no-fund)
fi

step "tools ready: $(cargo leptos --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | head -1), $(/usr/bin/chromium --version 2>/dev/null), zbarimg $(zbarimg --version 2>/dev/null), $(pdftoppm -v 2>&1 | head -1)"
