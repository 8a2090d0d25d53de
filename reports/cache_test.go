package reports

import (
	"strings"
	"testing"

	"benchgrid/record"
)

// TestCacheNote: a run with cold cells says what cold covers and quotes
// the cold samples' median residency; a run without says nothing of it.
func TestCacheNote(t *testing.T) {
	cell := func(ms float64, parser, cache string, resident float64) record.Cell {
		c := axesCell(ms, "parser", parser, "strategy", "pool", "read", "readfile", "cache", cache)
		for i := range c.Samples {
			c.Samples[i].Resident = resident
		}
		return c
	}
	tests := []struct {
		name  string
		cells []record.Cell
		want  []string // "" for no note
	}{
		{"warm and cold", []record.Cell{
			cell(20, "std", "warm", 1), cell(30, "std", "cold", 0.02),
			cell(10, "sonic", "warm", 1), cell(25, "sonic", "cold", 0),
			cell(5, "none", "warm", 1), cell(15, "none", "cold", 0.01),
		}, []string{
			"**Cold cache** (cache=cold, 3 cells): before every cold sample's timed pass",
			"POSIX_FADV_DONTNEED", "mincore", "the median over the 30 cold samples is 1.0% of the corpus's pages",
			"Directory entries, inodes and the files' metadata stay cached", "/proc/sys/vm/drop_caches",
			"whatever storage holds the corpus",
		}},
		{"cold without a sample", []record.Cell{
			cell(20, "std", "warm", 1),
			{Name: "parser=std/cache=cold", Axes: []record.AxisValue{{Key: "parser", Value: "std"}, {Key: "cache", Value: "cold"}},
				Failures: []record.Failure{{Kind: record.FailError, Reason: "eviction not verified: 100.0% of the corpus still resident"}}},
		}, []string{"(cache=cold, 1 cell)", "no cold sample succeeded, so none was measured"}},
		{"warm only", []record.Cell{cell(20, "std", "warm", 1), cell(10, "sonic", "warm", 1)}, nil},
	}
	for _, tc := range tests {
		run := &record.Run{Count: 10, Complete: true, Cells: tc.cells}
		md, _, err := build(t.Context(), t.TempDir(), run, Options{ChartFormat: "svg"})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.want == nil && strings.Contains(string(md), "Cold cache") {
			t.Errorf("%s: the report has a cold-cache note", tc.name)
		}
		for _, want := range tc.want {
			if !strings.Contains(string(md), want) {
				t.Errorf("%s: the report lacks %q", tc.name, want)
			}
		}
		env := string(md[strings.Index(string(md), "## Environment"):strings.Index(string(md), "## Notes on method")])
		if tc.want != nil && !strings.Contains(env, "**Cold cache**") {
			t.Errorf("%s: the note is not in the environment section", tc.name)
		}
	}
}
