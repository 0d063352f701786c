#!/usr/bin/env bash
# Validates deploy/kubernetes/ offline: every resource against the Kubernetes schemas that the
# PyPI package kubernetes-validate ships (strict: an unknown field fails), a broken copy must
# fail the same validator, and scripts/docker/kube_policy.py checks what the schemas cannot
# (per role: 2 replicas, probes, resources, non-root, a migration Job, a PDB, TLS at the
# ingress, Secrets referenced and never committed).
set -euo pipefail
cd "$(dirname "$0")/.."
KUBE_VERSION="${KUBE_VERSION:-1.30.0}"
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "kubernetes-validate==1.37.0"
manifests=(deploy/kubernetes/*.yaml)
kubernetes-validate --strict --quiet -k "$KUBE_VERSION" "${manifests[@]}"
broken="$(mktemp --suffix=.yaml)"
trap 'rm -f "$broken"' EXIT
sed 's/replicas: 2/replicas: two/' deploy/kubernetes/aa-service.yaml >"$broken"
if kubernetes-validate --strict --quiet -k "$KUBE_VERSION" "$broken" >/dev/null 2>&1; then
    echo "kube-validate: the validator accepted a Deployment with replicas: two" >&2
    exit 1
fi
python3 scripts/docker/kube_policy.py "${manifests[@]}"
echo "kube-validate: ${#manifests[@]} files valid against Kubernetes $KUBE_VERSION (strict), policy checked"
