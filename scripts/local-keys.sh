#!/usr/bin/env bash
# Creates the local ecosystem's identity files under ./local (once; existing files are kept):
# an RSA-2048 signing key per entity (AA-1, FIP-1, FIP-2, FIU-1), a token-issuer key that
# mints everyone's API keys (standing in for the Sahamati token service), and registry.yaml
# naming each entity's base URL and public key. Local use only: never deploy these keys.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p local/keys
key() {
  [ -f "local/keys/$1.pem" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "local/keys/$1.pem" 2>/dev/null
  openssl pkey -in "local/keys/$1.pem" -pubout -out "local/keys/$1.pub.pem" 2>/dev/null
}
for k in aa-1 fip-1 fip-2 fiu-1 issuer; do key "$k"; done
[ -f local/registry.yaml ] && exit 0
cat > local/registry.yaml <<'YAML'
# The local ecosystem (scripts/local-keys.sh). Format: docs/REGISTRY.md.
entities:
  - id: AA-1
    role: AA
    name: Local AA
    base_url: http://127.0.0.1:7001
    keys: [{ kid: aa-1-sig, pem_file: keys/aa-1.pub.pem }]
  - id: FIP-1
    role: FIP
    name: First Local Bank
    base_url: http://127.0.0.1:7002
    keys: [{ kid: fip-1-sig, pem_file: keys/fip-1.pub.pem }]
  - id: FIP-2
    role: FIP
    name: Second Local Bank
    base_url: http://127.0.0.1:7003
    keys: [{ kid: fip-2-sig, pem_file: keys/fip-2.pub.pem }]
  - id: FIU-1
    role: FIU
    name: Local Lender
    base_url: http://127.0.0.1:7004
    keys: [{ kid: fiu-1-sig, pem_file: keys/fiu-1.pub.pem }]
token_issuers:
  - id: local-token-service
    keys: [{ kid: local-tokens-1, pem_file: keys/issuer.pub.pem }]
YAML
echo "wrote local/registry.yaml and local/keys/" >&2
