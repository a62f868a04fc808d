#!/usr/bin/env bash
# Heap per installed tenant on the embedded node (loadtests/README.md#heap-per-tenant): installs
# TENANTS tenants through the operator API, sends each one command, lets them idle, and reads the
# node's live heap (jcmd GC.class_histogram) before, after installing, after the commands and after
# the idle wait. Prints the bytes per tenant and the classes that grew most. Asserts nothing.
#
#   loadtests/bench/tenants.sh [JAR]
#
# Environment: TENANTS (10000), IDLE_SECONDS (150: past the node's two-minute caches), NODE_CPUS (1;
# the driver runs on 0), TENANTS_OUT (loadtests/target/tenants). Needs jcmd (the JDK) and taskset.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAR="${1:-$ROOT/deploy/target/switchboard.jar}"
TENANTS="${TENANTS:-10000}"; IDLE_SECONDS="${IDLE_SECONDS:-150}"; NODE_CPUS="${NODE_CPUS:-1}"
OUT="${TENANTS_OUT:-$ROOT/loadtests/target/tenants}"; DATA="$OUT/data"
PORT=18180; SINK_PORT=18199; URL="http://127.0.0.1:$PORT"
ADMIN="sbt_tenants_admin_token"; OPERATOR="sbo_tenants_operator_token"
for tool in jcmd taskset curl; do command -v "$tool" > /dev/null || { echo "needs $tool" >&2; exit 1; }; done
[ -f "$JAR" ] || { echo "no jar at $JAR (mvn -q -DskipTests package)" >&2; exit 1; }
[ -f "$HERE/target/classpath.txt" ] || mvn -q -f "$HERE/pom.xml" compile dependency:build-classpath \
  -Dmdep.outputFile="$HERE/target/classpath.txt"
mvn -q -f "$HERE/pom.xml" compile
CP="$HERE/target/classes:$(cat "$HERE/target/classpath.txt")"
rm -rf "$OUT"; mkdir -p "$OUT"

PIDS=()
cleanup() { for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill -TERM "$pid" 2> /dev/null || true; done; wait || true; }
trap cleanup EXIT

taskset -c 0 java -cp "$CP" io.switchboard.bench.BareServer "$SINK_PORT" > "$OUT/sink.log" 2>&1 &
PIDS+=($!)
SWITCHBOARD_HTTP_HOST=127.0.0.1 SWITCHBOARD_HTTP_PORT="$PORT" SWITCHBOARD_DATA_DIR="$DATA" \
SWITCHBOARD_DEMO_ADMIN_TOKEN="$ADMIN" SWITCHBOARD_OPERATOR_TOKEN="$OPERATOR" \
SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES="http://127.0.0.1:$SINK_PORT/" \
  taskset -c "$NODE_CPUS" java -jar "$JAR" > "$OUT/node.log" 2>&1 &
NODE=$!; PIDS+=("$NODE")
until curl -sf -o /dev/null "$URL/ready"; do
  kill -0 "$NODE" 2> /dev/null || { tail -20 "$OUT/node.log" >&2; exit 1; }
  sleep 0.5
done
taskset -c 0 java -cp "$CP" io.switchboard.bench.TenantHeap url="$URL" pid="$NODE" operatorToken="$OPERATOR" \
  adminToken="$ADMIN" tenants="$TENANTS" idleSeconds="$IDLE_SECONDS" responseUrl="http://127.0.0.1:$SINK_PORT/reply/heap" \
  | tee "$OUT/result.txt"
