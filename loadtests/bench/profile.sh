#!/usr/bin/env bash
# Profiles a durable flood on the embedded node: which statements PostgreSQL spends its time on and
# what its sessions wait for, while wrk sends signed `/ops echo <unique>` commands. Prints wrk's
# result, jobs queued and finished in the window, CPU of the JVM and of PostgreSQL, the mean commit
# batch, sampled session states, the top statements (pg_stat_statements) and table churn. With
# AUTO_EXPLAIN=yes, plans of statements slower than 30 ms go to PostgreSQL's log
# (<data>/postgres/log). Asserts nothing; see loadtests/README.md#profiling-a-flood.
#
#   loadtests/bench/profile.sh [JAR]
#
# Environment: CONNECTIONS (64), SECONDS_MEASURED (20), RATE (request file sized for 6000 req/s),
# CHANNELS (50), MAX_RUNNING_JOBS and EXECUTOR_CONCURRENCY (64), NODE_CPUS (1; wrk runs on 0),
# AUTO_EXPLAIN (no), NODE_JVM_ARGS (e.g. a JFR recording), PROFILE_OUT (loadtests/target/profile).
# Needs wrk, psql and taskset.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAR="${1:-$ROOT/deploy/target/switchboard.jar}"
CONNECTIONS="${CONNECTIONS:-64}"; MEASURED="${SECONDS_MEASURED:-20}"; WARMUP=10; RATE="${RATE:-6000}"
CHANNELS="${CHANNELS:-50}"; MAX_RUNNING_JOBS="${MAX_RUNNING_JOBS:-64}"
EXECUTOR_CONCURRENCY="${EXECUTOR_CONCURRENCY:-64}"; NODE_CPUS="${NODE_CPUS:-1}"
OUT="${PROFILE_OUT:-$ROOT/loadtests/target/profile}"; DATA="$OUT/data"
PORT=18080; SINK_PORT=18099; URL="http://127.0.0.1:$PORT"
SECRET="profile-signing-secret"; ADMIN="sbt_profile_admin_token"; OPERATOR="sbo_profile_operator_token"
for tool in wrk psql taskset; do command -v "$tool" > /dev/null || { echo "needs $tool" >&2; exit 1; }; done
[ -f "$JAR" ] || { echo "no jar at $JAR (mvn -q -DskipTests package)" >&2; exit 1; }
[ -f "$HERE/target/classpath.txt" ] || mvn -q -f "$HERE/pom.xml" compile dependency:build-classpath \
  -Dmdep.outputFile="$HERE/target/classpath.txt"
CP="$HERE/target/classes:$(cat "$HERE/target/classpath.txt")"
rm -rf "$OUT"; mkdir -p "$OUT"

PIDS=()
cleanup() { for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill -TERM "$pid" 2> /dev/null || true; done; wait || true; }
trap cleanup EXIT

taskset -c 0 java -cp "$CP" io.switchboard.bench.BareServer "$SINK_PORT" > "$OUT/sink.log" 2>&1 &
PIDS+=($!)
NODE=""
start_node() {
  SWITCHBOARD_HTTP_HOST=127.0.0.1 SWITCHBOARD_HTTP_PORT="$PORT" SWITCHBOARD_DATA_DIR="$DATA" \
  SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET="$SECRET" SWITCHBOARD_DEMO_ADMIN_TOKEN="$ADMIN" \
  SWITCHBOARD_OPERATOR_TOKEN="$OPERATOR" SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES="http://127.0.0.1:$SINK_PORT/" \
  SWITCHBOARD_EXECUTOR_CONCURRENCY="$EXECUTOR_CONCURRENCY" \
    taskset -c "$NODE_CPUS" java ${NODE_JVM_ARGS:-} -jar "$JAR" >> "$OUT/node.log" 2>&1 &
  NODE=$!; PIDS+=("$NODE")
  until curl -sf -o /dev/null "$URL/ready"; do
    kill -0 "$NODE" 2> /dev/null || { tail -20 "$OUT/node.log" >&2; exit 1; }
    sleep 0.5
  done
}
stop_node() { kill -TERM "$NODE"; wait "$NODE" || true; }
# The node logs its embedded database's address when it starts; the last start counts.
postgres_port() { grep -o 'embedded postgresql://postgres@127.0.0.1:[0-9]*' "$OUT/node.log" | tail -1 | sed 's/.*://'; }
sql() { PGPASSWORD="$(cat "$DATA/postgres.password")" psql -h 127.0.0.1 -p "$(postgres_port)" -U postgres -d postgres -X -q "$@"; }
metric() { curl -s "$URL/metrics" | awk -v name="$1" 'index($1, name) == 1 { s += $NF } END { printf "%d", s }'; }
cpu_ticks() { local total=0 pid; for pid in "$@"; do total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2> /dev/null || echo 0))); done; echo "$total"; }
# The embedded server's processes: the postmaster (which holds the data directory) and its children.
postgres_pids() {
  local postmaster
  postmaster=$(head -1 "$DATA/postgres/postmaster.pid")
  echo "$postmaster $(pgrep -P "$postmaster" | tr '\n' ' ')"
}

