package harness

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"benchgrid/child"
	"benchgrid/matrix"
	"benchgrid/record"
	"benchgrid/workload"
	"benchgrid/workloads/events"
)

// Adapters that fail the way the program itself can, registered in the
// test binary only (which is also the children's binary).
func init() {
	events.Register(testParser{name: "test-flood", decode: func([]byte, *events.Batch) error {
		// A panic with thousands of goroutines alive: like a fatal error
		// of the runtime, the cause is on the first lines of megabytes.
		for range 3000 {
			go func() { time.Sleep(time.Hour) }()
		}
		debug.SetTraceback("all")
		panic("test-flood: the cause, on line 1")
	}})
	events.Register(emfileParser{})
}

// emfileParser leaves its process no file descriptor to open inputs with:
// every read fails with EMFILE, which must fail the cell, not count bad
// inputs.
type emfileParser struct{}

func (emfileParser) Name() string { return "test-emfile" }

func (emfileParser) NewDecoder() (events.Decoder, error) {
	if os.Getenv(childEnvVar) != "1" {
		return emfileParser{}, nil // the harness itself asks too
	}
	lowest, err := syscall.Dup(0)
	if err != nil {
		return nil, err
	}
	syscall.Close(lowest)
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return nil, err
	}
	lim.Cur = uint64(lowest)
	return emfileParser{}, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

func (emfileParser) Decode([]byte, *events.Batch) error { return errors.New("unreachable") }

// TestFailureCauses: each failure of a child carries a one-line cause,
// taken from the head of its stderr however long the stderr is, and a
// configuration out of file descriptors is a resource failure of its cell,
// never a mismatch or bad inputs.
func TestFailureCauses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	opts := testOptions(t, matrix.Matrix{Parsers: []string{"std", "test-flood", "test-emfile"}, Strategies: []string{"sequential"}}, 1)
	opts.WarmupFiles = 1
	_, byParser := runByParser(t, opts)
	tests := []struct {
		parser string
		kind   record.FailureKind
		cause  string
	}{
		{"test-flood", record.FailCrash, "panic: test-flood: the cause, on line 1"},
		{"test-emfile", record.FailResource, "too many open files"},
	}
	for _, tc := range tests {
		c := byParser[tc.parser]
		if len(c.Failures) != 1 {
			t.Errorf("%s: %d failures, want 1", tc.parser, len(c.Failures))
			continue
		}
		f := c.Failures[0]
		if f.Kind != tc.kind || !strings.Contains(f.Cause, tc.cause) || strings.Contains(f.Cause, "\n") {
			t.Errorf("%s: kind %q cause %q, want kind %q and a one-line cause with %q", tc.parser, f.Kind, f.Cause, tc.kind, tc.cause)
		}
		if len(f.Stderr) > stderrHead+stderrTail+100 {
			t.Errorf("%s: kept %d bytes of stderr", tc.parser, len(f.Stderr))
		}
	}
	if f := byParser["test-flood"].Failures; len(f) == 1 && !strings.Contains(f[0].Stderr, "bytes omitted") {
		t.Errorf("test-flood: stderr does not say what was left out:\n%.300s", f[0].Stderr)
	}
}

func TestStderrBuffer(t *testing.T) {
	b := &stderrBuffer{head: 10, tail: 5}
	fmt.Fprint(b, "0123456789")
	fmt.Fprint(b, "abc")
	if got := b.String(); got != "0123456789abc" {
		t.Errorf("short: %q", got)
	}
	for range 100 {
		fmt.Fprint(b, "xxxxxxxxxx")
	}
	fmt.Fprint(b, "-tail")
	if got, want := b.String(), "0123456789\n… [1003 bytes omitted] …\n-tail"; got != want {
		t.Errorf("long: %q, want %q", got, want)
	}
}

