#!/usr/bin/env bash
# Runs every fuzz target in the module for a short time each.
# Usage: scripts/fuzz.sh [FUZZTIME]   (GO names the go command; default go)
#
# Go 1.26's fuzzing coordinator can fail a target that found nothing: when
# -fuzztime's deadline fires, it may read the deadline on its context
# before the workers' child context is cancelled, and then reports
# "context deadline exceeded" as the target's failure, with no input
# written (go.dev/issue/75804, fixed in Go 1.27). That exact signature, and
# nothing else, runs the target again, saying so, up to twice more: the
# generated corpus in the build cache is replayed first on each run, so a
# slow input the fuzzer kept there comes back on every run. Anything else,
# a written failing input above all, fails at once.
set -euo pipefail
fuzztime=${1:-10s}
go=${GO:-go}
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# coordinator_race LOG TARGET: whether LOG is the coordinator's deadline
# race alone: TARGET's FAIL line followed by the one message "context
# deadline exceeded", no other failure, no failing input written.
coordinator_race() {
  local log=$1 target=$2
  grep -q 'Failing input written to' "$log" && return 1
  [ "$(grep -c '^--- FAIL' "$log")" = 1 ] || return 1
  awk -v t="--- FAIL: $target (" '
    index($0, t) == 1 { inside = 1; next }
    inside && /^FAIL$/ { inside = 0; next }
    inside { body = body $0 "\n" }
    END { exit body == "    context deadline exceeded\n" ? 0 : 1 }' "$log"
}

for pkg in $($go list ./...); do
  dir=$($go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    for attempt in 1 2 3; do
      echo "fuzz $pkg $target ($fuzztime)"
      if $go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg" >"$log" 2>&1; then
        break
      fi
      if [ "$attempt" -lt 3 ] && coordinator_race "$log" "$target"; then
        echo "fuzz $pkg $target: failed with a bare 'context deadline exceeded' at the fuzztime deadline and wrote no input: Go's coordinator race (go.dev/issue/75804); running it again ($attempt of 2)"
        continue
      fi
      cat "$log"
      exit 1
    done
  done
done
