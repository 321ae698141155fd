#!/usr/bin/env bash
# benchmarks/dashboard_load.py on a throwaway PostgreSQL (scripts/postgres.sh), removed afterwards.
#   bash benchmarks/dashboard_load.sh [--alliances 30] [--workers 2] [--clients 32]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh
trap pg_stop EXIT
pg_start
"${PG_AS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres bench
.venv/bin/python benchmarks/dashboard_load.py --url "${PG_URL%/postgres}/bench" "$@"
