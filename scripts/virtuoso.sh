#!/usr/bin/env bash
# A private Virtuoso (Debian's virtuoso-opensource 7) for piagraph: tests, benchmarks, a team server.
#
#   scripts/virtuoso.sh install                      apt-get install virtuoso-opensource if virtuoso-t is absent
#   scripts/virtuoso.sh start DIR [SQL_PORT [HTTP_PORT [BUFFERS]]]
#                                                    write DIR/virtuoso.ini, start virtuoso-t +foreground in the
#                                                    background (pid in DIR/virtuoso.pid), wait until it answers,
#                                                    allow SPARQL Update; prints the endpoints
#   scripts/virtuoso.sh stop DIR                     stop the server started in DIR (checkpoint, then exit)
#   scripts/virtuoso.sh status DIR                   running or not, and the endpoints
#   scripts/virtuoso.sh isql DIR [SQL...]            run SQL through isql-vt as dba
#   scripts/virtuoso.sh load DIR FOLDER [PATTERN]    bulk-load *.nq files (ld_dir + rdf_loader_run + checkpoint)
#
# Ports default to 1111 (SQL) and 8890 (HTTP); both listen on 127.0.0.1 only. BUFFERS (8 KB pages, default
# 10000 = 80 MB) sizes the page cache: use about 2/3 of the RAM you give Virtuoso, e.g. 340000 for 4 GB.
# Endpoints: http://127.0.0.1:PORT/sparql (anonymous, may update: this is a private server on localhost) and
# /sparql-auth (HTTP digest, user dba, password $VIRTUOSO_DBA_PASSWORD or dba). The service of the Debian
# package does not start by itself in a container; this script does not touch it or /var/lib/virtuoso*.
set -euo pipefail

cmd="${1:-}"
[ -n "$cmd" ] || { sed -n '2,19p' "$0" >&2; exit 2; }
shift || true
password="${VIRTUOSO_DBA_PASSWORD:-dba}"

die() { echo "virtuoso.sh: $*" >&2; exit 1; }

find_vad() {
  for d in /usr/share/virtuoso-opensource-7/vad /usr/share/virtuoso/vad; do [ -d "$d" ] && { echo "$d"; return; }; done
  echo .
}

find_plugins() {
  for d in /usr/lib/x86_64-linux-gnu/virtuoso-opensource-7/hosting /usr/lib/virtuoso-opensource-7/hosting; do
    [ -d "$d" ] && { echo "$d"; return; }
  done
  echo .
}

ports_of() {  # DIR -> "SQL HTTP" from its ini
  local ini="$1/virtuoso.ini"
  [ -f "$ini" ] || die "no $ini (start a server in $1 first)"
  local sql http
  sql=$(awk -F'= *' '/^\[Parameters\]/{s=1} /^\[HTTPServer\]/{s=0} s && /^ServerPort/{print $2}' "$ini" | sed 's/.*://')
  http=$(awk -F'= *' '/^\[HTTPServer\]/{s=1} /^\[/{if($0!="[HTTPServer]")s=0} s && /^ServerPort/{print $2}' "$ini" |
    sed 's/.*://')
  echo "$sql $http"
}

isql() {  # DIR SQL...
  local dir="$1"; shift
  read -r sql _ < <(ports_of "$dir")
  command -v isql-vt >/dev/null || die "isql-vt not found (scripts/virtuoso.sh install)"
  isql-vt "127.0.0.1:$sql" dba "$password" "$@"
}

running() { [ -f "$1/virtuoso.pid" ] && kill -0 "$(cat "$1/virtuoso.pid")" 2>/dev/null; }

case "$cmd" in
install)
  if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
    echo "virtuoso: $(command -v virtuoso-t) present"; exit 0
  fi
  [ "$(id -u)" = 0 ] || die "virtuoso-opensource is missing; run 'scripts/virtuoso.sh install' as root"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
  # The package's post-install may start its own service on port 1111/8890: piagraph never uses it.
  command -v virtuoso-t >/dev/null || die "apt-get did not provide virtuoso-t"
  echo "virtuoso: installed $(command -v virtuoso-t)"
  ;;
start)
  dir="${1:?usage: start DIR [SQL_PORT [HTTP_PORT [BUFFERS]]]}"
  sql_port="${2:-1111}"; http_port="${3:-8890}"; buffers="${4:-10000}"
  command -v virtuoso-t >/dev/null || die "virtuoso-t not found (scripts/virtuoso.sh install)"
  mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
  running "$dir" && die "a server is already running in $dir (pid $(cat "$dir/virtuoso.pid"))"
  cat >"$dir/virtuoso.ini" <<EOF
