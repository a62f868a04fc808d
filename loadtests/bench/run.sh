#!/usr/bin/env bash
# Side-by-side benchmark (issue 10): a bare Vert.x 5 server, a Slack Bolt for Java ack-only app,
# Switchboard (embedded default) and, on request, Switchboard split into one gateway and two executor
# processes on an external PostgreSQL, one after another, driven by wrk with the same signed slash
# commands (a unique trigger_id each), load pinned to one core and the server (with its PostgreSQL) to
# the other. Prints one table and writes it to loadtests/target/bench/results.md. Asserts nothing.
#
#   loadtests/bench/run.sh            # full protocol: 10 s warm-up, 20 s measured, 3 interleaved rounds, medians
#   loadtests/bench/run.sh --quick    # 1 round, 8 s warm-up after each server start and 2 s before the other
#                                     # runs, 4 s measured, help and echo only (under 2 minutes once built)
#
# Options (after --quick they override it): --rounds N, --warmup S, --first-warmup S, --duration S, --connections "16 64",
# --servers "bare bolt switchboard" (and switchboard-split: one gateway and two executors on an
# external PostgreSQL), --paths "help policy echo ratelimit" (and neighbour: a second tenant's p99
# alone and beside the demo tenant's floods), --rebuild (rebuild the jar), --jar PATH.
# See loadtests/README.md ("Side-by-side bench").
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOADTESTS="$(dirname "$HERE")"
ROOT="$(dirname "$LOADTESTS")"
OUT="$LOADTESTS/target/bench"

ROUNDS=3
WARMUP=10
FIRST_WARMUP=  # warm-up of the first run after a server starts (its JIT is cold); default: WARMUP
DURATION=20
CONNECTIONS="16 64"
SERVERS="bare bolt switchboard"
PATHS="help policy echo ratelimit"
REBUILD=no
MODE=full
JAR="$ROOT/deploy/target/switchboard.jar"
LOAD_CPU="${BENCH_LOAD_CPU:-0}"
SERVER_CPU="${BENCH_SERVER_CPU:-1}"
WRK_THREADS="${BENCH_WRK_THREADS:-1}"
# Sizing of the request files. A durable (echo) run needs every request unique within the server's
# life: the file holds (warm-up + measured seconds) x this rate, and the run reports "wrapped" if wrk
# sent more than that. Other paths may repeat a trigger id (nothing is recorded for them), so they
# cycle through a fixed set, which keeps wrk's LuaJIT heap small (~40 MB for 100k requests).
DURABLE_MAX_RATE="${BENCH_DURABLE_MAX_RATE:-2000}"
CYCLE_SIZE="${BENCH_CYCLE_SIZE:-50000}"

PORT_BARE="${BENCH_PORT_BARE:-18081}"
PORT_BOLT="${BENCH_PORT_BOLT:-18082}"
PORT_SB="${BENCH_PORT_SWITCHBOARD:-18080}"
PORT_SINK="${BENCH_PORT_SINK:-18099}"
SPLIT_PG_INFO=""
# switchboard-split: its PostgreSQL, the two executors' HTTP ports (health, metrics), the first of
# three event bus ports and the first of three Hazelcast ports (gateway, executor 1, executor 2).
# The gateway listens on BENCH_PORT_SWITCHBOARD.
PORT_POSTGRES="${BENCH_PORT_POSTGRES:-18090}"
PORTS_EXECUTORS="${BENCH_PORT_EXECUTORS:-18091 18092}"
PORT_EVENTBUS="${BENCH_PORT_EVENTBUS:-18093}"
PORT_CLUSTER="${BENCH_PORT_CLUSTER:-18701}"
SECRET="bench-signing-secret-$(date +%s)"
ADMIN_TOKEN="sbt_bench_$(date +%s)"
OPERATOR_TOKEN="sbo_bench_$(date +%s)_operator"
# How many of the demo tenant's jobs run at once (the product default, 4, unless set) and the
# executor's concurrency (the product default, 8, unless set): raise both to see what the executors
# can drain rather than what one tenant's cap allows.
MAX_RUNNING_JOBS="${BENCH_MAX_RUNNING_JOBS:-}"
EXECUTOR_CONCURRENCY="${BENCH_EXECUTOR_CONCURRENCY:-8}"
# Channels the commands are spread over (1: all in one). Each channel's results are paced to one post
# a second (many become a digest), as Slack asks; spread a durable flood to measure more than that.
CHANNELS="${BENCH_CHANNELS:-1}"
# How often Switchboard's executors refresh the queue gauges (depth and the oldest waiting job's age,
# which the bench reads once a second during each durable run); the product's default is 5000.
GAUGE_MILLIS="${BENCH_GAUGE_MILLIS:-1000}"
# JVM options for Switchboard's process (split on spaces), e.g. a JFR recording to profile it.
SERVER_JVM_ARGS="${BENCH_SERVER_JVM_ARGS:-}"
TEAM=T0DEMO
# The noisy-neighbour path: a second tenant (its own Slack workspace and signing secret) sends
# this many durable commands a second, alone and then beside the demo tenant's floods.
QUIET_RATE="${BENCH_QUIET_RATE:-10}"
QUIET_SECRET="bench-quiet-secret-$(date +%s)"
QUIET_TOKEN=""

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE=quick; ROUNDS=1; FIRST_WARMUP=8; WARMUP=2; DURATION=4; PATHS="help echo"; CYCLE_SIZE="${BENCH_CYCLE_SIZE:-20000}" ;;
    --rounds) ROUNDS="$2"; CHANGED=yes; shift ;;
    --warmup) WARMUP="$2"; FIRST_WARMUP="$2"; CHANGED=yes; shift ;;
    --first-warmup) FIRST_WARMUP="$2"; CHANGED=yes; shift ;;
    --duration) DURATION="$2"; CHANGED=yes; shift ;;
    --connections) CONNECTIONS="$2"; CHANGED=yes; shift ;;
    --servers) SERVERS="$2"; CHANGED=yes; shift ;;
    --paths) PATHS="$2"; CHANGED=yes; shift ;;
    --rebuild) REBUILD=yes ;;
    --jar) JAR="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

FIRST_WARMUP="${FIRST_WARMUP:-$WARMUP}"
COLD=no
MEASURED_PIDS=""  # the server under test's processes (with their descendants), for CPU per request
if [ "${CHANGED:-no}" = yes ]; then MODE="$MODE, options changed"; fi

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
die() { echo "bench: ERROR: $*" >&2; exit 1; }

# ------------------------------------------------------------------ prerequisites