func TestCrashCause(t *testing.T) {
	killed := exec.Command("sh", "-c", "kill -KILL $$").Run()
	exit1 := exec.Command("sh", "-c", "exit 1").Run()
	tests := []struct {
		name, stderr string
		err          error
		want         string
	}{
		{"fatal error", "runtime: program exceeds 10000-thread limit\nfatal error: thread exhaustion\n\nruntime stack:\nruntime.throw(...)\n\t/usr/local/go/src/runtime/mgc.go:1695 +0x105\n",
			exit1, "runtime: program exceeds 10000-thread limit; fatal error: thread exhaustion"},
		{"panic with signal", "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1]\n\ngoroutine 1 [running]:\n",
			exit1, "panic: runtime error: invalid memory address or nil pointer dereference; [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1]"},
		{"fault", "unexpected fault address 0x7f0000\nfatal error: fault\n[signal SIGBUS: bus error code=0x2 addr=0x7f0000 pc=0x46a]\n",
			exit1, "fatal error: fault; [signal SIGBUS: bus error code=0x2 addr=0x7f0000 pc=0x46a]"},
		{"signal in C", "SIGSEGV: segmentation violation\nPC=0x7f12 m=3 sigcode=1\n", exit1, "SIGSEGV: segmentation violation"},
		{"killed", "", killed, "killed by SIGKILL (killed) from outside the child: the kernel's OOM killer, a user or a supervisor"},
		{"own error", "warming up\nbenchgrid: open a.json: no such file\n", exit1, "benchgrid: open a.json: no such file"},
		{"nothing said", "", exit1, "exit status 1"},
	}
	for _, tc := range tests {
		if got := crashCause(tc.stderr, tc.err); got != tc.want {
			t.Errorf("%s: cause %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := oneLine(strings.Repeat("é", 400)); len(got) > maxCauseLen+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("oneLine of a long text: %d bytes", len(got))
	}
}

// TestLatestNotALink: a real folder named latest in the out folder stops
// the run before the reference pass, and nothing is written.
func TestLatestNotALink(t *testing.T) {
	opts := testOptions(t, matrix.Matrix{Parsers: []string{"std"}, Strategies: []string{"sequential"}}, 1)
	if err := os.MkdirAll(filepath.Join(opts.OutDir, "latest"), 0o755); err != nil {
		t.Fatal(err)
	}
	var progress strings.Builder
	opts.Progress = &progress
	_, _, err := Run(t.Context(), opts)
	if err == nil || !strings.Contains(err.Error(), "is a real folder") {
		t.Fatalf("Run = %v, want an error saying latest is a real folder", err)
	}
	if strings.Contains(progress.String(), "reference") {
		t.Errorf("the reference pass ran first:\n%s", progress.String())
	}
	entries, _ := os.ReadDir(opts.OutDir)
	if len(entries) != 1 {
		t.Errorf("out folder holds %d entries, want only latest", len(entries))
	}
}

// TestCheckEchoedKnobs: a child that did not apply the cell's cache,
// latency or feed (an older rev= build that ignores them) fails the
// sample.
func TestCheckEchoedKnobs(t *testing.T) {
	r := &runner{w: events.Workload{}, ref: &workload.Outcome{Files: 2, Bytes: 10}}
	c := matrix.Cell{Parser: "none", Strategy: "pool", Cache: "cold", Latency: "1ms", Feed: "stream"}
	ok := &child.Result{Sample: record.Sample{Files: 2, Bytes: 10}, GOMAXPROCS: c.Procs(), Cache: "cold", Latency: time.Millisecond, Feed: "stream"}
	if f := r.check(c, ok); f != nil {
		t.Fatalf("check(applied knobs) = %+v", f)
	}
	for _, res := range []child.Result{
		{Sample: ok.Sample, GOMAXPROCS: ok.GOMAXPROCS, Latency: time.Millisecond, Feed: "stream"},
		{Sample: ok.Sample, GOMAXPROCS: ok.GOMAXPROCS, Cache: "cold", Feed: "stream"},
		{Sample: ok.Sample, GOMAXPROCS: ok.GOMAXPROCS, Cache: "cold", Latency: time.Millisecond},
		{Sample: ok.Sample, GOMAXPROCS: ok.GOMAXPROCS, Cache: "cold", Latency: time.Millisecond, Feed: "walk"},
	} {
		if f := r.check(c, &res); f == nil || !strings.Contains(f.Reason, "lacks the knob") {
			t.Errorf("check(cache %q latency %v feed %q) = %+v, want a failure", res.Cache, res.Latency, res.Feed, f)
		}
	}
	// A query run: a child that does not echo the workload ran events.
	q, err := workload.Open("query", []byte(`{"fields":[],"aggregates":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	r.w = q
	if f := r.check(c, ok); f == nil || !strings.Contains(f.Reason, "the child ran the events (by default) workload, the run asks query") {
		t.Errorf("check(no workload echoed) = %+v, want a failure", f)
	}
	ok.Workload = "query"
	if f := r.check(c, ok); f != nil {
		t.Errorf("check(query echoed) = %+v", f)
	}
}
