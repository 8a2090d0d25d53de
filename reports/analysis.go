package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"benchgrid/benchstats"
	"benchgrid/record"

	"golang.org/x/perf/benchmath"
)

// analysis is everything the report says, computed once from a run.
type analysis struct {
	run  *record.Run
	opts Options
	thr  *benchmath.Thresholds
	// cells are in results.json order; ranked holds those with samples,
	// fastest first.
	cells  []*cellStat
	ranked []*cellStat
	// axes are the run's axes (see runAxes) and roles its roles.
	axes  []axis
	roles record.Roles
	// varying lists the axes with more than one value among the cells.
	varying        []axis
	baseline, best *cellStat
	// naive is true when the baseline is a cell of the roles' naive
	// baseline configuration.
	naive      bool
	naiveCells int
	effects    []effect
	// profiles are the CPU profiles of the cells that name one, in
	// ranked order, once read (see loadProfiles).
	profiles []*cellProfile
	// fits are the scaling fits of the worker sweeps and regimes the
	// partition of the cells by regime axes (see scaling.go).
	fits    []*scalingFit
	regimes []*regime
	// fam is every paired test the report makes (see paired.go); tied
	// the eligible cells that the tests cannot tell from the best.
	fam  family
	tied []*cellStat
	// unsure are the eligible cells with too few rounds in common with
	// the best to tell (benchstats.MinSamples): neither tied nor not.
	unsure []*cellStat
	// fixed lists the axes with one value, said once rather than in
	// every label.
	fixed []axis
	// confounded names, per axis dropped from the factors, the axis that
	// sets its level in this matrix ("workers" → "strategy").
	confounded map[string]string
	// minN is the fewest samples of an eligible cell; allLow is set when
	// the best, and so every comparison with it, has fewer than
	// benchstats.MinSamples.
	minN   int
	allLow bool
}

func analyze(run *record.Run, opts Options) *analysis {
	run.Upgrade() // a run built in memory has not been through record.Read
	a := &analysis{run: run, opts: opts, thr: benchstats.Thresholds(opts.Alpha),
		axes: runAxes(run), roles: *run.Roles}
	for i := range run.Cells {
		a.cells = append(a.cells, newCellStat(run, &run.Cells[i], opts.Confidence, a.thr))
	}
	for _, c := range a.cells {
		if c.hasSamples() {
			a.ranked = append(a.ranked, c)
		}
	}
	slices.SortStableFunc(a.ranked, func(x, y *cellStat) int {
		return cmp.Or(cmp.Compare(x.median(), y.median()), strings.Compare(x.Name, y.Name))
	})
	for _, ax := range a.axes {
		seen := map[string]bool{}
		for _, c := range a.cells {
			seen[c.value(ax)] = true
		}
		if len(seen) > 1 {
			a.varying = append(a.varying, ax)
		} else {
			a.fixed = append(a.fixed, ax)
		}
	}
	for _, c := range a.cells {
		c.Name = a.shortLabel(c)
	}
	a.findFloors()
	a.findBaselineAndBest()
	a.minN = -1
	for _, c := range a.ranked {
		if c.eligible() && (a.minN < 0 || c.n() < a.minN) {
			a.minN = c.n()
		}
	}
	a.allLow = a.best != nil && a.best.n() < benchstats.MinSamples
	a.confounded = a.findConfounded()
	a.effects = a.axisEffects()
	a.fits = a.findFits()
	a.regimes = a.findRegimes()
	a.makeTests()
	a.freeze()
	return a
}

// shortLabel names c by its values on the axes that vary in the run, bare
// for an axis of registered names ("sonic/pool/workers=4"); the fixed
// values are said once, at the head of the report. A run of one cell
// keeps the cell's name.
func (a *analysis) shortLabel(c *cellStat) string {
	var parts []string
	for _, ax := range a.varying {
		parts = append(parts, level(c, ax))
	}
	if len(parts) == 0 {
		return a.run.Label(c.Cell)
	}
	return strings.Join(parts, "/")
}

