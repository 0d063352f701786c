#!/usr/bin/env bash
# Runs every test of the workspace. The interop tests talk to an independent Python
# implementation (scripts/interop/peer.py), which needs the `cryptography` package.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r scripts/interop/requirements.txt
python3 scripts/interop/selftest.py
cargo test --workspace --locked
