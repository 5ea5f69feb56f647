#!/bin/sh
# Load national-scale synthetic data into a scratch PostgreSQL database, verify the audit chain,
# report sizes, then drop the database. Usage (from the repository root):
#   benchmarks/national_load.sh [PERSONS]        (default 250000: ~100k cases, ~500k referrals)
# Needs a PostgreSQL server reachable as postgres@127.0.0.1 (override with PGHOST/PGUSER).
set -eu
PERSONS="${1:-250000}"
DB="${NATIONAL_DB:-himaya_national}"
PGHOST="${PGHOST:-127.0.0.1}"
PGUSER="${PGUSER:-postgres}"
WORK="$(mktemp -d)"
chmod 700 "$WORK"
export HIMAYA_ENV=demo
export DATABASE_URL="postgres://$PGUSER@$PGHOST:5432/$DB"
export HIMAYA_KEYRING_FILE="$WORK/keyring.json"
export HIMAYA_AUDIT_SIGNING_KEY_FILE="$WORK/audit-signing.key"
export HIMAYA_AUDIT_CHECKPOINT_DIR="$WORK/checkpoints"
PY=.venv/bin/python

cleanup() {
  dropdb -h "$PGHOST" -U "$PGUSER" --if-exists "$DB"
  rm -rf "$WORK"
}
trap cleanup EXIT

createdb -h "$PGHOST" -U "$PGUSER" "$DB"
$PY manage.py keys_init >/dev/null
$PY manage.py migrate -v0
start=$(date +%s)
$PY manage.py seed --scale national --persons "$PERSONS" --quiet-logins
echo "load: $(( $(date +%s) - start )) s"
start=$(date +%s)
$PY manage.py audit_verify
echo "verify: $(( $(date +%s) - start )) s"
psql -h "$PGHOST" -U "$PGUSER" -d "$DB" -c "SELECT pg_size_pretty(pg_database_size(current_database())) AS database" \
  -c "SELECT relname AS table, pg_size_pretty(pg_total_relation_size(relid)) AS size
      FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC LIMIT 8" \
  -c "SELECT (SELECT count(*) FROM people_person) AS people, (SELECT count(*) FROM cases_case) AS cases,
      (SELECT count(*) FROM referrals_referral) AS referrals, (SELECT count(*) FROM audit_auditevent) AS events"
