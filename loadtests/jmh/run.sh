#!/usr/bin/env bash
# Builds the JMH benchmarks of the gateway's hot pieces and runs them pinned to one core
# (loadtests/README.md#jmh-benchmarks). Arguments go to JMH: a benchmark name pattern, -f/-wi/-i/-r
# and the rest (java -cp ... org.openjdk.jmh.Main -h lists them). JMH_CPU picks the core (default 1).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CPU="${JMH_CPU:-1}"

(cd "$ROOT" && mvn -q -pl loadtests/jmh -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
CP="$HERE/target/classes:$(cat "$HERE/target/classpath.txt")"
cd "$HERE" # the policy and rate-limit benchmarks start PostgreSQL under target/test-postgres
if [ "$#" -eq 0 ]; then
  set -- -f 1 -wi 3 -w 2s -i 5 -r 3s -rf text -rff target/jmh-result.txt
fi
exec taskset -c "$CPU" java -cp "$CP" org.openjdk.jmh.Main "$@"
