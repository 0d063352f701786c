#!/usr/bin/env python3
"""What the Kubernetes schemas cannot check in deploy/kubernetes/ (scripts/kube-validate.sh).

Per role file (aa-service, fip-service, fiu-service): a ConfigMap; a Deployment with 2 replicas,
readiness and liveness probes, requests and limits, a non-root read-only container and every
secret value by reference; a Service; a Job running `migrate`; a PodDisruptionBudget; an
Ingress with TLS. No file holds a Secret (values are the operator's, never the repository's).
"""

import sys

import yaml


def fail(path, message):
    raise SystemExit(f"kube-policy: {path}: {message}")


def check_container(path, kind, container, pod):
    security = container.get("securityContext", {})
    if not pod.get("securityContext", {}).get("runAsNonRoot"):
        fail(path, f"{kind}: the pod must run as non-root")
    if not security.get("readOnlyRootFilesystem") or security.get("allowPrivilegeEscalation") is not False:
        fail(path, f"{kind}: the container needs a read-only root and no privilege escalation")
    resources = container.get("resources", {})
    if not resources.get("requests") or not resources.get("limits"):
        fail(path, f"{kind}: the container needs requests and limits")
    for env in container.get("env", []):
        if "value" in env and any(w in env["name"] for w in ("KEY", "TOKEN", "PEPPER", "URL")):
            fail(path, f"{kind}: {env['name']} must come from a Secret, not a value")


def check(path):
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    kinds = {}
    for doc in docs:
        if doc["kind"] == "Secret":
            fail(path, "a Secret is committed: reference it, the operator creates it")
        kinds.setdefault(doc["kind"], []).append(doc)
    if path.endswith("namespace.yaml"):
        return
    for kind in ("ConfigMap", "Deployment", "Service", "Job", "PodDisruptionBudget", "Ingress"):
        if len(kinds.get(kind, [])) != 1:
            fail(path, f"needs exactly one {kind}")
    deployment = kinds["Deployment"][0]
    if deployment["spec"]["replicas"] != 2:
        fail(path, "the Deployment runs 2 replicas")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    for probe, where in (("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live")):
        if container.get(probe, {}).get("httpGet", {}).get("path") != where:
            fail(path, f"{probe} must ask {where}")
    check_container(path, "Deployment", container, pod)
    job = kinds["Job"][0]["spec"]["template"]["spec"]
    (migrate,) = job["containers"]
    if migrate.get("args") != ["migrate"] or migrate["image"] != container["image"]:
        fail(path, "the Job runs `migrate` of the Deployment's image")
    check_container(path, "Job", migrate, job)
    if not kinds["Ingress"][0]["spec"].get("tls"):
        fail(path, "the Ingress terminates TLS")
    selector = kinds["PodDisruptionBudget"][0]["spec"]["selector"]["matchLabels"]
    if selector != deployment["spec"]["selector"]["matchLabels"]:
        fail(path, "the PodDisruptionBudget selects the Deployment's pods")


def main(paths):
    roles = {p.rsplit("/", 1)[-1] for p in paths}
    for role in ("aa-service.yaml", "fip-service.yaml", "fiu-service.yaml"):
        if role not in roles:
            raise SystemExit(f"kube-policy: deploy/kubernetes/{role} is missing")
    for path in paths:
        check(path)


if __name__ == "__main__":
    main(sys.argv[1:])
