// Package reports turns the result files of a benchgrid run into a
// markdown report with charts — what is faster, by how much, how sure, and
// why — and compares two runs.
//
// It sits last in benchgrid's flow (corpus → workload/parsers → strategies
// → harness → reports), after the harness, and reads only the result files
// (results.json and the profiles it names, see package record): a results
// folder copied from another machine can be reported on anywhere.
// Statistics are benchstat's (golang.org/x/perf/benchmath: medians, their
// confidence intervals, Mann-Whitney U tests), and the same input always
// gives the same bytes.
package reports

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"benchgrid/benchstats"
	"benchgrid/record"
)

// Options tunes a report. The zero value is ready to use.
type Options struct {
	// Criteria are the significance level of comparisons, the level of
	// confidence intervals and the bootstrap's resamples and seed (which
	// make its intervals deterministic); zero fields mean
	// benchstats.DefaultCriteria.
	benchstats.Criteria
	// ChartFormat is "png" or "svg"; "" means png. Both render to the
	// same bytes every time on one machine; svg is text, so it is also the
	// same across architectures and reviewable in a diff.
	ChartFormat string
}

func (o Options) withDefaults() Options {
	o.Criteria = o.Criteria.WithDefaults()
	if o.ChartFormat == "" {
		o.ChartFormat = "png"
	}
	return o
}

// maxBadListed bounds the bad inputs the report lists.
const maxBadListed = 20

