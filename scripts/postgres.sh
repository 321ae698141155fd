# Sourced by scripts/test: starts a throwaway PostgreSQL on 127.0.0.1.
# Sets PG_URL and registers pg_stop; data lives in a temporary directory removed on stop.
pg_install() {  # the package itself comes from scripts/system-packages
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
}

pg_start() {
  pg_install
  PGTMP=$(mktemp -d /tmp/alliance-pg.XXXXXX)
  chmod 755 "$PGTMP"
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PGTMP"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  "${as[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -s \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start
  PG_AS=("${as[@]}")
  PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
}

pg_stop() {
  if [ -n "${PGTMP:-}" ] && [ -d "$PGTMP/data" ]; then
    "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w -s stop || true
    rm -rf "$PGTMP"
  fi
}
