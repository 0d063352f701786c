#!/usr/bin/env bash
# Runs every test of the workspace. The interop tests talk to an independent Python
# implementation (scripts/interop/peer.py), which needs the `cryptography` package; the
# services' tests also run on PostgreSQL (scripts/ensure-postgres.sh starts or installs it); the
# pages' browser tests need Chromium, chromedriver and axe-core (scripts/ensure-browser.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-postgres.sh
bash scripts/ensure-browser.sh
python3 -m pip install --quiet --disable-pip-version-check -r scripts/interop/requirements.txt
python3 scripts/interop/selftest.py
# The workspace invariants of ARCHITECTURE.md: crate dependencies, no import circles, routes
# never import routes, sea-orm only in persistence, files of at most 400 lines.
python3 scripts/check-structure.py
cargo test --workspace --locked