// makeTests makes, before the family is adjusted, every paired test the
// report's verdicts use: the best against every other eligible cell (the
// ties, the improvement, the failed changes), the factors and their
// order, the cells against the baseline, the interaction and the regimes.
func (a *analysis) makeTests() {
	if a.best == nil {
		return
	}
	a.tied, a.unsure = nil, nil
	for _, c := range a.ranked {
		if !c.eligible() || c == a.best {
			continue
		}
		switch t := a.pair(c, a.best); {
		case lowN(t):
			a.unsure = append(a.unsure, c)
		case !a.separated(t):
			a.tied = append(a.tied, c)
		}
	}
	for _, c := range a.ranked {
		if c.eligible() && c != a.baseline {
			a.pair(c, a.baseline)
		}
	}
	for i := range a.effects {
		a.effectOrder(i)
	}
	if len(a.roles.Versus) >= 2 {
		a.interactions(a.roles.Versus[0], axis{a.roles.Versus[1].Key})
	}
	a.regimeFinding()
	a.writeRecommendations(new(strings.Builder))
}

// tiedText lists the cells tied with the best: "pipeline and perfile", or
// a count past four.
func (a *analysis) tiedText() string {
	var names []string
	for _, c := range a.tied {
		names = append(names, text(c.Name))
	}
	if len(names) > 4 {
		return fmt.Sprintf("%d other cells", len(names))
	}
	return joinAnd(names)
}

// findConfounded finds the varying axes (other than the regime axes)
// whose level the matrix sets from another axis: every level of the other
// has one level of this one among the eligible cells (a strategy ran with
// one worker count), so this axis's effect cannot be told from the
// other's. It maps such an axis to the axis that sets it; of two axes
// that set each other, the later is dropped.
func (a *analysis) findConfounded() map[string]string {
	out := map[string]string{}
	var cands []axis
	for _, ax := range a.varying {
		if !slices.Contains(regimeAxes, ax.name) {
			cands = append(cands, ax)
		}
	}
	levelsOf := func(ax axis) int {
		seen := map[string]bool{}
		for _, c := range a.ranked {
			if c.eligible() {
				seen[c.value(ax)] = true
			}
		}
		return len(seen)
	}
	sets := func(by, ax axis) bool { // by's level decides ax's
		if levelsOf(by) < 2 || levelsOf(ax) < 2 {
			return false
		}
		seen := map[string]string{}
		for _, c := range a.ranked {
			if !c.eligible() {
				continue
			}
			b, v := c.value(by), c.value(ax)
			if old, ok := seen[b]; ok && old != v {
				return false
			}
			seen[b] = v
		}
		return len(seen) > 0
	}
	for _, ax := range cands {
		for _, by := range cands {
			if by == ax || out[by.name] != "" {
				continue
			}
			if sets(by, ax) {
				if sets(ax, by) && slices.Index(cands, ax) < slices.Index(cands, by) {
					continue // they set each other: drop the later one
				}
				out[ax.name] = by.name
				break
			}
		}
	}
	return out
}

// isFloor reports whether c is a reading floor: a cell of the roles'
// Floor configuration.
func (a *analysis) isFloor(c *cellStat) bool {
	return len(a.roles.Floor) > 0 && record.Matches(c.Axes, a.roles.Floor)
}

// findFloors gives every other cell the floor cell that reads the files
// as it does (the same values of the readingAxes), preferring the one that
// matches it on the most other axes.
func (a *analysis) findFloors() {
	for _, c := range a.cells {
		if a.isFloor(c) {
			continue
		}
		bestScore := -1
		for _, f := range a.ranked {
			if !a.isFloor(f) || !a.sameOn(f, c, readingAxes) {
				continue
			}
			score := 0
			for _, ax := range a.axes {
				if f.value(ax) == c.value(ax) {
					score++
				}
			}
			if score > bestScore {
				c.floor, bestScore = f, score
			}
		}
	}
}

