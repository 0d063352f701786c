#!/usr/bin/env bash
# The containers, verified for real (CI runs this from .ci/run; docs/OPERATIONS.md, "Deploying"):
# installs Docker's engine and Compose v1 from Debian's packages where missing and starts the
# daemon, builds stand-ins for the base images when no registry is reachable
# (scripts/docker/standins.sh), builds the runtime images from binaries built on the host, runs
# the compose ecosystem through scripts/docker/check_ecosystem.py (walkthrough, restart, data
# checks, down -v), and validates the Kubernetes manifests against the Kubernetes schemas.
#
# Binaries: $AA_DOCKER_BIN_DIR (default target/debug, which `cargo test --workspace` has built;
# debug symbols are stripped on the way into the image). A daemon this script started is
# stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
say() { echo "docker-test: $*"; }

if ! command -v docker >/dev/null || ! command -v docker-compose >/dev/null || ! command -v debootstrap >/dev/null; then
    say "installing docker.io, docker-compose and debootstrap from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose debootstrap >/dev/null
fi
dockerd_pid=""
stop_dockerd() {
    if [[ -n "$dockerd_pid" ]]; then
        kill "$dockerd_pid" 2>/dev/null || true
        wait "$dockerd_pid" 2>/dev/null || true
    fi
}
trap stop_dockerd EXIT
if ! docker info >/dev/null 2>&1; then
    say "starting dockerd"
    dockerd >/var/log/aa-dockerd.log 2>&1 &
    dockerd_pid=$!
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { tail -20 /var/log/aa-dockerd.log; exit 1; }
fi

bash scripts/docker/standins.sh

bin_dir="${AA_DOCKER_BIN_DIR:-target/debug}"
for binary in aa aa-service fip-service fiu-service; do
    [[ -x "$bin_dir/$binary" ]] || {
        say "$bin_dir/$binary is missing: cargo build --locked --bins (or set AA_DOCKER_BIN_DIR)"
        exit 1
    }
done
rm -rf target/docker-bin && mkdir -p target/docker-bin
for binary in aa aa-service fip-service fiu-service; do
    strip --strip-debug -o "target/docker-bin/$binary" "$bin_dir/$binary"
done
build_started=$SECONDS
build() {
    # Quiet unless it fails (the legacy builder also warns that it is deprecated, every time).
    docker build -q -f deploy/Dockerfile --build-arg BIN_DIR=target/docker-bin "$@" . >/tmp/aa-docker-build.log 2>&1 || {
        cat /tmp/aa-docker-build.log
        exit 1
    }
}
for service in aa-service fip-service fiu-service; do
    build --target service-prebuilt --build-arg "SERVICE=$service" -t "aa/$service:local"
done
build --target aa-prebuilt -t aa/aa:local
say "images built from $bin_dir in $((SECONDS - build_started)) s:"
for image in aa/aa-service aa/fip-service aa/fiu-service aa/aa debian:bookworm-slim postgres:15; do
    tag="$image"; [[ "$image" == aa/* ]] && tag="$image:local"
    bytes=$(docker image inspect -f '{{.Size}}' "$tag")
    printf 'docker-test:   %-22s %5d MB\n' "$tag" $((bytes / 1000000))
done
for image in aa-service fip-service fiu-service; do
    user=$(docker image inspect -f '{{.Config.User}}' "aa/$image:local")
    health=$(docker image inspect -f '{{join .Config.Healthcheck.Test " "}}' "aa/$image:local")
    [[ "$user" == "10001:10001" && "$health" == "CMD service health" ]] || {
        say "aa/$image:local runs as '$user' with healthcheck '$health'"
        exit 1
    }
done

python3 scripts/docker/check_ecosystem.py

bash scripts/kube-validate.sh
say "passed in $((SECONDS - started)) s"
