#!/usr/bin/env bash
# benchmarks/read_model.py on a throwaway PostgreSQL (scripts/postgres.sh), removed afterwards.
#   bash benchmarks/postgres.sh --alliances 1000 [--sweep] [--write benchmarks/RESULTS.md]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh
trap pg_stop EXIT
pg_start
"${PG_AS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres bench
.venv/bin/python benchmarks/read_model.py --url "${PG_URL%/postgres}/bench" "$@"
