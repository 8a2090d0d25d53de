#!/usr/bin/env bash
# Checks scripts/fuzz.sh against a fake go command: it runs a target again
# only on the bare coordinator deadline race (go.dev/issue/75804), at most
# twice, and fails at once on anything else.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/pkg"
printf 'package p\n\nfunc FuzzA(f *testing.F) {}\n' >"$tmp/pkg/p_test.go"

# The fake go: "list" names one package in $tmp/pkg; "test" plays the
# next outcome of $FAKE_OUTCOMES (a space-separated list; pass after it
# runs out) and counts its calls in $tmp/calls.
cat >"$tmp/bin/go" <<FAKE
#!/usr/bin/env bash
case "\$1" in
list) if [ "\$2" = -f ]; then echo "$tmp/pkg"; else echo example/p; fi; exit 0;;
esac
n=\$(( \$(cat "$tmp/calls" 2>/dev/null || echo 0) + 1 ))
echo \$n >"$tmp/calls"
set -- \$FAKE_OUTCOMES
outcome=\${!n:-pass}
echo "fuzz: elapsed: 0s, gathering baseline coverage: 0/10 completed"
case \$outcome in
pass) echo PASS; echo "ok  	example/p	10.1s"; exit 0;;
race) printf -- '--- FAIL: FuzzA (10.09s)\n    context deadline exceeded\nFAIL\nexit status 1\nFAIL\texample/p\t10.098s\n';;
crash) printf -- '--- FAIL: FuzzA (3.20s)\n    --- FAIL: FuzzA (0.00s)\n        p_test.go:9: wrong sum\n\n    Failing input written to testdata/fuzz/FuzzA/abc\n    To re-run:\n    go test -run=FuzzA/abc\nFAIL\nexit status 1\nFAIL\texample/p\t3.2s\n';;
other) printf -- '--- FAIL: FuzzA (10.09s)\n    fuzz_test.go:12: setup failed\n    context deadline exceeded\nFAIL\nexit status 1\nFAIL\texample/p\t10.1s\n';;
esac
exit 1
FAKE
chmod +x "$tmp/bin/go"

failures=0
# check OUTCOMES WANT_EXIT WANT_CALLS WANT_RETRIES
check() {
  rm -f "$tmp/calls"
  local got=0
  FAKE_OUTCOMES=$1 GO="$tmp/bin/go" scripts/fuzz.sh 1s >"$tmp/out" 2>&1 || got=$?
  local calls retries
  calls=$(cat "$tmp/calls")
  retries=$(grep -c 'coordinator race' "$tmp/out" || true)
  if [ "$got" != "$2" ] || [ "$calls" != "$3" ] || [ "$retries" != "$4" ]; then
    echo "fuzz.sh with outcomes '$1': exit $got, $calls runs, $retries retries; want exit $2, $3 runs, $4 retries"
    sed 's/^/  | /' "$tmp/out"
    failures=$((failures + 1))
  fi
}
check "pass" 0 1 0
check "race" 0 2 1
check "race race" 0 3 2
check "race race race" 1 3 2
check "crash" 1 1 0
check "race crash" 1 2 1
check "other" 1 1 0
if [ "$failures" -gt 0 ]; then exit 1; fi
echo "fuzz.sh: retries only the coordinator's deadline race: ok"