command -v wrk >/dev/null || die "wrk is not installed. It is the load generator: install it with 'apt-get install -y wrk' (Debian's package) and run again."
command -v taskset >/dev/null || die "taskset is missing (Debian package util-linux): load and server are pinned to separate cores with it."
command -v curl >/dev/null || die "curl is missing: it is used to probe the servers (apt-get install -y curl)."
command -v java >/dev/null || die "java is missing (Java 17)."
command -v mvn >/dev/null || die "mvn is missing: the bench peers are built with Maven."
CPUS=$(nproc --all)
[ "$CPUS" -ge 2 ] || die "this bench pins load and server to separate cores and needs at least 2 CPUs (found $CPUS)."

mkdir -p "$OUT/logs" "$OUT/requests"
RAW="$OUT/raw.tsv"
DRAIN="$OUT/drain.tsv"
JOBS="$OUT/jobs.tsv"
NEIGHBOUR="$OUT/neighbour.tsv"
printf 'round\tserver\tphase\tflood_rps\tflood_queued\tsent\taccepted\trefused\terrors\tp50_ms\tp99_ms\tmax_ms\tjobs\tdone_p50_ms\tdone_p99_ms\tunfinished\n' > "$NEIGHBOUR"
printf 'round\tserver\tconnections\tbacklog\tseconds\tleft\n' > "$DRAIN"
printf 'round\tserver\tconnections\tqueued\tdone\tseconds\toldest_max_s\toldest_last_s\tsamples\n' > "$JOBS"
printf 'round\tserver\tpath\tconnections\trps\tp50_ms\tp99_ms\tresponses\tsent\tunique\twrapped\terrors\tcheck\tload1\tload_cpu_busy\tserver_cpu_busy\tserver_cpu_us_per_request\n' > "$RAW"

# ------------------------------------------------------------------ processes we start (and only those)

STARTED_PIDS=()
# forget_pid PID: once stopped, a pid is not ours any more (it may be reused by someone else's process).
forget_pid() {
  local kept=() p
  for p in "${STARTED_PIDS[@]:-}"; do [ -n "$p" ] && [ "$p" != "$1" ] && kept+=("$p"); done
  STARTED_PIDS=("${kept[@]:-}")
}
stop_pid() {
  local pid="$1" name="$2" waited=0
  forget_pid "$pid"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 60 ]; do sleep 0.5; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) did not stop within 30 s of SIGTERM: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local i pid pids=("${STARTED_PIDS[@]:-}")
  if [ -n "${SAMPLER_STOP:-}" ]; then touch "$SAMPLER_STOP"; fi
  # Last started first: Switchboard's processes before the PostgreSQL they use, the sink last.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid="${pids[$i]}"
    [ -n "$pid" ] && stop_pid "$pid" "process"
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ builds

BENCH_CP_FILE="$HERE/target/classpath.txt"
if [ ! -f "$BENCH_CP_FILE" ] || [ -n "$(find "$HERE/src" "$HERE/pom.xml" -newer "$BENCH_CP_FILE" 2>/dev/null | head -1)" ]; then
  log "building the bench peers (loadtests/bench/pom.xml: compile dependency:build-classpath)"
  mvn -q -f "$HERE/pom.xml" compile dependency:build-classpath -Dmdep.outputFile="$BENCH_CP_FILE" \
    || die "building loadtests/bench failed (see Maven's output above)"
  touch "$BENCH_CP_FILE" # build-classpath leaves the file alone when the class path did not change
fi
BENCH_CP="$HERE/target/classes:$(cat "$BENCH_CP_FILE")"

case " $SERVERS " in
  *" switchboard "*|*" switchboard-split "*)
    if [ "$REBUILD" = yes ] || [ ! -f "$JAR" ]; then
      log "building $JAR (mvn -q -DskipTests package -pl deploy -am, from the repository root)"
      (cd "$ROOT" && mvn -q -DskipTests package -pl deploy -am) || die "building the Switchboard jar failed"
    fi
    [ -f "$JAR" ] || die "the Switchboard jar $JAR does not exist"
    ;;
esac

# ------------------------------------------------------------------ helpers

load1() { cut -d' ' -f1 /proc/loadavg; }