// findBaselineAndBest picks the best configuration (the fastest cell
// without a digest mismatch) and the naive baseline: a cell of the roles'
// Baseline configuration (std + perfile), the one agreeing with the best on
// the most other axes (ties: the slowest), so that the improvement is not
// inflated by unrelated knobs; with no such cell, the slowest cell with the
// baseline's first value (its parser: the slowest std cell); with none, the
// slowest cell.
func (a *analysis) findBaselineAndBest() {
	var first, any *cellStat
	var naive []*cellStat
	base := a.roles.Baseline
	for _, c := range a.ranked { // fastest first: the last match is the slowest
		if !c.eligible() {
			continue
		}
		if a.best == nil {
			a.best = c
		}
		any = c
		if len(base) > 0 && record.Matches(c.Axes, base[:1]) {
			first = c
			if record.Matches(c.Axes, base) {
				naive = append(naive, c)
			}
		}
	}
	var pick *cellStat
	most := -1
	for _, c := range naive {
		if n := len(a.axes) - len(a.differing(c, a.best)); n >= most {
			pick, most = c, n
		}
	}
	a.baseline = cmp.Or(pick, first, any)
	a.naive = pick != nil
	a.naiveCells = len(naive)
}

// An effect is how much one axis moves the wall time.
type effect struct {
	ax axis
	// fast and slow are the fastest and the slowest level; runnerUp the
	// second fastest (nil with two levels).
	fast, slow, runnerUp *cellStat
	levels               int
	// ratio is slow's wall time over fast's, paired by round (t.Ratio).
	ratio float64
	t     *test // slow vs fast
	// runner is runnerUp vs fast; nil without a runner-up.
	runner   *test
	marginal bool   // levels are each level's best cell, not a slice through the best
	heldAxes []axis // the other varying axes, held at the best's values
	// alsoDiffer lists, for a marginal effect, the axes on which fast and
	// slow differ besides ax: what the effect is confounded with.
	alsoDiffer []axis
}

// levels returns the fastest eligible cell per value of ax among cs,
// fastest first.
func levels(cs []*cellStat, ax axis) []*cellStat {
	var out []*cellStat
	seen := map[string]bool{}
	for _, c := range cs { // cs is ranked fastest first
		if v := c.value(ax); !seen[v] {
			seen[v] = true
			out = append(out, c)
		}
	}
	return out
}

// axisEffects ranks the varying axes by effect size: the paired ratio of
// the slowest level's wall time to the fastest's, holding the other axes
// at the best configuration's values. When the matrix has no such slice (it
// is not full-factorial there), the best cell of each level stands in.
// Regime axes (latency, cache) describe the environment, not a choice, and
// an axis the matrix sets from another (see findConfounded) is ranked as
// that one: neither is a factor here.
func (a *analysis) axisEffects() []effect {
	if a.best == nil {
		return nil
	}
	var effects []effect
	for _, ax := range a.varying {
		if slices.Contains(regimeAxes, ax.name) || a.confounded[ax.name] != "" {
			continue
		}
		var held []axis
		for _, o := range a.varying {
			if o.name != ax.name {
				held = append(held, o)
			}
		}
		var slice, all []*cellStat
		for _, c := range a.ranked {
			if !c.eligible() {
				continue
			}
			all = append(all, c)
			if a.sameExcept(c, a.best, ax) {
				slice = append(slice, c)
			}
		}
		lv, marginal := levels(slice, ax), false
		if len(lv) < 2 {
			lv, marginal = levels(all, ax), true
		}
		if len(lv) < 2 {
			continue
		}
		e := effect{
			ax: ax, fast: lv[0], slow: lv[len(lv)-1], levels: len(lv),
			marginal: marginal, heldAxes: held,
		}
		e.t = a.pair(e.slow, e.fast)
		e.ratio = e.t.Ratio
		if math.IsNaN(e.ratio) { // no round in common: the medians
			e.ratio = e.slow.median() / e.fast.median()
		}
		if len(lv) > 2 {
			e.runnerUp = lv[1]
			e.runner = a.pair(e.runnerUp, e.fast)
		}
		if marginal {
			for _, o := range a.differing(e.fast, e.slow) {
				if o.name != ax.name {
					e.alsoDiffer = append(e.alsoDiffer, o)
				}
			}
		}
		effects = append(effects, e)
	}
	slices.SortStableFunc(effects, func(x, y effect) int { return cmp.Compare(y.ratio, x.ratio) })
	return effects
}

