#!/usr/bin/env bash
# Builds local stand-ins for the two base images docker-compose.yml and deploy/Dockerfile name,
# for a machine that reaches no container registry (docs/OPERATIONS.md, "Stand-in images"):
#   debian:bookworm-slim  Debian 12 from `debootstrap --variant=minbase`, imported as an image
#   postgres:15           that image with Debian's postgresql-15 and an entrypoint honouring the
#                         official image's POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB /
#                         PGDATA and its /docker-entrypoint-initdb.d hook
# A tag that already exists is left alone (a real image pulled earlier wins). The debootstrap
# tree is cached as a tarball in $AA_DOCKER_CACHE (default /var/cache/aa-docker), so a rerun
# takes seconds. Needs root (debootstrap) and a Debian mirror over http.
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="${AA_DOCKER_CACHE:-/var/cache/aa-docker}"
MIRROR="${AA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_TAG=debian:bookworm-slim
POSTGRES_TAG=postgres:15

have() { docker image inspect "$1" >/dev/null 2>&1; }

if ! have "$DEBIAN_TAG"; then
    tarball="$CACHE/bookworm-minbase.tar"
    if [[ ! -s "$tarball" ]]; then
        mkdir -p "$CACHE"
        root="$(mktemp -d "$CACHE/rootfs.XXXXXX")"
        echo "standins: debootstrap bookworm (minbase) from $MIRROR"
        debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 || {
            tail -20 "$CACHE/debootstrap.log" >&2
            rm -rf "$root"
            exit 1
        }
        # What the official slim image also leaves out: package lists and caches.
        rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
        echo "deb $MIRROR bookworm main" >"$root/etc/apt/sources.list"
        tar -C "$root" -cf "$tarball.part" .
        mv "$tarball.part" "$tarball"
        rm -rf "$root"
    fi
    echo "standins: importing $DEBIAN_TAG"
    docker import --change 'CMD ["bash"]' "$tarball" "$DEBIAN_TAG" >/dev/null
fi

if ! have "$POSTGRES_TAG"; then
    echo "standins: building $POSTGRES_TAG from Debian's postgresql-15"
    docker build -q -t "$POSTGRES_TAG" scripts/docker/postgres-standin >/dev/null
fi
echo "standins: $DEBIAN_TAG and $POSTGRES_TAG ready"