# First start creates the data directory; the second loads pg_stat_statements (and auto_explain).
start_node
settings=(-c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
if [ "${AUTO_EXPLAIN:-no}" = yes ]; then
  settings+=(-c "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'"
    -c "ALTER SYSTEM SET auto_explain.log_min_duration = '30ms'" -c "ALTER SYSTEM SET auto_explain.log_analyze = on"
    -c "ALTER SYSTEM SET logging_collector = on")
fi
sql "${settings[@]}"
stop_node
start_node
sql -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
etag=$(curl -s -D - -o /dev/null "$URL/api/v1/policy/rateLimits" -H "Authorization: Bearer $ADMIN" \
  | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" { print $2 }')
curl -sf -o /dev/null -X PUT "$URL/api/v1/policy/rateLimits" -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' -H "If-Match: $etag" \
  --data '{"tenant":{"burst":100000,"perMinute":100000},"user":{"burst":100000,"perMinute":100000},"channel":{"burst":100000,"perMinute":100000}}'
curl -sf -o /dev/null -X PATCH "$URL/api/v1/tenants/demo" -H "Authorization: Bearer $OPERATOR" \
  -H 'Content-Type: application/json' --data "{\"maxRunningJobs\":$MAX_RUNNING_JOBS}"

requests=$((RATE * (WARMUP + MEASURED)))
BENCH_SIGNING_SECRET="$SECRET" taskset -c 0 java -cp "$HERE/target/classes" io.switchboard.bench.SignedRequests \
  out="$OUT/requests" count="$requests" prefix="profile$(date +%s)" text="echo bench {trigger}" team=T0DEMO \
  channels="$CHANNELS" responseUrl="http://127.0.0.1:$SINK_PORT/reply/bench"
flood() { # flood FIRST LAST SECONDS
  BENCH_REQUESTS="$OUT/requests" BENCH_FIRST="$1" BENCH_LAST="$2" BENCH_THREADS=1 \
    taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"$3"s --timeout 10s --latency -s "$HERE/bench.lua" "$URL"
}
flood 1 $((RATE * WARMUP)) "$WARMUP" > "$OUT/warmup.txt"
sleep 5
sql -c "SELECT pg_stat_statements_reset()" > /dev/null
( for _ in $(seq 1 $((MEASURED * 5))); do
    sql -At -c "SELECT coalesce(wait_event_type, 'cpu') || ':' || coalesce(wait_event, '-') || ' | '
                || left(regexp_replace(query, '\s+', ' ', 'g'), 70)
                FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()"
    sleep 0.2
  done > "$OUT/sessions.txt" ) &
SAMPLER=$!
postgres=$(postgres_pids)
jvm0=$(cpu_ticks "$NODE"); pg0=$(cpu_ticks $postgres)
queued0=$(metric switchboard_jobs_queued_total); done0=$(metric switchboard_jobs_completed_total)
flood $((RATE * WARMUP + 1)) "$requests" "$MEASURED" > "$OUT/wrk.txt"
jvm1=$(cpu_ticks "$NODE"); pg1=$(cpu_ticks $postgres)
queued1=$(metric switchboard_jobs_queued_total); done1=$(metric switchboard_jobs_completed_total)
wait "$SAMPLER" || true

echo "== wrk, $CONNECTIONS connections, $MEASURED s (after $WARMUP s of warm-up)"
grep '^BENCH_RESULT' "$OUT/wrk.txt" | sed 's/ max_ms.*//'
echo "== in the window: $((queued1 - queued0)) jobs queued, $((done1 - done0)) finished;" \
  "CPU seconds: JVM $(awk "BEGIN { printf \"%.1f\", ($jvm1 - $jvm0) / 100 }"), PostgreSQL" \
  "$(awk "BEGIN { printf \"%.1f\", ($pg1 - $pg0) / 100 }") (CPU $NODE_CPUS, $MEASURED s)"
echo "== group commit since the start: $(metric switchboard_commit_batch_size_sum) commands in" \
  "$(metric switchboard_commit_batch_size_count) batches"
echo "== active sessions, sampled every 200 ms (wait event | statement)"
sort "$OUT/sessions.txt" | uniq -c | sort -rn | head -15
echo "== statements by time"
sql -c "SELECT round(total_exec_time::numeric) AS total_ms, calls, round(mean_exec_time::numeric, 3) AS mean_ms, rows,
               left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS statement
          FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15"
echo "== table churn"
sql -c "SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_dead_tup FROM pg_stat_user_tables
         ORDER BY n_tup_ins + n_tup_upd DESC LIMIT 8"
rm -f "$OUT/requests"
