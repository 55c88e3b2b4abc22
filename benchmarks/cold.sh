#!/usr/bin/env bash
# Cold random reads against the device floor, in one run: LazyArrow's random get and shuffled
# training pass on a dataset whose pages are dropped from the page cache before each measurement,
# beside the floor probe (three positional reads of 2 KB per row at random offsets of the same
# shard files, 32 threads). Prints a markdown table: rows/s, the fraction of the floor, and the
# bytes read from disk per row (/proc/self/io read_bytes) against the bytes the rows hold.
#
#   benchmarks/cold.sh DATASET [SPLIT] [FLOOR_ROWS]     defaults: train, 20000
#
# Dropping the page cache needs root (sync; echo 3 > /proc/sys/vm/drop_caches); without it every
# shard file is evicted with posix_fadvise(POSIX_FADV_DONTNEED) through python3, which only drops
# pages no other process holds. Build first: mvn -B -q -DskipTests package.
set -euo pipefail
cd "$(dirname "$0")/.."

DATASET=${1:?usage: benchmarks/cold.sh DATASET [SPLIT] [FLOOR_ROWS]}
SPLIT=${2:-train}
FLOOR_ROWS=${3:-20000}
CLI=cli/target/lazyarrow-cli.jar
PROBE=benchmarks/cold/FloorProbe.java

drop() {
  if [ "$(id -u)" = 0 ]; then
    sync
    echo 3 > /proc/sys/vm/drop_caches
  else
    find "$DATASET" -name '*.arrow' -print0 | xargs -0 python3 -c '
import os, sys
for name in sys.argv[1:]:
    fd = os.open(name, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)'
  fi
}

field() { python3 -c 'import json, sys; v = json.loads(sys.argv[1])[sys.argv[2]]; print(v)' "$1" "$2"; }

drop
floor=$(java -cp "$CLI" "$PROBE" floor "$DATASET" "$FLOOR_ROWS" 32)
drop
random32=$(java -jar "$CLI" bench "$DATASET" --split "$SPLIT" --passes random --threads 32 --json)
drop
random1=$(java -jar "$CLI" bench "$DATASET" --split "$SPLIT" --passes random --json)
drop
train=$(java -jar "$CLI" bench "$DATASET" --split "$SPLIT" --passes train --json)
drop
mapped=$(java -jar "$CLI" bench "$DATASET" --split "$SPLIT" --passes random --threads 32 \
  --read-mode mapped --json)
sizes=$(java -cp "$CLI" "$PROBE" rowbytes "$DATASET" "$SPLIT")

python3 - "$floor" "$random32" "$random1" "$train" "$mapped" "$sizes" <<'PY'
import json, sys
floor, random32, random1, train, mapped, sizes = (json.loads(a) for a in sys.argv[1:])
f = floor["rows_per_s"]
print("| cold, page cache dropped before each | rows/s | of the floor | bytes read per row | x the row's bytes |")
print("| --- | --- | --- | --- | --- |")
print(f"| device floor: 3 x 2 KB positional reads per row, 32 threads | {f:,.0f} | 100% "
      f"| {floor['read_bytes_per_row']:,.0f} | - |")
def line(name, rate, read, held):
    print(f"| {name} | {rate:,.0f} | {rate / f:.0%} | {read:,.0f} | {read / held:.1f} |")
line("`get`, random rows, 32 threads, AUTO", random32["random_rows_per_s"],
     random32["random_read_bytes_per_row"], sizes["row_bytes"])
line("`get`, random rows, 1 thread, AUTO", random1["random_rows_per_s"],
     random1["random_read_bytes_per_row"], sizes["row_bytes"])
line("shuffled training pass (`train_rows_per_s`), AUTO", train["train_rows_per_s"],
     train["train_read_bytes_per_row"], sizes["train_row_bytes"])
line("`get`, random rows, 32 threads, MAPPED (before)", mapped["random_rows_per_s"],
     mapped["random_read_bytes_per_row"], sizes["row_bytes"])
print()
print(f"A row holds {sizes['row_bytes']:,.0f} bytes of values on average "
      f"({sizes['train_row_bytes']:,.0f} in input_ids and label); {random32['rows']:,} rows, "
      f"{random32['bytes'] / 1e9:.1f} GB.")
PY
