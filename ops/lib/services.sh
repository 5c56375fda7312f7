#!/usr/bin/env bash
# Sourced by ops/run, ops/test and .ci/run: makes sure Postgres and NATS (JetStream) answer at
# DATABASE_URL / NATS_URL, reusing running servers or starting private ones under ./var.
set -euo pipefail

OPS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VAR_DIR="$OPS_ROOT/var"

say() { printf '[ops] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }
is_local() { [[ $1 == localhost || $1 == 127.* || $1 == ::1 ]]; }

# _parse_url URL DEFAULT_PORT: sets U_USER U_PASS U_HOST U_PORT U_PATH (scheme://[user[:pass]@]host[:port][/path][?query]).
_parse_url() {
  local rest=${1#*://} hostport auth=
  hostport=${rest%%/*}
  if [[ $hostport == *@* ]]; then auth=${hostport%@*}; hostport=${hostport##*@}; fi
  U_USER=${auth%%:*}
  U_PASS=; [[ $auth == *:* ]] && U_PASS=${auth#*:}
  U_HOST=$hostport U_PORT=$2
  [[ $hostport == *:* ]] && { U_HOST=${hostport%:*}; U_PORT=${hostport##*:}; }
  U_HOST=${U_HOST:-127.0.0.1}
  U_PATH=; [[ $rest == */* ]] && U_PATH=${rest#*/}
  U_PATH=${U_PATH%%\?*}
}

# True if something accepts TCP connections on HOST PORT.
_port_open() { timeout 2 bash -c '</dev/tcp/$0/$1' "$1" "$2" 2>/dev/null; }

# Run a libpq client tool (psql, createdb, dropdb, ...) against the server of DATABASE_URL.
pg_cmd() {
  local tool=$1; shift
  PGPASSWORD="${PG_PASS:-${PGPASSWORD:-}}" "$tool" -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"
}

# _apt_install PKG WHAT [HINT]: install a Debian package when root with apt-get; else say what to install and exit.
_apt_install() {
  local pkg=$1 what=$2 hint=${3:-}
  if ! is_root || ! command -v apt-get >/dev/null; then
    die "$what not found. Install it (Debian/Ubuntu: sudo apt-get install $pkg${hint:+; $hint}) and re-run."
  fi
  say "$what not found: running apt-get install -y $pkg"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "$pkg" >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q "$pkg" >/dev/null; }
}

# Directory holding initdb/pg_ctl: the version of an existing ./var/pg, else PATH, else the newest /usr/lib/postgresql/*/bin.
_pg_bindir() {
  local d ver=
  [[ -f $VAR_DIR/pg/PG_VERSION ]] && ver=$(<"$VAR_DIR/pg/PG_VERSION")
  if [[ -n $ver && -x /usr/lib/postgresql/$ver/bin/initdb ]]; then echo "/usr/lib/postgresql/$ver/bin"; return; fi
  if d=$(command -v initdb) && command -v pg_ctl >/dev/null; then dirname "$(readlink -f "$d")"; return; fi
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]] && echo "$d"
}

