package reports

import (
	"strings"
	"testing"

	"benchgrid/record"
)

var jitter = []float64{0, 0.8, -0.6, 1.3, -1.1, 0.3, -0.2, 0.9, -0.9, 0.5}

// mkCell returns a cell of ten samples around baseMs, reversed when
// reverse is set (another order of the same spread).
func mkCell(parser, strategy string, baseMs float64, reverse bool) record.Cell {
	c := record.Cell{
		Name:   "parser=" + parser + "/strategy=" + strategy,
		Parser: parser, Strategy: strategy, Workers: "4", Read: "readfile",
		ReadOnly: parser == "none",
	}
	for i := range jitter {
		j := jitter[i]
		if reverse {
			j = jitter[len(jitter)-1-i]
		}
		c.Samples = append(c.Samples, record.Sample{
			Round: i, WallNs: int64(baseMs * 1e6 * (1 + 0.01*j)), Files: 100, Bytes: 10e6,
		})
	}
	return c
}

func TestFindings(t *testing.T) {
	run := &record.Run{Count: 10, Cells: []record.Cell{
		mkCell("std", "perfile", 100, false),
		mkCell("std", "pool", 50, false),
		mkCell("sonic", "perfile", 40, false),
		mkCell("sonic", "pool", 10, false),
		mkCell("sonic", "pipeline", 10.02, true),
		mkCell("none", "pool", 5, false),
	}}
	bad := mkCell("fastjson", "pool", 8, false)
	bad.Failures = []record.Failure{{Round: 3, Kind: record.FailMismatch, Got: "a", Want: "b"}}
	run.Cells = append(run.Cells, bad)

	a := analyze(run, Options{}.withDefaults())
	if a.best.Name != "sonic/pool" {
		t.Errorf("best = %s, want sonic/pool (fastjson mismatched)", a.best.Name)
	}
	if a.baseline.Name != "std/perfile" || !a.naive {
		t.Errorf("baseline = %s (naive %v), want std/perfile", a.baseline.Name, a.naive)
	}
	if got := a.factors(); got != "parser std→sonic, strategy perfile→pool" {
		t.Errorf("factors() = %q", got)
	}
	got := a.findings()
	want := []string{
		"Overall, the best configuration (sonic/pool) is 10.0× faster than the baseline (std/perfile), 95% CI [10.0–10.0×] (p<0.001 n=10, paired by round).",
		"The parser is the largest factor: sonic is 5.00× [5.00–5.00×] faster than std under strategy=pool (p<0.001 n=10).",
		"The strategy is the second-largest factor: pool is 4.00× [4.00–4.00×] faster than perfile under parser=sonic (p<0.001 n=10), but pool and pipeline are tied (1.002× [0.993–1.010×], p=0.675 n=10).",
		"Reading alone (none/pool) takes 5.007 ms; the best configuration takes 2.00× that floor, so 50% of its wall time goes to parsing and aggregating rather than reading.",
		"1 configuration(s) computed a WRONG answer (digest mismatch) and are excluded from the ranking however fast they ran: fastjson/pool.",
	}
	if len(got) != len(want) {
		t.Fatalf("findings() = %d sentences, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("finding %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

// An axis whose levels the evidence does not separate is not said to
// matter little: the run cannot tell.
func TestFindingsNotSignificant(t *testing.T) {
	run := &record.Run{Count: 10, Cells: []record.Cell{
		mkCell("std", "pool", 50, false),
		mkCell("std", "pipeline", 50.05, true),
	}}
	a := analyze(run, Options{}.withDefaults())
	if a.naive {
		t.Errorf("naive = true with no perfile cell")
	}
	got := a.findings()
	want := []string{
		"Overall, the best configuration (pool) is not told apart from the baseline (pipeline), 95% CI [0.992–1.009×] (p=1.000 n=10, paired by round).",
		"The evidence does not separate the strategy's levels: pipeline vs pool 1.001× [0.992–1.009×] (p=1.000 n=10); this run cannot tell whether the strategy matters at that size, which is not to say it does not.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if fails := a.failedOptimizations(); len(fails) != 0 {
		t.Errorf("failedOptimizations() = %d, want none when nothing is significant", len(fails))
	}
}

func TestFailedOptimizations(t *testing.T) {
	mmap := mkCell("sonic", "pool", 12, false)
	mmap.Name, mmap.Read = "parser=sonic/strategy=pool/read=mmap", "mmap"
	run := &record.Run{Count: 10, Cells: []record.Cell{
		mkCell("std", "perfile", 100, false),
		mkCell("std", "pipeline", 110, false), // slower than the baseline
		mkCell("sonic", "pool", 10, false),
		mkCell("sonic", "perfile", 40, false), // back to the baseline's strategy: not listed
		mmap,
	}}
	a := analyze(run, Options{}.withDefaults())
	var got []string
	for _, f := range a.failedOptimizations() {
		got = append(got, f.what+" "+fmtRatio(f.t.Ratio))
	}
	want := []string{
		"read=mmap instead of read=readfile (the best) 1.20×",
		"strategy=pipeline (vs the baseline) 1.10×",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("failedOptimizations() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBootstrapRatioDeterministic(t *testing.T) {
	num := []float64{10, 11, 12, 13, 14, 15}
	den := []float64{5, 5.5, 6, 6.5, 7, 7.5}
	a := bootstrapRatio(num, den, 0.95, 2000, 1)
	b := bootstrapRatio(num, den, 0.95, 2000, 1)
	if a != b {
		t.Errorf("bootstrapRatio twice = %v, %v, want equal", a, b)
	}
	if !a.ok || a.lo > 2 || a.hi < 2 || a.lo >= a.hi {
		t.Errorf("bootstrapRatio = %+v, want an interval around 2", a)
	}
	if iv := bootstrapRatio([]float64{1}, den, 0.95, 2000, 1); iv.ok {
		t.Errorf("bootstrapRatio(one value) = %+v, want no interval", iv)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{fmtDur(80.1e6), "80.10 ms"},
		{fmtDur(1.2345e9), "1.234 s"},
		{fmtDur(850), "850.0 ns"},
		{fmtBytes(300 << 20), "300.0 MiB"},
		{fmtCount(12), "12"},
		{fmtCount(2e6), "2.000M"},
		{fmtRatio(5.123), "5.12×"},
		{fmtRatio(12.34), "12.3×"},
		{fmtSpeed(0.5), "2.00× slower"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestLossKinds(t *testing.T) {
	run := func(kinds ...record.FailureKind) *record.Run {
		r := &record.Run{}
		for _, k := range kinds {
			r.Cells = append(r.Cells, record.Cell{Failures: []record.Failure{{Kind: k}}})
		}
		return r
	}
	tests := []struct {
		kinds []record.FailureKind
		want  string
	}{
		{nil, "failures"},
		{[]record.FailureKind{record.FailTimeout}, "timeouts"},
		{[]record.FailureKind{record.FailResource, record.FailCrash}, "crashes or running out of resources (file descriptors, memory)"},
		{[]record.FailureKind{record.FailError, record.FailTimeout, record.FailCrash, record.FailMismatch}, "crashes, timeouts or errors"},
	}
	for _, tc := range tests {
		if got := lossKinds(run(tc.kinds...)); got != tc.want {
			t.Errorf("lossKinds(%v) = %q, want %q", tc.kinds, got, tc.want)
		}
	}
}