// effectOrder returns the test of whether effect i is larger than effect
// i+1 (the ratio of their paired ratios, round by round), or nil for the
// last.
func (a *analysis) effectOrder(i int) *test {
	if i+1 >= len(a.effects) {
		return nil
	}
	x, y := a.effects[i], a.effects[i+1]
	return a.contrast([]*cellStat{x.slow, y.fast}, []*cellStat{x.fast, y.slow})
}

// rankText names effect i's place among the factors: "the largest factor"
// when the evidence separates it from the next, "one of the two largest
// factors" when the largest ones cannot be told apart; "" for a factor
// that is not among the leading ones the evidence tells apart.
func (a *analysis) rankText(i int) string {
	// The effects cannot be told from their neighbours form groups: the
	// group of effect i runs from start to end.
	start := i
	for start > 0 && !a.separated(a.effectOrder(start-1)) {
		start--
	}
	end := i
	for end+1 < len(a.effects) && !a.separated(a.effectOrder(end)) {
		end++
	}
	size := end - start + 1
	switch {
	case start == 0 && size == 1:
		return "the largest factor"
	case start == 0:
		return fmt.Sprintf("one of the %s largest factors, which the evidence does not order", numberWord(size))
	case size == 1 && start < len(ordinals):
		return ordinals[start]
	}
	return "a smaller factor"
}

// numberWord spells small counts.
func numberWord(n int) string {
	if n >= 2 && n <= 9 {
		return []string{"two", "three", "four", "five", "six", "seven", "eight", "nine"}[n-2]
	}
	return fmt.Sprint(n)
}

// sameExcept reports whether x and y agree on every axis but ax.
func (a *analysis) sameExcept(x, y *cellStat, ax axis) bool {
	for _, o := range a.axes {
		if o.name != ax.name && x.value(o) != y.value(o) {
			return false
		}
	}
	return true
}

// sameOn reports whether x and y agree on the axes named.
func (a *analysis) sameOn(x, y *cellStat, names []string) bool {
	for _, name := range names {
		if x.value(axis{name}) != y.value(axis{name}) {
			return false
		}
	}
	return true
}

// verdictOf says how a test came out: "faster", "slower" (num slower
// than den, for a ratio above 1), "tied" or "cannot tell" (too few
// rounds).
func (a *analysis) verdictOf(t *test) string {
	switch {
	case lowN(t):
		return "cannot tell"
	case !a.separated(t):
		return "tied"
	case t.Ratio > 1:
		return "slower"
	}
	return "faster"
}

// differing lists the axes on which x and y differ.
func (a *analysis) differing(x, y *cellStat) []axis {
	var out []axis
	for _, ax := range a.axes {
		if x.value(ax) != y.value(ax) {
			out = append(out, ax)
		}
	}
	return out
}

// factors describes what changed from the baseline to the best, e.g.
// "parser std→sonic, strategy perfile→pool".
func (a *analysis) factors() string {
	var parts []string
	for _, ax := range a.differing(a.baseline, a.best) {
		parts = append(parts, fmt.Sprintf("%s %s→%s", text(ax.name), text(a.baseline.value(ax)), text(a.best.value(ax))))
	}
	if len(parts) == 0 {
		return "none (the baseline is the best)"
	}
	return strings.Join(parts, ", ")
}

var ordinals = []string{"the largest factor", "the second-largest factor", "the third-largest factor", "the fourth-largest factor"}

// level names c's value of ax in a sentence: bare for an axis of
// registered names ("sonic", see axisWords), as a setting otherwise
// ("workers=4").
func level(c *cellStat, ax axis) string {
	if axisWords[ax.name].bare {
		return c.value(ax)
	}
	return ax.name + "=" + c.value(ax)
}

