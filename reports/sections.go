package reports

import (
	"fmt"
	"slices"
	"strings"

	"benchgrid/benchstats"
	"benchgrid/record"
)

// groupKey names the values of every axis but the excluded ones.
func (a *analysis) groupKey(c *cellStat, exclude ...string) string {
	var parts []string
	for _, ax := range a.axes {
		if !slices.Contains(exclude, ax.name) {
			parts = append(parts, ax.name+"="+c.value(ax))
		}
	}
	return strings.Join(parts, "/")
}

// groups partitions the measured cells other than the floors by every axis but the
// excluded ones. Groups come sorted by key, cells within one by their
// values on the excluded axes.
func (a *analysis) groups(exclude ...string) (keys []string, byKey map[string][]*cellStat) {
	byKey = map[string][]*cellStat{}
	for _, c := range a.cells {
		if !c.hasSamples() || a.isFloor(c) {
			continue
		}
		k := a.groupKey(c, exclude...)
		if byKey[k] == nil {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], c)
	}
	slices.Sort(keys)
	for _, cs := range byKey {
		slices.SortStableFunc(cs, func(x, y *cellStat) int {
			for _, name := range exclude {
				if c := strings.Compare(x.value(axis{name}), y.value(axis{name})); c != 0 {
					return c
				}
			}
			return 0
		})
	}
	return keys, byKey
}

// shortKey keeps only the varying axes of a group key, for display.
func (a *analysis) shortKey(c *cellStat, exclude ...string) string {
	var parts []string
	for _, ax := range a.varying {
		if !slices.Contains(exclude, ax.name) {
			parts = append(parts, ax.name+"="+c.value(ax))
		}
	}
	if len(parts) == 0 {
		return "(all)"
	}
	return strings.Join(parts, " ")
}

// writeVersus writes one table comparing, within each group of cells that
// differ only on ax, every level with the reference level (ref, else the
// group's first).
func (a *analysis) writeVersus(b *strings.Builder, ax axis, ref string) {
	keys, byKey := a.groups(ax.name)
	t := table{head: []string{"At", text(ax.name), "Wall time", "MB/s", "vs " + text(ref), "Speedup", "p"}}
	rows := 0
	for _, k := range keys {
		cs := byKey[k]
		if len(cs) < 2 {
			continue
		}
		base := cs[0]
		for _, c := range cs {
			if c.value(ax) == ref {
				base = c
				break
			}
		}
		for _, c := range cs {
			name := text(c.value(ax))
			if c.mismatch {
				name += " **(MISMATCH)**"
			}
			at := text(a.shortKey(c, ax.name))
			if c == base {
				t.add(at, name, fmtDur(c.median())+" "+fmtCI(c.wallS), fmtRate(c.mbpsS.Center), "(reference)", "", "")
				continue
			}
			cm := compare(base, c, a.thr)
			t.add(at, name, fmtDur(c.median())+" "+fmtCI(c.wallS), fmtRate(c.mbpsS.Center),
				fmtDelta(cm, a.opts.Alpha, base.median(), c.median()), fmtSpeed(base.median()/c.median()), fmtP(cm))
			rows++
		}
	}
	if rows == 0 {
		fmt.Fprintf(b, "No two cells differ only in %s.\n\n", text(ax.name))
		return
	}
	t.write(b)
}

func (a *analysis) writeComparisons(b *strings.Builder) {
	b.WriteString("## Comparisons\n\n")
	floors := ""
	if len(a.roles.Floor) > 0 {
		floors = fmt.Sprintf("; %s floors are left out", text(pairsText(a.roles.Floor, "=", "/")))
	}
	fmt.Fprintf(b, "As benchstat computes them (golang.org/x/perf/benchmath, no distributional assumption): medians with %.0f%% CIs, deltas of the median wall time, Mann-Whitney U p-values; \"~\" where p ≥ α=%g. Only cells that differ in nothing but the compared axis are compared%s.\n\n", 100*a.opts.Confidence, a.opts.Alpha, floors)
	versus := a.roles.Versus
	for i, v := range versus {
		ax := axis{v.Key}
		var others []string
		for j, o := range versus {
			if j != i {
				others = append(others, axis{o.Key}.noun())
			}
		}
		at := ""
		if len(others) > 0 {
			at = " at each " + joinAnd(others)
		}
		fmt.Fprintf(b, "### %s (vs %s)\n\n", text(upperFirst(plural(ax.noun()))+at), text(v.Value))
		a.writeVersus(b, ax, v.Value)
	}
	if len(versus) >= 2 {
		fmt.Fprintf(b, "### %s\n\n", text(upperFirst(axis{versus[0].Key}.noun())+" × "+axis{versus[1].Key}.noun()))
		a.writeInteraction(b, versus[0], axis{versus[1].Key})
	}
}

// An interactionRow is one level of the compared axis (a parser): its
// speedup over the reference level (std) under each level of the other
// axis (each strategy), paired by round, and the test of whether the
// largest and the smallest of them differ.
type interactionRow struct {
	level   string
	speedup map[string]*test // by level of the other axis: ref's wall time over this level's
	// hi and lo are the levels of the other axis with the largest and the
	// smallest speedup, and t the contrast of the two (nil with fewer
	// than two).
	hi, lo string
	t      *test
}

