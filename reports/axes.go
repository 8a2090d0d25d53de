package reports

import (
	"strings"

	"benchgrid/record"
)

// The report takes the axes of the matrix from the cells (record.Cell.Axes,
// in the order the run lists them) and the part each configuration plays
// from the run (record.Run.Roles): the naive baseline, the reading floor
// and the levels comparisons are made against. An axis the harness adds
// later is reported like any other, with no change here.
//
// These are the only axes the report knows by name for what it computes,
// because the record does not say it:
const (
	// workersAxis counts the goroutines a strategy works with: the x axis
	// of the workers chart and of the scaling fits, which need its values
	// to be numbers.
	workersAxis = "workers"
	// latencyAxis is the simulated storage latency per file, a Go duration
	// ("0", "200µs", "1ms"): Little's law multiplies a throughput by it.
	latencyAxis = "latency"
)

// regimeAxes are the axes that set the I/O regime a cell runs in rather
// than how it processes files: the simulated latency and the page cache
// (warm or cold). The report tells the regimes apart by their values, to
// say how the best configuration changes from one to the other.
var regimeAxes = []string{latencyAxis, cacheAxis}

// readingAxes are the axes that decide how the files are read: a cell's
// reading floor reads them the same way, so it agrees with the cell on
// these (and on as many other axes as it can).
var readingAxes = []string{"strategy", "read"}

// readingNouns names the readingAxes in a sentence: "strategy and read
// mode".
func readingNouns() string {
	var nouns []string
	for _, name := range readingAxes {
		nouns = append(nouns, axis{name}.noun())
	}
	return joinAnd(nouns)
}

// axisWords names axes in sentences: labels only, which nothing the report
// computes depends on. An axis not listed is named by its key, and its
// levels as settings ("readers=2").
var axisWords = map[string]struct {
	noun string
	// bare names a level by its value alone ("sonic"), not as a setting
	// ("workers=4"): the values are registered names.
	bare bool
}{
	"parser": {"parser", true}, "strategy": {"strategy", true}, "workers": {"worker count", false},
	"read": {"read mode", false}, "gogc": {"GOGC setting", false}, "gomemlimit": {"GOMEMLIMIT setting", false},
	"gomaxprocs": {"GOMAXPROCS setting", false}, "build": {"build", false},
	"latency": {"simulated latency", false}, "feed": {"feed", false},
}

// An axis is one dimension of the matrix, named by its key in the cells'
// axes.
type axis struct{ name string }

// noun names the axis in a sentence: "worker count".
func (ax axis) noun() string {
	if w, ok := axisWords[ax.name]; ok {
		return w.noun
	}
	return ax.name
}

// runAxes returns the axes of run's cells: every key of their Axes, in
// the order the cells list them (a key only some cells have comes where
// it is first seen).
func runAxes(run *record.Run) []axis {
	var out []axis
	seen := map[string]bool{}
	for _, c := range run.Cells {
		for _, av := range c.Axes {
			if !seen[av.Key] {
				seen[av.Key] = true
				out = append(out, axis{av.Key})
			}
		}
	}
	return out
}

// pairsText spells axis values as "parser std, strategy perfile" (eq " ",
// sep ", ") or "parser=none" (eq "=", sep "/"), unescaped.
func pairsText(vs []record.AxisValue, eq, sep string) string {
	var parts []string
	for _, v := range vs {
		parts = append(parts, v.Key+eq+v.Value)
	}
	return strings.Join(parts, sep)
}

// valuesText spells the values of vs alone, as "std + perfile", unescaped.
func valuesText(vs []record.AxisValue) string {
	var parts []string
	for _, v := range vs {
		parts = append(parts, v.Value)
	}
	return strings.Join(parts, " + ")
}

// plural is the plural of an English noun, for the nouns of axes.
func plural(noun string) string {
	switch {
	case strings.HasSuffix(noun, "s"):
		return noun
	case strings.HasSuffix(noun, "y") && !strings.ContainsAny(noun[max(0, len(noun)-2):len(noun)-1], "aeiou"):
		return noun[:len(noun)-1] + "ies"
	}
	return noun + "s"
}
