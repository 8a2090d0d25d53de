package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// groupKey names the values of every axis but the excluded ones.
func groupKey(c *cellStat, exclude ...string) string {
	var parts []string
	for _, ax := range axes {
		if !slices.Contains(exclude, ax.name) {
			parts = append(parts, ax.name+"="+c.value(ax))
		}
	}
	return strings.Join(parts, "/")
}

// groups partitions the measured, non-floor cells by every axis but the
// excluded ones. Groups come sorted by key, cells within one by their
// values on the excluded axes.
func (a *analysis) groups(exclude ...string) (keys []string, byKey map[string][]*cellStat) {
	byKey = map[string][]*cellStat{}
	for _, c := range a.cells {
		if !c.hasSamples() || c.ReadOnly {
			continue
		}
		k := groupKey(c, exclude...)
		if byKey[k] == nil {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], c)
	}
	slices.Sort(keys)
	for _, cs := range byKey {
		slices.SortStableFunc(cs, func(x, y *cellStat) int {
			for _, name := range exclude {
				ax := axisByName(name)
				if c := strings.Compare(x.value(ax), y.value(ax)); c != 0 {
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
	t := table{head: []string{"At", ax.name, "Wall time", "MB/s", "vs " + ref, "Speedup", "p"}}
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
			cm := compare(base, c, &a.thr)
			t.add(at, name, fmtDur(c.median())+" "+fmtCI(c.wallS), fmtRate(c.mbpsS.Center),
				fmtDelta(cm, a.opts.Alpha, base.median(), c.median()), fmtSpeed(base.median()/c.median()), fmtP(cm))
			rows++
		}
	}
	if rows == 0 {
		fmt.Fprintf(b, "No two cells differ only in %s.\n\n", ax.name)
		return
	}
	t.write(b)
}

func (a *analysis) writeComparisons(b *strings.Builder) {
	b.WriteString("## Comparisons\n\n")
	fmt.Fprintf(b, "As benchstat computes them (golang.org/x/perf/benchmath, no distributional assumption): medians with %.0f%% CIs, deltas of the median wall time, Mann-Whitney U p-values; \"~\" where p ≥ α=%g. Only cells that differ in nothing but the compared axis are compared; parser=none floors are left out.\n\n", 100*a.opts.Confidence, a.opts.Alpha)
	b.WriteString("### Parsers at each strategy (vs std)\n\n")
	a.writeVersus(b, axisByName("parser"), "std")
	b.WriteString("### Strategies at each parser (vs pool)\n\n")
	a.writeVersus(b, axisByName("strategy"), "pool")
	b.WriteString("### Parser × strategy\n\n")
	a.writeInteraction(b)
}

// writeInteraction shows each parser's speedup over std under every
// strategy, with bootstrap CIs, and says whether the advantage depends on
// the strategy: it does when two strategies' intervals do not overlap.
func (a *analysis) writeInteraction(b *strings.Builder) {
	keys, byKey := a.groups("parser", "strategy")
	wrote := false
	for _, k := range keys {
		cs := byKey[k]
		strategies := distinct(cs, axisByName("strategy"))
		slices.Sort(strategies)
		find := func(p, s string) *cellStat {
			for _, c := range cs {
				if c.Parser == p && c.Strategy == s && !c.mismatch {
					return c
				}
			}
			return nil
		}
		parsers := distinct(cs, axisByName("parser"))
		slices.Sort(parsers)
		head := []string{"Parser"}
		for _, s := range strategies {
			head = append(head, text(s))
		}
		t := table{head: append(head, "Depends on strategy?")}
		crossed := false // some parser has a speedup under two strategies
		for _, p := range parsers {
			if p == "std" {
				continue
			}
			row := []string{text(p)}
			type ratio struct {
				s  string
				r  float64
				iv interval
			}
			var rs []ratio
			for _, s := range strategies {
				std, c := find("std", s), find(p, s)
				if std == nil || c == nil {
					row = append(row, "—")
					continue
				}
				r := ratio{s, std.median() / c.median(), bootstrapRatio(std.wall, c.wall, a.opts.Confidence, a.opts.Resamples, a.opts.Seed)}
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
				verdict = "— (fewer than two strategies)"
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
		if !crossed || len(strategies) < 2 {
			continue
		}
		if !wrote {
			fmt.Fprintf(b, "Speedup of each parser over std under each strategy (std's median over the parser's), with %.0f%% percentile-bootstrap intervals (%d resamples, seed %d). A parser's advantage depends on the strategy when the intervals of its largest and smallest speedups do not overlap.\n\n",
				100*a.opts.Confidence, a.opts.Resamples, a.opts.Seed)
			wrote = true
		}
		if len(keys) > 1 {
			fmt.Fprintf(b, "At %s:\n\n", text(a.shortKey(cs[0], "parser", "strategy")))
		}
		t.write(b)
	}
	if !wrote {
		b.WriteString("The matrix does not cross std and another parser with two or more strategies.\n\n")
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
		fmt.Fprintf(b, "![%s](%s)\n\nBars are labelled %s.\n\n", ch.alt, ch.file, strings.Join(names, "/"))
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
