#!/usr/bin/env bash
# The main job: builds the three services and `aa` (release), then `aa demo` starts an AA, two
# FIPs and an FIU as separate processes on free loopback ports (embedded SQLite) and walks one
# customer through the whole loop: login, discovery, OTP linking, consent, signed artefacts,
# FI request, preparation, encryption, fetch through the AA, decryption at the FIU.
# Arguments go to `aa demo`: --json, --data-dir DIR, --keep.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release --locked -p aa-cli -p aa-service -p fip-service -p fiu-service
exec target/release/aa demo --bin-dir target/release "$@"