// An interactionTable is the interaction within one group of cells that
// agree on every other axis.
type interactionTable struct {
	at   *cellStat // a cell of the group, to name it
	cols []string
	rows []interactionRow
}

// interactions computes, within each group of cells that differ only on
// ref's axis and by, each level's speedup over ref's level under every
// level of by, and whether it depends on by.
func (a *analysis) interactions(ref record.AxisValue, by axis) []interactionTable {
	on := axis{ref.Key}
	keys, byKey := a.groups(on.name, by.name)
	var out []interactionTable
	for _, k := range keys {
		cs := byKey[k]
		cols := distinct(cs, by)
		slices.Sort(cols)
		find := func(p, s string) *cellStat {
			for _, c := range cs {
				if c.value(on) == p && c.value(by) == s && !c.mismatch {
					return c
				}
			}
			return nil
		}
		rowLevels := distinct(cs, on)
		slices.Sort(rowLevels)
		tb := interactionTable{at: cs[0], cols: cols}
		crossed := false
		for _, p := range rowLevels {
			if p == ref.Value {
				continue
			}
			row := interactionRow{level: p, speedup: map[string]*test{}}
			var hiC, loC [2]*cellStat // ref and p cells at hi and lo
			for _, s := range cols {
				base, c := find(ref.Value, s), find(p, s)
				if base == nil || c == nil {
					continue
				}
				t := a.pair(base, c)
				row.speedup[s] = t
				if row.hi == "" || t.Ratio > row.speedup[row.hi].Ratio {
					row.hi, hiC = s, [2]*cellStat{base, c}
				}
				if row.lo == "" || t.Ratio < row.speedup[row.lo].Ratio {
					row.lo, loC = s, [2]*cellStat{base, c}
				}
			}
			if len(row.speedup) == 0 {
				continue
			}
			if len(row.speedup) > 1 {
				crossed = true
				// log(ref_hi/p_hi) − log(ref_lo/p_lo), round by round.
				row.t = a.contrast([]*cellStat{hiC[0], loC[1]}, []*cellStat{hiC[1], loC[0]})
			}
			tb.rows = append(tb.rows, row)
		}
		if crossed && len(cols) >= 2 {
			out = append(out, tb)
		}
	}
	return out
}

// writeInteraction shows, for each level of ref's axis (each parser), its
// speedup over ref's level (std) under every level of by (each strategy),
// paired by round, and says whether the advantage depends on by: it does
// when the ratio of its largest to its smallest speedup, round by round,
// is separated from 1.
func (a *analysis) writeInteraction(b *strings.Builder, ref record.AxisValue, by axis) {
	on := axis{ref.Key}
	tables := a.interactions(ref, by)
	if len(tables) == 0 {
		fmt.Fprintf(b, "The matrix does not cross %s and another %s with two or more %s.\n\n", text(ref.Value), text(on.noun()), text(plural(by.noun())))
		return
	}
	p, base, s := text(on.noun()), text(ref.Value), text(by.noun())
	fmt.Fprintf(b, "Speedup of each %s over %s under each %s, paired by round: the geometric mean of %s's wall time over the %s's in the same round, with its %.0f%% interval by bootstrap over the rounds. A %s's advantage depends on the %s when its largest speedup over its smallest, round by round, is told apart from 1 (Holm-adjusted p < α, at least %d rounds).\n\n",
		p, base, s, base, p, 100*a.opts.Confidence, p, s, benchstats.MinSamples)
	for _, tb := range tables {
		head := []string{text(upperFirst(on.noun()))}
		for _, c := range tb.cols {
			head = append(head, text(c))
		}
		t := table{head: append(head, "Depends on "+text(by.noun())+"?")}
		for _, r := range tb.rows {
			row := []string{text(r.level)}
			for _, c := range tb.cols {
				if st := r.speedup[c]; st != nil {
					row = append(row, fmtTestRatio(st))
				} else {
					row = append(row, "—")
				}
			}
			var verdict string
			switch {
			case r.t == nil:
				verdict = "— (fewer than two " + text(plural(by.noun())) + ")"
			case lowN(r.t):
				verdict = fmt.Sprintf("cannot tell (%d rounds; needs %s)", r.t.N, a.needText(r.t))
			case a.separated(r.t):
				verdict = fmt.Sprintf("**yes**: %s under %s, %s under %s (%s)", fmtRatio(r.speedup[r.hi].Ratio), text(r.hi), fmtRatio(r.speedup[r.lo].Ratio), text(r.lo), fmtTest(r.t))
			default:
				verdict = fmt.Sprintf("not shown: %s vs %s under %s and %s (%s)", fmtRatio(r.speedup[r.hi].Ratio), fmtRatio(r.speedup[r.lo].Ratio), text(r.hi), text(r.lo), fmtTest(r.t))
			}
			t.add(append(row, verdict)...)
		}
		if len(tables) > 1 {
			fmt.Fprintf(b, "At %s:\n\n", text(a.shortKey(tb.at, on.name, by.name)))
		}
		t.write(b)
	}
}

