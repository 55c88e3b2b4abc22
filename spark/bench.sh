#!/usr/bin/env bash
# Converts one Parquet corpus with the CLI's `lazyarrow convert` and with Spark local[2] (the
# example main, run outside Maven), alternating, ROUNDS times; prints wall times and throughputs.
# Usage: spark/bench.sh CORPUS.parquet WORKDIR [ROUNDS]  (after mvn install and mvn -f spark package;
# a local repository other than ~/.m2 is given as MAVEN_OPTS=-Dmaven.repo.local=DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$1 work=$2 rounds=${3:-2}
mvn -q -B -f spark dependency:build-classpath -Dmdep.includeScope=compile \
  -Dmdep.outputFile="$PWD/spark/target/classpath.txt"
cp="spark/target/classes:$(cat spark/target/classpath.txt)"
mkdir -p "$work"
# Runs a command with its output in $work/out.log and prints its wall time in seconds.
seconds() {
  local s
  s=$(date +%s.%N)
  "$@" >"$work/out.log" 2>&1 || { echo "failed, see $work/out.log" >&2; return 1; }
  echo "$(date +%s.%N) - $s" | bc
}
for round in $(seq "$rounds"); do
  rm -rf "$work/cli" "$work/spark"
  t=$(seconds java -jar target/lazyarrow-cli.jar convert "$src" "$work/cli" --quiet)
  echo "round $round cli: wall $t s; $(grep '^converted' "$work/out.log"), $(du -sb "$work/cli" | cut -f1) bytes; load $(cut -d' ' -f1 /proc/loadavg)"
  # shellcheck disable=SC2046 # one flag per word
  t=$(seconds java $(cat spark/.mvn/jvm.config) -Dspark.master='local[2]' -cp "$cp" \
    dev.lazyarrow.spark.example.ToLazyArrow "$src" "$work/spark")
  echo "round $round spark local[2]: wall $t s; $(grep '^wrote' "$work/out.log"); load $(cut -d' ' -f1 /proc/loadavg)"
done