; written by piagraph scripts/virtuoso.sh: a private server on 127.0.0.1
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:$sql_port
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 20
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., $dir, /tmp
VADInstallDir            = $dir/  ; empty: skips the 30 s Conductor install
NumberOfBuffers          = $buffers
MaxDirtyBuffers          = $((buffers * 3 / 4))
MaxQueryMem              = 1G
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 4
ThreadCleanupInterval    = 0
ResourcesCleanupInterval = 0

[HTTPServer]
ServerPort               = 127.0.0.1:$http_port
ServerRoot               = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections     = 10
ServerThreads            = 10
MaxKeepAlives            = 10
KeepAliveTimeout         = 10
Charset                  = UTF-8
EnabledGzipContent       = 0

[Client]
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT   = 0

[SPARQL]
ResultSetMaxRows           = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 600
MaxSortedTopRows           = 1000000
DefaultGraph               =

[Plugins]
LoadPath = $(find_plugins)
EOF
  rm -f "$dir/virtuoso.lck"
  ( cd "$dir" && exec virtuoso-t +foreground +configfile "$dir/virtuoso.ini" >"$dir/stdout.log" 2>&1 ) &
  echo $! >"$dir/virtuoso.pid"
  # A new database is created on first start (10-30 s on a slow machine); wait until SQL and HTTP answer.
  for _ in $(seq 1 240); do
    running "$dir" || { tail -20 "$dir/stdout.log" "$dir/virtuoso.log" >&2 2>/dev/null; die "virtuoso-t exited"; }
    if isql-vt "127.0.0.1:$sql_port" dba "$password" exec="status('');" >/dev/null 2>&1 &&
      curl -fsS -o /dev/null "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D" 2>/dev/null; then
      break
    fi
    sleep 0.5
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D" || die "no answer on $http_port"
  # Let the anonymous /sparql endpoint (user SPARQL) update and use the graph store protocol.
  isql "$dir" exec="grant SPARQL_UPDATE to \"SPARQL\"; grant execute on DB.DBA.SPARQL_INSERT_DICT_CONTENT to \"SPARQL\";
    grant execute on DB.DBA.SPARQL_DELETE_DICT_CONTENT to \"SPARQL\";
    DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);" >/dev/null
  echo "virtuoso: pid $(cat "$dir/virtuoso.pid"), SQL 127.0.0.1:$sql_port"
  echo "query/update endpoint: http://127.0.0.1:$http_port/sparql"
  echo "authenticated endpoint: http://127.0.0.1:$http_port/sparql-auth (digest, dba)"
  ;;
stop)
  dir="${1:?usage: stop DIR}"
  running "$dir" || { echo "virtuoso: not running in $dir"; rm -f "$dir/virtuoso.pid"; exit 0; }
  pid="$(cat "$dir/virtuoso.pid")"
  isql "$dir" exec="checkpoint; shutdown;" >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$dir/virtuoso.pid"
  echo "virtuoso: stopped"
  ;;
status)
  dir="${1:?usage: status DIR}"
  if running "$dir"; then
    read -r _ http < <(ports_of "$dir")
    echo "running (pid $(cat "$dir/virtuoso.pid")): http://127.0.0.1:$http/sparql"
  else
    echo "not running"; exit 1
  fi
  ;;
isql)
  dir="${1:?usage: isql DIR [SQL...]}"; shift
  isql "$dir" "$@"
  ;;
load)
  dir="${1:?usage: load DIR FOLDER [PATTERN]}"; folder="$(cd "${2:?FOLDER}" && pwd)"; pattern="${3:-*.nq}"
  # ld_dir takes the graph from each N-Quads line (the third argument is only the default graph).
  isql "$dir" exec="ld_dir('$folder', '$pattern', 'https://w3id.org/piagraph/graph/default');" >/dev/null
  isql "$dir" exec="rdf_loader_run();" >/dev/null
  isql "$dir" exec="checkpoint;" >/dev/null
  errors=$(isql "$dir" exec="SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;" |
    awk '$1 ~ /^[0-9]+$/ {print $1; exit}')
  [ "${errors:-0}" = 0 ] || die "$errors file(s) failed to load (see DB.DBA.LOAD_LIST.ll_error)"
  echo "virtuoso: loaded $folder/$pattern"
  ;;
*)
  die "unknown command $cmd (install | start | stop | status | isql | load)"
  ;;
esac
