#!/usr/bin/env bash
# Migrates a fresh database of each service (aa-service, fip-service, fiu-service) on SQLite and
# on PostgreSQL with the service's own `migrate` command, and writes each schema, normalised, to
# OUT_DIR/<service>.<sqlite|postgres>.txt: columns (type, nullability, default, key), indexes
# (unique, columns), foreign keys, and the migration names recorded. Two runs compare with
# `diff -r`, e.g. before and after a change to the migrations:
#   scripts/schema-dump.sh /tmp/before target/debug   # (binaries built from the old code)
#   scripts/schema-dump.sh /tmp/after && diff -r /tmp/before /tmp/after
# With DB_DIR set, the SQLite files are kept there and reused: a database migrated by one set
# of binaries is then migrated (and dumped) again by another.
# Needs sqlite3, psql and pg_dump; PostgreSQL at AA_TEST_POSTGRES_URL (default: the local
# trust-auth server).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: schema-dump.sh OUT_DIR [BIN_DIR]}
bin=$(realpath "${2:-target/debug}")
pg=${AA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sqlite_dump() { # db file
  sqlite3 "$1" <<'SQL'
.mode list
.separator " | "
SELECT 'table ' || m.name || ': ' || p.cid || ' ' || p.name || ' ' || p.type
       || CASE WHEN p."notnull" THEN ' NOT NULL' ELSE '' END
       || CASE WHEN p.dflt_value IS NOT NULL THEN ' DEFAULT ' || p.dflt_value ELSE '' END
       || CASE WHEN p.pk > 0 THEN ' PK' || p.pk ELSE '' END
       || CASE WHEN p.pk > 0 AND m.sql LIKE '%AUTOINCREMENT%' THEN ' AUTOINCREMENT' ELSE '' END
  FROM sqlite_master m, pragma_table_info(m.name) p
  WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid;
SELECT 'index ' || m.name || ': ' || il.name || CASE WHEN il."unique" THEN ' UNIQUE' ELSE '' END
       || ' (' || il.origin || ') ' || (SELECT group_concat(ii.name, ',')
          FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno) ii)
  FROM sqlite_master m, pragma_index_list(m.name) il
  WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, il.name;
SELECT 'foreign key ' || m.name || ': ' || f."from" || ' -> ' || f."table" || '(' || f."to"
       || ') ON UPDATE ' || f.on_update || ' ON DELETE ' || f.on_delete
  FROM sqlite_master m, pragma_foreign_key_list(m.name) f
  WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq;
SQL
}

migrations() { # table-name query-runner...
  local table=$1; shift
  "$@" "SELECT 'migration ' || version FROM $table ORDER BY version"
}

for service in aa-service fip-service fiu-service; do
  case $service in
    aa-service) prefix=AA history=seaql_migrations ;;
    fip-service) prefix=FIP history=seaql_migrations ;;
    fiu-service) prefix=FIU history=fiu_seaql_migrations ;;
  esac
  run() { # database-url
    env "${prefix}_CONFIG_DIR=crates/$service/configuration" "${prefix}__DATA_DIR=$work/$service" \
      "${prefix}__DATABASE__URL=$1" "$bin/$service" migrate >"$work/$service.log" 2>&1 \
      || { cat "$work/$service.log" >&2; exit 1; }
  }
  mkdir -p "$work/$service"
  file=${DB_DIR:+$DB_DIR/$service.db}
  file=${file:-$work/$service.db}
  run "sqlite://$file?mode=rwc"
  { sqlite_dump "$file"; migrations "$history" sqlite3 "$file"; } >"$out/$service.sqlite.txt"

  db="schema_dump_${service//-/_}"
  [ -n "${DB_DIR:-}" ] || psql "$pg/postgres" -qAtc "DROP DATABASE IF EXISTS $db" >/dev/null
  psql "$pg/postgres" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
    || psql "$pg/postgres" -qAtc "CREATE DATABASE $db" >/dev/null
  run "$pg/$db"
  { pg_dump -s --no-owner --no-privileges "$pg/$db" | grep -v -e '^--' -e '^SET ' -e '^$' \
      -e '^SELECT pg_catalog.set_config' -e '^\\\(un\)\?restrict '
    migrations "$history" psql "$pg/$db" -qAtc; } >"$out/$service.postgres.txt"
  [ -n "${DB_DIR:-}" ] || psql "$pg/postgres" -qAtc "DROP DATABASE $db" >/dev/null
done
echo "schemas in $out: $(ls "$out" | tr '\n' ' ')"