# cpu_ticks N: "busy total" jiffies of CPU N from /proc/stat (busy = everything but idle and iowait).
cpu_ticks() {
  awk -v cpu="cpu$1" '$1 == cpu { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}
# process_ticks PID...: CPU jiffies (user + system, with reaped children's) of the processes and all their
# descendants: the server under test with its embedded PostgreSQL. Divided by the responses of a measured
# run it gives CPU per request, a figure that other work on the machine disturbs far less than req/s.
process_ticks() {
  local pids="$*" all="" next
  while [ -n "$pids" ]; do
    all="$all $pids"
    next=""
    for pid in $pids; do next="$next $(pgrep -P "$pid" | tr '\n' ' ')"; done
    pids="$(echo $next)"
  done
  local total=0 pid
  for pid in $all; do
    total=$((total + $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pid/stat" 2> /dev/null || echo 0)))
  done
  echo "$total"
}
# cpu_us_per_request TICKS0 TICKS1 RESPONSES: CPU microseconds per response ("-" without responses).
cpu_us_per_request() {
  awk -v t0="$1" -v t1="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n > 0) printf "%d", (t1 - t0) * 1000000 / hz / n; else printf "-" }'
}
busy_percent() { # busy_percent "BUSY0 TOTAL0" "BUSY1 TOTAL1"
  echo "$1 $2" | awk '{ dt = $4 - $2; printf "%d", (dt > 0 ? 100 * ($3 - $1) / dt : 0) }'
}

# wait_http NAME PID URL SECONDS [METHOD]: until the URL answers (any status for POST; 200 for GET).
wait_http() {
  local name="$1" pid="$2" url="$3" seconds="$4" method="${5:-POST}" log_file="$6" code
  local deadline=$((SECONDS + seconds))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$log_file" >&2 || true
      die "$name exited before it answered on $url (log: $log_file, last lines above)"
    fi
    code=$(curl -s -o /dev/null -w '%{http_code}' -X "$method" --max-time 2 "$url" || true)
    if [ "$method" = GET ] && [ "$code" = 200 ]; then return 0; fi
    if [ "$method" = POST ] && [ -n "$code" ] && [ "$code" != 000 ]; then return 0; fi
    sleep 0.5
  done
  tail -n 40 "$log_file" >&2 || true
  die "$name did not come up on $url within $seconds s (log: $log_file, last lines above)"
}

# generate FILE COUNT PREFIX TEXT: signed requests, timestamps "now".
generate() {
  BENCH_SIGNING_SECRET="$SECRET" taskset -c "$LOAD_CPU" java -XX:TieredStopAtLevel=1 -cp "$HERE/target/classes" \
    io.switchboard.bench.SignedRequests out="$1" count="$2" prefix="$3" text="$4" team="$TEAM" channels="$CHANNELS" \
    responseUrl="http://127.0.0.1:$PORT_SINK/reply/bench" \
    || die "generating signed requests failed"
}

# probe URL FILE: sends the file's first request with curl and prints the answer (status and body).
probe() {
  local url="$1" file="$2" ts sig body
  IFS=$'\t' read -r ts sig body < "$file"
  curl -s -w ' [HTTP %{http_code}]' --max-time 10 -X POST "$url" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    -H "X-Slack-Request-Timestamp: $ts" -H "X-Slack-Signature: $sig" --data-binary "$body" || echo "[no answer]"
}

# probe_forged URL FILE: the file's first request with one byte of the body changed; prints the HTTP status.
probe_forged() {
  local url="$1" file="$2" ts sig body
  IFS=$'\t' read -r ts sig body < "$file"
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "$url" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    -H "X-Slack-Request-Timestamp: $ts" -H "X-Slack-Signature: $sig" --data-binary "${body/team_domain=bench/team_domain=bencH}" || echo 000
}

# wrk_run FILE FIRST LAST CONNS SECONDS URL: prints wrk's BENCH_RESULT line.
wrk_run() {
  BENCH_REQUESTS="$1" BENCH_FIRST="$2" BENCH_LAST="$3" BENCH_THREADS="$WRK_THREADS" \
    taskset -c "$LOAD_CPU" wrk -t"$WRK_THREADS" -c"$4" -d"$5"s --timeout 10s --latency -s "$HERE/bench.lua" "$6" \
    > "$OUT/logs/wrk-last.txt" 2>&1 || { cat "$OUT/logs/wrk-last.txt" >&2; die "wrk failed against $6"; }
  grep '^BENCH_RESULT ' "$OUT/logs/wrk-last.txt" | tail -1
}

field() { # field LINE KEY
  local kv
  for kv in $1; do
    case "$kv" in "$2="*) echo "${kv#*=}"; return ;; esac
  done
}

metric_sum() { # metric_sum "URL ..." NAME_REGEX: sums every series of the Prometheus metric whose line matches, over the URLs
  local url
  for url in $1; do curl -s --max-time 10 "$url"; done \
    | awk -v re="$2" '$0 !~ /^#/ && $1 ~ re { s += $NF } END { printf "%d", s }'
}

# oldest_age: the oldest waiting job's age in seconds (switchboard_jobs_queue_oldest_age_seconds), the
# largest any executor reports (each reads the same queue, refreshed on its own timer, GAUGE_MILLIS); "-" when
# none reports it (a jar from before the gauge).
oldest_age() {
  local url
  for url in $JOB_METRICS_URLS; do curl -s --max-time 2 "$url"; done \
    | awk 'BEGIN { m = 0 } $1 ~ /^switchboard_jobs_queue_oldest_age_seconds/ { found = 1; if ($NF + 0 > m) m = $NF + 0 }
           END { if (found) printf "%.1f", m; else printf "-" }'
}

# sample_oldest FILE STOP_FILE: appends oldest_age to FILE once a second until STOP_FILE exists.
sample_oldest() {
  while [ ! -e "$2" ]; do
    { oldest_age || true; echo; } >> "$1"
    sleep 1
  done
}

# start_sampler: samples the oldest waiting job's age in the background, on the load core; sets SAMPLER_PID.
start_sampler() {
  SAMPLER_FILE="$OUT/logs/oldest-samples.txt"; SAMPLER_STOP="$OUT/logs/oldest-samples.stop"
  rm -f "$SAMPLER_STOP"; : > "$SAMPLER_FILE"
  sample_oldest "$SAMPLER_FILE" "$SAMPLER_STOP" &
  SAMPLER_PID=$!; STARTED_PIDS+=("$SAMPLER_PID")
  taskset -p -c "$LOAD_CPU" "$SAMPLER_PID" > /dev/null || true
}

# stop_sampler: ends the sampling; prints "MAX LAST SAMPLES" (seconds; "-" when nothing was read).
stop_sampler() {
  touch "$SAMPLER_STOP"
  wait "$SAMPLER_PID" 2>/dev/null || true
  forget_pid "$SAMPLER_PID"
  awk '$1 != "" && $1 != "-" { n++; last = $1; if (n == 1 || $1 + 0 > m) m = $1 + 0 }
       END { if (n) printf "%.1f %s %d", m, last, n; else printf "- - 0" }' "$SAMPLER_FILE"
}

# measure ROUND SERVER PATH CONNS URL TEXT UNIQUE_ALL(yes/no) CHECK_FN
#   warm-up then measured run with fresh signed requests; appends a row to raw.tsv.
measure() {
  local round="$1" server="$2" path="$3" conns="$4" url="$5" text="$6" unique_all="$7" check_fn="$8"
  local file="$OUT/requests/$server-$path-c$conns.req" prefix warm measured count result check="" before after
  local warmup_seconds=$WARMUP
  if [ "$COLD" = yes ]; then warmup_seconds=$FIRST_WARMUP; COLD=no; fi
  prefix="b$(date +%s%N | cut -c1-13).r$round.$path.c$conns"
  if [ "$unique_all" = yes ]; then
    warm=$((DURABLE_MAX_RATE * warmup_seconds)); measured=$((DURABLE_MAX_RATE * DURATION))
  else
    warm=$CYCLE_SIZE; measured=$CYCLE_SIZE
  fi
  count=$((warm + measured))
  generate "$file" "$count" "$prefix" "$text"
  if [ "$warmup_seconds" -gt 0 ]; then
    wrk_run "$file" 1 "$warm" "$conns" "$warmup_seconds" "$url" > "$OUT/logs/last-warmup.txt"
  fi
  if [ -n "$check_fn" ]; then before=$($check_fn); fi
  local done_before="" oldest=""
  if [ "$path" = echo ] && [ "$server" != bare ] && [ "$server" != bolt ]; then done_before=$(jobs_done); start_sampler; fi
  local load
  load=$(load1)
  local load_cpu0 server_cpu0 process0 cpu_us
  load_cpu0=$(cpu_ticks "$LOAD_CPU"); server_cpu0=$(cpu_ticks "$SERVER_CPU"); process0=$(process_ticks $MEASURED_PIDS)
  result=$(wrk_run "$file" $((warm + 1)) "$count" "$conns" "$DURATION" "$url")
  cpu_us=$(cpu_us_per_request "$process0" "$(process_ticks $MEASURED_PIDS)" "$(field "$result" responses)")
  local load_busy server_busy
  load_busy=$(busy_percent "$load_cpu0" "$(cpu_ticks "$LOAD_CPU")"); server_busy=$(busy_percent "$server_cpu0" "$(cpu_ticks "$SERVER_CPU")")
  if [ -n "$done_before" ]; then oldest=$(stop_sampler); fi
  if [ -n "$check_fn" ]; then after=$($check_fn); check="$((after - before))"; fi
  if [ -n "$done_before" ]; then
    local oldest_max oldest_last oldest_samples
    read -r oldest_max oldest_last oldest_samples <<< "$oldest"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$server" "$conns" "$check" "$(( $(jobs_done) - done_before ))" \
      "$DURATION" "$oldest_max" "$oldest_last" "$oldest_samples" >> "$JOBS"
  fi
  local errors
  errors=$(( $(field "$result" connect_errors) + $(field "$result" read_errors) + $(field "$result" write_errors) \
    + $(field "$result" timeouts) + $(field "$result" status_errors) ))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$server" "$path" "$conns" \
    "$(field "$result" rps)" "$(field "$result" p50_ms)" "$(field "$result" p99_ms)" "$(field "$result" responses)" \
    "$(field "$result" sent)" "$(field "$result" unique)" "$(field "$result" wrapped)" "$errors" "${check:--}" "$load" "$load_busy" "$server_busy" "$cpu_us" >> "$RAW"
  log "  $server $path c=$conns: $(field "$result" rps) req/s, p50 $(field "$result" p50_ms) ms, p99 $(field "$result" p99_ms) ms, errors $errors, wrapped $(field "$result" wrapped)${check:+, server counted $check}${oldest:+, oldest waiting job max/last ${oldest_max:-?}/${oldest_last:-?} s}, CPU busy: load core $load_busy %, server core $server_busy %, server CPU $cpu_us µs per request"
  rm -f "$file"
}

# ------------------------------------------------------------------ the three servers

run_bare() {
  local round="$1" pid conns
  log "round $round: bare Vert.x 5 server on CPU $SERVER_CPU (load average $(load1))"
  taskset -c "$SERVER_CPU" java -cp "$BENCH_CP" io.switchboard.bench.BareServer "$PORT_BARE" \
    > "$OUT/logs/bare-r$round.log" 2>&1 &
  pid=$!; STARTED_PIDS+=("$pid")
  MEASURED_PIDS="$pid"
  wait_http "the bare Vert.x server" "$pid" "http://127.0.0.1:$PORT_BARE/slack/commands" 30 POST "$OUT/logs/bare-r$round.log"
  COLD=yes
  for conns in $CONNECTIONS; do
    measure "$round" bare post "$conns" "http://127.0.0.1:$PORT_BARE" "help" no ""
  done
  stop_pid "$pid" "the bare Vert.x server"
}

run_bolt() {
  local round="$1" pid conns answer file="$OUT/requests/bolt-probe.req"
  log "round $round: Bolt for Java ack-only app (bolt-jetty) on CPU $SERVER_CPU (load average $(load1))"
  BENCH_SIGNING_SECRET="$SECRET" taskset -c "$SERVER_CPU" java -cp "$BENCH_CP" io.switchboard.bench.BoltAckApp \
    "$PORT_BOLT" /slack/commands > "$OUT/logs/bolt-r$round.log" 2>&1 &
  pid=$!; STARTED_PIDS+=("$pid")
  MEASURED_PIDS="$pid"
  wait_http "the Bolt app" "$pid" "http://127.0.0.1:$PORT_BOLT/slack/commands" 60 POST "$OUT/logs/bolt-r$round.log"
  COLD=yes
  generate "$file" 1 "probe.bolt.$round.$(date +%s)" "help"
  answer=$(probe "http://127.0.0.1:$PORT_BOLT/slack/commands" "$file")
  log "  probe (a signed /ops help): $answer"
  case "$answer" in *"[HTTP 200]"*) ;; *) die "Bolt did not accept a signed command: $answer (log: $OUT/logs/bolt-r$round.log)" ;; esac
  answer=$(probe_forged "http://127.0.0.1:$PORT_BOLT/slack/commands" "$file")
  [ "$answer" = 401 ] || die "Bolt answered HTTP $answer to a request whose body no longer matches its signature (expected 401): is it verifying?"
  log "  a forged body answers HTTP $answer: Bolt verifies signatures"
  for conns in $CONNECTIONS; do
    measure "$round" bolt ack "$conns" "http://127.0.0.1:$PORT_BOLT" "help" no ""
  done
  stop_pid "$pid" "the Bolt app"
}

