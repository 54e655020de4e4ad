#!/usr/bin/env bash
# Benchmarks `cape` against the floor in one run, as ratios (this machine is shared and
# noisy: absolute times are not comparable between runs, ratios within a run are).
#
#   bash benches/run.sh            # RUNS=5 by default; BENCH_DIR=target/bench
#
# Needs GNU time (/usr/bin/time, Debian package `time`) for max RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin cape --example gen_es003 --example floor >/dev/null 2>&1
dir=${BENCH_DIR:-target/bench}
runs=${RUNS:-5}
mkdir -p "$dir"
gen=target/release/examples/gen_es003
floor=target/release/examples/floor
cape=target/release/cape
as_of=--as-of=2026-06-01

# Inputs: 1.6M-row CSV, 200k-row XLSX, and 1x / 4x rows for the same entries.
[ -f "$dir/big.csv" ] || $gen --entries 320000 "$dir/big.csv"
[ -f "$dir/big.xlsx" ] || $gen --entries 40000 "$dir/big.xlsx"
[ -f "$dir/rows1x.csv" ] || $gen --entries 80000 --lines-per-entry 2 "$dir/rows1x.csv"
[ -f "$dir/rows4x.csv" ] || $gen --entries 80000 --lines-per-entry 8 "$dir/rows4x.csv"

# One timed run: prints "seconds maxrss_kb".
timed() {
  /usr/bin/time -f "%e %M" -o "$dir/.time" "$@" >/dev/null 2>&1
  cat "$dir/.time"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# compare LABEL FLOOR_CMD -- CAPE_CMD [-- SECOND_FLOOR_CMD]: runs them alternately, prints
# medians and the ratio of cape to each floor.
compare() {
  local label=$1; shift
  local floor_cmd=() cape_cmd=() second_cmd=()
  while [ "$1" != "--" ]; do floor_cmd+=("$1"); shift; done; shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do cape_cmd+=("$1"); shift; done
  [ $# -gt 0 ] && shift && second_cmd=("$@")
  : >"$dir/.f"; : >"$dir/.c"; : >"$dir/.m"; : >"$dir/.s"
  for _ in $(seq "$runs"); do
    timed "${floor_cmd[@]}" | awk '{print $1}' >>"$dir/.f"
    read -r s kb < <(timed "${cape_cmd[@]}")
    echo "$s" >>"$dir/.c"; echo "$kb" >>"$dir/.m"
    if [ ${#second_cmd[@]} -gt 0 ]; then timed "${second_cmd[@]}" | awk '{print $1}' >>"$dir/.s"; fi
  done
  local f c m
  f=$(median <"$dir/.f"); c=$(median <"$dir/.c"); m=$(sort -n "$dir/.m" | tail -1)
  awk -v l="$label" -v f="$f" -v c="$c" -v m="$m" \
    'BEGIN {printf "%-34s floor %6.2f s   cape %6.2f s   ratio %5.2fx   cape max RSS %4d MB\n", l, f, c, c/f, m/1024}'
  if [ ${#second_cmd[@]} -gt 0 ]; then
    awk -v f="$(median <"$dir/.s")" -v c="$c" \
      'BEGIN {printf "%-34s floor %6.2f s   cape %6.2f s   ratio %5.2fx\n", "  against the floor + SHA-256", f, c, c/f}'
  fi
}

rows() { wc -l <"$1" | awk '{print $1-1}'; }
echo "runs: $runs (medians); $(nproc) cores"
echo "big.csv: $(rows "$dir/big.csv") rows, $(du -m "$dir/big.csv" | cut -f1) MB"
compare "prepare CSV (1.6M rows)" $floor csv "$dir/big.csv" -- \
  $cape prepare "$dir/big.csv" $as_of -o "$dir/out-csv" --json -- \
  $floor csv-sha256 "$dir/big.csv"
compare "prepare XLSX (200k rows)" $floor xlsx "$dir/big.xlsx" -- \
  $cape prepare "$dir/big.xlsx" $as_of -o "$dir/out-xlsx" --json

# Memory grows with entries, not rows: the same 80,000 entries with 1x and 4x the rows.
for f in rows1x rows4x; do
  read -r s kb < <(timed $cape prepare "$dir/$f.csv" $as_of -o "$dir/out-$f" --json)
  printf "%-34s %8d rows   %6.2f s   max RSS %4d MB\n" "prepare $f (80,000 entries)" "$(rows "$dir/$f.csv")" "$s" $((kb / 1024))
done

# validate on a full 9,999-entry declaration: 100 runs timed together, process start
# included (GNU time's 10 ms resolution is too coarse for one run).
decl="$dir/out-csv/ACEP_CapeEntryNumberUploadTemplate_1.csv"
start=$(date +%s%N)
for _ in $(seq 100); do $cape validate "$decl" --result "$dir/vr.csv" >/dev/null 2>&1; done
end=$(date +%s%N)
printf "%-34s %6.1f ms a run (100 runs; %d entries)\n" "validate" \
  "$(awk -v ns=$((end - start)) 'BEGIN {print ns / 1e8}')" "$(($(wc -l <"$decl") - 1))"
