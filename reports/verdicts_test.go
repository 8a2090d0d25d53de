package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"benchgrid/record"
	"benchgrid/workload"
)

// A spec is one cell of a synthetic run: its axes and its true wall time.
type spec struct {
	ms   float64
	axes []string // key, value, …
}

// driftRun measures specs over n rounds on a machine whose speed drifts
// by up to ±drift from round to round (every cell alike), each sample with
// ±noise of its own (normal, that standard deviation): what the paired
// analysis is for.
func driftRun(n int, drift, noise float64, seed uint64, specs ...spec) *record.Run {
	rng := rand.New(rand.NewPCG(seed, 7))
	run := &record.Run{Count: n, Complete: true}
	for _, s := range specs {
		c := axesCell(s.ms, s.axes...)
		c.Samples = nil
		run.Cells = append(run.Cells, c)
	}
	for r := range n {
		m := 1 + drift*(2*rng.Float64()-1)
		run.Rounds = append(run.Rounds, record.Round{Index: r, LoadAvg: 0.2})
		for i, s := range specs {
			w := s.ms * 1e6 * m * (1 + noise*rng.NormFloat64())
			run.Cells[i].Samples = append(run.Cells[i].Samples, record.Sample{Round: r, WallNs: int64(w), Files: 100, Bytes: 10e6,
				UserNs: int64(w), AllocObjects: 1000, GCCycles: 3})
		}
	}
	return run
}

func ps(ms float64, parser, strategy string) spec {
	return spec{ms, []string{"parser", parser, "strategy", strategy}}
}

// Under drift, the improvement's paired interval is narrow where the
// unpaired one over the same samples is wide, and both cover the truth.
func TestPairedImprovementUnderDrift(t *testing.T) {
	run := driftRun(12, 0.25, 0.01, 1, ps(100, "std", "perfile"), ps(50, "sonic", "pool"), ps(60, "std", "pool"))
	a := analyze(run, Options{}.withDefaults())
	if a.best.Name != "sonic/pool" || a.baseline.Name != "std/perfile" {
		t.Fatalf("best %s, baseline %s", a.best.Name, a.baseline.Name)
	}
	p := a.improvement()
	u := bootstrapRatio(a.baseline.wall, a.best.wall, 0.95, 10000, 1)
	if p.Lo > 2 || p.Hi < 2 || u.lo > 2 || u.hi < 2 {
		t.Errorf("intervals miss 2×: paired [%.3f, %.3f], unpaired [%.3f, %.3f]", p.Lo, p.Hi, u.lo, u.hi)
	}
	if pw, uw := (p.Hi-p.Lo)/2, (u.hi-u.lo)/2; pw > 0.03 || uw < 0.15 || pw*5 > uw {
		t.Errorf("relative widths: paired %.3f, unpaired %.3f; want the paired under 3%% and a fifth of the unpaired", pw, uw)
	}
}

// Ties are ties: the best names every cell the evidence cannot tell from
// it, as a group, and only those; nothing is called failed or the largest
// unless separated.
func TestTies(t *testing.T) {
	tests := []struct {
		name     string
		specs    []spec
		tied     []string
		fails    int
		wantText []string
		notText  []string
	}{
		{
			name: "one tied, one separated",
			specs: []spec{ps(100, "std", "perfile"), ps(50, "sonic", "pool"), ps(50.1, "sonic", "pipeline"),
				ps(65, "sonic", "perfile"), ps(70, "std", "pool"), ps(71, "std", "pipeline")},
			tied:     []string{"sonic/pipeline"},
			wantText: []string{"| Tied with the best | sonic/pipeline |", "(sonic/pipeline is tied with it)", "but pool and pipeline are tied"},
			notText:  []string{"strategy=pipeline instead of"},
		},
		{
			name:     "nothing tied",
			specs:    []spec{ps(100, "std", "perfile"), ps(50, "sonic", "pool"), ps(80, "sonic", "perfile")},
			wantText: []string{"No other cell is tied with the best"},
		},
		{
			name: "factors not ordered",
			// parser and strategy each make 1.5×: neither is "the largest".
			specs:    []spec{ps(150, "std", "perfile"), ps(100, "std", "pool"), ps(100, "sonic", "perfile"), ps(66.7, "sonic", "pool")},
			wantText: []string{"one of the two largest factors, which the evidence does not order", "| 1 | parser |", "| 1 | strategy |"},
			notText:  []string{"is the largest factor"},
		},
	}
	for _, tc := range tests {
		run := driftRun(10, 0.2, 0.01, 3, tc.specs...)
		a := analyze(run, Options{}.withDefaults())
		var tied []string
		for _, c := range a.tied {
			tied = append(tied, c.Name)
		}
		if !slices.Equal(tied, tc.tied) {
			t.Errorf("%s: tied = %q, want %q", tc.name, tied, tc.tied)
		}
		md, _, err := build(t.Context(), t.TempDir(), run, Options{ChartFormat: "svg"})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.wantText {
			if !bytes.Contains(md, []byte(w)) {
				t.Errorf("%s: the report lacks %q", tc.name, w)
			}
		}
		for _, w := range tc.notText {
			if bytes.Contains(md, []byte(w)) {
				t.Errorf("%s: the report says %q", tc.name, w)
			}
		}
		if a.fam.late != 0 {
			t.Errorf("%s: %d tests made after the Holm adjustment", tc.name, a.fam.late)
		}
		for _, k := range a.fam.keys {
			if tt := a.fam.tests[k]; tt.N >= 2 && tt.adj < tt.P {
				t.Errorf("%s: adjusted p %v below the raw %v", tc.name, tt.adj, tt.P)
			}
		}
	}
}