SB_URL="http://127.0.0.1:$PORT_SB"
# The Switchboard server being measured (switchboard or switchboard-split), and where its executors'
# metrics are: the node's own /metrics, or each executor process's.
SB_SERVER=switchboard
JOB_METRICS_URLS="$SB_URL/metrics"
sb_metrics() { echo "$SB_URL/metrics"; }
check_received() { metric_sum "$(sb_metrics)" '^switchboard_commands_received_total'; }
check_queued() { metric_sum "$(sb_metrics)" '^switchboard_jobs_queued_total'; }
check_refused() { metric_sum "$(sb_metrics)" '^switchboard_commands_refused_total'; }
jobs_done() { metric_sum "$JOB_METRICS_URLS" '^switchboard_jobs_completed_total'; }
# Jobs queued and not yet final, from the node's own counters (exact, unlike the gauge's 5 s refresh).
backlog() { echo $(( $(check_queued) - $(jobs_done) )); }

# set_rate_limits JSON: PUT /api/v1/policy/rateLimits with the current ETag.
set_rate_limits() {
  local etag code
  etag=$(curl -s -o /dev/null -D - --max-time 10 "$SB_URL/api/v1/policy/rateLimits" -H "Authorization: Bearer $ADMIN_TOKEN" \
    | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" {print $2}')
  [ -n "$etag" ] || die "could not read the demo tenant's policy version (GET /api/v1/policy/rateLimits)"
  code=$(curl -s -o "$OUT/logs/policy-put.txt" -w '%{http_code}' --max-time 10 -X PUT "$SB_URL/api/v1/policy/rateLimits" \
    -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' -H "If-Match: $etag" --data "$1")
  [ "$code" = 200 ] || die "setting the rate limits answered HTTP $code: $(cat "$OUT/logs/policy-put.txt")"
  sleep 1 # the writing node swaps the compiled policy in on the event bus message; give it a moment
}

# wait_drained ROUND CONNS SECONDS: until every queued job is final; logs the backlog and the drain
# time, and records them in drain.tsv for the report.
wait_drained() {
  local round="$1" conns="$2" limit="$3" depth start=$SECONDS first
  first=$(backlog)
  depth=$first
  while [ "$depth" -gt 0 ] && [ $((SECONDS - start)) -lt "$limit" ]; do
    sleep 1; depth=$(backlog)
  done
  if [ "$depth" -gt 0 ]; then
    log "  the queue still holds $depth jobs after $limit s; going on (the next run shares the core with the drain)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$SB_SERVER" "$conns" "$first" "$((SECONDS - start))" "$depth" >> "$DRAIN"
  elif [ "$first" -gt 0 ]; then
    log "  backlog of $first queued jobs drained in $((SECONDS - start)) s"
    printf '%s\t%s\t%s\t%s\t%s\t0\n' "$round" "$SB_SERVER" "$conns" "$first" "$((SECONDS - start))" >> "$DRAIN"
  fi
}

# set_max_running_jobs N: PATCH /api/v1/tenants/demo (operator) so the demo tenant runs N jobs at once.
set_max_running_jobs() {
  local code
  code=$(curl -s -o "$OUT/logs/tenant-patch.txt" -w '%{http_code}' --max-time 10 -X PATCH "$SB_URL/api/v1/tenants/demo" \
    -H "Authorization: Bearer $OPERATOR_TOKEN" -H 'Content-Type: application/json' --data "{\"maxRunningJobs\":$1}")
  [ "$code" = 200 ] || die "setting the demo tenant's maxRunningJobs answered HTTP $code: $(cat "$OUT/logs/tenant-patch.txt")"
}

HIGH_LIMITS='{"tenant":{"burst":100000,"perMinute":100000},"user":{"burst":100000,"perMinute":100000},"channel":{"burst":100000,"perMinute":100000}}'
LOW_LIMITS='{"tenant":{"burst":1,"perMinute":1},"user":{"burst":1,"perMinute":1},"channel":{"burst":1,"perMinute":1}}'

# setup_quiet_tenant: the operator creates tenant "quiet", binds Slack workspace T0QUIET to it with its
# own signing secret, and its admin copies the demo tenant's policy (so the same echo is allowed, with
# the limits raised). Sets QUIET_TOKEN.
setup_quiet_tenant() {
  local answer code
  answer=$(curl -s --max-time 10 -X POST "$SB_URL/api/v1/tenants" -H "Authorization: Bearer $OPERATOR_TOKEN" \
    -H 'Content-Type: application/json' --data '{"id":"quiet","name":"Quiet Corp"}')
  QUIET_TOKEN=$(echo "$answer" | sed -n 's/.*"token":"\(sbt_[^"]*\)".*/\1/p')
  [ -n "$QUIET_TOKEN" ] || die "creating the quiet tenant failed: $answer"
  code=$(curl -s -o "$OUT/logs/quiet-install.txt" -w '%{http_code}' --max-time 10 -X POST \
    "$SB_URL/api/v1/tenants/quiet/installations" -H "Authorization: Bearer $OPERATOR_TOKEN" \
    -H 'Content-Type: application/json' \
    --data "{\"platform\":\"slack\",\"workspaceId\":\"T0QUIET\",\"signingSecret\":\"$QUIET_SECRET\"}")
  [ "$code" = 201 ] || die "binding T0QUIET to the quiet tenant answered HTTP $code: $(cat "$OUT/logs/quiet-install.txt")"
  curl -s --max-time 10 "$SB_URL/api/v1/policy" -H "Authorization: Bearer $ADMIN_TOKEN" > "$OUT/logs/demo-policy.json"
  code=$(curl -s -o "$OUT/logs/quiet-policy.txt" -w '%{http_code}' --max-time 10 -X PUT "$SB_URL/api/v1/policy" \
    -H "Authorization: Bearer $QUIET_TOKEN" -H 'Content-Type: application/json' -H 'If-Match: "0"' \
    --data @"$OUT/logs/demo-policy.json")
  [ "$code" = 200 ] || die "setting the quiet tenant's policy answered HTTP $code: $(cat "$OUT/logs/quiet-policy.txt")"
  sleep 1 # the policy reaches the node's cache on the event bus
}

# quiet_run ROUND PHASE FLOOD_RESULT_FILE QUEUED_BEFORE: the quiet tenant's commands for WARMUP seconds
# (left out) and DURATION seconds (measured); wrk's flood, if any, runs as long meanwhile and writes
# its result to the file. Appends a row to neighbour.tsv, with the jobs the flood queued (the node's
# counter since QUEUED_BEFORE, less the quiet tenant's), which tells a durable flood from a refused one.
quiet_run() {
  local round="$1" phase="$2" flood_file="$3" queued_before="${4:-}" marker result flood_rps="-" flood_queued="-"
  marker="q$(date +%s%N | cut -c1-13)"
  BENCH_SIGNING_SECRET="$QUIET_SECRET" taskset -c "$LOAD_CPU" java -XX:TieredStopAtLevel=1 -cp "$HERE/target/classes" \
    io.switchboard.bench.SignedRequests out="$OUT/requests/quiet.req" count=$((QUIET_RATE * (WARMUP + DURATION))) prefix="$marker" \
    text="echo quiet {trigger}" team=T0QUIET responseUrl="http://127.0.0.1:$PORT_SINK/reply/quiet" \
    || die "generating the quiet tenant's requests failed"
  result=$(taskset -c "$LOAD_CPU" java -cp "$BENCH_CP" io.switchboard.bench.QuietTenant url="$SB_URL" \
    requests="$OUT/requests/quiet.req" rate="$QUIET_RATE" warmup="$WARMUP" seconds="$DURATION" token="$QUIET_TOKEN" marker="$marker" \
    2> "$OUT/logs/quiet-$phase-r$round.log" | grep '^QUIET_RESULT') || die "the quiet tenant's run failed (log: $OUT/logs/quiet-$phase-r$round.log)"
  if [ -n "$flood_file" ]; then
    wait "$FLOOD_PID" || die "wrk's flood failed: $(cat "$flood_file")"
    flood_rps=$(field "$(grep '^BENCH_RESULT ' "$flood_file" | tail -1)" rps)
    flood_queued=$(( $(check_queued) - queued_before - $(field "$result" accepted_all) ))
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$SB_SERVER" "$phase" "$flood_rps" "$flood_queued" \
    "$(field "$result" sent)" "$(field "$result" accepted)" "$(field "$result" refused)" "$(field "$result" errors)" \
    "$(field "$result" p50_ms)" "$(field "$result" p99_ms)" "$(field "$result" max_ms)" "$(field "$result" jobs)" \
    "$(field "$result" done_p50_ms)" "$(field "$result" done_p99_ms)" "$(field "$result" unfinished)" >> "$NEIGHBOUR"
  log "  $SB_SERVER: quiet tenant, $phase: $(field "$result" accepted) of $(field "$result" sent) accepted, p99 $(field "$result" p99_ms) ms, ack-to-done p99 $(field "$result" done_p99_ms) ms${flood_file:+, flood $flood_rps req/s, $flood_queued of its jobs queued}"
}

# flood_in_background FILE CONNS RESULT_FILE: wrk on the demo tenant for WARMUP + DURATION seconds,
# from the request file's start; sets FLOOD_PID.
flood_in_background() {
  BENCH_REQUESTS="$1" BENCH_FIRST=1 BENCH_LAST="$(wc -l < "$1")" BENCH_THREADS="$WRK_THREADS" \
    taskset -c "$LOAD_CPU" wrk -t"$WRK_THREADS" -c"$2" -d"$((WARMUP + DURATION))"s --timeout 10s --latency -s "$HERE/bench.lua" \
    "$SB_URL" > "$3" 2>&1 &
  FLOOD_PID=$!
}

# neighbour_path ROUND: the quiet tenant alone, beside a durable flood, then (once the executors have
# drained the flood's backlog, so that it does not share the core with the measurement) beside a
# refused flood. The durable flood comes first: after a refused flood the demo tenant's buckets are
# empty, and raising its limits again does not refill them at once.
neighbour_path() {
  local round="$1" conns="$LAST_CONNS" file="$OUT/requests/flood.req" queued
  [ -n "$QUIET_TOKEN" ] || setup_quiet_tenant
  quiet_run "$round" alone ""
  generate "$file" $((DURABLE_MAX_RATE * (WARMUP + DURATION))) "b$(date +%s%N | cut -c1-13).r$round.flood" "echo bench {trigger}"
  queued=$(check_queued)
  flood_in_background "$file" "$conns" "$OUT/logs/flood-durable-r$round.txt"
  quiet_run "$round" "durable flood" "$OUT/logs/flood-durable-r$round.txt" "$queued"
  wait_drained "$round" "$conns" 600
  set_rate_limits "$LOW_LIMITS"
  generate "$file" "$CYCLE_SIZE" "b$(date +%s%N | cut -c1-13).r$round.refused" "echo bench {trigger}"
  queued=$(check_queued)
  flood_in_background "$file" "$conns" "$OUT/logs/flood-refused-r$round.txt"
  quiet_run "$round" "refused flood" "$OUT/logs/flood-refused-r$round.txt" "$queued"
  set_rate_limits "$HIGH_LIMITS"
  rm -f "$file" "$OUT/requests/quiet.req"
}

sb_path() { # sb_path ROUND PATH
  local round="$1" path="$2" text unique check conns answer file="$OUT/requests/sb-probe.req"
  case "$path" in
    help) text="help"; unique=no; check=check_received ;;
    policy) text="deploy staging api --version 1.4.2"; unique=no; check=check_refused ;;
    echo) text="echo bench {trigger}"; unique=yes; check=check_queued ;;
    ratelimit) text="echo bench {trigger}"; unique=no; check=check_refused; set_rate_limits "$LOW_LIMITS" ;;
    neighbour) neighbour_path "$round"; return 0 ;;
    *) die "unknown Switchboard path $path (help, policy, echo, ratelimit, neighbour)" ;;
  esac
  generate "$file" 1 "probe.$path.$round.$(date +%s%N)" "$text"
  answer=$(probe "$SB_URL/slack/commands" "$file")
  log "  probe $path (/ops $text): $answer"
  case "$answer" in *"[HTTP 200]"*) ;; *) die "Switchboard did not answer 200 to a signed /ops $text: $answer" ;; esac
  if [ "$path" = help ]; then
    answer=$(probe_forged "$SB_URL/slack/commands" "$file")
    [ "$answer" = 401 ] || die "Switchboard answered HTTP $answer to a request whose body no longer matches its signature (expected 401)"
    log "  a forged body answers HTTP $answer"
  fi
  for conns in $CONNECTIONS; do
    measure "$round" "$SB_SERVER" "$path" "$conns" "$SB_URL" "$text" "$unique" "$check"
    # The executors drain the backlog after a durable run on the server's core: wait for it before the
    # next run (not after the round's very last run, when the server is stopped next anyway).
    if [ "$path" = echo ] && { [ "$path" != "$LAST_PATH" ] || [ "$conns" != "$LAST_CONNS" ]; }; then
      wait_drained "$round" "$conns" $((WARMUP + DURATION + 60))
    fi
  done
  if [ "$path" = ratelimit ]; then set_rate_limits "$HIGH_LIMITS"; fi
  return 0
}

