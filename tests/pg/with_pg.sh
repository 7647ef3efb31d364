#!/usr/bin/env bash
# with_pg.sh CMD ARGS… — runs CMD with a private, throw-away PostgreSQL 15 server.
#
# The server lives in a fresh temp dir: a cluster made by initdb (owner zhida, UTF8, C.UTF-8
# collation, fsync on), listening on a unix socket in that dir only (no TCP port, so parallel
# runs cannot collide and nothing outside this machine can connect). CMD sees
#   ZHIDA_TEST_PG=postgresql:///zhida?host=DIR&user=zhida
# and this script exits with CMD's exit code, after stopping the server and deleting the dir.
# If the server cannot start, it exits with 97 (never runs CMD), so a test under it fails
# instead of being skipped. PostgreSQL refuses to run as root: as root the server runs as the
# `postgres` system user, in a dir owned by it; as another user it runs as that user.
set -euo pipefail

pg_bin=${ZHIDA_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ $# -eq 0 ]; then
  echo "usage: with_pg.sh CMD [ARGS…]" >&2
  exit 2
fi
if [ ! -x "$pg_bin/initdb" ]; then
  echo "with_pg.sh: no PostgreSQL 15 in $pg_bin (apt-get install postgresql)" >&2
  exit 97
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/zhida-pg.XXXXXX")
as_server=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as_server=(runuser -u postgres --)
fi

started=0
cleanup() {
  if [ "$started" = 1 ]; then
    "${as_server[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "with_pg.sh: $1" >&2
  [ -f "$dir/server.log" ] && tail -n 20 "$dir/server.log" >&2
  exit 97
}

# Trust on the socket is safe here: the dir is private (mode 0700) to the server's user.
"${as_server[@]}" "$pg_bin/initdb" -D "$dir/data" -U zhida -E UTF8 --locale=C.UTF-8 \
  --auth=trust >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; fail "initdb failed"; }
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
CONF
"${as_server[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
  >/dev/null 2>&1 || fail "the server did not start"
started=1
"$pg_bin/createdb" -h "$dir" -U zhida zhida || fail "createdb failed"

export ZHIDA_TEST_PG="postgresql:///zhida?host=$dir&user=zhida"
set +e
"$@"
rc=$?
set -e
exit "$rc"
