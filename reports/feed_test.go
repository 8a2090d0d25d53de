package reports

import (
	"strings"
	"testing"

	"benchgrid/record"
)

// TestFeedNote: a run with feed=walk or feed=stream cells says, in its
// environment section, that their timed pass lists the corpus too, so that
// they compare with each other and not with list cells; a run without
// them says nothing of it.
func TestFeedNote(t *testing.T) {
	cell := func(ms float64, strategy, feed string) record.Cell {
		if feed == "" {
			return axesCell(ms, "parser", "sonic", "strategy", strategy, "read", "readfile")
		}
		return axesCell(ms, "parser", "sonic", "strategy", strategy, "read", "readfile", "feed", feed)
	}
	tests := []struct {
		name  string
		cells []record.Cell
		want  []string // nil for no note
	}{
		{"walk and stream", []record.Cell{
			cell(20, "atomic", "walk"), cell(18, "atomic", "stream"),
			cell(21, "batch", "walk"), cell(17, "batch", "stream"), cell(22, "pipeline", "walk"),
		}, []string{
			"**Feed** (feed=walk, feed=stream, 5 cells): the timed pass of these cells lists the corpus too",
			"feed=stream hands the files to the workers while the walk goes on",
			"Compare them with each other", "not with cells that leave feed unset",
		}},
		{"list and stream", []record.Cell{cell(15, "atomic", ""), cell(18, "atomic", "stream")},
			[]string{"(feed=stream, 1 cell)"}},
		{"list only", []record.Cell{cell(20, "atomic", ""), cell(10, "batch", "")}, nil},
	}
	for _, tc := range tests {
		run := &record.Run{Count: 10, Complete: true, Cells: tc.cells}
		md, _, err := build(t.Context(), t.TempDir(), run, Options{ChartFormat: "svg"})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		report := string(md)
		if tc.want == nil && strings.Contains(report, "**Feed**") {
			t.Errorf("%s: the report has a feed note", tc.name)
		}
		for _, want := range tc.want {
			if !strings.Contains(report, want) {
				t.Errorf("%s: the report lacks %q", tc.name, want)
			}
		}
		env := report[strings.Index(report, "## Environment"):strings.Index(report, "## Notes on method")]
		if tc.want != nil && !strings.Contains(env, "**Feed**") {
			t.Errorf("%s: the note is not in the environment section", tc.name)
		}
	}
}
