#!/usr/bin/env bash
# Benchmarks `cape` against the floor in one run, as ratios (this machine is shared and
# noisy: absolute times are not comparable between runs, ratios within a run are).
#
#   bash benches/run.sh            # RUNS=5 by default; BENCH_DIR=target/bench
#
# Needs GNU time (/usr/bin/time, Debian package `time`) for max RSS. Where Python can load
# DuckDB (`pip install duckdb`), the same grouping runs in DuckDB on the same files
# (benches/duckdb_es003.py).
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
duck=
python3 -c "import duckdb" 2>/dev/null && duck=benches/duckdb_es003.py

# Inputs, 1.6M rows each: the generator's plain file; ACE's formatting (BOM, "$1,234.56",
# entries in entry-date order, 500 importers); the same with one importer per entry; the
# same damaged on every row. Two 200k-row workbooks; 1x / 4x rows for the same entries.
gen_once() { local f=$1; shift; [ -f "$dir/$f" ] || $gen "$@" "$dir/$f"; }
gen_once big.csv --entries 320000
gen_once ace.csv --entries 320000 --style ace
gen_once ace-per-entry.csv --entries 320000 --style ace --importers per-entry
gen_once ace-damaged.csv --entries 320000 --style ace --damaged
gen_once big.xlsx --entries 40000
gen_once ace.xlsx --entries 40000 --style ace
gen_once rows1x.csv --entries 80000 --lines-per-entry 2
gen_once rows4x.csv --entries 80000 --lines-per-entry 8

