#!/bin/bash
# PostgreSQL's first start (the official image's /docker-entrypoint-initdb.d hook): one
# database per role beside POSTGRES_DB (the AA's), all owned by POSTGRES_USER. Each service
# migrates its own database when it starts. Works sourced or executed.
set -euo pipefail
for db in fip_1 fip_2 fiu; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
        -c "CREATE DATABASE $db OWNER \"$POSTGRES_USER\""
done
