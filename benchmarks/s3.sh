#!/usr/bin/env bash
# Reads a converted corpus through S3Proxy on loopback (started in-process by S3Bench, serving the
# corpus folder as a bucket, read in place) and writes the table of requests, bytes and speeds to
# benchmarks/results/s3.md.
#
#   benchmarks/s3.sh CORPUS            e.g. benchmarks/target/compare/lazy-1000000 (compare.sh)
#
#   MVN_ARGS   extra Maven arguments (e.g. -Dmaven.repo.local=...)
#   CACHE      the local cache folder to fill and read (default: a temporary one, deleted after)
#
# The corpus folder's name is the bucket's, so it must be a valid bucket name (lowercase letters,
# digits, dots and hyphens); S3Proxy serves it through a symbolic link in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=$(readlink -f "$1")
MVN_ARGS=${MVN_ARGS:-}

mvn -B -q $MVN_ARGS -DskipTests install
mvn -B -q $MVN_ARGS -f benchmarks/pom.xml -DskipTests package
mvn -B -q $MVN_ARGS -f benchmarks/pom.xml dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
ln -s "$CORPUS" "$ROOT/$(basename "$CORPUS")"
java -Xmx2g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.lazyarrow.bench.S3Bench "$ROOT/$(basename "$CORPUS")" benchmarks/results/s3-table.md ${CACHE:+"$CACHE"}
