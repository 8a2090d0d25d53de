package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"benchgrid/benchstats"
)

// The verdicts of a report — the improvement, the cells tied with the
// best, the factors, the failed changes, the interaction — come from
// paired comparisons: every round runs every cell once in a shuffled
// order, so the ratio of two cells' wall times within a round cancels the
// machine's drift from round to round (benchstats.PairedLog). Every such
// comparison the report makes is one test of a family whose p-values are
// adjusted together by Holm–Bonferroni. The matrix and the comparisons
// tables keep benchstat's unpaired figures, so that they match `go tool
// benchstat`.

// A test is one paired comparison the report makes: of two cells, or a
// contrast of several (a ratio of two ratios).
type test struct {
	benchstats.Paired
	// adj is P adjusted by Holm–Bonferroni over the report's family.
	adj float64
}

// family is every test the report makes, by key, in the order first made.
type family struct {
	tests map[string]*test
	keys  []string
	// frozen is set once the family is adjusted; a test made after it is
	// adjusted by Bonferroni over the family grown by one (never less
	// strict than Holm) and counted in late, which tests keep at zero.
	frozen bool
	late   int
}

// byRound returns c's wall times by round, a round's first sample.
func byRound(c *cellStat) map[int]float64 {
	m := map[int]float64{}
	for _, s := range c.Samples {
		if _, ok := m[s.Round]; !ok && s.WallNs > 0 {
			m[s.Round] = float64(s.WallNs)
		}
	}
	return m
}

// contrast returns the test of the per-round contrast Σ log(plus) −
// Σ log(minus) over the rounds every one of the cells ran in: for plus
// {a} and minus {b}, the paired ratio a/b.
func (a *analysis) contrast(plus, minus []*cellStat) *test {
	var key strings.Builder
	for _, c := range plus {
		key.WriteString("+" + c.FullName() + "\x00")
	}
	for _, c := range minus {
		key.WriteString("-" + c.FullName() + "\x00")
	}
	k := key.String()
	if t := a.fam.tests[k]; t != nil {
		return t
	}
	rounds := map[*cellStat]map[int]float64{}
	for _, c := range append(slices.Clone(plus), minus...) {
		if rounds[c] == nil {
			rounds[c] = byRound(c)
		}
	}
	var common []int
	for r := range rounds[plus[0]] {
		ok := true
		for _, m := range rounds {
			if _, in := m[r]; !in {
				ok = false
				break
			}
		}
		if ok {
			common = append(common, r)
		}
	}
	slices.Sort(common)
	d := make([]float64, 0, len(common))
	for _, r := range common {
		var x float64
		for _, c := range plus {
			x += math.Log(rounds[c][r])
		}
		for _, c := range minus {
			x -= math.Log(rounds[c][r])
		}
		d = append(d, x)
	}
	t := &test{Paired: benchstats.PairedLog(d, a.opts.Criteria)}
	if a.fam.tests == nil {
		a.fam.tests = map[string]*test{}
	}
	a.fam.tests[k] = t
	a.fam.keys = append(a.fam.keys, k)
	t.adj = t.P
	if a.fam.frozen {
		a.fam.late++
		t.adj = min(1, t.P*float64(a.countTests()))
	}
	return t
}

// pair returns the paired test of num's wall time over den's.
func (a *analysis) pair(num, den *cellStat) *test {
	return a.contrast([]*cellStat{num}, []*cellStat{den})
}

// countTests is the size of the family: the tests with a p-value.
func (a *analysis) countTests() int {
	n := 0
	for _, t := range a.fam.tests {
		if t.N >= 2 {
			n++
		}
	}
	return n
}

// freeze adjusts the family's p-values by Holm–Bonferroni. Tests of fewer
// than two rounds have no p-value and are not counted.
func (a *analysis) freeze() {
	var ps []float64
	for _, k := range a.fam.keys {
		t := a.fam.tests[k]
		p := t.P
		if t.N < 2 {
			p = math.NaN()
		}
		ps = append(ps, p)
	}
	for i, adj := range benchstats.Holm(ps) {
		t := a.fam.tests[a.fam.keys[i]]
		t.adj = adj
		if math.IsNaN(adj) {
			t.adj = 1
		}
	}
	a.fam.frozen = true
}

// separated reports whether t tells its two sides apart: from at least
// benchstats.MinSamples rounds, with an adjusted p below α and an interval
// that excludes 1.
func (a *analysis) separated(t *test) bool { return t.Separated(t.adj, a.opts.Alpha) }

// lowN reports whether t has too few rounds to tell anything.
func lowN(t *test) bool { return t.N < benchstats.MinSamples }

// fmtTest formats a test's adjusted p-value and rounds: "p=0.002 n=10".
func fmtTest(t *test) string {
	if t.N < 2 {
		return fmt.Sprintf("n=%d", t.N)
	}
	if t.adj < 0.001 {
		return fmt.Sprintf("p<0.001 n=%d", t.N)
	}
	return fmt.Sprintf("p=%.3f n=%d", t.adj, t.N)
}

// fmtTestRatio formats a test's ratio with its interval: "5.02× [4.97–5.07×]".
func fmtTestRatio(t *test) string {
	return fmtRatio(t.Ratio) + " " + fmtInterval(interval{t.Lo, t.Hi, t.OK})
}

// needText says how many rounds a test would need to tell a difference
// of its observed size at its observed spread: "6 rounds (6 is the fewest
// that can tell anything)" or "about 14 rounds".
func (a *analysis) needText(t *test) string {
	effect := math.Abs(t.Ratio - 1)
	sd := t.SD
	if sd == 0 {
		sd = a.noiseSD()
	}
	n := benchstats.SamplesFor(sd, effect, a.opts.Alpha)
	if n <= benchstats.MinSamples {
		return fmt.Sprintf("%d rounds (the fewest from which the report tells anything)", benchstats.MinSamples)
	}
	if n >= 1000 {
		return "more than 1000 rounds (the difference is too small for this machine's noise)"
	}
	return fmt.Sprintf("about %d rounds", n)
}

// noiseSD is the median spread of the paired log ratios of the best
// against every other eligible cell: how much a round's ratio of two
// cells wanders on this machine. 0 when no test has two rounds.
func (a *analysis) noiseSD() float64 {
	var sds []float64
	for _, c := range a.ranked {
		if c == a.best || !c.eligible() || a.best == nil {
			continue
		}
		if t := a.pair(c, a.best); t.N >= 2 {
			sds = append(sds, t.SD)
		}
	}
	if len(sds) == 0 {
		return 0
	}
	return median(sds)
}