# start_sink ROUND: the reply sink answers the job results Switchboard posts to each command's
# response_url (200, nothing else), so replies succeed instead of being retried; it runs on the load
# core (a few requests a second). Sets SINK_PID.
start_sink() {
  taskset -c "$LOAD_CPU" java -cp "$BENCH_CP" io.switchboard.bench.BareServer "$PORT_SINK" > "$OUT/logs/sink-r$1.log" 2>&1 &
  SINK_PID=$!; STARTED_PIDS+=("$SINK_PID")
  wait_http "the reply sink" "$SINK_PID" "http://127.0.0.1:$PORT_SINK/reply/bench" 30 POST "$OUT/logs/sink-r$1.log"
}

# sb_session ROUND: the demo tenant's limits raised (and its cap, if asked), then every path.
sb_session() {
  local path
  COLD=yes
  QUIET_TOKEN="" # a fresh node: the quiet tenant is created again
  set_rate_limits "$HIGH_LIMITS"
  if [ -n "$MAX_RUNNING_JOBS" ]; then set_max_running_jobs "$MAX_RUNNING_JOBS"; fi
  for path in $PATHS; do
    sb_path "$1" "$path"
  done
}

run_switchboard() {
  local round="$1" pid data="$OUT/data-r$round"
  SB_SERVER=switchboard; JOB_METRICS_URLS="$SB_URL/metrics"
  log "round $round: Switchboard ($JAR, embedded PostgreSQL) on CPU $SERVER_CPU (load average $(load1))"
  rm -rf "$data"
  start_sink "$round"
  SWITCHBOARD_HTTP_HOST=127.0.0.1 SWITCHBOARD_HTTP_PORT="$PORT_SB" SWITCHBOARD_DATA_DIR="$data" \
  SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET="$SECRET" SWITCHBOARD_DEMO_ADMIN_TOKEN="$ADMIN_TOKEN" \
  SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES="http://127.0.0.1:$PORT_SINK/" SWITCHBOARD_OPERATOR_TOKEN="$OPERATOR_TOKEN" \
  SWITCHBOARD_EXECUTOR_CONCURRENCY="$EXECUTOR_CONCURRENCY" SWITCHBOARD_EXECUTOR_GAUGE_MILLIS="$GAUGE_MILLIS" \
    taskset -c "$SERVER_CPU" java $SERVER_JVM_ARGS -jar "$JAR" > "$OUT/logs/switchboard-r$round.log" 2>&1 &
  pid=$!; STARTED_PIDS+=("$pid")
  MEASURED_PIDS="$pid"
  wait_http "Switchboard" "$pid" "$SB_URL/ready" 240 GET "$OUT/logs/switchboard-r$round.log"
  sb_session "$round"
  stop_pid "$pid" "Switchboard"
  stop_pid "$SINK_PID" "the reply sink"
  if [ "${BENCH_KEEP_DATA:-no}" = no ]; then rm -rf "$data"; fi
}