# One timed run: prints "seconds maxrss_kb".
timed() {
  # GNU time puts a line before its figures when the command exits with findings (1).
  /usr/bin/time -f "%e %M" -o "$dir/.time" "$@" >/dev/null 2>"$dir/.err" || true
  tail -1 "$dir/.time"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# csv_row LABEL FILE: the floor (csv crate + SHA-256), cape and DuckDB run alternately;
# prints medians, cape's ratio to the floor, its max RSS, and DuckDB's time against cape's.
csv_row() {
  local label=$1 file=$2 s kb
  : >"$dir/.f"; : >"$dir/.c"; : >"$dir/.m"; : >"$dir/.d"; : >"$dir/.q"; : >"$dir/.dm"
  for _ in $(seq "$runs"); do
    timed $floor csv-sha256 "$file" | awk '{print $1}' >>"$dir/.f"
    read -r s kb < <(timed $cape prepare "$file" $as_of -o "$dir/out" --json)
    echo "$s" >>"$dir/.c"; echo "$kb" >>"$dir/.m"
    if [ -n "$duck" ]; then
      read -r s kb < <(timed python3 "$duck" "$file" "$dir/duck.csv")
      echo "$s" >>"$dir/.d"; echo "$kb" >>"$dir/.dm"; tail -1 "$dir/.err" >>"$dir/.q"
    fi
  done
  local f c m
  f=$(median <"$dir/.f"); c=$(median <"$dir/.c"); m=$(sort -n "$dir/.m" | tail -1)
  awk -v l="$label" -v f="$f" -v c="$c" -v m="$m" \
    'BEGIN {printf "%-36s floor+SHA %5.2f s   cape %5.2f s   ratio %4.2fx   max RSS %4d MB\n", l, f, c, c/f, m/1024}'
  if [ -n "$duck" ]; then
    awk -v d="$(median <"$dir/.d")" -v q="$(median <"$dir/.q")" -v c="$c" \
      -v m="$(sort -n "$dir/.dm" | tail -1)" \
      'BEGIN {printf "%-36s DuckDB %5.2f s (query %5.2f s)   %4.2fx (%4.2fx) cape'"'"'s time   max RSS %4d MB\n", "", d, q, d/c, q/c, m/1024}'
  fi
  echo "$m" >"$dir/.rss-$(basename "$file" .csv)"
}

# xlsx_row LABEL FILE: calamine iterating every cell, and cape, alternately.
xlsx_row() {
  local label=$1 file=$2 s kb
  : >"$dir/.f"; : >"$dir/.c"; : >"$dir/.m"
  for _ in $(seq "$runs"); do
    timed $floor xlsx "$file" | awk '{print $1}' >>"$dir/.f"
    read -r s kb < <(timed $cape prepare "$file" $as_of -o "$dir/out-xlsx" --json)
    echo "$s" >>"$dir/.c"; echo "$kb" >>"$dir/.m"
  done
  awk -v l="$label" -v f="$(median <"$dir/.f")" -v c="$(median <"$dir/.c")" \
    -v m="$(sort -n "$dir/.m" | tail -1)" \
    'BEGIN {printf "%-36s calamine  %5.2f s   cape %5.2f s   ratio %4.2fx   max RSS %4d MB\n", l, f, c, c/f, m/1024}'
}

rows() { wc -l <"$1" | awk '{print $1-1}'; }
echo "runs: $runs (medians); $(nproc) cores; DuckDB: ${duck:-not installed}"
for f in big ace ace-per-entry ace-damaged; do
  echo "$f.csv: $(rows "$dir/$f.csv") rows, $(du -mL "$dir/$f.csv" | cut -f1) MB"
done
csv_row "prepare, plain CSV" "$dir/big.csv"
csv_row "prepare, ACE-formatted CSV" "$dir/ace.csv"
csv_row "prepare, ACE, one importer per entry" "$dir/ace-per-entry.csv"
csv_row "prepare, ACE, every row damaged" "$dir/ace-damaged.csv"
awk -v d="$(cat "$dir/.rss-ace-damaged")" -v c="$(cat "$dir/.rss-ace")" \
  'BEGIN {printf "%-36s %4.2fx the clean file'"'"'s max RSS\n", "  damaged against clean", d/c}'
xlsx_row "prepare, XLSX (200k rows)" "$dir/big.xlsx"
xlsx_row "prepare, ACE-style XLSX (200k rows)" "$dir/ace.xlsx"

# Memory grows with entries, not rows: the same 80,000 entries with 1x and 4x the rows.
for f in rows1x rows4x; do
  read -r s kb < <(timed $cape prepare "$dir/$f.csv" $as_of -o "$dir/out-$f" --json)
  printf "%-36s %8d rows   %5.2f s   max RSS %4d MB\n" "prepare $f (80,000 entries)" "$(rows "$dir/$f.csv")" "$s" $((kb / 1024))
done

# validate on a full 9,999-entry declaration: 100 runs timed together, process start
# included (GNU time's 10 ms resolution is too coarse for one run).
$cape prepare "$dir/big.csv" $as_of -o "$dir/out" >/dev/null 2>&1
decl="$dir/out/ACEP_CapeEntryNumberUploadTemplate_1.csv"
start=$(date +%s%N)
for _ in $(seq 100); do $cape validate "$decl" --result "$dir/vr.csv" >/dev/null 2>&1; done
end=$(date +%s%N)
printf "%-36s %6.1f ms a run (100 runs; %d entries)\n" "validate" \
  "$(awk -v ns=$((end - start)) 'BEGIN {print ns / 1e8}')" "$(($(wc -l <"$decl") - 1))"

# validate on a 1 GiB declaration (82.6 million lines), to show its memory stays bounded
# whatever the file's size; only with HUGE=1, as it writes 1 GiB and takes a while.
if [ "${HUGE:-0}" = 1 ]; then
  huge="$dir/huge-declaration.csv"
  [ -f "$huge" ] || awk 'BEGIN { printf "Entry Number\r\n"
    for (i = 0; i < 82595524; i++) printf "%011.0f\r\n", 21000000000 + i }' >"$huge"
  read -r s kb < <(timed $cape validate "$huge" --result "$dir/vr-huge.csv")
  printf "%-36s %4d MB   %6.1f s   max RSS %4d MB\n" "validate, 1 GiB declaration" \
    "$(du -mL "$huge" | cut -f1)" "$s" $((kb / 1024))
fi
