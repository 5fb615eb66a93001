#!/bin/sh
# Runs once, when the Postgres volume is first initialised (docker-entrypoint-initdb.d): the audit
# service's own login role. It owns nothing; the audit service's migrations, run as the owner
# (DATABASE_OWNER_URL), grant it INSERT and SELECT on the evidence and nothing that could rewrite it.
set -eu
psql -v ON_ERROR_STOP=1 -v password="$JIT_AUDIT_DATABASE_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE jit_audit LOGIN PASSWORD :'password';
SQL
