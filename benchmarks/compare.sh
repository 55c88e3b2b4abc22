#!/usr/bin/env bash
# Compares LazyArrow, lazy and eager, with the datasets library on one corpus that hf_reference.py
# makes, and writes the report (table and chart) to benchmarks/results/.
#
#   benchmarks/compare.sh [ROWS] [ROUNDS]      defaults: 1000000 rows, 5 rounds
#
#   PYTHON  a Python with datasets and pyarrow (default: python3)
#   WORK    where the corpora are made and kept (default: benchmarks/target/compare)
#   BUILD   "no" uses the jars already built (cli/target/lazyarrow-cli.jar, benchmarks.jar) instead
#           of installing the reactor first
#
# Each round runs the three systems in turn, starting with a different one each round. Each system
# runs twice: first after dropping the page cache (open and first-row figures; this needs root,
# without it the first run is reported as such), then warm (throughput and memory). A corpus of a
# tenth of the rows is measured warm too, to show which memory figures grow with the data. Each
# round also runs the copy floor (cold/CopyFloor.java, one thread) warm beside them: the packed
# figure is held to it.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-1000000}
ROUNDS=${2:-5}
PYTHON=${PYTHON:-python3}
WORK=${WORK:-benchmarks/target/compare}
RESULTS=benchmarks/results
CLI=cli/target/lazyarrow-cli.jar
RAW=$RESULTS/runs.jsonl
SYSTEMS=(datasets lazy eager)

if ! "$PYTHON" -c 'import datasets, pyarrow' 2>/dev/null; then
  echo "compare.sh: $PYTHON cannot import datasets and pyarrow; point PYTHON at one that can" >&2
  exit 2
fi
if [ "${BUILD:-yes}" != no ]; then
  mvn -B -q -DskipTests install
  mvn -B -q -f benchmarks/pom.xml -DskipTests package
fi
mkdir -p "$WORK" "$RESULTS"

# Makes the corpus of $1 rows with the reference script, and its LazyArrow conversion.
make_corpus() {
  if [ ! -f "$WORK/hf-$1/state.json" ]; then
    "$PYTHON" benchmarks/hf_reference.py make "$WORK/hf-$1" "$1" 2>/dev/null
  fi
  if [ ! -f "$WORK/lazy-$1/lazyarrow.json" ]; then
    java -jar "$CLI" convert "$WORK/hf-$1" "$WORK/lazy-$1"
  fi
}

drop_page_cache() {
  sync && (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null
}

if drop_page_cache; then FIRST=cold; else FIRST=first; fi

# Runs system $1 on the corpus of $2 rows and appends its figures, labelled $3 (cache) and $4.
measure() {
  local figures
  if [ "$1" = datasets ]; then
    figures=$("$PYTHON" benchmarks/hf_reference.py measure "$WORK/hf-$2" 2>/dev/null)
  elif [ "$1" = copy-floor ]; then
    figures=$(java benchmarks/cold/CopyFloor.java "$WORK/lazy-$2" 2>/dev/null | tail -1)
    figures="{\"system\": \"copy-floor\", ${figures#\{}"
  else
    figures=$(java -jar "$CLI" bench "$WORK/lazy-$2" --mode "$1" --json)
  fi
  echo "{\"cache\": \"$3\", \"round\": $4, \"corpus_rows\": $2, \"figures\": $figures}" >> "$RAW"
  echo "  $1 $3: $figures" >&2
}

make_corpus "$ROWS"
make_corpus "$((ROWS / 10))"
: > "$RAW"
for ((round = 0; round < ROUNDS; round++)); do
  echo "round $((round + 1)) of $ROUNDS" >&2
  for ((k = 0; k < ${#SYSTEMS[@]}; k++)); do
    system=${SYSTEMS[$(((round + k) % ${#SYSTEMS[@]}))]}
    if [ "$FIRST" = cold ]; then drop_page_cache; fi
    measure "$system" "$ROWS" "$FIRST" "$round"
    measure "$system" "$ROWS" warm "$round"
  done
  measure copy-floor "$ROWS" warm "$round"
done
echo "corpus of $((ROWS / 10)) rows" >&2
for system in "${SYSTEMS[@]}"; do
  measure "$system" "$((ROWS / 10))" first 0
  measure "$system" "$((ROWS / 10))" warm 0
done

{
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores," \
    "$(free -g | awk '/Mem:/ {print $2}') GB RAM, Linux $(uname -r)"
  java -version 2>&1 | head -1
  "$PYTHON" -c 'import sys, datasets, pyarrow; print("Python", sys.version.split()[0],
    "datasets", datasets.__version__, "pyarrow", pyarrow.__version__)'
  echo "page cache dropped before the first run of each system: $([ "$FIRST" = cold ] && echo yes || echo no)"
  echo "benchmarks/compare.sh $ROWS $ROUNDS, $(date -u +%Y-%m-%d)"
} > "$RESULTS/machine.txt"
java -cp benchmarks/target/benchmarks.jar dev.lazyarrow.bench.Report "$RAW" "$RESULTS/machine.txt" "$RESULTS"
echo "wrote $RESULTS/compare.md and $RESULTS/compare.png" >&2
