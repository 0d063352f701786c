#!/usr/bin/env bash
# Runs the local ecosystem in the foreground until Ctrl-C: AA-1 on :7001, FIP-1 on :7002,
# FIP-2 on :7003, FIU-1 on :7004, each on embedded SQLite under ./data/<service>/ with its log
# in ./data/<service>/service.log. Identity files come from ./local (made on first run); each
# service reads its settings from crates/<service>/configuration (<PREFIX>_CONFIG_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/local-keys.sh
cargo build --release --quiet -p aa-service -p fip-service -p fiu-service -p aa-cli
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

start() { # name binary env...
  local name=$1 bin=$2; shift 2
  mkdir -p "data/$name"
  env "$@" "target/release/$bin" > "data/$name/service.log" 2>&1 &
  pids+=($!)
}
start aa-service aa-service AA_CONFIG_DIR=crates/aa-service/configuration AA__DATA_DIR=data/aa-service
start fip-service-FIP-1 fip-service FIP_CONFIG_DIR=crates/fip-service/configuration FIP__DATA_DIR=data/fip-service-FIP-1
start fip-service-FIP-2 fip-service FIP_CONFIG_DIR=crates/fip-service/configuration FIP__DATA_DIR=data/fip-service-FIP-2 FIP__SERVER__PORT=7003 \
  FIP__IDENTITY__ENTITY_ID=FIP-2 FIP__IDENTITY__SIGNING_KID=fip-2-sig \
  FIP__IDENTITY__SIGNING_KEY__FILE=local/keys/fip-2.pem FIP__SEED_FILE=seed/fip-2.yaml
start fiu-service fiu-service FIU_CONFIG_DIR=crates/fiu-service/configuration FIU__DATA_DIR=data/fiu-service

for port in 7001 7002 7003 7004; do
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null || { echo "service on :$port did not start; see data/*/service.log" >&2; exit 1; }
done
cat <<'TEXT'
Local ecosystem up: AA-1 :7001, FIP-1 :7002, FIP-2 :7003, FIU-1 :7004 (logs: data/*/service.log).
Walk the consent flow with target/release/aa (README, "Walking the consent flow by hand");
the FIU app token is local-fiu-app-token. Ctrl-C stops everything.
TEXT
wait
