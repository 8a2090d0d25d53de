package harness

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"benchgrid/matrix"
)

func mustPlan(t *testing.T, opts Options) Plan {
	t.Helper()
	plan, err := MakePlan(opts)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestEstimateModel checks the model of Plan.Estimate on a case worked by
// hand.
func TestEstimateModel(t *testing.T) {
	seq := matrix.Cell{Parser: "std", Strategy: "sequential"}
	c := CorpusCost{Files: 100, Bytes: 1e6, List: time.Millisecond, ReadPerFile: 10 * time.Microsecond}
	for _, tc := range []struct {
		name string
		opts Options
		want time.Duration
	}{
		// read 1 ms + parse 10 ms = a pass of 11 ms; a sample is 150 ms +
		// 1 ms + 1.5 passes (warm-up: 50 of the 100 files).
		{"sequential", Options{Cells: []matrix.Cell{seq}, Count: 2}, 11*time.Millisecond + 2*(151*time.Millisecond+16500*time.Microsecond)},
		// The read-only parser does not parse: a pass of 1 ms.
		{"none", Options{Cells: []matrix.Cell{{Parser: "none", Strategy: "sequential"}}, Count: 1}, 11*time.Millisecond + 151*time.Millisecond + 1500*time.Microsecond},
		// Two workers on two cores halve the pass.
		{"pool", Options{Cells: []matrix.Cell{{Parser: "std", Strategy: "pool", Workers: 2, GOMAXPROCS: 2}}, Count: 1}, 11*time.Millisecond + 151*time.Millisecond + 8250*time.Microsecond},
		// A latency of 1 ms per file adds 100 ms to a sequential pass,
		// 50 ms on two workers, 1 ms with a goroutine per file.
		{"latency", Options{Cells: []matrix.Cell{{Parser: "none", Strategy: "sequential", Latency: "1ms"}}, Count: 1}, 11*time.Millisecond + 151*time.Millisecond + 1500*time.Microsecond + 150*time.Millisecond},
		{"latency pool", Options{Cells: []matrix.Cell{{Parser: "none", Strategy: "pool", Workers: 2, GOMAXPROCS: 2, Latency: "1ms"}}, Count: 1}, 11*time.Millisecond + 151*time.Millisecond + 750*time.Microsecond + 75*time.Millisecond},
		{"latency perfile", Options{Cells: []matrix.Cell{{Parser: "none", Strategy: "perfile", GOMAXPROCS: 2, Latency: "1ms"}}, Count: 1}, 11*time.Millisecond + 151*time.Millisecond + 750*time.Microsecond + 1500*time.Microsecond},
		// A walk or stream cell lists the corpus again in its timed pass.
		{"feed", Options{Cells: []matrix.Cell{{Parser: "none", Strategy: "sequential", Feed: "walk"}}, Count: 1}, 11*time.Millisecond + 152*time.Millisecond + 1500*time.Microsecond},
		// A profiled cell adds a sample and half of ProfileMinCPU.
		{"profiled", Options{Cells: []matrix.Cell{seq}, Count: 1, Profiles: []string{"cpu"}, ProfileMinCPU: time.Second},
			11*time.Millisecond + 2*(151*time.Millisecond+16500*time.Microsecond) + 500*time.Millisecond},
	} {
		if got := mustPlan(t, tc.opts).Estimate(c); got != tc.want {
			t.Errorf("%s: Estimate(%+v) = %v, want %v", tc.name, c, got, tc.want)
		}
	}
}

// TestEstimatePerFileCost: on many tiny files the per-file costs dominate.
// 200,000 files of 200 bytes took 225 s where the estimate, from bytes
// alone, said 15 s; with the same bytes in 100 times fewer files the
// estimate must be much shorter.
func TestEstimatePerFileCost(t *testing.T) {
	plan := mustPlan(t, Options{Matrix: matrix.Matrix{Parsers: []string{"std"}, Strategies: []string{"pool", "sequential"}}, Count: 10})
	measured := func(files int) CorpusCost {
		return CorpusCost{Files: files, Bytes: 40e6, List: time.Duration(files) * 2 * time.Microsecond, ReadPerFile: 8 * time.Microsecond}
	}
	tiny, few := plan.Estimate(measured(200000)), plan.Estimate(measured(2000))
	if tiny < 3*few {
		t.Errorf("Estimate(200000 files) = %v, Estimate(2000 files of the same bytes) = %v; want the first over three times the second", tiny, few)
	}
}

// TestEstimateSaturates: a huge count (or corpus) gives the longest
// estimate, never a negative one (-count 2000000000 -dry-run said
// "-2111475h10m10s").
func TestEstimateSaturates(t *testing.T) {
	c := CorpusCost{Files: 20, Bytes: 63102, List: time.Millisecond, ReadPerFile: 10 * time.Microsecond}
	for _, count := range []int{2000000000, math.MaxInt} {
		plan := mustPlan(t, Options{Count: count, Profiles: []string{"cpu"}})
		if d := plan.Estimate(c); d != math.MaxInt64 || FormatEstimate(d) != "> 100000h" {
			t.Errorf("count %d: Estimate = %v (%s), want math.MaxInt64 (> 100000h)", count, d, FormatEstimate(d))
		}
		if plan.Samples <= 0 || count == math.MaxInt && plan.Samples != math.MaxInt {
			t.Errorf("count %d × %d cells: Samples = %d, want the product or math.MaxInt", count, len(plan.Cells), plan.Samples)
		}
	}
	huge := CorpusCost{Files: math.MaxInt, Bytes: math.MaxInt64, List: math.MaxInt64, ReadPerFile: math.MaxInt64}
	if d := mustPlan(t, Options{Count: 1}).Estimate(huge); d != math.MaxInt64 {
		t.Errorf("Estimate(%+v) = %v, want math.MaxInt64", huge, d)
	}
}

func TestFormatEstimate(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{1499 * time.Millisecond, "1s"},
		{3*time.Minute + 46*time.Second + 300*time.Millisecond, "3m46s"},
		{100000 * time.Hour, "100000h0m0s"},
		{100000*time.Hour + time.Second, "> 100000h"},
		{math.MaxInt64, "> 100000h"},
	} {
		if got := FormatEstimate(tc.d); got != tc.want {
			t.Errorf("FormatEstimate(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestMeasureCorpus(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"a.json", "b/c.json", "b/d.txt"} {
		path := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(`{"events":[]}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, skipped, c, err := MeasureCorpus(t.Context(), root, nil)
	if err != nil || len(files) != 2 || len(skipped) != 0 {
		t.Fatalf("MeasureCorpus = %d files, %v skipped, %v; want 2 files", len(files), skipped, err)
	}
	if c.Files != 2 || c.Bytes != 26 || !c.Measured || c.List <= 0 || c.ReadPerFile <= 0 {
		t.Errorf("MeasureCorpus cost = %+v, want 2 files, 26 bytes, measured list and read times", c)
	}
	if _, _, _, err := MeasureCorpus(t.Context(), filepath.Join(root, "missing"), nil); err == nil {
		t.Errorf("MeasureCorpus(missing) = nil error")
	}
}

// TestCheckOutDir: results inside the corpus would become inputs, however
// the paths are spelled.
func TestCheckOutDir(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"c/sub", "c2", "other"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("c", filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "c", "sub"), filepath.Join(root, "other", "into")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	for _, tc := range []struct {
		out, corpus string
		inside      bool
	}{
		{"c/results", "c", true},
		{"c", "c", true},
		{"c/", "./c", true},
		{"c/not/there/yet", "c", true},
		{"results", ".", true},
		{".", ".", true},
		{"link/results", "c", true}, // the out path goes through a link
		{"c/results", "link", true}, // the corpus is a link
		{"other/into/r", "c", true}, // a link below points into the corpus
		{filepath.Join(root, "c/r"), "c", true},
		{"results", "c", false},
		{"c2/results", "c", false}, // a sibling that shares a prefix
		{"c/../results", "c", false},
		{"..", ".", false},
		{"c", "c/sub", false}, // the corpus inside out: not refused
	} {
		err := CheckOutDir(tc.out, tc.corpus)
		if tc.inside != (err != nil) {
			t.Errorf("CheckOutDir(%q, %q) = %v, want an error: %v", tc.out, tc.corpus, err, tc.inside)
		}
		if err != nil && !strings.Contains(err.Error(), tc.out) {
			t.Errorf("CheckOutDir(%q, %q) = %v, want it to name %q", tc.out, tc.corpus, err, tc.out)
		}
	}
}

func TestCheckLatestLink(t *testing.T) {
	root := t.TempDir()
	for _, tc := range []struct {
		name  string
		setup func(latest string) error
		want  string // "" for no error
	}{
		{"absent", func(string) error { return nil }, ""},
		{"link", func(latest string) error { return os.Symlink("20260101-000000", latest) }, ""},
		{"folder", func(latest string) error { return os.Mkdir(latest, 0o755) }, "is a real folder"},
		{"file", func(latest string) error { return os.WriteFile(latest, nil, 0o644) }, "is a real file"},
	} {
		out := filepath.Join(root, tc.name)
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		latest := filepath.Join(out, "latest")
		if err := tc.setup(latest); err != nil {
			t.Fatal(err)
		}
		err := CheckLatestLink(out)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), latest)) {
			t.Errorf("%s: CheckLatestLink = %v, want %q naming %s", tc.name, err, tc.want, latest)
		}
	}
	if err := CheckLatestLink(filepath.Join(root, "missing")); err != nil {
		t.Errorf("CheckLatestLink(a folder not there yet) = %v", err)
	}
}
