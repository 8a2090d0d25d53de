package reports

import (
	"slices"
	"strings"
	"testing"

	"benchgrid/record"
)

// axesCell is a cell of ten samples around baseMs whose axes are exactly
// axes ("parser", "sonic", "readers", "2", …), named after them, with none
// of the named fields of record.Cell set.
func axesCell(baseMs float64, axes ...string) record.Cell {
	var c record.Cell
	var name []string
	for i := 0; i+1 < len(axes); i += 2 {
		c.Axes = append(c.Axes, record.AxisValue{Key: axes[i], Value: axes[i+1]})
		name = append(name, axes[i]+"="+axes[i+1])
	}
	c.Name = strings.Join(name, "/")
	c.ReadOnly = slices.Contains(name, "parser=none")
	for i, j := range jitter {
		c.Samples = append(c.Samples, record.Sample{Round: i, WallNs: int64(baseMs * 1e6 * (1 + 0.01*j)), Files: 100, Bytes: 10e6})
	}
	return c
}

// An axis the report has never heard of is an axis like any other: it
// varies, it is ranked, it shows in the factors and the comparisons.
func TestReportExtraAxis(t *testing.T) {
	cell := func(ms float64, parser, strategy, readers string) record.Cell {
		return axesCell(ms, "parser", parser, "strategy", strategy, "read", "readfile", "readers", readers)
	}
	run := &record.Run{Count: 10, Cells: []record.Cell{
		cell(100, "std", "perfile", "1"),
		cell(40, "std", "pool", "1"),
		cell(20, "sonic", "pool", "1"),
		cell(10, "sonic", "pool", "2"),
		cell(5, "none", "pool", "1"),
	}}
	a := analyze(run, Options{}.withDefaults())
	var names []string
	for _, ax := range a.varying {
		names = append(names, ax.name)
	}
	if want := []string{"parser", "strategy", "readers"}; !slices.Equal(names, want) {
		t.Errorf("varying axes = %q, want %q", names, want)
	}
	if a.best.Name != "sonic/pool/readers=2" {
		t.Errorf("best = %s", a.best.Name)
	}
	if got, want := a.factors(), "parser std→sonic, strategy perfile→pool, readers 1→2"; got != want {
		t.Errorf("factors() = %q, want %q", got, want)
	}
	if !slices.ContainsFunc(a.effects, func(e effect) bool { return e.ax.name == "readers" }) {
		t.Errorf("no effect of readers among %d effects", len(a.effects))
	}
	if f := a.best.floor; f == nil || f.Name != "none/pool/readers=1" {
		t.Errorf("best's floor = %v, want the none/pool cell", f)
	}
	md, _, err := build(t.Context(), t.TempDir(), run, Options{ChartFormat: "svg"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| 3 | readers | 2 (10.01 ms) | 1 (20.03 ms) | 2.00× [", // factors ranked by effect
		"readers=2 is 2.00× [", "faster than readers=1 under parser=sonic/strategy=pool",
		"| strategy=pool readers=1 | sonic |", // the comparisons hold readers
		"| sonic/pool/readers=2 | 10 |",       // the matrix, by the varying axes
		"every cell ran with read=readfile",   // the fixed axis, once
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// The roles say which configuration is the naive baseline and which levels
// the comparisons are made against: other roles, another baseline.
func TestReportRoles(t *testing.T) {
	cells := func() []record.Cell {
		return []record.Cell{
			mkCell("std", "perfile", 100, false),
			mkCell("goccy", "pool", 60, false),
			mkCell("goccy", "perfile", 90, false),
			mkCell("std", "pool", 70, false),
			mkCell("sonic", "pool", 10, false),
			mkCell("none", "pool", 5, false),
		}
	}
	std := analyze(&record.Run{Count: 10, Cells: cells()}, Options{}.withDefaults())
	if std.baseline.Name != "std/perfile" || !std.naive {
		t.Errorf("baseline under the legacy roles = %s (naive %v), want parser=std/strategy=perfile", std.baseline.Name, std.naive)
	}

	goccy := []record.AxisValue{{Key: "parser", Value: "goccy"}, {Key: "strategy", Value: "pool"}}
	run := &record.Run{Count: 10, Cells: cells(), Corpus: record.Corpus{Reference: "answer"}, Roles: &record.Roles{
		Reference: goccy,
		Baseline:  goccy,
		Floor:     []record.AxisValue{{Key: "parser", Value: "none"}},
		Versus:    []record.AxisValue{{Key: "strategy", Value: "perfile"}, {Key: "parser", Value: "goccy"}},
	}}
	a := analyze(run, Options{}.withDefaults())
	if a.baseline.Name != "goccy/pool" || !a.naive {
		t.Errorf("baseline = %s (naive %v), want parser=goccy/strategy=pool", a.baseline.Name, a.naive)
	}
	if got, want := a.factors(), "parser goccy→sonic"; got != want {
		t.Errorf("factors() = %q, want %q", got, want)
	}
	md, _, err := build(t.Context(), t.TempDir(), run, Options{ChartFormat: "svg"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"³ The naive baseline: parser goccy, strategy pool.",
		"### Strategies at each parser (vs perfile)", "### Parsers at each strategy (vs goccy)",
		"### Strategy × parser", "Speedup of each strategy over perfile under each parser",
		"Reference answer (goccy + pool)",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the report lacks %q", want)
		}
	}

	// With no cell of the baseline's configuration, the slowest cell of
	// its first value stands in.
	run.Cells = slices.DeleteFunc(cells(), func(c record.Cell) bool { return c.Name == "parser=goccy/strategy=pool" })
	a = analyze(run, Options{}.withDefaults())
	if a.baseline.Name != "goccy/perfile" || a.naive {
		t.Errorf("baseline without a goccy+pool cell = %s (naive %v), want parser=goccy/strategy=perfile", a.baseline.Name, a.naive)
	}
}
