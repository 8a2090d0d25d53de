#!/usr/bin/env bash
# Hostile conditions that need real processes, signals and limits: running
# out of file descriptors, SIGINT and SIGTERM at each stage, a harness
# killed outright (its child must die with it). Each check prints what it
# saw; the script exits 1 on the first wrong behaviour.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
bin="$work/benchgrid"
go build -o "$bin" ./cmd/benchgrid
fail() { echo "hostile: FAIL: $*"; exit 1; }

# only_std_fds closes every descriptor above 2 below 64 that this shell
# inherited (a CI runner may hand down several), so that a limit set with
# ulimit -n leaves the program the same room on every machine. Call it in
# the subshell that sets the limit.
only_std_fds() {
  local fd
  for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] && [ "$fd" -lt 64 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

small="$work/small"
"$bin" corpus gen -dir "$small" -files 2000 -seed 9 -bad 40 >/dev/null
want=$("$bin" process -parser std -strategy sequential "$small")

# 1. Out of file descriptors: never bad inputs, never a silent success
# with a different answer. How many files a goroutine-per-file pass holds
# open at once depends on scheduling, so several limits are tried; each
# must either print the reference line or fail naming the cause, and at
# least one must hit the limit. Beside 0–2, the runtime holds up to two
# descriptors of its own (the cgroup CPU files it reads for GOMAXPROCS:
# two on cgroup v1, one on v2), and its poller two more, so 7 is the
# tightest limit at which the program can always report EMFILE itself:
# below it, the runtime may find no room for its poller and end the
# process with a fatal error. corpus.NewReader starts the poller before
# any reading, so that it is never left to a worker's first open (or to
# the GC's scavenger), when the workers may have spent the room it needs.
# How many the runtime holds differs between machines, so the tightest
# limit is measured: one below the least that a pass over one file needs,
# which leaves the runtime its room and no reading any, whatever the
# scheduling (on one CPU, perfile's goroutines may each open, read and
# close their file before the next runs, and then no higher limit is hit).
one="$work/one"
"$bin" corpus gen -dir "$one" -files 1 -seed 9 >/dev/null
least=""
for n in $(seq 4 32); do
  if (only_std_fds; ulimit -n "$n"; "$bin" process -parser std -strategy sequential "$one" >/dev/null 2>&1); then least=$n; break; fi
done
[ -n "$least" ] || fail "process of a one-file corpus failed under every limit up to ulimit -n 32"
tight=$((least - 1))
hit=0
limits=$(printf '%s\n' "$tight" 8 12 16 24 | sort -nu)
for n in $limits; do
  set +e
  got=$(only_std_fds; ulimit -n "$n"; "$bin" process -parser std -strategy perfile "$small" 2>"$work/emfile.err"); code=$?
  set -e
  if [ "$code" = 0 ]; then
    [ "$n" = "$tight" ] && fail "ulimit -n $n, one below what a one-file pass needs: the pass over $small succeeded"
    [ "$got" = "$want" ] || fail "ulimit -n $n: exit 0 with a different answer: $got"
  else
    [ "$code" = 1 ] && grep -q 'too many open files' "$work/emfile.err" || fail "ulimit -n $n: exit $code: $(head -c 300 "$work/emfile.err")"
    hit=$((hit + 1))
  fi
done
echo "hostile: out of file descriptors: a one-file pass needs ulimit -n $least; $hit of $(echo $limits | wc -w) limits ($(echo $limits)) failed the pass with EMFILE named, none counted bad inputs"

# In run, a cell out of descriptors is a resource failure, not a mismatch.
set +e
(only_std_fds; ulimit -n 24; "$bin" run -corpus "$small" -out "$work/emfile-run" -parsers std -strategies perfile -count 3 -profile "" -seed 1 >/dev/null 2>"$work/emfile-run.err"); code=$?
set -e
res="$work/emfile-run/latest/results.json"
grep -q '"kind": "mismatch"' "$res" && fail "run under ulimit -n 24 recorded a mismatch"
if [ "$code" = 1 ]; then
  grep -q '"kind": "resource"' "$res" || fail "run failed without a resource failure: $(cat "$work/emfile-run.err")"
  grep -q 'too many open files' "$res" || fail "results.json does not name EMFILE"
  echo "hostile: run out of descriptors: recorded as kind resource with its cause"
else
  echo "hostile: run under ulimit -n 24 hit no limit (exit $code)"
fi

# The slow corpus: a pass long enough (about a second) to be interrupted.
big="$work/big"
"$bin" corpus gen -dir "$big" -files 10000 -seed 9 >/dev/null

# 2. Ctrl-C ends process promptly. A latency of 500 µs a file makes the
# pass last over 5 s however fast the machine parses, so the signal at
# 1 s finds it under way (between reads or inside a parse), with its
# handler set even on a loaded machine.
"$bin" process -parser std -strategy sequential -latency 500us "$big" >/dev/null 2>"$work/proc.err" &
pid=$!
sleep 1
start=$(date +%s%N)
kill -INT "$pid"
set +e
wait "$pid"; code=$?
set -e
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$code" = 1 ] || fail "interrupted process exited $code"
grep -q 'interrupted' "$work/proc.err" || fail "interrupted process said: $(cat "$work/proc.err")"
[ "$ms" -lt 2000 ] || fail "process took $ms ms to stop after SIGINT"
echo "hostile: SIGINT ended process in $ms ms: $(cat "$work/proc.err")"

# alive PID: PID runs (a zombie, dead but not yet reaped by its new
# parent, does not count).
alive() {
  local st
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  case "$st" in Z*) return 1 ;; esac
  return 0
}