// context says what an effect held fixed.
func (e effect) context() string {
	if e.marginal {
		return "comparing the fastest cell at each level"
	}
	if len(e.heldAxes) == 0 {
		return ""
	}
	return "under " + strings.ReplaceAll(settings(e.fast, e.heldAxes), ", ", "/")
}

// effectSentence turns the effect ranked at rank into a finding.
func (a *analysis) effectSentence(e effect, rank int) string {
	ctx := text(e.context())
	if ctx != "" {
		ctx = " " + ctx
	}
	if len(e.alsoDiffer) > 0 {
		var names []string
		for _, o := range e.alsoDiffer {
			names = append(names, o.noun())
		}
		ctx += ", which also differ in " + text(joinAnd(names))
	}
	fast, slow := text(level(e.fast, e.ax)), text(level(e.slow, e.ax))
	noun := text(e.ax.noun())
	switch a.verdictOf(e.t) {
	case "cannot tell":
		return fmt.Sprintf("Cannot tell whether the %s matters: %s vs %s is %s%s from %d rounds; that needs %s.",
			noun, slow, fast, fmtTestRatio(e.t), ctx, e.t.N, a.needText(e.t))
	case "tied":
		return fmt.Sprintf("The evidence does not separate the %s's levels: %s vs %s %s%s (%s); this run cannot tell whether the %s matters at that size, which is not to say it does not.",
			noun, slow, fast, fmtTestRatio(e.t), ctx, fmtTest(e.t), noun)
	}
	s := fmt.Sprintf("The %s is %s: %s is %s %s faster than %s%s (%s)",
		noun, a.rankText(rank), fast, fmtRatio(e.ratio), fmtInterval(interval{e.t.Lo, e.t.Hi, e.t.OK}), slow, ctx, fmtTest(e.t))
	if e.runner != nil && !a.separated(e.runner) {
		s += fmt.Sprintf(", but %s and %s are tied (%s, %s)", fast, text(level(e.runnerUp, e.ax)), fmtTestRatio(e.runner), fmtTest(e.runner))
	}
	return s + "."
}

// findings returns three to six plain sentences drawn from the data.
func (a *analysis) findings() []string {
	var out []string
	if a.best == nil {
		return []string{"No configuration produced a usable sample, so nothing can be compared."}
	}
	if a.best != a.baseline {
		t := a.improvement()
		var verdict string
		switch a.verdictOf(t) {
		case "cannot tell":
			verdict = fmt.Sprintf("measured %s than the baseline (%s), but from %d rounds the report cannot tell (that needs %s)",
				fmtSpeed(t.Ratio), text(a.baseline.Name), t.N, a.needText(t))
		case "tied":
			verdict = fmt.Sprintf("not told apart from the baseline (%s)", text(a.baseline.Name))
		default:
			verdict = fmt.Sprintf("%s than the baseline (%s)", fmtSpeed(t.Ratio), text(a.baseline.Name))
		}
		out = append(out, fmt.Sprintf("Overall, the best configuration (%s) is %s, %.0f%% CI %s (%s, paired by round).",
			text(a.best.Name), verdict, 100*a.opts.Confidence, fmtInterval(interval{t.Lo, t.Hi, t.OK}), fmtTest(t)))
	} else {
		out = append(out, fmt.Sprintf("The baseline (%s) is also the fastest configuration: nothing tried beat it.", text(a.best.Name)))
	}
	// A run of several regimes says how they differ, in place of the third
	// factor.
	regime := a.regimeFinding()
	told := 0
	for i, e := range a.effects {
		if told == 3 || told == 2 && regime != "" {
			break
		}
		out = append(out, a.effectSentence(e, i))
		told++
	}
	if regime != "" {
		out = append(out, regime)
	}
	if f := a.best.floor; f != nil {
		k := a.best.median() / f.median()
		if k >= 1 {
			out = append(out, fmt.Sprintf("Reading alone (%s) takes %s; the best configuration takes %s that floor, so %.0f%% of its wall time goes to parsing and aggregating rather than reading.",
				text(f.Name), fmtDur(f.median()), fmtRatio(k), 100*(1-1/k)))
		} else {
			out = append(out, fmt.Sprintf("Reading alone (%s) measured %s, slower than the best configuration (%s that floor): the floor's samples are too noisy here to say what share of the time parsing takes.",
				text(f.Name), fmtDur(f.median()), fmtRatio(k)))
		}
	}
	var mism, crash []string
	for _, c := range a.cells {
		if c.mismatch {
			mism = append(mism, c.Name)
		} else if len(c.Failures) > 0 {
			crash = append(crash, c.Name)
		}
	}
	if len(mism) > 0 && len(out) < 6 {
		out = append(out, fmt.Sprintf("%d configuration(s) computed a WRONG answer (digest mismatch) and are excluded from the ranking however fast they ran: %s.",
			len(mism), text(strings.Join(mism, ", "))))
	}
	if len(crash) > 0 && len(out) < 6 {
		out = append(out, fmt.Sprintf("%d configuration(s) lost samples to %s: %s.",
			len(crash), lossKinds(a.run), text(strings.Join(crash, ", "))))
	}
	if len(out) > 6 {
		out = out[:6]
	}
	return out
}