// A categoryRow is one cell's CPU time by category.
type categoryRow struct {
	cell   *cellStat
	total  int64
	passes int
	pct    [numCategories]float64
	// perPass is the CPU time of each category per pass, in nanoseconds.
	perPass [numCategories]float64
}

// writeProfiles writes "Where the time goes", from a.profiles, and
// returns its chart.
func (a *analysis) writeProfiles(b *strings.Builder) (*chart, error) {
	b.WriteString("## Where the time goes\n\n")
	b.WriteString("CPU profiles attributed to categories, each sample by the innermost frame of its stack that a category claims (Appendix B lists the categories' function-name prefixes); CPU time per pass over the corpus, and its share.\n\n")

	var missing []string
	for _, c := range a.cells {
		if !hasCPUProfile(c.Cell) && c.hasSamples() {
			missing = append(missing, c.Name)
		}
	}
	var rows []categoryRow
	var labels []string
	byCell := map[*cellStat]*cellProfile{}
	var problems []string
	for _, cp := range a.profiles {
		byCell[cp.cell] = cp
		for _, p := range cp.problems {
			problems = append(problems, cp.cell.Name+": "+p)
		}
		if cp.prof == nil {
			continue
		}
		cats := attribute(cp.prof)
		r := categoryRow{cell: cp.cell, passes: max(cp.passes, 1)}
		for _, v := range cats {
			r.total += v
		}
		for i, v := range cats {
			r.perPass[i] = float64(v) / float64(r.passes)
		}
		if r.total == 0 {
			problems = append(problems, cp.cell.Name+": the CPU profile has no samples")
			continue
		}
		for i, v := range cats {
			r.pct[i] = 100 * float64(v) / float64(r.total)
		}
		rows = append(rows, r)
		labels = append(labels, label(cp.cell, a.varying))
	}
	var ch *chart
	if len(rows) == 0 {
		b.WriteString("No CPU profile could be read.\n\n")
	} else {
		shown := shownCategories(rows)
		head := []string{"Cell", "Profiled CPU"}
		for _, c := range shown {
			head = append(head, c.String())
		}
		t := table{head: head}
		for _, r := range rows {
			cp := byCell[r.cell]
			row := []string{text(r.cell.Name), fmt.Sprintf("%s a pass (%d passes)", fmtDur(float64(r.total)/float64(r.passes)), cp.passes)}
			for _, c := range shown {
				row = append(row, fmt.Sprintf("%s (%.0f%%)", fmtDur(r.perPass[c]), r.pct[c]))
			}
			t.add(row...)
		}
		t.write(b)
		var err error
		ch, err = categoryChart(rows, shown, labels, a.opts.ChartFormat)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(b, "![%s](%s)\n\nBars are CPU time per pass, stacked by category, labelled as the cells are.\n\n", altText(ch.alt), ch.file)
	}
	if len(missing) > 0 || len(problems) > 0 {
		b.WriteString("Profiles not available:\n\n")
		if len(missing) > 0 {
			fmt.Fprintf(b, "- No CPU profile recorded for %d cell(s): %s\n", len(missing), text(strings.Join(missing, ", ")))
		}
		for _, p := range problems {
			fmt.Fprintf(b, "- %s\n", text(p))
		}
		b.WriteString("\n")
	}
	for _, which := range []struct {
		title string
		c     *cellStat
	}{{"best", a.best}, {"baseline", a.baseline}} {
		if which.c == nil || (which.title == "baseline" && which.c == a.best) {
			continue
		}
		cp := byCell[which.c]
		fmt.Fprintf(b, "### Top functions of the %s: %s\n\n", which.title, text(which.c.Name))
		if cp == nil || cp.prof == nil {
			b.WriteString("No CPU profile.\n\n")
			continue
		}
		fs, total := topFuncs(cp.prof, 10)
		leaves := leafCategories(cp.prof)
		t := table{head: []string{"Function", "Flat", "Flat %", "Cum", "Cum %", "Category (as attributed)"}}
		for _, f := range fs {
			t.add(code(f.name), fmtDur(float64(f.flat)), fmt.Sprintf("%.1f%%", 100*float64(f.flat)/float64(max(total, 1))),
				fmtDur(float64(f.cum)), fmt.Sprintf("%.1f%%", 100*float64(f.cum)/float64(max(total, 1))), categoryOf(leaves[f.name]))
		}
		t.write(b)
	}
	return ch, nil
}

// shownCategories are the categories the CPU table and chart show: all of
// them but decompression, which shows only when some profile has it (a
// workload of compressed inputs).
func shownCategories(rows []categoryRow) []category {
	var out []category
	for c := range numCategories {
		if c == catDecompress && !slices.ContainsFunc(rows, func(r categoryRow) bool { return r.perPass[c] > 0 }) {
			continue
		}
		out = append(out, c)
	}
	return out
}
