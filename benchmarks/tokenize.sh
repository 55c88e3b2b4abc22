#!/usr/bin/env bash
# Tokenizes one text corpus with the datasets library (hf_tokenize.py) and with
# `lazyarrow convert --tokenizer`, in the same run, and prints the token ids per second of each,
# their ratios to the Rust tokenizer's own rate (the floor of both) and the CLI's peak RSS.
#
#   benchmarks/tokenize.sh [ROWS] [ROUNDS]      defaults: 100000 rows (about 130 MB of text), 1 round
#
#   PYTHON     a Python with datasets, pyarrow and tokenizers (default: python3)
#   TOKENIZER  the tokenizer.json (default: the byte-level BPE fixture of the tokenizers module)
#   WORK       where the corpus is made and kept (default: benchmarks/target/tokenize)
#   CLI        the shaded CLI jar (default: cli/target/lazyarrow-cli.jar, built if missing)
#
# The CLI runs as a user runs it: `java -jar` with no heap flag. Its rate counts the ids written
# per second of the whole conversion (tokenizer load, reading, encoding, writing, rename), as the
# reference counts Dataset.map plus save_to_disk.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-100000}
ROUNDS=${2:-1}
PYTHON=${PYTHON:-python3}
TOKENIZER=${TOKENIZER:-tokenizers/src/test/resources/tokenizers/bpe/tokenizer.json}
WORK=${WORK:-benchmarks/target/tokenize}
CLI=${CLI:-cli/target/lazyarrow-cli.jar}

if ! "$PYTHON" -c 'import datasets, pyarrow, tokenizers' 2>/dev/null; then
  echo "tokenize.sh: $PYTHON cannot import datasets, pyarrow and tokenizers" >&2
  exit 2
fi
if [ ! -f "$CLI" ]; then
  mvn -B -q -pl cli -am package -DskipTests
fi
mkdir -p "$WORK"
CORPUS=$WORK/corpus-$ROWS
if [ ! -f "$CORPUS/state.json" ]; then
  "$PYTHON" benchmarks/hf_tokenize.py make "$CORPUS" "$ROWS" 2>/dev/null
fi

# Prints "tokens_per_s floor_tokens_per_s" of the reference.
reference() {
  "$PYTHON" benchmarks/hf_tokenize.py measure "$CORPUS" "$TOKENIZER" 2>/dev/null \
    | "$PYTHON" -c 'import json, sys; r = json.load(sys.stdin)
print(r["tokens_per_s"], r["encode_only_tokens_per_s"])'
}

# Prints "tokens_per_s peak_rss_kb" of the CLI.
lazyarrow() {
  local out=$WORK/lazy-$ROWS log=$WORK/time.log line
  line=$(/usr/bin/time -v -o "$log" java -jar "$CLI" convert "$CORPUS" "$out" \
    --tokenizer "$TOKENIZER" --overwrite --quiet | tail -1)
  rm -rf "$out"
  echo "$(sed -E 's/.*\(([0-9.]+) tokens\/s\).*/\1/' <<< "$line")" \
    "$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")"
}

echo "corpus: $CORPUS ($(du -sh "$CORPUS" | cut -f1)), tokenizer: $TOKENIZER, $(nproc) cores"
printf '%-6s %14s %14s %14s %10s %10s %10s %10s\n' round floor datasets.map lazyarrow \
  'map/floor' 'lazy/floor' 'lazy/map' 'rss MB'
for ((round = 0; round < ROUNDS; round++)); do
  # Alternate which side runs first, so neither always gets the cooler machine.
  if ((round % 2 == 0)); then
    read -r ref floor < <(reference)
    read -r lazy rss < <(lazyarrow)
  else
    read -r lazy rss < <(lazyarrow)
    read -r ref floor < <(reference)
  fi
  awk -v r="$round" -v f="$floor" -v d="$ref" -v l="$lazy" -v m="$rss" 'BEGIN {
    printf "%-6d %14.0f %14.0f %14.0f %9.1f%% %9.1f%% %9.1f%% %10.0f\n", r + 1, f, d, l,
      100 * d / f, 100 * l / f, 100 * l / d, m / 1024 }'
done
