package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

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

// writeInteraction shows, for each level of ref's axis (each parser), its
// speedup over ref's level (std) under every level of by (each strategy),
// with bootstrap CIs, and says whether the advantage depends on by: it
// does when two levels' intervals do not overlap.
func (a *analysis) writeInteraction(b *strings.Builder, ref record.AxisValue, by axis) {
	on := axis{ref.Key}
	keys, byKey := a.groups(on.name, by.name)
	wrote := false
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
		head := []string{text(upperFirst(on.noun()))}
		for _, s := range cols {
			head = append(head, text(s))
		}
		t := table{head: append(head, "Depends on "+text(by.noun())+"?")}
		crossed := false // some level has a speedup under two levels of by
		for _, p := range rowLevels {
			if p == ref.Value {
				continue
			}
			row := []string{text(p)}
			type ratio struct {
				s  string
				r  float64
				iv interval
			}
			var rs []ratio
			for _, s := range cols {
				base, c := find(ref.Value, s), find(p, s)
				if base == nil || c == nil {
					row = append(row, "—")
					continue
				}
				r := ratio{s, base.median() / c.median(), bootstrapRatio(base.wall, c.wall, a.opts.Confidence, a.opts.Resamples, a.opts.Seed)}
				rs = append(rs, r)
				row = append(row, fmtRatio(r.r)+" "+fmtInterval(r.iv))
			}
			if len(rs) == 0 {
				continue
			}
			crossed = crossed || len(rs) > 1
			verdict := "—"
			switch {
			case len(rs) < 2:
				verdict = "— (fewer than two " + text(plural(by.noun())) + ")"
			case slices.ContainsFunc(rs, func(r ratio) bool { return !r.iv.ok }):
				verdict = "undetermined (too few samples for an interval)"
			default:
				hi := slices.MaxFunc(rs, func(x, y ratio) int { return cmp.Compare(x.r, y.r) })
				lo := slices.MinFunc(rs, func(x, y ratio) int { return cmp.Compare(x.r, y.r) })
				if !hi.iv.overlaps(lo.iv) {
					verdict = fmt.Sprintf("**yes**: %s under %s, %s under %s", fmtRatio(hi.r), text(hi.s), fmtRatio(lo.r), text(lo.s))
				} else {
					verdict = "no: the intervals overlap"
				}
			}
			row = append(row, verdict)
			t.add(row...)
		}
		if !crossed || len(cols) < 2 {
			continue
		}
		if !wrote {
			p, base, s := text(on.noun()), text(ref.Value), text(by.noun())
			fmt.Fprintf(b, "Speedup of each %s over %s under each %s (%s's median over the %s's), with %.0f%% percentile-bootstrap intervals (%d resamples, seed %d). A %s's advantage depends on the %s when the intervals of its largest and smallest speedups do not overlap.\n\n",
				p, base, s, base, p, 100*a.opts.Confidence, a.opts.Resamples, a.opts.Seed, p, s)
			wrote = true
		}
		if len(keys) > 1 {
			fmt.Fprintf(b, "At %s:\n\n", text(a.shortKey(cs[0], on.name, by.name)))
		}
		t.write(b)
	}
	if !wrote {
		fmt.Fprintf(b, "The matrix does not cross %s and another %s with two or more %s.\n\n", text(ref.Value), text(on.noun()), text(plural(by.noun())))
	}
}

// A categoryRow is one cell's CPU time by category.
type categoryRow struct {
	cell  *cellStat
	total int64
	pct   [numCategories]float64
}

// writeProfiles writes "Where the time goes", from a.profiles, and
// returns its chart.
func (a *analysis) writeProfiles(b *strings.Builder) (*chart, error) {
	b.WriteString("## Where the time goes\n\n")
	b.WriteString("CPU profiles attributed to categories. Each sample goes to the category of its innermost (leaf-most) frame that matches one, scanning from leaf to root: so runtime.memmove called from encoding/json counts as JSON, an allocation counts as whoever allocated (unless the GC assist or mark work shows in the stack), and a map access counts as aggregation wherever it happens. Categories by function-name prefix:\n\n")
	for _, r := range categoryRules {
		fmt.Fprintf(b, "- **%s**: %s\n", r.cat, strings.Join(r.prefixes, ", "))
	}
	fmt.Fprintf(b, "- **%s**: everything else\n\n", catOther)

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
		r := categoryRow{cell: cp.cell}
		for _, v := range cats {
			r.total += v
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
		head := []string{"Cell", "Profiled CPU"}
		for c := range numCategories {
			head = append(head, c.String())
		}
		t := table{head: head}
		for _, r := range rows {
			cp := byCell[r.cell]
			row := []string{text(r.cell.Name), fmt.Sprintf("%s over %d passes", fmtDur(float64(r.total)), cp.passes)}
			for _, p := range r.pct {
				row = append(row, fmt.Sprintf("%.1f%%", p))
			}
			t.add(row...)
		}
		t.write(b)
		var err error
		ch, err = categoryChart(rows, labels, a.opts.ChartFormat)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, ax := range a.varying {
			names = append(names, ax.name)
		}
		fmt.Fprintf(b, "![%s](%s)\n\nBars are labelled %s.\n\n", altText(ch.alt), ch.file, text(strings.Join(names, "/")))
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
		t := table{head: []string{"Function", "Flat", "Flat %", "Cum", "Cum %", "Category of the name"}}
		for _, f := range fs {
			cat, _ := categorize(f.name)
			t.add(code(f.name), fmtDur(float64(f.flat)), fmt.Sprintf("%.1f%%", 100*float64(f.flat)/float64(max(total, 1))),
				fmtDur(float64(f.cum)), fmt.Sprintf("%.1f%%", 100*float64(f.cum)/float64(max(total, 1))), cat.String())
		}
		t.write(b)
	}
	return ch, nil
}