// Below six samples the report says what it cannot conclude, in its first
// lines, and never "no difference" or "matters little".
func TestLowN(t *testing.T) {
	for _, n := range []int{2, 3, 5} {
		run := driftRun(n, 0.1, 0.01, 5, ps(470, "std", "perfile"), ps(100, "sonic", "pool"), ps(110, "sonic", "perfile"), ps(300, "std", "pool"))
		md, _, err := build(t.Context(), t.TempDir(), run, Options{ChartFormat: "svg"})
		if err != nil {
			t.Fatal(err)
		}
		s := string(md)
		head := s[:strings.Index(s, "## Summary")]
		for _, w := range []string{"⚠ **Too few samples to tell anything**", "No recommendation yet", "-count 10"} {
			if !strings.Contains(head, w) {
				t.Errorf("n=%d: the first screen lacks %q:\n%s", n, w, head)
			}
		}
		for _, w := range []string{"Cannot tell whether the parser matters", "rounds (the fewest from which the report tells anything)", "cannot tell: ",
			"Overall, the best configuration (sonic/pool) is measured 4.", "× faster than the baseline (std/perfile), but from"} {
			if !strings.Contains(s, w) {
				t.Errorf("n=%d: the report lacks %q", n, w)
			}
		}
		// "no difference" only in saying it is never said.
		said := strings.NewReplacer(`never "no difference"`, "", `not "no difference"`, "").Replace(s)
		for _, w := range []string{"no difference", "matters little", "is the largest factor", "| Tied with the best |"} {
			if strings.Contains(said, w) {
				t.Errorf("n=%d: the report says %q", n, w)
			}
		}
	}
}

// A matrix that sets the worker count by the strategy ranks one factor
// and says so once; regime axes are never ranked.
func TestConfoundedAndRegimes(t *testing.T) {
	cell := func(ms float64, parser, strategy, workers, latency string) spec {
		return spec{ms, []string{"parser", parser, "strategy", strategy, "workers", workers, "latency", latency}}
	}
	run := driftRun(10, 0.1, 0.01, 9,
		cell(100, "std", "perfile", "files", "0"), cell(60, "std", "pool", "2", "0"),
		cell(50, "sonic", "perfile", "files", "0"), cell(30, "sonic", "pool", "2", "0"),
		cell(300, "std", "perfile", "files", "1ms"), cell(400, "std", "pool", "2", "1ms"),
		cell(250, "sonic", "perfile", "files", "1ms"), cell(380, "sonic", "pool", "2", "1ms"))
	a := analyze(run, Options{}.withDefaults())
	var ranked []string
	for _, e := range a.effects {
		ranked = append(ranked, e.ax.name)
	}
	if !slices.Equal(ranked, []string{"strategy", "parser"}) && !slices.Equal(ranked, []string{"parser", "strategy"}) {
		t.Errorf("ranked axes = %q, want parser and strategy only", ranked)
	}
	if a.confounded["workers"] != "strategy" {
		t.Errorf("confounded = %v, want workers set by strategy", a.confounded)
	}
	md, _, err := build(t.Context(), t.TempDir(), run, Options{ChartFormat: "svg"})
	if err != nil {
		t.Fatal(err)
	}
	s := string(md)
	if got := strings.Count(s, "is not ranked apart from the strategy"); got != 1 {
		t.Errorf("the confounding is said %d times, want once", got)
	}
	if !strings.Contains(s, "The simulated latency is not ranked") {
		t.Errorf("the report does not say why latency is not ranked")
	}
	if strings.Contains(s, "| latency |") || strings.Contains(s, "| workers |") {
		t.Errorf("the factor table ranks latency or workers")
	}
}