# ------------------------------------------------------------------ switchboard-split

# PostgreSQL refuses to run as root; as root its programs run in a user namespace, as the embedded
# node's launcher (zonky) runs them.
PG_WRAP=()
if [ "$(id -u)" = 0 ]; then PG_WRAP=(unshare -U); fi

# postgres_binaries: the PostgreSQL the embedded node runs (the archive packed in the jar, 17.x), so
# that both Switchboard rows use the same server; unpacked once under target/bench/postgres-bin and
# again when the jar's archive changes. Prints the directory.
postgres_binaries() {
  local archive bin="$OUT/postgres-bin" stamp
  case "$(uname -m)" in
    x86_64|amd64) archive=postgres-linux-x86_64.txz ;;
    aarch64|arm64) archive=postgres-linux-arm_64.txz ;;
    *) die "switchboard-split runs the PostgreSQL packed in the jar, which has no Linux build for $(uname -m)" ;;
  esac
  command -v unzip > /dev/null || die "unzip is missing: switchboard-split unpacks PostgreSQL from the jar with it (apt-get install -y unzip)"
  command -v xz > /dev/null || die "xz is missing: the jar's PostgreSQL archive is a .txz (apt-get install -y xz-utils)"
  stamp=$(unzip -v "$JAR" "$archive" | awk -v a="$archive" '$NF == a { print $7, $1 }')
  [ -n "$stamp" ] || die "$JAR has no $archive"
  if [ ! -x "$bin/bin/postgres" ] || [ "$(cat "$bin/.from" 2>/dev/null)" != "$stamp" ]; then
    log "unpacking PostgreSQL ($archive) from the jar into $bin" >&2
    rm -rf "$bin"; mkdir -p "$bin"
    unzip -p "$JAR" "$archive" | tar -xJ -C "$bin" || die "unpacking $archive from $JAR failed"
    echo "$stamp" > "$bin/.from"
  fi
  echo "$bin"
}

