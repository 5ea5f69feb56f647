#!/bin/sh
# The web benchmark at national scale: load synthetic national data into a scratch PostgreSQL
# database, run `himaya bench web` against it (gunicorn, production settings), then drop it.
# Usage (from the repository root):
#   benchmarks/web.sh [PERSONS] [bench web options…]   (default 250000 people: ~100k cases, ~550k referrals;
#                                                       2500000 for 10x national scale)
# Set KEEP_DB=1 to keep the database (and its keys in $WORK) for another run with REUSE_DB=1.
set -eu
PERSONS="${1:-250000}"
[ $# -gt 0 ] && shift
DB="${WEB_DB:-himaya_web_bench}"
PGHOST="${PGHOST:-127.0.0.1}"
PGUSER="${PGUSER:-postgres}"
WORK="${WORK:-$(mktemp -d)}"
chmod 700 "$WORK"
export HIMAYA_ENV=demo
export DATABASE_URL="postgres://$PGUSER@$PGHOST:5432/$DB"
export HIMAYA_KEYRING_FILE="$WORK/keyring.json"
export HIMAYA_AUDIT_SIGNING_KEY_FILE="$WORK/audit-signing.key"
export HIMAYA_AUDIT_CHECKPOINT_DIR="$WORK/checkpoints"
PY=.venv/bin/python

cleanup() {
  if [ "${KEEP_DB:-0}" = 1 ]; then
    echo "kept database $DB; keys in $WORK (rerun with REUSE_DB=1 WORK=$WORK)"
  else
    dropdb -h "$PGHOST" -U "$PGUSER" --if-exists "$DB"
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

if [ "${REUSE_DB:-0}" != 1 ]; then
  createdb -h "$PGHOST" -U "$PGUSER" "$DB"
  $PY manage.py keys_init >/dev/null
  $PY manage.py migrate -v0
  start=$(date +%s)
  $PY manage.py seed --scale national --persons "$PERSONS" --quiet-logins
  echo "load: $(( $(date +%s) - start )) s"
fi
$PY manage.py cases_summarise
$PY manage.py bench_web "$@"
