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
	"math"
	"path/filepath"
	"slices"
	"strconv"
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

// maxTiedListed bounds the cells the summary lists with the best; the
// Matrix marks the rest.
const maxTiedListed = 8

// Write reads runDir's results.json and the profiles it names and writes
// runDir/report.md, with its charts and its exports (MatrixCSV, SamplesCSV,
// BenchmarkActionJSON) beside it.
func Write(ctx context.Context, runDir string, opts Options) error {
	run, err := record.Read(runDir)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	md, charts, exports, err := buildAll(ctx, runDir, run, opts)
	if err != nil {
		return fmt.Errorf("report %s: %w", runDir, err)
	}
	for _, c := range charts {
		if err := record.WriteFileAtomic(filepath.Join(runDir, c.file), c.data); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	for _, e := range exports {
		if err := record.WriteFileAtomic(filepath.Join(runDir, e.file), e.data); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if err := record.WriteFileAtomic(filepath.Join(runDir, record.ReportFile), md); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// build renders the report and its charts in memory. The first screen
// says what to do and why, what the run could and could not tell, and how
// the machine behaved; the long tables follow; the details of warnings and
// of the CPU categories close it, in appendices.
func build(ctx context.Context, runDir string, run *record.Run, opts Options) ([]byte, []*chart, error) {
	md, charts, _, err := buildAll(ctx, runDir, run, opts)
	return md, charts, err
}

// buildAll is build, with the exports.
func buildAll(ctx context.Context, runDir string, run *record.Run, opts Options) ([]byte, []*chart, []export, error) {
	opts = opts.withDefaults()
	if opts.ChartFormat != "svg" && opts.ChartFormat != "png" {
		return nil, nil, nil, fmt.Errorf("chart format %q: want svg or png", opts.ChartFormat)
	}
	a := analyze(run, opts)
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	md, charts, err := a.render(ctx, runDir)
	if err != nil {
		return nil, nil, nil, err
	}
	exports, err := a.exports()
	if err != nil {
		return nil, nil, nil, err
	}
	return md, charts, exports, nil
}

// render writes the report and its charts.
func (a *analysis) render(ctx context.Context, runDir string) ([]byte, []*chart, error) {
	opts := a.opts
	// Profiles are read first: the recommendation cites them and the
	// warnings name those refused.
	a.profiles = loadProfiles(runDir, a.profiled())
	var b strings.Builder
	var charts []*chart
	b.WriteString("# benchgrid report\n\n")
	a.writeAlerts(&b)
	a.writeRecommendation(&b)
	a.writeRunLine(&b)
	a.writeMachine(&b)
	a.writeWarningCounts(&b)

	a.writeSummary(&b)
	a.writeAdvice(&b)
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
			fmt.Fprintf(&b, " The matrix has fewer than %d %s, so there is no %s chart.", minWorkerLevels, text(plural(axis{workersAxis}.noun())), text(workersAxis))
		}
		if len(a.fits) > 0 {
			fmt.Fprintf(&b, " The %s chart draws each group of the Scaling section in one colour: its median throughput at each count, with the CI, and its fitted curve.", text(workersAxis))
		}
		b.WriteString("\n\n")
	}
	a.writeEnvironment(&b)
	a.writeMethod(&b)
	a.writeWarnings(&b)
	writeCategories(&b)
	if a.fam.late > 0 {
		return nil, nil, fmt.Errorf("internal error: %d paired tests made after the Holm adjustment", a.fam.late)
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n"), charts, nil
}

// writeAlerts opens the report with what must be read first: an
// incomplete run, a corpus that changed, wrong answers, too few samples.
func (a *analysis) writeAlerts(b *strings.Builder) {
	var lines []string
	if !a.run.Complete {
		lines = append(lines, "**The run is incomplete**: it was interrupted or is still going; what follows covers what was measured.")
	}
	if c := a.run.Corpus; c.Rejection {
		var reasons []string
		for _, rc := range c.BadReasons {
			reasons = append(reasons, fmt.Sprintf("%d × %s", rc.Count, text(rc.Reason)))
		}
		lines = append(lines, fmt.Sprintf("**This run measured rejection**: %d of %d documents (%.0f%%) were bad for the %s workload (most common: %s), and the run went on because %s asked it to. Its timings say how fast each parser rejects these documents, not how fast it reads them. %s",
			c.BadDocuments, c.Documents, 100*float64(c.BadDocuments)/float64(c.Documents), text(a.run.WorkloadName()), strings.Join(reasons, "; "), code("-allow-bad"), a.insteadOfRejection()))
	}
	if a.corpusChanged() {
		lines = append(lines, "**The corpus changed during the run**: every configuration read different bytes from the reference, so no answer could be checked and the timings measured different work. Measure again on a corpus nothing writes to.")
	} else if n := len(a.mismatched()); n > 0 {
		lines = append(lines, fmt.Sprintf("**%d %s computed a wrong answer** (digest mismatch) and %s left out of every verdict; see Appendix A.", n, cellsWord(n), isAre(n)))
	}
	switch {
	case a.allLow:
		lines = append(lines, fmt.Sprintf("**Too few samples to tell anything**: the best cell has %d, and %d are the fewest from which this report tells two cells apart. It cannot tell which configuration is fastest, nor whether any axis matters: where it compares cells it says \"cannot tell\", never \"no difference\". Run again with %s or more (or %s).",
			a.best.n(), benchstats.MinSamples, code(fmt.Sprintf("-count %d", max(benchstats.MinSamples, 10))), code("-count auto")))
	case len(a.unsure) > 0:
		var names []string
		for _, c := range a.unsure {
			names = append(names, fmt.Sprintf("%s (%d)", text(c.Name), c.n()))
		}
		lines = append(lines, fmt.Sprintf("**Too few samples to tell %d %s from the best**, fewer than %d in common with it: %s. The report says \"cannot tell\" of %s, never \"no difference\".",
			len(a.unsure), cellsWord(len(a.unsure)), benchstats.MinSamples, strings.Join(names, ", "), map[bool]string{true: "it", false: "them"}[len(a.unsure) == 1]))
	}
	for _, l := range lines {
		fmt.Fprintf(b, "> ⚠ %s\n>\n", l)
	}
	if len(lines) > 0 {
		b.WriteString("\n")
	}
}

// insteadOfRejection says what to measure instead of a corpus that does
// not fit the run's workload.
func (a *analysis) insteadOfRejection() string {
	switch a.run.WorkloadName() {
	case "events":
		return "To measure your own documents, name their fields in a query file and pass " + code("-query FILE") + " (docs/query.md)."
	case "query":
		return "Check the query file's paths and types against the documents (docs/query.md)."
	}
	return "Check that the corpus is the one this workload reads."
}

// minReliablePassNs is the shortest timed pass this report trusts: on
// the 2-core shared machine benchgrid is developed on, timer, scheduling
// and start-up noise of a near-empty pass reach tens of milliseconds
// (docs/architecture.md, "Short passes").
const minReliablePassNs = 50e6

// shortPasses returns the cells that compute an answer whose median timed
// pass is shorter than minReliablePassNs (the reading floor is expected
// to be quick).
func (a *analysis) shortPasses() []*cellStat {
	var out []*cellStat
	for _, c := range a.cells {
		if c.eligible() && c.median() < minReliablePassNs {
			out = append(out, c)
		}
	}
	return out
}

// answering counts the cells with samples that compute an answer.
func (a *analysis) answering() int {
	n := 0
	for _, c := range a.cells {
		if c.eligible() {
			n++
		}
	}
	return n
}

// mismatched returns the cells with a digest mismatch.
func (a *analysis) mismatched() []*cellStat {
	var out []*cellStat
	for _, c := range a.cells {
		if c.mismatch {
			out = append(out, c)
		}
	}
	return out
}

func cellsWord(n int) string {
	if n == 1 {
		return "cell"
	}
	return "cells"
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// writeRecommendation says, in a sentence or two, what to use and why,
// from the data: the best against the baseline in CPU spent parsing,
// allocations and GC cycles per pass.
func (a *analysis) writeRecommendation(b *strings.Builder) {
	if a.best == nil {
		b.WriteString("**No recommendation**: no configuration produced a usable sample.\n\n")
		return
	}
	best, base := a.best, a.baseline
	tied := ""
	if len(a.tied) > 0 {
		tied = fmt.Sprintf(" (%s %s tied with it)", a.tiedText(), isAre(len(a.tied)))
	}
	if best == base {
		fmt.Fprintf(b, "**Recommendation:** keep **%s**%s: nothing the run tried beat it.\n\n", text(best.Name), tied)
		return
	}
	t := a.improvement()
	if a.allLow || lowN(t) {
		fmt.Fprintf(b, "**No recommendation yet:** **%s** measured fastest, %s than %s, but from %d rounds the report cannot tell it from the others; that needs %s.\n\n",
			text(best.Name), fmtSpeed(t.Ratio), text(base.Name), t.N, a.needText(t))
		return
	}
	verdict := fmt.Sprintf("it is %s %s faster than the baseline, %s", fmtRatio(t.Ratio), fmtInterval(interval{t.Lo, t.Hi, t.OK}), text(base.Name))
	if !a.separated(t) {
		verdict = fmt.Sprintf("though the evidence does not separate it from the baseline, %s (%s)", text(base.Name), fmtTestRatio(t))
	}
	fmt.Fprintf(b, "**Recommendation:** use **%s**%s; %s.", text(best.Name), tied, verdict)
	if why := a.why(); why != "" {
		fmt.Fprintf(b, " Why: %s.", why)
	}
	b.WriteString("\n\n")
}

// why compares the best with the baseline where the work differs: the
// share of CPU spent in JSON, allocations and GC cycles per pass.
func (a *analysis) why() string {
	best, base := a.best, a.baseline
	d := a.differing(base, best)
	var bn, on []string
	for _, ax := range d {
		bn, on = append(bn, level(best, ax)), append(on, level(base, ax))
	}
	subj, other := text(strings.Join(bn, "/")), text(strings.Join(on, "/"))
	var parts []string
	bs, okB := a.categoryShare(best, catJSON)
	os, okO := a.categoryShare(base, catJSON)
	if okB && okO {
		parts = append(parts, fmt.Sprintf("%s spends %.0f%% of its CPU parsing JSON against %s's %.0f%%", subj, bs, other, os))
	}
	if differs(best.allocN, base.allocN) {
		parts = append(parts, fmt.Sprintf("allocates %s times per pass against %s", fmtCount(best.allocN), fmtCount(base.allocN)))
	}
	if differs(best.gc, base.gc) {
		parts = append(parts, fmt.Sprintf("needs %s GC cycles against %s", fmtCount(best.gc), fmtCount(base.gc)))
	}
	if differs(best.cpu, base.cpu) {
		parts = append(parts, fmt.Sprintf("uses %s of CPU a pass against %s", fmtDur(best.cpu), fmtDur(base.cpu)))
	}
	if len(parts) == 0 {
		return ""
	}
	if !okB || !okO {
		parts[0] = subj + " " + parts[0]
	}
	return joinAnd(parts)
}

// differs reports whether two medians differ by more than 5%, enough to
// explain something.
func differs(x, y float64) bool {
	return x > 0 && y > 0 && math.Abs(x/y-1) > 0.05 || (x == 0) != (y == 0)
}

// writeRunLine says when the run ran, what varied and the fixed values,
// once, so that the labels need only the varying axes.
func (a *analysis) writeRunLine(b *strings.Builder) {
	run := a.run
	fmt.Fprintf(b, "Run started %s", run.Started.UTC().Format("2006-01-02 15:04:05 MST"))
	if !run.Finished.IsZero() {
		fmt.Fprintf(b, ", finished %s", run.Finished.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	if ad := run.Adaptive; ad != nil {
		fmt.Fprintf(b, "; %d cells, sampled adaptively (up to %d rounds, until ±%s or a budget of %v).", len(run.Cells), ad.MaxRounds,
			fmtPct(ad.TargetCI), budget(ad))
	} else {
		fmt.Fprintf(b, "; %d cells, %d samples asked per cell.", len(run.Cells), run.Count)
	}
	if w := run.Workload; w != nil && w.Name != "events" {
		fmt.Fprintf(b, " Workload %s", text(w.Name))
		if w.ConfigDigest != "" {
			fmt.Fprintf(b, " (configuration SHA-256 %s…, in results.json)", w.ConfigDigest[:12])
		}
		fmt.Fprintf(b, " over %d files.", run.Corpus.Files)
	}
	var vary []string
	for _, ax := range a.varying {
		vary = append(vary, ax.name)
	}
	if len(vary) > 0 {
		fmt.Fprintf(b, " Cells are named by the axes that vary, %s", text(strings.Join(vary, "/")))
		var fixed []string
		for _, ax := range a.fixed {
			if len(a.cells) > 0 && a.cells[0].value(ax) != "" {
				fixed = append(fixed, ax.name+"="+a.cells[0].value(ax))
			}
		}
		if len(fixed) > 0 {
			fmt.Fprintf(b, "; every cell ran with %s", text(strings.Join(fixed, ", ")))
		}
		b.WriteString(".")
	}
	b.WriteString("\n\n")
}

// writeMachine says in one sentence how busy the machine was, how much the
// cells' times varied and the smallest difference the run could resolve.
func (a *analysis) writeMachine(b *strings.Builder) {
	var parts []string
	if rs := a.run.Rounds; len(rs) > 0 {
		var load, other []float64
		var most float64
		for _, r := range rs {
			load = append(load, r.LoadAvg)
			other = append(other, r.OtherCPUDuring)
			most = max(most, r.OtherCPUDuring, r.OtherCPUBefore)
		}
		state := "quiet"
		if median(other) >= busyOtherCPU {
			state = "busy"
		}
		parts = append(parts, fmt.Sprintf("The machine was %s: load average %.2f and other processes using %.2f cores during the median round (at most %.2f around one)", state, median(load), median(other), most))
	}
	var cvs []float64
	for _, c := range a.ranked {
		if c.n() > 1 {
			cvs = append(cvs, c.cv)
		}
	}
	if len(cvs) > 0 {
		noisy := 0
		for _, cv := range cvs {
			if cv > record.NoisyCV {
				noisy++
			}
		}
		hi := slices.Max(cvs)
		s := fmt.Sprintf("cells' wall times varied by a median coefficient of variation of %.1f%% (at most %.1f%%", 100*median(slices.Clone(cvs)), 100*hi)
		if noisy > 0 {
			s += fmt.Sprintf("; %d %s above %.0f%%", noisy, cellsWord(noisy), 100*record.NoisyCV)
		}
		parts = append(parts, s+")")
	}
	if sd := a.noiseSD(); sd > 0 && a.best != nil && a.best.n() >= 2 {
		n := a.best.n()
		r := benchstats.Resolvable(sd, n, a.opts.Alpha)
		parts = append(parts, fmt.Sprintf("paired by round, %d rounds resolve a difference of about %s between two cells (80%% power, α=%g, before adjustment)", n, fmtPctf(r), a.opts.Alpha))
	}
	if len(parts) == 0 {
		return
	}
	if !strings.HasPrefix(parts[0], "The machine") {
		parts[0] = upperFirst(parts[0])
	}
	b.WriteString(strings.Join(parts, "; ") + ".\n\n")
}

// busyOtherCPU is the CPU other processes used, in cores, from which the
// report calls the machine busy.
const busyOtherCPU = 0.25

// fmtPctf formats a fraction as a percentage with about two significant
// digits: "1.2%", "15%".
func fmtPctf(f float64) string {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return "?"
	case f < 0.001:
		return "under 0.1%"
	case f < 0.1:
		return strconv.FormatFloat(100*f, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(100*f, 'f', 0, 64) + "%"
}

func (a *analysis) writeSummary(b *strings.Builder) {
	b.WriteString("## Summary\n\n")
	if a.best == nil {
		b.WriteString("No configuration produced a usable sample: nothing to summarize. See the warnings in Appendix A.\n\n")
		return
	}
	base, best := a.baseline, a.best
	t := table{head: []string{"", "Configuration", "Median time", "Throughput", "vs best¹", "Improvement²", "Factors that made the difference"}}
	t.add("Baseline³", text(base.Name), fmtDur(base.median())+" "+fmtCI(base.wallS), fmtRate(base.mbpsS.Center)+" MB/s", a.vsBest(base), "1×", "")
	impr := "—"
	if best != base {
		iv := a.improvement()
		switch a.verdictOf(iv) {
		case "cannot tell":
			impr = "cannot tell: " + fmtTestRatio(iv) + " (" + fmtTest(iv) + ")"
		case "tied":
			impr = "~ " + fmtTestRatio(iv) + " (" + fmtTest(iv) + ")"
		default:
			impr = "**" + fmtSpeed(iv.Ratio) + "** " + fmtInterval(interval{iv.Lo, iv.Hi, iv.OK}) + " (" + fmtTest(iv) + ")"
		}
	}
	t.add("**Best**", "**"+text(best.Name)+"**", "**"+fmtDur(best.median())+"** "+fmtCI(best.wallS), "**"+fmtRate(best.mbpsS.Center)+" MB/s**", "—", impr, a.factors())
	listed := 0
	for _, group := range []struct {
		label string
		cells []*cellStat
	}{{"Tied with the best", a.tied}, {"Cannot tell from the best", a.unsure}} {
		for _, c := range group.cells {
			if c == base {
				continue
			}
			if listed == maxTiedListed {
				break
			}
			listed++
			t.add(group.label, text(c.Name), fmtDur(c.median())+" "+fmtCI(c.wallS), fmtRate(c.mbpsS.Center)+" MB/s", a.vsBest(c), "", "")
		}
	}
	t.write(b)
	var notes []string
	switch {
	case a.allLow:
		notes = append(notes, fmt.Sprintf("With fewer than %d rounds the report cannot tell any cell from the best: \"cannot tell\", not \"no difference\".", benchstats.MinSamples))
	case len(a.tied) > 0:
		notes = append(notes, fmt.Sprintf("The best and the %d %s tied with it form the group of fastest configurations: the evidence does not tell them apart, so which of them measured fastest is chance.", len(a.tied), cellsWord(len(a.tied))))
	default:
		notes = append(notes, "No other cell is tied with the best: the evidence separates every cell with enough rounds from it.")
	}
	if n := len(a.tied) + len(a.unsure); n > listed {
		notes = append(notes, fmt.Sprintf("%d more are not listed here; the Matrix marks every one.", n-listed))
	}
	fmt.Fprintf(b, "%s\n\n", strings.Join(notes, " "))
	if short := a.shortPasses(); len(short) > 0 {
		fmt.Fprintf(b, "**Corpus too small to time reliably**: the timed pass of %d of the %d %s that compute an answer is shorter than %s (the best's takes %s). Timer, scheduling and start-up noise on this machine are a large share of so short a pass, so its ratios say more about the noise than about the configurations. Measure a larger corpus (%s for the events workload; more of your files for another).\n\n",
			len(short), a.answering(), cellsWord(a.answering()), fmtDur(minReliablePassNs), fmtDur(a.best.median()), code("corpus gen -files N"))
	}
	fmt.Fprintf(b, "¹ The cell's wall time over the best's, paired by round, with the Holm-adjusted p-value; \"~\" where the evidence does not separate them (see Notes on method).\n")
	fmt.Fprintf(b, "² Baseline over best, paired by round: the geometric mean of the per-round ratios of wall times, with its %.0f%% interval by bootstrap over the rounds (%d resamples, seed %d), and the Holm-adjusted p-value of a t-test of the log ratios. \"~\" where the evidence does not separate them at α=%g.\n",
		100*a.opts.Confidence, a.opts.Resamples, a.opts.Seed, a.opts.Alpha)
	switch naive := a.roles.Baseline; {
	case a.naive:
		fmt.Fprintf(b, "³ The naive baseline: %s", text(pairsText(naive, " ", ", ")))
		if a.naiveCells > 1 {
			fmt.Fprintf(b, " (of the %d such cells, the one agreeing with the best on the most other axes, so that other knobs do not inflate the improvement)", a.naiveCells)
		}
		b.WriteString(".")
	case len(naive) == 0:
		b.WriteString("³ The run names no naive baseline, so the baseline is the slowest cell.")
	default:
		first := text(naive[0].Value)
		fmt.Fprintf(b, "³ No %s cell ran, so the baseline is the slowest %s cell (or, with no %s cell, the slowest cell).",
			text(valuesText(naive)), first, first)
	}
	b.WriteString(" The best configuration is the cell with the lowest median wall time among those that answered correctly (no digest mismatch).\n\n")

	b.WriteString("### Findings\n\n")
	for _, f := range a.findings() {
		fmt.Fprintf(b, "- %s\n", f)
	}
	b.WriteString("\n")

	if len(a.effects) > 0 || len(a.confounded) > 0 {
		b.WriteString("### Factors ranked by effect\n\n")
		b.WriteString("Effect is the slowest level's wall time over the fastest's, paired by round, holding the other axes at the best configuration's values; where the matrix has no such slice, the fastest cell of each level stands in (marked *marginal*). A rank is shared by factors whose effects the evidence does not order.")
		if ras := a.varyingRegimeAxes(); len(ras) > 0 {
			var names []string
			for _, ax := range ras {
				names = append(names, ax.noun())
			}
			fmt.Fprintf(b, " The %s %s not ranked: %s the environment a configuration runs in, not a choice (see CPU or I/O bound).", text(joinAnd(names)), isAre(len(ras)), map[bool]string{true: "it describes", false: "they describe"}[len(ras) == 1])
		}
		for _, ax := range a.varying {
			if by := a.confounded[ax.name]; by != "" {
				fmt.Fprintf(b, " The %s is not ranked apart from the %s: in this matrix each %s ran with one %s, so their effects cannot be told apart and the %s's effect includes it.",
					text(ax.noun()), text(axis{by}.noun()), text(axis{by}.noun()), text(ax.noun()), text(axis{by}.noun()))
			}
		}
		b.WriteString("\n\n")
		if len(a.effects) > 0 {
			t := table{head: []string{"Rank", "Axis", "Fastest", "Slowest", "Effect", "Significance", "Levels", "Held at"}}
			rank := 1
			for i, e := range a.effects {
				if i > 0 && a.separated(a.effectOrder(i-1)) {
					rank = i + 1
				}
				sig := fmtTest(e.t)
				switch a.verdictOf(e.t) {
				case "cannot tell":
					sig = "cannot tell (" + sig + ")"
				case "tied":
					sig = "~ (" + sig + ")"
				}
				held := text(settings(e.fast, e.heldAxes))
				if e.marginal {
					held = "*marginal*"
				}
				t.add(fmt.Sprint(rank), text(e.ax.name), text(e.fast.value(e.ax))+" ("+fmtDur(e.fast.median())+")",
					text(e.slow.value(e.ax))+" ("+fmtDur(e.slow.median())+")", fmtTestRatio(e.t), sig, fmt.Sprint(e.levels), held)
			}
			t.write(b)
		}
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
		b.WriteString("None shown: the evidence separates no change from the best configuration, and no configuration compared with the baseline, as slower.\n\n")
		return
	}
	b.WriteString("Changes the evidence shows made things slower (paired by round, Holm-adjusted): one axis changed from the best configuration (other than back to the baseline's value), or any configuration slower than the baseline.\n\n")
	for _, f := range fails {
		fmt.Fprintf(b, "- %s: %s is %s slower than %s (%s vs %s, %s).\n",
			text(f.what), text(f.cell.Name), fmtTestRatio(f.t), text(f.against.Name), fmtDur(f.cell.median()), fmtDur(f.against.median()), fmtTest(f.t))
	}
	b.WriteString("\n")
}

// vsBest is c's paired ratio to the best, for the summary.
func (a *analysis) vsBest(c *cellStat) string {
	if c == a.best {
		return "—"
	}
	t := a.pair(c, a.best)
	switch a.verdictOf(t) {
	case "cannot tell":
		return "cannot tell: " + fmtRatio(t.Ratio) + " (" + fmtTest(t) + ")"
	case "tied":
		return "~ " + fmtTestRatio(t) + " (" + fmtTest(t) + ")"
	}
	return fmtTestRatio(t) + " (" + fmtTest(t) + ")"
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
	a.writeFeedNote(b)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
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
		} else if slices.Contains(a.tied, c) {
			notes = append(notes, "tied with the best")
		} else if slices.Contains(a.unsure, c) {
			notes = append(notes, "cannot tell from the best")
		}
		if c == a.baseline {
			notes = append(notes, "baseline")
		}
		if k := len(c.Failures); k > 0 {
			notes = append(notes, fmt.Sprintf("%d failed", k))
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
