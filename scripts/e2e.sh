#!/usr/bin/env bash
# End to end, as a user would: build, generate a small corpus with
# adversarial inputs, check that every parser × strategy × read mode prints
# the same canonical line, run a small matrix through the harness, read its
# bench.txt with benchstat, open a profile with pprof, and render the report.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin="$work/benchgrid"
go build -o "$bin" ./cmd/benchgrid

corpus="$work/corpus"
"$bin" corpus gen -dir "$corpus" -files 300 -seed 5 -bad 40
"$bin" corpus describe "$corpus"

want=$("$bin" process -parser std -strategy sequential "$corpus")
echo "reference: $want"
# read=uring where io_uring can run here; elsewhere process must say why.
reads="readfile reuse mmap sized openat openat-raw uring"
if ! "$bin" process -parser none -read uring "$corpus" >/dev/null 2>"$work/uring.err"; then
  grep -q 'read mode uring is unavailable here: ' "$work/uring.err" || { echo "read=uring failed without its reason: $(cat "$work/uring.err")"; exit 1; }
  echo "skipping read=uring: $(cat "$work/uring.err")"
  reads=${reads% uring}
fi
configs=0
# check_line CONFIG: the line in $got must be the reference's.
check_line() {
  if [ "$got" != "$want" ]; then
    echo "MISMATCH $1:"
    echo "  got  $got"
    echo "  want $want"
    exit 1
  fi
  configs=$((configs + 1))
}
for parser in std sonic fastjson simdjson goccy; do
  for strategy in sequential pool pipeline perfile errgroup atomic batch; do
    for read in $reads; do
      # The walk and the tally alternate with the read mode, so that
      # every option meets every parser and strategy.
      walk=lstat tally=map
      case $read in sized|openat-raw|uring) walk=dtype ;; esac
      case $read in openat|openat-raw|mmap) tally=intern ;; esac
      got=$(BENCHGRID_TALLY=$tally "$bin" process -parser "$parser" -strategy "$strategy" -read "$read" -walk "$walk" -workers 3 "$corpus")
      check_line "parser=$parser strategy=$strategy read=$read walk=$walk tally=$tally"
    done
  done
done
# Streamed from the walk to the workers (process -stream), in every
# strategy that has the form, with both walks and a read mode each.
for parser in std sonic; do
  for strategy in pool atomic batch; do
    for walk in lstat dtype; do
      read=openat
      [ "$walk" = dtype ] && read=${reads##* }
      got=$("$bin" process -parser "$parser" -strategy "$strategy" -read "$read" -walk "$walk" -workers 3 -stream "$corpus")
      check_line "-stream parser=$parser strategy=$strategy read=$read walk=$walk"
    done
  done
done
echo "all $configs configurations printed the reference line"

# Usage errors exit 2 with a message naming the problem.
set +e
"$bin" process -parser nosuch "$corpus" 2>"$work/err"; code=$?
set -e
[ "$code" = 2 ] && grep -q 'unknown parser "nosuch"' "$work/err" || { echo "unknown parser: exit $code: $(cat "$work/err")"; exit 1; }

out="$work/results"
"$bin" run -corpus "$corpus" -out "$out" -count 2 -parsers std,sonic,none -strategies sequential,pool \
  -profile cpu,allocs -seed 7 -report
for f in results.json bench.txt report.md; do
  [ -s "$out/latest/$f" ] || { echo "missing $out/latest/$f"; exit 1; }
done
go tool benchstat -col /parser -row /strategy "$out/latest/bench.txt" | tee "$work/grid"
grep -q 'sonic' "$work/grid" && grep -q 'pool' "$work/grid" || { echo "benchstat grid lacks parser columns or strategy rows"; exit 1; }
profile=$(find "$out/latest/profiles" -name cpu.pprof | head -1)
go tool pprof -top "$profile" | head -15 | tee "$work/top"
grep -q 'flat%' "$work/top" || { echo "pprof could not read $profile"; exit 1; }
grep -q '## Summary' "$out/latest/report.md" || { echo "report has no summary"; exit 1; }
# Ctrl-C: the run stops after the sample in flight, keeps what finished and
# is marked incomplete.
"$bin" run -corpus "$corpus" -out "$work/int" -count 50 -parsers std -strategies pool -profile "" 2>"$work/int.log" &
pid=$!
for _ in $(seq 100); do
  [ -f "$work/int/latest/results.json" ] && grep -q '"wall_ns"' "$work/int/latest/results.json" && break
  sleep 0.1
done
kill -INT "$pid"
set +e
wait "$pid"; code=$?
set -e
[ "$code" = 1 ] || { echo "interrupted run exited $code, want 1"; cat "$work/int.log"; exit 1; }
grep -q '"complete": false' "$work/int/latest/results.json" || { echo "interrupted run not marked incomplete"; exit 1; }
grep -q 'run interrupted' "$work/int.log" || { echo "no interruption message"; cat "$work/int.log"; exit 1; }
# The optimization study, quick, on the small corpus. Build variants are
# left out to keep CI short: harness's tests build one for real.
"$bin" study -quick -no-builds -corpus "$corpus" -count 2 -out "$work/study" -profile cpu -seed 3 >"$work/study.out"
studydir=$(ls -d "$work"/study/study-* | head -1)
for f in study.json study.md preset.json; do
  [ -s "$studydir/$f" ] || { echo "missing $studydir/$f"; exit 1; }
done
grep -q 'Original' "$studydir/study.md" || { echo "study.md has no optimization summary"; exit 1; }
# The preset is a config file that run accepts.
"$bin" run -config "$studydir/preset.json" -corpus "$corpus" -dry-run -count 1 | tee "$work/preset.cells"
grep -q '^parser=' "$work/preset.cells" || { echo "preset.json did not rerun"; exit 1; }
# Real documents (corpus real): every layout of a source gives the same
# answer but for files and bytes, with no bad document, from every parser.
"$bin" corpus real -out "$work/real" -source twitter,citm,strings >"$work/real.out"
grep -q 'benchgrid run -query .*/twitter.query -corpus .*/twitter/json$' "$work/real.out" || { echo "corpus real printed no run line"; cat "$work/real.out"; exit 1; }
for src in twitter citm strings; do
  want=
  for layout in json json-gz ndjson ndjson-gz ndjson-zst; do
    for parser in std sonic fastjson simdjson goccy; do
      if ! line=$("$bin" process -query "$work/real/$src.query" -parser "$parser" -strategy pool -workers 3 "$work/real/$src/$layout" 2>"$work/err"); then
        grep -q 'unavailable' "$work/err" && continue  # a parser this machine cannot run
        cat "$work/err"; exit 1
      fi
      case "$line" in *'"bad_files":0,'*'"bad_documents":0,'*) ;; *) echo "$src/$layout $parser: bad inputs: $line"; exit 1;; esac
      got=$(printf '%s\n' "$line" | sed 's/^{"files":[0-9]*,"bad_files":0,"bytes":[0-9]*,/{/')
      [ -z "$want" ] && want=$got
      [ "$got" = "$want" ] || { echo "MISMATCH $src/$layout parser=$parser:"; echo "  got  $got"; echo "  want $want"; exit 1; }
    done
  done
  echo "real $src: every layout × parser: ${want:0:70}…"
done
echo "e2e: ok"
