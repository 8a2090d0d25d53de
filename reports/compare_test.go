package reports

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"benchgrid/benchstats"
	"benchgrid/record"
)

func TestCompareGolden(t *testing.T) {
	md, regressed, err := Compare(t.Context(), filepath.Join("testdata", "run"), filepath.Join("testdata", "new"), CompareOptions{})
	if err != nil {
		t.Fatalf("Compare: %v", err)
	}
	golden(t, "compare.golden", md)
	want := []string{"parser=sonic/strategy=pool/workers=4/read=readfile-4"}
	if !slices.Equal(regressed, want) {
		t.Errorf("Compare regressed = %q, want %q", regressed, want)
	}
	md2, _, err := Compare(t.Context(), filepath.Join("testdata", "run"), filepath.Join("testdata", "new"), CompareOptions{})
	if err != nil || string(md) != string(md2) {
		t.Errorf("two comparisons of the same runs differ (err %v)", err)
	}
}

func TestCompareRegression(t *testing.T) {
	scaled := func(name string, factor float64) record.Cell {
		c := mkCell("sonic", "pool", 100*factor, false)
		c.Name = name
		return c
	}
	tests := []struct {
		name      string
		factor    float64 // new median over old
		opts      CompareOptions
		regressed bool
	}{
		{"10% slower", 1.10, CompareOptions{}, true},
		{"3% slower, under the 5% threshold", 1.03, CompareOptions{}, false},
		{"3% slower, 2% threshold", 1.03, CompareOptions{Threshold: 0.02}, true},
		{"10% faster", 0.90, CompareOptions{}, false},
		{"unchanged", 1.0, CompareOptions{}, false},
		{"10% slower, alpha so small nothing is significant", 1.10, CompareOptions{Criteria: benchstats.Criteria{Alpha: 1e-9}}, false},
	}
	for _, tt := range tests {
		oldRun := &record.Run{Cells: []record.Cell{scaled("x", 1)}}
		newRun := &record.Run{Cells: []record.Cell{scaled("x", tt.factor)}}
		_, regressed := compareRuns("old", "new", oldRun, newRun, tt.opts.withDefaults())
		if got := len(regressed) == 1; got != tt.regressed {
			t.Errorf("%s: regressed = %v, want %v", tt.name, got, tt.regressed)
		}
	}

	// A single sample can never show a significant change.
	one := func(ms float64) record.Run {
		return record.Run{Cells: []record.Cell{{Name: "x", Samples: []record.Sample{{WallNs: int64(ms * 1e6)}}}}}
	}
	o, n := one(100), one(200)
	if _, regressed := compareRuns("old", "new", &o, &n, CompareOptions{}.withDefaults()); len(regressed) != 0 {
		t.Errorf("single samples 100ms → 200ms: regressed = %q, want none", regressed)
	}
}

// TestCompareGOMAXPROCS checks that cells differing only in GOMAXPROCS are
// compared with their own counterparts, not merged: a regression of one
// must not hide behind the other.
func TestCompareGOMAXPROCS(t *testing.T) {
	cell := func(procs int, ms float64) record.Cell {
		c := mkCell("sonic", "pool", ms, false)
		c.Name, c.GOMAXPROCS = "x", procs
		return c
	}
	oldRun := &record.Run{Cells: []record.Cell{cell(1, 100), cell(2, 100)}}
	newRun := &record.Run{Cells: []record.Cell{cell(1, 150), cell(2, 100)}}
	_, regressed := compareRuns("old", "new", oldRun, newRun, CompareOptions{}.withDefaults())
	if want := []string{"x-1"}; !slices.Equal(regressed, want) {
		t.Errorf("regressed = %q, want %q", regressed, want)
	}
	if got := oldRun.Label(&oldRun.Cells[0]); got != "x-1" {
		t.Errorf("Label of a cell in a run varying GOMAXPROCS = %q, want x-1", got)
	}
}