# waitchild PID: the pid of a child of PID once one runs.
waitchild() {
  for _ in $(seq 300); do
    c=$(pgrep -P "$1" | head -1 || true)
    [ -n "$c" ] && { echo "$c"; return 0; }
    sleep 0.02
  done
  return 1
}

# 3. SIGTERM is handled like SIGINT: the child in flight is killed, the
# finished samples are kept, the run is marked incomplete, exit 1.
"$bin" run -corpus "$big" -out "$work/term" -parsers std -strategies sequential -count 20 -profile "" -seed 1 2>"$work/term.err" >/dev/null &
pid=$!
for _ in $(seq 300); do
  [ -f "$work/term/latest/results.json" ] && grep -q '"wall_ns"' "$work/term/latest/results.json" && break
  sleep 0.05
done
child=$(waitchild "$pid") || fail "no child seen under run"
kill -TERM "$pid"
set +e
wait "$pid"; code=$?
set -e
[ "$code" = 1 ] || fail "run after SIGTERM exited $code"
grep -q '"complete": false' "$work/term/latest/results.json" || fail "run after SIGTERM not marked incomplete"
grep -q '"wall_ns"' "$work/term/latest/results.json" || fail "run after SIGTERM lost its samples"
alive "$child" && fail "child $child still runs after its run got SIGTERM"
echo "hostile: SIGTERM: exit 1, samples kept, incomplete, child $child gone"

# 4. A harness killed outright takes its child with it (Pdeathsig) instead
# of leaving it to run its sample out. The harness is killed just as a
# new child starts, so that child has a whole sample (over half a second
# on this corpus) ahead of it: gone within 0.2 s means it was killed.
"$bin" run -corpus "$big" -out "$work/kill" -parsers std -strategies sequential -count 20 -profile "" -seed 1 >/dev/null 2>&1 &
pid=$!
first=$(waitchild "$pid") || fail "no child seen under run"
child=""
for _ in $(seq 1000); do
  c=$(pgrep -P "$pid" | head -1 || true)
  if [ -n "$c" ] && [ "$c" != "$first" ]; then child=$c; break; fi
  sleep 0.005
done
[ -n "$child" ] || fail "no second child seen under run"
kill -KILL "$pid"
for _ in $(seq 10); do
  alive "$child" || break
  sleep 0.02
done
alive "$child" && fail "child $child outlived its killed harness"
echo "hostile: harness killed: child $child died with it"

# 5. -out inside the corpus is refused before anything is written.
set +e
"$bin" run -corpus "$small" -out "$small/results" -count 1 -profile "" 2>"$work/out.err"; code=$?
set -e
[ "$code" = 2 ] || fail "-out inside the corpus: exit $code: $(cat "$work/out.err")"
[ -e "$small/results" ] && fail "-out inside the corpus wrote $small/results"
echo "hostile: -out inside the corpus: $(cat "$work/out.err")"

# 6. io_uring refused (a seccomp filter, as in a container): read mode
# uring is unavailable with its reason, never read another way; a run
# lists it and measures the rest.
if [ "$(uname -m)" = x86_64 ]; then
  set +e
  python3 scripts/noring.py "$bin" process -parser std -strategy batch -read uring "$small" >"$work/noring.out" 2>"$work/noring.err"; code=$?
  set -e
  [ "$code" = 1 ] && [ ! -s "$work/noring.out" ] && grep -q 'read mode uring is unavailable here: io_uring_setup: operation not permitted' "$work/noring.err" ||
    fail "io_uring refused: process exit $code: $(cat "$work/noring.err")"
  python3 scripts/noring.py "$bin" run -corpus "$small" -out "$work/noring-run" -parsers std -strategies batch -read sized,uring -count 1 -profile "" >/dev/null 2>"$work/noring-run.err" ||
    fail "io_uring refused: the run failed: $(tail -3 "$work/noring-run.err")"
  grep -q '"what": "read=uring"' "$work/noring-run/latest/results.json" || fail "io_uring refused: results.json does not list read=uring as unavailable"
  echo "hostile: io_uring refused: $(cat "$work/noring.err")"
else
  echo "hostile: io_uring refused: skipped (noring.py's filter is x86_64's)"
fi

echo "hostile: ok"