# wait_log NAME PID FILE TEXT SECONDS: until FILE contains TEXT.
wait_log() {
  local deadline=$((SECONDS + $5))
  until grep -qF -- "$4" "$3" 2>/dev/null; do
    if ! kill -0 "$2" 2>/dev/null; then tail -n 40 "$3" >&2 || true; die "$1 exited (log: $3, last lines above)"; fi
    [ $SECONDS -lt "$deadline" ] || { tail -n 40 "$3" >&2 || true; die "$1 did not log \"$4\" within $5 s (log: $3)"; }
    sleep 0.5
  done
}

# run_switchboard_split ROUND: an external PostgreSQL, one migrate run, one gateway and two executor
# processes clustered on loopback (Hazelcast, TCP/IP join), all on the server core like the embedded
# node. The gateway gets the demo tenant (its signing secret, admin token and demo policy, as the
# embedded node makes them) and the operator token; the executors get the same master key.
run_switchboard_split() {
  local round="$1" dir="$OUT/split-r$round" bin pg password url members master i port pids=() gateway
  local executor_ports=($PORTS_EXECUTORS)
  [ "${#executor_ports[@]}" -eq 2 ] || die "BENCH_PORT_EXECUTORS needs two ports (found: $PORTS_EXECUTORS)"
  SB_SERVER=switchboard-split
  JOB_METRICS_URLS="http://127.0.0.1:${executor_ports[0]}/metrics http://127.0.0.1:${executor_ports[1]}/metrics"
  bin=$(postgres_binaries)
  log "round $round: Switchboard split ($JAR: migrate, gateway, 2 executors; PostgreSQL $("$bin/bin/postgres" --version | awk '{print $NF}') on 127.0.0.1:$PORT_POSTGRES), all on CPU $SERVER_CPU (load average $(load1))"
  rm -rf "$dir"; mkdir -p "$dir"
  # PostgreSQL: a fresh cluster each round, a generated superuser password (scram-sha-256, nothing
  # trusted, no Unix socket), as the embedded node sets it up.
  password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  (umask 077; echo "$password" > "$dir/postgres.password")
  mkdir -m 700 "$dir/pgdata"
  ${PG_WRAP[@]+"${PG_WRAP[@]}"} "$bin/bin/initdb" -D "$dir/pgdata" -U postgres -E UTF-8 --auth=scram-sha-256 \
    --pwfile="$dir/postgres.password" > "$OUT/logs/split-initdb-r$round.log" 2>&1 \
    || { tail -n 20 "$OUT/logs/split-initdb-r$round.log" >&2; die "initdb failed (log: $OUT/logs/split-initdb-r$round.log)"; }
  # PostgreSQL's defaults (fsync and synchronous_commit on), as the embedded node runs it.
  SPLIT_PG_INFO="PostgreSQL $("$bin/bin/postgres" --version | awk '{print $NF}') from the jar, fsync and synchronous_commit on"
  taskset -c "$SERVER_CPU" ${PG_WRAP[@]+"${PG_WRAP[@]}"} "$bin/bin/postgres" -D "$dir/pgdata" -p "$PORT_POSTGRES" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200 -c timezone=UTC \
    -c password_encryption=scram-sha-256 > "$OUT/logs/split-postgres-r$round.log" 2>&1 &
  pg=$!; STARTED_PIDS+=("$pg")
  wait_log "PostgreSQL" "$pg" "$OUT/logs/split-postgres-r$round.log" "ready to accept connections" 60
  url="postgresql://postgres:$password@127.0.0.1:$PORT_POSTGRES/postgres"
  SWITCHBOARD_DATABASE_URL="$url" SWITCHBOARD_DATA_DIR="$dir/migrate" taskset -c "$SERVER_CPU" java -jar "$JAR" migrate \
    > "$OUT/logs/split-migrate-r$round.log" 2>&1 \
    || { tail -n 20 "$OUT/logs/split-migrate-r$round.log" >&2; die "switchboard.jar migrate failed (log: $OUT/logs/split-migrate-r$round.log)"; }
  start_sink "$round"
  members="127.0.0.1:$PORT_CLUSTER,127.0.0.1:$((PORT_CLUSTER + 1)),127.0.0.1:$((PORT_CLUSTER + 2))"
  master="$(head -c 32 /dev/urandom | base64)"
  # split_node ROLE INDEX HTTP_PORT: one process of the split (INDEX 0 is the gateway).
  split_node() {
    env SWITCHBOARD_DATABASE_URL="$url" SWITCHBOARD_MASTER_KEY="$master" SWITCHBOARD_DATA_DIR="$dir/$1-$2" \
      SWITCHBOARD_HTTP_HOST=127.0.0.1 SWITCHBOARD_HTTP_PORT="$3" \
      SWITCHBOARD_CLUSTER_MEMBERS="$members" SWITCHBOARD_CLUSTER_HOST=127.0.0.1 \
      SWITCHBOARD_CLUSTER_PORT=$((PORT_CLUSTER + $2)) SWITCHBOARD_EVENTBUS_PORT=$((PORT_EVENTBUS + $2)) \
      SWITCHBOARD_CLUSTER_NAME="bench-split-$$" \
      SWITCHBOARD_DEMO_TENANT=true SWITCHBOARD_SANDBOX_ENABLED=true \
      SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET="$SECRET" SWITCHBOARD_DEMO_ADMIN_TOKEN="$ADMIN_TOKEN" \
      SWITCHBOARD_OPERATOR_TOKEN="$OPERATOR_TOKEN" SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES="http://127.0.0.1:$PORT_SINK/" \
      SWITCHBOARD_EXECUTOR_CONCURRENCY="$EXECUTOR_CONCURRENCY" SWITCHBOARD_EXECUTOR_GAUGE_MILLIS="$GAUGE_MILLIS" \
      taskset -c "$SERVER_CPU" java $SERVER_JVM_ARGS -jar "$JAR" "$1" > "$OUT/logs/split-$1-$2-r$round.log" 2>&1 &
  }
  split_node gateway 0 "$PORT_SB"
  gateway=$!; STARTED_PIDS+=("$gateway")
  wait_http "the gateway" "$gateway" "$SB_URL/ready" 240 GET "$OUT/logs/split-gateway-0-r$round.log"
  for i in 1 2; do
    port="${executor_ports[$((i - 1))]}"
    split_node executor "$i" "$port"
    pids+=($!); STARTED_PIDS+=("$!")
    wait_http "executor $i" "$!" "http://127.0.0.1:$port/ready" 240 GET "$OUT/logs/split-executor-$i-r$round.log"
  done
  # The event bus is clustered once the gateway sees all three members (Hazelcast logs the member
  # list on each change): then its wake-ups reach the executors and their results reach it.
  wait_log "the gateway" "$gateway" "$OUT/logs/split-gateway-0-r$round.log" "Members {size:3" 60
  MEASURED_PIDS="$pg $gateway ${pids[*]}"
  log "  gateway on :$PORT_SB, executors on :${executor_ports[0]} and :${executor_ports[1]}, clustered (3 members)"
  sb_session "$round"
  stop_pid "$gateway" "the gateway"
  for i in "${pids[@]}"; do stop_pid "$i" "an executor"; done
  kill -INT "$pg" 2>/dev/null || true # fast shutdown
  stop_pid "$pg" "PostgreSQL"
  stop_pid "$SINK_PID" "the reply sink"
  if [ "${BENCH_KEEP_DATA:-no}" = no ]; then rm -rf "$dir"; fi
}

