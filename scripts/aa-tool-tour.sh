#!/usr/bin/env bash
# A two-minute tour of the `aa` tool as an integrator uses it: an FIU and an FIP each generate FI keys,
# the FIP encrypts for the FIU, the FIU decrypts; then a body is signed and verified as
# x-jws-signature. Everything happens in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release -p aa-cli
aa=target/release/aa
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d'+sys.argv[2]), end='')" "$@"; }

for curve in X25519 Curve25519; do
  step "$curve: FIU and FIP generate ephemeral keys (aa fi keygen --curve $curve)"
  $aa fi keygen --curve "$curve" > "$work/fiu.json"
  $aa fi keygen --curve "$curve" > "$work/fip.json"
  field "$work/fiu.json" '["privateKey"]' > "$work/fiu.key"
  field "$work/fip.json" '["privateKey"]' > "$work/fip.key"
  field "$work/fiu.json" '["KeyMaterial"]["DHPublicKey"]["KeyValue"]' > "$work/fiu.pub"
  field "$work/fip.json" '["KeyMaterial"]["DHPublicKey"]["KeyValue"]' > "$work/fip.pub"
  fiu_nonce=$(field "$work/fiu.json" '["KeyMaterial"]["Nonce"]')
  fip_nonce=$(field "$work/fip.json" '["KeyMaterial"]["Nonce"]')
  echo "FIU KeyMaterial:"; python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['KeyMaterial'], indent=2))" "$work/fiu.json"

  step "$curve: the FIP encrypts an account for the FIU (aa fi encrypt)"
  printf '<Account type="deposit" maskedAccNumber="XXXXXXXX1234"/>' |
    $aa fi encrypt --private-key "@$work/fip.key" --nonce "$fip_nonce" \
      --remote-key "@$work/fiu.pub" --remote-nonce "$fiu_nonce" | tee "$work/ct"

  step "$curve: the FIU decrypts it (aa fi decrypt)"
  $aa fi decrypt --private-key "@$work/fiu.key" --nonce "$fiu_nonce" \
    --remote-key "@$work/fip.pub" --remote-nonce "$fip_nonce" < "$work/ct"
  echo
done

step "Sign a request body as x-jws-signature (aa jws sign) with a fresh RSA key"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/rsa.pem" 2>/dev/null
body='{"ver":"2.0.0","timestamp":"2024-01-01T10:00:00.000Z","txnid":"0b811819-9044-4856-b0ee-8c88035f8858"}'
sig=$(printf '%s' "$body" | $aa jws sign --key "@$work/rsa.pem" --kid demo-key)
echo "$sig"

step "Verify it (aa jws verify), then verify a tampered body (must fail)"
printf '%s' "$body" | $aa jws verify --key "@$work/rsa.pem" --signature "$sig"
if printf '%s' "${body/2.0.0/2.0.1}" | $aa jws verify --key "@$work/rsa.pem" --signature "$sig"; then
  echo "tampered body verified: this is a bug" >&2; exit 1
fi
echo "(refused, as it must be)"