// When every checked cell read other bytes than the reference, the corpus
// changed; mismatches of one answer are one group.
func TestCorpusChanged(t *testing.T) {
	want := `{"files":10,"bytes":1000,"events":5}`
	got := `{"files":10,"bytes":1200,"events":6}`
	run := driftRun(6, 0, 0.01, 2, ps(100, "std", "perfile"), ps(50, "sonic", "pool"), ps(40, "none", "pool"))
	for i := range run.Cells[:2] {
		run.Cells[i].Failures = []record.Failure{{Round: 6, Kind: record.FailMismatch, Got: got, Want: want, Reason: "digest differs"}}
	}
	md, _, err := build(t.Context(), t.TempDir(), run, Options{ChartFormat: "svg"})
	if err != nil {
		t.Fatal(err)
	}
	s := string(md)
	for _, w := range []string{"⚠ **The corpus changed during the run**", "2 cells computed the same wrong answer: std/perfile (round 6), sonic/pool (round 6)", "**Warnings:** 2 digest mismatches (2 cells)"} {
		if !strings.Contains(s, w) {
			t.Errorf("the report lacks %q", w)
		}
	}
	if strings.Count(s, "got:  ") != 1 {
		t.Errorf("the mismatches are not one group")
	}
	run.Cells[1].Failures = nil // one cell right: the cells are wrong, not the corpus
	md, _, _ = build(t.Context(), t.TempDir(), run, Options{ChartFormat: "svg"})
	if bytes.Contains(md, []byte("corpus changed")) {
		t.Errorf("one wrong cell reads as a changed corpus")
	}
}

// The first screen opens with the recommendation and why, then the run,
// the machine and the warnings, before the summary; as markdown, it is
// paragraphs only (goldmark).
func TestFirstScreen(t *testing.T) {
	dir := copyRun(t, "run")
	md := renderReport(t, dir, Options{ChartFormat: "svg"})
	s := string(md)
	head := s[:strings.Index(s, "## Summary")]
	sh, _ := shapeOf(t, []byte(head))
	// The alerts (two paragraphs in a block quote), the recommendation,
	// the run, the machine and the warnings.
	if want := []string{"h1", "Blockquote", "Paragraph", "Paragraph", "Paragraph", "Paragraph", "Paragraph", "Paragraph"}; !slices.Equal(sh.blocks, want) {
		t.Errorf("first screen's blocks = %q, want %q", sh.blocks, want)
	}
	shown := shownText(t, []byte(head))
	for _, w := range []string{
		"Recommendation: use sonic/pool/workers=4/read=readfile/gogc=100",
		"Why: sonic/pool spends 60% of its CPU parsing JSON against std/perfile's 54%, allocates 2.000M times per pass against 12.00M, needs 12 GC cycles against 45",
		"every cell ran with gomaxprocs=4, build=default",
		"The machine was quiet", "Warnings: 1 digest mismatch (1 cell)",
	} {
		if !strings.Contains(shown, w) {
			t.Errorf("the first screen lacks %q:\n%s", w, shown)
		}
	}
	if n := strings.Count(s, "noisy"); n > 2 {
		t.Errorf("the report says noisy %d times, want the one sentence", n)
	}
	if strings.Count(head, "\n") > 25 {
		t.Errorf("the first screen has %d lines", strings.Count(head, "\n"))
	}
}