# ------------------------------------------------------------------ the run

LAST_PATH="${PATHS##* }"
case " $PATHS " in
  *" neighbour "*) [ "$LAST_PATH" = neighbour ] || die "put neighbour last in --paths: its refused flood leaves the demo tenant's rate-limit buckets empty for the paths after it" ;;
esac
LAST_CONNS="${CONNECTIONS##* }"
START_LOAD="$(cat /proc/loadavg)"
log "mode $MODE: $ROUNDS round(s), ${WARMUP} s warm-up (${FIRST_WARMUP} s for a server's first run), ${DURATION} s measured, connections $CONNECTIONS, wrk $WRK_THREADS thread(s) on CPU $LOAD_CPU, servers on CPU $SERVER_CPU"
log "load average before: $START_LOAD"
for round in $(seq 1 "$ROUNDS"); do
  for server in $SERVERS; do
    case "$server" in
      bare) run_bare "$round" ;;
      bolt) run_bolt "$round" ;;
      switchboard) run_switchboard "$round" ;;
      switchboard-split) run_switchboard_split "$round" ;;
      *) die "unknown server $server (bare, bolt, switchboard, switchboard-split)" ;;
    esac
  done
done
END_LOAD="$(cat /proc/loadavg)"

JAR_INFO="$(basename "$JAR") built $(date -r "$JAR" '+%Y-%m-%d %H:%M'), checkout at $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && [ -n "$(git status --porcelain -- . ':!loadtests' ':!docs' 2>/dev/null)" ] && echo ' with local changes' || true)"
java -cp "$BENCH_CP" io.switchboard.bench.Report "$RAW" "$OUT/results.md" \
  "mode=$MODE" "rounds=$ROUNDS" "warmup=$WARMUP" "firstWarmup=$FIRST_WARMUP" "duration=$DURATION" "wrkThreads=$WRK_THREADS" \
  "loadCpu=$LOAD_CPU" "serverCpu=$SERVER_CPU" "startLoad=$START_LOAD" "endLoad=$END_LOAD" "jar=$JAR_INFO" \
  "date=$(date -u '+%Y-%m-%d %H:%M UTC')" "cpus=$CPUS" "drain=$DRAIN" "jobs=$JOBS" "neighbour=$NEIGHBOUR" \
  "splitPostgres=${SPLIT_PG_INFO:-}" "gaugeMillis=$GAUGE_MILLIS" \
  || die "writing the report failed (raw figures: $RAW)"
log "written $OUT/results.md (raw figures: $RAW, logs: $OUT/logs/)"