// Write reads runDir's results.json and the profiles it names and writes
// runDir/report.md, with its charts beside it.
func Write(ctx context.Context, runDir string, opts Options) error {
	run, err := record.Read(runDir)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	md, charts, err := build(ctx, runDir, run, opts)
	if err != nil {
		return fmt.Errorf("report %s: %w", runDir, err)
	}
	for _, c := range charts {
		if err := record.WriteFileAtomic(filepath.Join(runDir, c.file), c.data); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if err := record.WriteFileAtomic(filepath.Join(runDir, record.ReportFile), md); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// build renders the report and its charts in memory.
func build(ctx context.Context, runDir string, run *record.Run, opts Options) ([]byte, []*chart, error) {
	opts = opts.withDefaults()
	if opts.ChartFormat != "svg" && opts.ChartFormat != "png" {
		return nil, nil, fmt.Errorf("chart format %q: want svg or png", opts.ChartFormat)
	}
	a := analyze(run, opts)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	// Profiles are read first: the warnings name those refused.
	a.profiles = loadProfiles(runDir, a.profiled())
	var b strings.Builder
	var charts []*chart
	b.WriteString("# benchgrid report\n\n")
	fmt.Fprintf(&b, "Run started %s", run.Started.UTC().Format("2006-01-02 15:04:05 MST"))
	if !run.Finished.IsZero() {
		fmt.Fprintf(&b, ", finished %s", run.Finished.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	if a := run.Adaptive; a != nil {
		fmt.Fprintf(&b, "; %d cells, sampled adaptively (up to %d rounds, until ±%s or a budget of %v).", len(run.Cells), a.MaxRounds,
			fmtPct(a.TargetCI), budget(a))
	} else {
		fmt.Fprintf(&b, "; %d cells, %d samples asked per cell.", len(run.Cells), run.Count)
	}
	if !run.Complete {
		b.WriteString(" **The run is incomplete**: it was interrupted or is still going; what follows covers what was measured.")
	}
	b.WriteString("\n\n")

	a.writeSummary(&b)
	a.writeEnvironment(&b)
	a.writeMatrix(&b)
	a.writeComparisons(&b)
	a.writeScaling(&b)
	a.writeRegimes(&b)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	cpu, err := a.writeProfiles(&b)
	if err != nil {
		return nil, nil, err
	}
	if cpu != nil {
		charts = append(charts, cpu)
	}
	b.WriteString("## Charts\n\n")
	tc, err := a.throughputChart(opts.ChartFormat)
	if err != nil {
		return nil, nil, err
	}
	wc, err := a.workersChart(opts.ChartFormat)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range []*chart{tc, wc} {
		if c != nil {
			charts = append(charts, c)
			fmt.Fprintf(&b, "![%s](%s)\n\n", altText(c.alt), c.file)
		}
	}
	if tc == nil {
		b.WriteString("No cell has samples: nothing to chart.\n\n")
	} else {
		group, bar := a.chartAxes()
		fmt.Fprintf(&b, "Bars are the fastest cell of each %s × %s; error bars are the %.0f%% CI of its median throughput (none with fewer than 6 samples, where the interval is unbounded).",
			text(group.noun()), text(bar.noun()), 100*a.opts.Confidence)
		if floor := a.roles.Floor; len(floor) > 0 {
			fmt.Fprintf(&b, " %s is the reading floor.", text(upperFirst(pairsText(floor, " ", ", "))))
		}
		if wc == nil {
			fmt.Fprintf(&b, " The matrix has fewer than two %s, so there is no %s chart.", text(plural(axis{workersAxis}.noun())), text(workersAxis))
		}
		if len(a.fits) > 0 {
			fmt.Fprintf(&b, " The %s chart draws each group of the Scaling section in one colour: its median throughput at each count, with the CI, and its fitted curve.", text(workersAxis))
		}
		b.WriteString("\n")
	}
	return []byte(b.String()), charts, nil
}

func (a *analysis) writeSummary(b *strings.Builder) {
	b.WriteString("## Summary\n\n")
	if a.best == nil {
		b.WriteString("No configuration produced a usable sample: nothing to summarize. See the warnings below.\n\n")
		return
	}
	base, best := a.baseline, a.best
	iv := a.improvement()
	c := compare(base, best, a.thr)
	t := table{head: []string{"", "Configuration", "Median time", "Throughput", "Improvement¹", "Factors that made the difference"}}
	t.add("Baseline²", text(base.Name), fmtDur(base.median())+" "+fmtCI(base.wallS), fmtRate(base.mbpsS.Center)+" MB/s", "1×", "")
	impr := "**" + fmtSpeed(base.median()/best.median()) + "** " + fmtInterval(iv) + " (" + fmtP(c) + ")"
	if !a.significant(c) {
		impr = "~ " + fmtRatio(base.median()/best.median()) + " " + fmtInterval(iv) + " (" + fmtP(c) + ")"
	}
	if best == base {
		impr = "—"
	}
	t.add("**Best**", "**"+text(best.Name)+"**", "**"+fmtDur(best.median())+"** "+fmtCI(best.wallS), "**"+fmtRate(best.mbpsS.Center)+" MB/s**", impr, a.factors())
	t.write(b)
	fmt.Fprintf(b, "¹ Baseline median over best median, with its %.0f%% confidence interval by percentile bootstrap of the ratio of medians (%d resamples of each cell's wall times, seed %d); the p-value is benchstat's Mann-Whitney U test. \"~\" means not significant at α=%g.\n",
		100*a.opts.Confidence, a.opts.Resamples, a.opts.Seed, a.opts.Alpha)
	switch naive := a.roles.Baseline; {
	case a.naive:
		fmt.Fprintf(b, "² The naive baseline: %s", text(pairsText(naive, " ", ", ")))
		if a.naiveCells > 1 {
			fmt.Fprintf(b, " (of the %d such cells, the one agreeing with the best on the most other axes, so that other knobs do not inflate the improvement)", a.naiveCells)
		}
		b.WriteString(".")
	case len(naive) == 0:
		b.WriteString("² The run names no naive baseline, so the baseline is the slowest cell.")
	default:
		first := text(naive[0].Value)
		fmt.Fprintf(b, "² No %s cell ran, so the baseline is the slowest %s cell (or, with no %s cell, the slowest cell).",
			text(valuesText(naive)), first, first)
	}
	b.WriteString(" The best configuration is the cell with the lowest median wall time among those that answered correctly (no digest mismatch).\n\n")

	b.WriteString("### Findings\n\n")
	for _, f := range a.findings() {
		fmt.Fprintf(b, "- %s\n", f)
	}
	b.WriteString("\n")

	if len(a.effects) > 0 {
		b.WriteString("### Factors ranked by effect\n\n")
		b.WriteString("Effect is the slowest level's median wall time over the fastest's, holding the other axes at the best configuration's values; where the matrix has no such slice, the fastest cell of each level stands in (marked *marginal*).\n\n")
		t := table{head: []string{"Rank", "Axis", "Fastest", "Slowest", "Effect", "Significance", "Levels", "Held at"}}
		for i, e := range a.effects {
			sig := fmtP(e.cmp)
			if !a.significant(e.cmp) {
				sig = "~ (" + sig + ")"
			}
			held := text(settings(e.fast, e.heldAxes))
			if e.marginal {
				held = "*marginal*"
			}
			t.add(fmt.Sprint(i+1), text(e.ax.name), text(e.fast.value(e.ax))+" ("+fmtDur(e.fast.median())+")",
				text(e.slow.value(e.ax))+" ("+fmtDur(e.slow.median())+")", fmtRatio(e.ratio), sig, fmt.Sprint(e.levels), held)
		}
		t.write(b)
	}

	b.WriteString("### Against the reading floor\n\n")
	floored := 0
	floor := text(pairsText(a.roles.Floor, "=", "/"))
	ft := table{head: []string{"Configuration", "Median time", "Floor (" + floor + ")", "Floor time", "× floor"}}
	for _, c := range a.ranked {
		if c.floor == nil {
			continue
		}
		floored++
		name := text(c.Name)
		if c.mismatch {
			name += " **(MISMATCH)**"
		}
		ft.add(name, fmtDur(c.median()), text(c.floor.Name), fmtDur(c.floor.median()), fmtRatio(c.median()/c.floor.median()))
	}
	if floored == 0 {
		fmt.Fprintf(b, "No %s cell ran, so there is no reading floor to compare with.\n\n", floor)
	} else {
		fmt.Fprintf(b, "Each configuration as a multiple of the time to only read the same files (%s) with the same %s: what parsing and aggregating cost on top of I/O.\n\n",
			text(pairsText(a.roles.Floor, " ", ", ")), text(readingNouns()))
		ft.write(b)
	}

	b.WriteString("### Failed optimizations\n\n")
	fails := a.failedOptimizations()
	if len(fails) == 0 {
		b.WriteString("None: no change from the best configuration, and no configuration compared with the baseline, was significantly slower.\n\n")
		return
	}
	b.WriteString("Changes that made things significantly slower: one axis changed from the best configuration (other than back to the baseline's value), or any configuration slower than the baseline.\n\n")
	for _, f := range fails {
		fmt.Fprintf(b, "- %s: %s is %s slower than %s (%s vs %s, %s).\n",
			text(f.what), text(f.cell.Name), fmtRatio(f.ratio), text(f.against.Name), fmtDur(f.cell.median()), fmtDur(f.against.median()), fmtP(f.cmp))
	}
	b.WriteString("\n")
}

func (a *analysis) writeEnvironment(b *strings.Builder) {
	run := a.run
	env := run.Env
	b.WriteString("## Environment and corpus\n\n")
	t := table{head: []string{"", ""}}
	t.add("Machine", text(fmt.Sprintf("%s/%s, %s, %d CPUs, load average %.2f", env.GOOS, env.GOARCH, env.CPU, env.NumCPU, env.LoadAvg)))
	t.add("Go", text(env.GoVersion))
	t.add("GOEXPERIMENT", text(cmpOr(env.GOEXPERIMENT, "(none)")))
	t.add("Commit", text(cmpOr(env.Commit, "(unknown)")))
	for _, m := range slices.Sorted(maps.Keys(env.Modules)) {
		t.add("Module", code(m+" "+env.Modules[m]))
	}
	if len(env.Args) > 0 {
		t.add("Command", code(strings.Join(env.Args, " ")))
	}
	co := run.Corpus
	corpus := fmt.Sprintf("%s: %d files, %s (%d bytes)", cmpOr(co.Path, "(unnamed)"), co.Files, fmtBytes(float64(co.Bytes)), co.Bytes)
	if co.Seed != 0 {
		corpus += fmt.Sprintf(", generated with seed %d", co.Seed)
	}
	t.add("Corpus", text(corpus))
	t.add("File sizes", fmt.Sprintf("p50 %s, p90 %s, p99 %s, max %s",
		fmtBytes(float64(co.SizeP50)), fmtBytes(float64(co.SizeP90)), fmtBytes(float64(co.SizeP99)), fmtBytes(float64(co.SizeMax))))
	t.add("Bad inputs", fmt.Sprintf("%d (skipped by the workload, not failures)", co.BadFiles))
	if co.Digest != "" {
		t.add("Reference digest", code(co.Digest))
	}
	if run.Adaptive != nil {
		t.add("Samples", fmt.Sprintf("adaptive, %s; %d rounds, shuffle seed %d", adaptiveStops(run), len(run.Rounds), run.ShuffleSeed))
	} else {
		t.add("Samples", fmt.Sprintf("%d per cell asked, %d rounds, shuffle seed %d", run.Count, len(run.Rounds), run.ShuffleSeed))
	}
	status := "complete"
	if !run.Complete {
		status = "**INCOMPLETE** (interrupted or still running)"
	}
	t.add("Run", status)
	t.write(b)
	if co.Reference != "" {
		fmt.Fprintf(b, "Reference answer (%s):\n\n", text(valuesText(a.roles.Reference)))
		writeFenced(b, "", oneLine(co.Reference))
	}
	if len(co.Bad) > 0 {
		fmt.Fprintf(b, "Bad inputs (skipped), %d of %d listed:\n\n", min(len(co.Bad), maxBadListed), co.BadFiles)
		for _, bad := range co.Bad[:min(len(co.Bad), maxBadListed)] {
			fmt.Fprintf(b, "- %s: %s\n", code(bad.Path), text(bad.Reason))
		}
		b.WriteString("\n")
	}
	a.writeCacheNote(b)
	a.writeWarnings(b)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (a *analysis) writeWarnings(b *strings.Builder) {
	run := a.run
	b.WriteString("### Warnings\n\n")
	n := 0
	warn := func(format string, args ...any) {
		n++
		fmt.Fprintf(b, "- "+format+"\n", args...)
	}
	// Mismatches first and loudly: a wrong answer invalidates a cell.
	var mismatches strings.Builder
	for _, c := range a.cells {
		for _, f := range c.Failures {
			if f.Kind != record.FailMismatch {
				continue
			}
			fmt.Fprintf(&mismatches, "#### ⚠ DIGEST MISMATCH: %s, round %d\n\n", text(c.Name), f.Round)
			if why := failureWhy(f.Cause, f.Reason); why != "" {
				fmt.Fprintf(&mismatches, "Reason: %s\n\n", why)
			}
			writeFenced(&mismatches, "", "got:  "+oneLine(f.Got)+"\nwant: "+oneLine(f.Want))
		}
	}
	if mismatches.Len() > 0 {
		b.WriteString("**⚠ DIGEST MISMATCHES: these configurations computed a different answer from the reference. Their timings are not comparable and they are excluded from the baseline, the best and the factor ranking.**\n\n")
		b.WriteString(mismatches.String())
	}
	for _, w := range run.Warnings {
		warn("%s", text(w))
	}
	// Fallbacks are grouped by reason: adapters tend to fall back the same
	// way under every strategy.
	var fbReasons []string
	fbCells := map[string][]string{}
	for _, c := range a.cells {
		// Repeated failures of a cell are grouped by kind, cause, reason
		// and stderr.
		type failKey struct {
			kind                  record.FailureKind
			cause, reason, stderr string
		}
		var keys []failKey
		rounds := map[failKey][]string{}
		for _, f := range c.Failures {
			if !f.Kind.Lost() { // listed with the mismatches above
				continue
			}
			k := failKey{f.Kind, f.Cause, f.Reason, lastLines(f.Stderr, 3)}
			if rounds[k] == nil {
				keys = append(keys, k)
			}
			rounds[k] = append(rounds[k], fmt.Sprint(f.Round))
		}
		for _, k := range keys {
			rs := rounds[k]
			kind, why := text(strings.ToUpper(string(k.kind))), failureWhy(k.cause, k.reason)
			msg := fmt.Sprintf("**%s** in %s, round %s: %s", kind, text(c.Name), rs[0], why)
			if len(rs) > 1 {
				msg = fmt.Sprintf("**%s** ×%d in %s, rounds %s: %s", kind, len(rs), text(c.Name), strings.Join(rs, ", "), why)
			}
			if k.stderr != "" {
				msg += " — stderr: " + code(k.stderr)
			}
			warn("%s", msg)
		}
		if !c.hasSamples() {
			warn("%s has no successful sample.", text(c.Name))
		} else if want := c.asked(a.run); c.n() < want {
			warn("%s has %d of %d samples.", text(c.Name), c.n(), want)
		}
		for _, w := range c.Warnings {
			warn("%s: %s", text(c.Name), text(w))
		}
		for _, fb := range c.Fallback {
			if fbCells[fb.Reason] == nil {
				fbReasons = append(fbReasons, fb.Reason)
			}
			fbCells[fb.Reason] = append(fbCells[fb.Reason], fmt.Sprintf("%s (%d files)", text(c.Name), fb.Files))
		}
	}
	for _, r := range fbReasons {
		warn("Adapter fallback, %s: %s", text(r), strings.Join(fbCells[r], ", "))
	}
	for _, u := range run.Unavailable {
		warn("Unavailable: %s: %s", text(u.What), text(u.Reason))
	}
	for _, cp := range a.profiles {
		for _, r := range cp.refused {
			warn("Profile %s of %s skipped: %s", code(r.path), text(cp.cell.Name), text(r.reason))
		}
	}
	if n == 0 && mismatches.Len() == 0 {
		b.WriteString("None.\n")
	}
	b.WriteString("\n")
}

// failureWhy says why a sample failed, escaped: its one-line cause first,
// when it has one, then the reason the harness gave.
func failureWhy(cause, reason string) string {
	switch {
	case cause == "":
		return text(reason)
	case reason == "":
		return text(cause)
	}
	return text(cause) + " (" + text(reason) + ")"
}

// lastLines returns the last n non-empty lines of s, joined by " ⏎ ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], " ⏎ ")
}

func (a *analysis) writeMatrix(b *strings.Builder) {
	b.WriteString("## Matrix\n\n")
	fmt.Fprintf(b, "One row per cell, fastest first. Medians over samples; wall time ± the %.0f%% CI as benchstat prints it (∞ with too few samples); × floor is the multiple of the %s cell of the same %s; B/op, allocs/op and GC cycles are per pass over the corpus.\n\n",
		100*a.opts.Confidence, text(pairsText(a.roles.Floor, "=", "/")), text(readingNouns()))
	t := table{head: []string{"Cell", "n", "Wall time", "MB/s", "× floor", "CPU time", "B/op", "allocs/op", "GC cycles", "Peak RSS", "Notes"}}
	for _, c := range a.ranked {
		floor := "—"
		if c.floor != nil {
			floor = fmtRatio(c.median() / c.floor.median())
		} else if a.isFloor(c) {
			floor = "floor"
		}
		var notes []string
		if c.mismatch {
			notes = append(notes, "**MISMATCH**")
		}
		if c == a.best {
			notes = append(notes, "best")
		}
		if c == a.baseline {
			notes = append(notes, "baseline")
		}
		if k := len(c.Failures); k > 0 {
			notes = append(notes, fmt.Sprintf("%d failed", k))
		}
		if c.n() > 1 && c.cv > record.NoisyCV {
			notes = append(notes, fmt.Sprintf("noisy (CV %.0f%%)", 100*c.cv))
		}
		t.add(text(c.Name), fmt.Sprint(c.n()), fmtDur(c.median())+" "+fmtCI(c.wallS), fmtRate(c.mbpsS.Center), floor,
			fmtDur(c.cpu), fmtBytes(c.allocB), fmtCount(c.allocN), fmtCount(c.gc), fmtBytes(c.rss), strings.Join(notes, ", "))
	}
	t.write(b)
	var failed []*cellStat
	for _, c := range a.cells {
		if !c.hasSamples() {
			failed = append(failed, c)
		}
	}
	if len(failed) > 0 {
		b.WriteString("Cells without a single successful sample:\n\n")
		ft := table{head: []string{"Cell", "Failures"}}
		for _, c := range failed {
			var why []string
			for _, f := range c.Failures {
				why = append(why, fmt.Sprintf("round %d %s: %s", f.Round, text(string(f.Kind)), failureWhy(f.Cause, f.Reason)))
			}
			if len(why) == 0 {
				why = append(why, "no sample recorded")
			}
			ft.add(text(c.Name), strings.Join(why, "; "))
		}
		ft.write(b)
	}
}
