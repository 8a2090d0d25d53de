package reports

import (
	"cmp"
	"fmt"
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
		}
	}
	a.findFloors()
	a.findBaselineAndBest()
	a.effects = a.axisEffects()
	a.fits = a.findFits()
	a.regimes = a.findRegimes()
	return a
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
	// ratio is slow's median over fast's.
	ratio     float64
	cmp       benchmath.Comparison // fast vs slow
	cmpRunner benchmath.Comparison // fast vs runnerUp
	marginal  bool                 // levels are each level's best cell, not a slice through the best
	heldAxes  []axis               // the other varying axes, held at the best's values
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

// axisEffects ranks the varying axes by effect size: the ratio of the
// slowest level's median to the fastest's, holding the other axes at the
// best configuration's values. When the matrix has no such slice (it is not
// full-factorial there), the best cell of each level stands in.
func (a *analysis) axisEffects() []effect {
	if a.best == nil {
		return nil
	}
	var effects []effect
	for _, ax := range a.varying {
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
		e.ratio = e.slow.median() / e.fast.median()
		e.cmp = compare(e.fast, e.slow, a.thr)
		if len(lv) > 2 {
			e.runnerUp = lv[1]
			e.cmpRunner = compare(e.fast, e.runnerUp, a.thr)
		}
		effects = append(effects, e)
	}
	slices.SortStableFunc(effects, func(x, y effect) int { return cmp.Compare(y.ratio, x.ratio) })
	return effects
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

// significant reports whether c rejects the null hypothesis at alpha.
func (a *analysis) significant(c benchmath.Comparison) bool { return c.P < a.opts.Alpha }

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

// sentence turns the effect ranked at rank into a finding.
func (a *analysis) effectSentence(e effect, rank int) string {
	ctx := text(e.context())
	if ctx != "" {
		ctx = " " + ctx
	}
	fast, slow := text(level(e.fast, e.ax)), text(level(e.slow, e.ax))
	if !a.significant(e.cmp) {
		return fmt.Sprintf("The %s matters little here: %s vs %s ~%s (%s).",
			text(e.ax.noun()), fast, slow, ctx, fmtP(e.cmp))
	}
	ord := "a smaller factor"
	if rank < len(ordinals) {
		ord = ordinals[rank]
	}
	s := fmt.Sprintf("The %s is %s: %s is %s than %s%s (%s)",
		text(e.ax.noun()), ord, fast, fmtSpeed(e.ratio), slow, ctx, fmtP(e.cmp))
	if e.runnerUp != nil && !a.significant(e.cmpRunner) {
		s += fmt.Sprintf(", but %s vs %s ~ (%s)", fast, text(level(e.runnerUp, e.ax)), fmtP(e.cmpRunner))
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
		c := compare(a.baseline, a.best, a.thr)
		iv := a.improvement()
		verdict := fmt.Sprintf("%s than", fmtSpeed(a.baseline.median()/a.best.median()))
		if !a.significant(c) {
			verdict = "not significantly different from (~)"
		}
		out = append(out, fmt.Sprintf("Overall, the best configuration (%s) is %s the baseline (%s), %.0f%% CI %s (%s).",
			text(a.best.Name), verdict, text(a.baseline.Name), 100*a.opts.Confidence, fmtInterval(iv), fmtP(c)))
	} else {
		out = append(out, fmt.Sprintf("The baseline (%s) is also the fastest configuration: nothing tried beat it.", text(a.best.Name)))
	}
	// A run of several regimes says how they differ, in place of the third
	// factor and of the regime axes' own effects.
	regime := a.regimeFinding()
	told := 0
	for i, e := range a.effects {
		if told == 3 || told == 2 && regime != "" {
			break
		}
		if regime != "" && slices.Contains(regimeAxes, e.ax.name) {
			continue
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

// improvement returns the confidence interval of baseline/best.
func (a *analysis) improvement() interval {
	return bootstrapRatio(a.baseline.wall, a.best.wall, a.opts.Confidence, a.opts.Resamples, a.opts.Seed)
}

// A failedOpt is a change that made things significantly slower.
type failedOpt struct {
	what    string
	cell    *cellStat
	against *cellStat
	ratio   float64 // cell's median over against's
	cmp     benchmath.Comparison
}

// failedOptimizations lists the changes from the best configuration, one
// axis at a time, that made it significantly slower (except changes back
// to the baseline's value, which the axis ranking covers), then the cells
// significantly slower than the baseline.
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
		if len(d) != 1 || c.value(d[0]) == a.baseline.value(d[0]) {
			continue
		}
		cm := compare(a.best, c, a.thr)
		if a.significant(cm) && c.median() > a.best.median() {
			ax := d[0]
			out = append(out, failedOpt{
				what: fmt.Sprintf("%s=%s instead of %s=%s (the best)", ax.name, c.value(ax), ax.name, a.best.value(ax)),
				cell: c, against: a.best, ratio: c.median() / a.best.median(), cmp: cm,
			})
			seen[c] = true
		}
	}
	for _, c := range a.ranked {
		if !c.eligible() || c == a.baseline || seen[c] {
			continue
		}
		cm := compare(a.baseline, c, a.thr)
		if a.significant(cm) && c.median() > a.baseline.median() {
			var parts []string
			for _, ax := range a.differing(c, a.baseline) {
				parts = append(parts, ax.name+"="+c.value(ax))
			}
			out = append(out, failedOpt{
				what: strings.Join(parts, ", ") + " (vs the baseline)",
				cell: c, against: a.baseline, ratio: c.median() / a.baseline.median(), cmp: cm,
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