func TestCompareErrors(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Compare(t.Context(), dir, filepath.Join("testdata", "new"), CompareOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Compare(empty old) = %v, want a not-exist error", err)
	}
	if err := os.WriteFile(filepath.Join(dir, record.ResultsFile), []byte(`{"version": 99}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Compare(t.Context(), filepath.Join("testdata", "run"), dir, CompareOptions{}); err == nil {
		t.Errorf("Compare(new of schema 99) = nil error, want one")
	}
}

// TestCompareNormalize checks each normalisation on a run whose second
// measurement is 20% slower throughout, except one cell 40% slower: only
// that cell regresses once normalised, every cell without.
func TestCompareNormalize(t *testing.T) {
	cells := func(slow float64) []record.Cell {
		var out []record.Cell
		for _, p := range []string{"std", "sonic", "none"} {
			for _, s := range []string{"pool", "perfile"} {
				f := 1.2
				if p == "sonic" && s == "pool" {
					f *= slow
				}
				c := mkCell(p, s, 100*f, false)
				c.Axes = []record.AxisValue{{Key: "parser", Value: p}, {Key: "strategy", Value: s}}
				out = append(out, c)
			}
		}
		return out
	}
	tests := []struct {
		normalize Normalization
		header    string
		regressed int
	}{
		{"", "**Normalised for drift** (`-normalize geomean`)", 1},
		{NormalizeFloor, "**Normalised by the reading floor** (`-normalize floor`): the wall times of 4 cells", 1},
		{NormalizeNone, "**Not normalised** (`-normalize none`)", 6},
	}
	for _, tt := range tests {
		oldRun := &record.Run{Cells: cells(1)}
		for i := range oldRun.Cells {
			oldRun.Cells[i].Samples = mkCell("x", "y", 100, false).Samples
		}
		newRun := &record.Run{Cells: cells(1.4)}
		md, regressed := compareRuns("old", "new", oldRun, newRun, CompareOptions{Normalize: tt.normalize}.withDefaults())
		if len(regressed) != tt.regressed || tt.regressed == 1 && regressed[0] != "parser=sonic/strategy=pool-0" {
			t.Errorf("-normalize %q: regressed = %q, want %d cell(s)", tt.normalize, regressed, tt.regressed)
		}
		if !strings.Contains(string(md), tt.header) {
			t.Errorf("-normalize %q: no %q in\n%s", tt.normalize, tt.header, md)
		}
		if want := "p-values adjusted by Holm–Bonferroni over 6 comparisons"; !strings.Contains(string(md), want) {
			t.Errorf("-normalize %q: no %q in the footnote", tt.normalize, want)
		}
	}
	if _, _, err := Compare(t.Context(), "old", "new", CompareOptions{Normalize: "median"}); err == nil {
		t.Errorf("Compare(-normalize median) = nil error, want one")
	}
}

// The drift anchor is the median of the per-cell ratios: one cell three
// times slower does not move it, where it would move a geometric mean of
// six cells by 3^(1/6) ≈ 20% and show every other cell as improved.
func TestCompareAnchorRobust(t *testing.T) {
	mk := func(slow float64) *record.Run {
		r := &record.Run{}
		for _, p := range []string{"std", "sonic", "goccy"} {
			for _, s := range []string{"pool", "perfile"} {
				f := 1.1 // the machine drifted 10%
				if p == "sonic" && s == "pool" {
					f *= slow
				}
				c := mkCell(p, s, 100*f, false)
				r.Cells = append(r.Cells, c)
			}
		}
		return r
	}
	oldRun := mk(1)
	for i := range oldRun.Cells {
		oldRun.Cells[i].Samples = mkCell("x", "y", 100, false).Samples
	}
	md, regressed := compareRuns("old", "new", oldRun, mk(3), CompareOptions{}.withDefaults())
	if !slices.Equal(regressed, []string{"parser=sonic/strategy=pool-0"}) {
		t.Errorf("regressed = %q, want the one slow cell", regressed)
	}
	if strings.Contains(string(md), "| improved |") {
		t.Errorf("the other cells show as improved:\n%s", md)
	}
	if !strings.Contains(string(md), "(+10.00%)") {
		t.Errorf("the drift is not the median ratio, +10%%:\n%s", md)
	}
}

// TestCompareWorkloads: runs of different workloads are not compared;
// runs of one workload under different query files are, with a warning.
func TestCompareWorkloads(t *testing.T) {
	mk := func(w *record.Workload) string {
		run, err := record.Read(filepath.Join("testdata", "run"))
		if err != nil {
			t.Fatal(err)
		}
		run.Workload = w
		dir := t.TempDir()
		if err := record.Write(dir, run); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	events := mk(nil)
	q1 := mk(&record.Workload{Name: "query", Config: "{}", ConfigDigest: "aaaaaaaaaaaaaaaa"})
	q2 := mk(&record.Workload{Name: "query", Config: "{ }", ConfigDigest: "bbbbbbbbbbbbbbbb"})
	if _, _, err := Compare(t.Context(), events, q1, CompareOptions{}); err == nil || !strings.Contains(err.Error(), "ran the events workload and") {
		t.Errorf("events vs query: %v, want an error", err)
	}
	md, _, err := Compare(t.Context(), q1, q2, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "workload configurations differ") || !strings.Contains(string(md), "query (configuration aaaaaaaaaaaa…)") {
		t.Errorf("the comparison of two query files does not warn:\n%s", md)
	}
	md, _, _ = Compare(t.Context(), q1, q1, CompareOptions{})
	if strings.Contains(string(md), "configurations differ") {
		t.Error("a run compared with itself warns of different configurations")
	}
}
