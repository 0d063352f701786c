#!/usr/bin/env bash
# Makes sure the pages' browser tests can run: Debian's headless Chromium and its chromedriver
# (installed from Debian's packages when missing) and axe-core (npm ci into scripts/browser/),
# which aa_testkit::browser runs inside the pages.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing chromium and chromium-driver" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [ ! -f scripts/browser/node_modules/axe-core/axe.min.js ]; then
  npm ci --prefix scripts/browser --no-audit --no-fund --silent
fi