// improvement returns the paired test of the baseline's wall time over
// the best's: the improvement, as a speedup.
func (a *analysis) improvement() *test { return a.pair(a.baseline, a.best) }

// A failedOpt is a change that made things slower, by evidence that
// separates it.
type failedOpt struct {
	what    string
	cell    *cellStat
	against *cellStat
	t       *test // cell over against
}

// failedOptimizations lists the changes from the best configuration, one
// axis at a time, that made it slower by a separated paired test (except
// changes back to the baseline's value, which the axis ranking covers),
// then the cells slower than the baseline likewise.
func (a *analysis) failedOptimizations() []failedOpt {
	if a.best == nil {
		return nil
	}
	var out []failedOpt
	seen := map[*cellStat]bool{}
	for _, c := range a.ranked {
		if !c.eligible() || c == a.best {
			continue
		}
		d := a.differing(c, a.best)
		if len(d) != 1 || c.value(d[0]) == a.baseline.value(d[0]) || slices.Contains(regimeAxes, d[0].name) {
			continue
		}
		if t := a.pair(c, a.best); a.verdictOf(t) == "slower" {
			ax := d[0]
			out = append(out, failedOpt{
				what: fmt.Sprintf("%s=%s instead of %s=%s (the best)", ax.name, c.value(ax), ax.name, a.best.value(ax)),
				cell: c, against: a.best, t: t,
			})
			seen[c] = true
		}
	}
	for _, c := range a.ranked {
		if !c.eligible() || c == a.baseline || seen[c] {
			continue
		}
		if t := a.pair(c, a.baseline); a.verdictOf(t) == "slower" {
			var parts []string
			for _, ax := range a.differing(c, a.baseline) {
				parts = append(parts, ax.name+"="+c.value(ax))
			}
			out = append(out, failedOpt{
				what: strings.Join(parts, ", ") + " (vs the baseline)",
				cell: c, against: a.baseline, t: t,
			})
		}
	}
	return out
}

// lossKinds names the kinds of failure other than a mismatch that the
// run's cells had, in a fixed order: "crashes, timeouts or errors", or
// just those seen.
func lossKinds(run *record.Run) string {
	seen := map[record.FailureKind]bool{}
	for _, c := range run.Cells {
		for _, f := range c.Failures {
			seen[f.Kind] = true
		}
	}
	var names []string
	for _, k := range []struct {
		kind record.FailureKind
		name string
	}{
		{record.FailCrash, "crashes"},
		{record.FailTimeout, "timeouts"},
		{record.FailError, "errors"},
		{record.FailResource, "running out of resources (file descriptors, memory)"},
	} {
		if seen[k.kind] {
			names = append(names, k.name)
		}
	}
	switch len(names) {
	case 0:
		return "failures"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