# Run a command as the postgres OS user when we are root (postgres refuses to run as root).
_as_pg() { if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

_pg_install() {
  local before after c
  before=$(pg_lsclusters -h 2>/dev/null || true)
  _apt_install postgresql "PostgreSQL (initdb, pg_ctl, pg_isready, psql, createdb)"
  # Debian creates and starts a password-protected "main" cluster; stop it and keep it from autostarting.
  after=$(pg_lsclusters -h 2>/dev/null || true)
  while read -r ver name _; do
    [[ -n $ver ]] && ! grep -q "^$ver $name " <<<"$before" || continue
    say "stopping the 'main' cluster apt just created (start it with: pg_ctlcluster $ver $name start)"
    pg_ctlcluster "$ver" "$name" stop 2>/dev/null || true
    echo manual >"/etc/postgresql/$ver/$name/start.conf"
  done <<<"$after"
}

_pg_start_private() {
  local bin data=$VAR_DIR/pg log=$VAR_DIR/pg.log
  is_local "$PG_HOST" || die "Postgres at $PG_HOST:$PG_PORT does not answer (not a local address, so no private one is started)"
  bin=$(_pg_bindir) || { _pg_install; bin=$(_pg_bindir) || die "no initdb/pg_ctl found even after installing postgresql"; }
  mkdir -p "$data" && touch "$log"
  if is_root; then
    id postgres &>/dev/null || useradd -r -s /usr/sbin/nologin postgres
    [[ $(stat -c %U "$data") == postgres ]] || chown -R postgres: "$data"
    chown postgres: "$log"
    runuser -u postgres -- test -w "$data" ||
      die "the postgres user cannot reach $data; make its parent directories world-executable or run as a normal user"
  fi
  if [[ ! -f $data/PG_VERSION ]]; then
    _as_pg "$bin/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-locale >>"$log" 2>&1 ||
      { tail -n 20 "$log" >&2; die "initdb failed (see ./var/pg.log)"; }
  fi
  # A private cluster still running on another port: restart it on ours.
  _as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 && _as_pg "$bin/pg_ctl" -D "$data" stop -m fast >/dev/null
  _as_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-c listen_addresses='$PG_HOST' -c port=$PG_PORT -k '$data'" start >/dev/null ||
    { tail -n 20 "$log" >&2; die "could not start the private Postgres (see ./var/pg.log)"; }
  if [[ $PG_USER != postgres ]]; then
    PG_USER=postgres pg_cmd psql -d postgres -qtAc \
      "do \$\$ begin if not exists (select from pg_roles where rolname = '${PG_USER//\'/\'\'}') then
         create role \"$PG_USER\" login superuser; end if; end \$\$"
  fi
  say "postgres: started private cluster on $PG_HOST:$PG_PORT under ./var/pg (log ./var/pg.log)"
}

ensure_postgres() {
  _parse_url "$DATABASE_URL" 5432
  PG_USER=${U_USER:-postgres} PG_PASS=$U_PASS PG_HOST=$U_HOST PG_PORT=$U_PORT PG_DB=$U_PATH
  [[ -n $PG_DB ]] || die "DATABASE_URL has no database name: $DATABASE_URL"
  local bin exists
  # Debian keeps the client tools of every version in /usr/lib/postgresql/*/bin too.
  if bin=$(_pg_bindir); then PATH="$PATH:$bin"; fi
  command -v psql >/dev/null && command -v pg_isready >/dev/null || _pg_install
  if bin=$(_pg_bindir); then PATH="$PATH:$bin"; fi

  if pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3; then
    say "postgres: reusing server at $PG_HOST:$PG_PORT"
  else
    _pg_start_private
  fi

  exists=$(pg_cmd psql -d postgres -tAc "select 1 from pg_database where datname = '${PG_DB//\'/\'\'}'")
  if [[ $exists != 1 ]]; then
    pg_cmd createdb "$PG_DB"
    say "postgres: created database $PG_DB"
  fi
}

ensure_nats() {
  _parse_url "${NATS_URL%%,*}" 4222
  NATS_HOST=$U_HOST NATS_PORT=$U_PORT
  local info i nats run=()
  if _port_open "$NATS_HOST" "$NATS_PORT"; then
    info=$(timeout 2 bash -c 'exec 3<>/dev/tcp/$0/$1; IFS= read -r l <&3; echo "$l"' "$NATS_HOST" "$NATS_PORT" 2>/dev/null || true)
    [[ $info == *'"jetstream":true'* ]] || say "warning: NATS at $NATS_HOST:$NATS_PORT does not report JetStream enabled"
    say "nats: reusing server at $NATS_HOST:$NATS_PORT"
    return
  fi
  is_local "$NATS_HOST" || die "NATS at $NATS_HOST:$NATS_PORT does not answer (not a local address, so no private one is started)"
  nats=$(command -v nats-server || command -v /usr/sbin/nats-server) || {
    _apt_install nats-server nats-server "or a binary from https://github.com/nats-io/nats-server/releases"
    # The package's systemd unit starts a non-JetStream server on 4222; we run our own.
    [[ -d /run/systemd/system ]] && { systemctl disable --now nats-server 2>/dev/null || true; }
    nats=$(command -v nats-server || command -v /usr/sbin/nats-server)
  }
  mkdir -p "$VAR_DIR/nats"
  command -v setsid >/dev/null && run=(setsid)   # own session: Ctrl-C on ops/run must not kill it
  nohup "${run[@]}" "$nats" -a "$NATS_HOST" -p "$NATS_PORT" -js -sd "$VAR_DIR/nats" -P "$VAR_DIR/nats.pid" \
    >>"$VAR_DIR/nats.log" 2>&1 </dev/null &
  for i in {1..50}; do _port_open "$NATS_HOST" "$NATS_PORT" && break; sleep 0.2; done
  _port_open "$NATS_HOST" "$NATS_PORT" || { tail -n 20 "$VAR_DIR/nats.log" >&2; die "private nats-server did not come up (see ./var/nats.log)"; }
  say "nats: started private nats-server (JetStream) on $NATS_HOST:$NATS_PORT under ./var/nats (log ./var/nats.log)"
}

ensure_services() {
  export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fundadmin}
  export NATS_URL=${NATS_URL:-nats://127.0.0.1:4222}
  ensure_postgres
  ensure_nats
}

# Stop the private Postgres/NATS under ./var (never touches servers this script did not start).
stop_private_services() {
  local bin pid
  if [[ -f $VAR_DIR/pg/postmaster.pid ]] && bin=$(_pg_bindir); then
    _as_pg "$bin/pg_ctl" -D "$VAR_DIR/pg" stop -m fast >/dev/null && say "postgres: stopped private cluster"
  fi
  if [[ -f $VAR_DIR/nats.pid ]]; then
    pid=$(<"$VAR_DIR/nats.pid")
    if [[ $(ps -o comm= -p "$pid" 2>/dev/null) == nats-server ]]; then
      kill "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
      say "nats: stopped private nats-server"
    fi
    rm -f "$VAR_DIR/nats.pid"
  fi
}

ensure_rust_toolchain() {
  command -v cargo >/dev/null || PATH="$HOME/.cargo/bin:$PATH"
  command -v cargo >/dev/null ||
    die "cargo not found. Install Rust with: curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh"
}