// The exports beside report.md: a row per cell, a row per sample, and
// github-action-benchmark's customSmallerIsBetter entries.
func TestExports(t *testing.T) {
	dir := copyRun(t, "run")
	renderReport(t, dir, Options{ChartFormat: "svg"})
	run, err := record.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) [][]string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return rows
	}
	m := read(MatrixCSV)
	if len(m) != len(run.Cells)+1 {
		t.Errorf("%s has %d rows, want a header and %d cells", MatrixCSV, len(m), len(run.Cells))
	}
	wantHead := []string{"name", "parser", "strategy", "workers", "read", "gogc", "gomemlimit", "gomaxprocs", "build", "n", "failures", "mismatch",
		"median_wall_ns", "ci_lo_ns", "ci_hi_ns", "mb_per_s", "cpu_ns", "alloc_bytes", "allocs", "gc_cycles", "peak_rss_bytes"}
	if !slices.Equal(m[0], wantHead) {
		t.Errorf("%s header = %q, want %q", MatrixCSV, m[0], wantHead)
	}
	col := func(name string) int { return slices.Index(m[0], name) }
	for i, row := range m[1:] {
		c := run.Cells[i]
		if row[0] != c.FullName() || row[col("n")] != strconv.Itoa(len(c.Samples)) {
			t.Errorf("%s row %d = %q, want %s with n=%d", MatrixCSV, i+1, row[:2], c.FullName(), len(c.Samples))
		}
	}
	if row := m[1]; row[col("median_wall_ns")] == "" || row[col("ci_lo_ns")] == "" || row[col("allocs")] == "" {
		t.Errorf("%s first row = %q", MatrixCSV, row)
	}
	if row := m[len(m)-1]; row[col("ci_lo_ns")] != "" { // one sample: no interval
		t.Errorf("%s: a cell of one sample has an interval: %q", MatrixCSV, row)
	}
	samples := 0
	for _, c := range run.Cells {
		samples += len(c.Samples)
	}
	s := read(SamplesCSV)
	if len(s) != samples+1 || s[0][len(wantHead)-12] != "round" && !slices.Contains(s[0], "round") {
		t.Errorf("%s has %d rows, want a header and %d samples", SamplesCSV, len(s), samples)
	}
	if i := slices.Index(s[0], "wall_ns"); s[1][i] != strconv.Itoa(int(run.Cells[0].Samples[0].WallNs)) {
		t.Errorf("%s first sample wall_ns = %s, want %d", SamplesCSV, s[1][i], run.Cells[0].Samples[0].WallNs)
	}

	data, err := os.ReadFile(filepath.Join(dir, BenchmarkActionJSON))
	if err != nil {
		t.Fatal(err)
	}
	var entries []map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&entries); err != nil {
		t.Fatalf("%s: %v", BenchmarkActionJSON, err)
	}
	if len(entries) != len(run.Cells) {
		t.Errorf("%s has %d entries, want %d (every cell has a sample)", BenchmarkActionJSON, len(entries), len(run.Cells))
	}
	for _, e := range entries {
		for k := range e {
			if !slices.Contains([]string{"name", "unit", "value", "range", "extra"}, k) {
				t.Errorf("%s: entry has key %q, not of customSmallerIsBetter", BenchmarkActionJSON, k)
			}
		}
		v, err := e["value"].(json.Number).Float64()
		if name, _ := e["name"].(string); !strings.HasPrefix(name, "BenchmarkEvents/") || e["unit"] != "ns/op" || err != nil || !(v > 0) || math.IsInf(v, 0) {
			t.Errorf("%s: entry %v", BenchmarkActionJSON, e)
		}
	}
	if r, _ := entries[0]["range"].(string); !strings.HasPrefix(r, "± ") {
		t.Errorf("%s: first range = %q, want ± …", BenchmarkActionJSON, r)
	}
}

// The guard rails' lines: a run that measured rejection says so first,
// and a pass too short to time says so in the summary, for answering
// cells only (the floor is expected to be quick).
func TestGuardRailLines(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rejection bool
		bestMs    float64
		want      []string
		wantNot   []string
	}{
		{"long passes", false, 80, nil, []string{"too small to time", "measured rejection"}},
		{"short passes", false, 20, []string{"**Corpus too small to time reliably**: the timed pass of 2 of the 2 cells that compute an answer is shorter than 50.00 ms"}, []string{"measured rejection"}},
		{"rejection", true, 80, []string{"⚠ **This run measured rejection**: 90 of 100 documents (90%) were bad for the events workload (most common: 90 × \"events\" is missing or not an array)", "`-query FILE`"}, []string{"too small to time"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := driftRun(6, 0, 0.01, 2, ps(2*tc.bestMs, "std", "perfile"), ps(tc.bestMs, "sonic", "pool"), ps(tc.bestMs/4, "none", "pool"))
			if tc.rejection {
				run.Corpus.Documents, run.Corpus.BadDocuments, run.Corpus.Rejection = 100, 90, true
				run.Corpus.BadReasons = []workload.ReasonCount{{Reason: `"events" is missing or not an array`, Count: 90}}
			}
			md, _, err := build(t.Context(), t.TempDir(), run, Options{ChartFormat: "svg"})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(md), w) {
					t.Errorf("the report lacks %q", w)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(string(md), w) {
					t.Errorf("the report says %q", w)
				}
			}
		})
	}
}
