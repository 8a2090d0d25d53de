package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"benchgrid/scaling"
)

// What the report says about worker sweeps (the Universal Scalability
// Law, package scaling) and about CPU- and I/O-bound configurations. Both
// appear only when the run has the data — four or more worker counts of
// one configuration; a regime axis or an I/O-bound cell — so that reports
// of other runs stay as they were.

// ioBoundBelow is the regime threshold: a configuration is I/O-bound when
// its CPU time is under half of its wall time × the cores it can use,
// min(workers, GOMAXPROCS): its goroutines wait more than they compute.
// At one half, hiding every wait would at most double its throughput, so
// below it overlapping more waits (more goroutines) is the larger gain,
// and above it the CPU is the larger cost. Dividing by the cores it can
// use, not by all of GOMAXPROCS, keeps one worker on two cores CPU-bound:
// its idle core is not waiting on I/O.
const ioBoundBelow = 0.5

// A scalingFit is the fit of one group of cells that differ only in their
// worker count.
type scalingFit struct {
	cells   []*cellStat // ascending worker count
	workers []int
	res     *scaling.Result
	err     error // why res is nil
	procs   int   // the cells' GOMAXPROCS
	// latency is the group's simulated latency, if it has one.
	latency    time.Duration
	hasLatency bool
	// mbPerFile converts files/s, which the fit is in, to the charts' MB/s.
	mbPerFile float64
}

// findFits fits every group of measured cells that differ only in their
// worker count and have at least scaling.MinLevels counts. Mismatched
// cells and counts that are not numbers (perfile's "files") are left out.
func (a *analysis) findFits() []*scalingFit {
	keys, byKey := a.groups(workersAxis)
	var out []*scalingFit
	for _, k := range keys {
		type point struct {
			w int
			c *cellStat
		}
		var pts []point
		for _, c := range byKey[k] {
			w, err := strconv.Atoi(c.value(axis{workersAxis}))
			if !c.mismatch && err == nil && w >= 1 {
				pts = append(pts, point{w, c})
			}
		}
		if len(pts) < scaling.MinLevels {
			continue
		}
		slices.SortFunc(pts, func(x, y point) int { return cmp.Compare(x.w, y.w) })
		f := &scalingFit{}
		var levels []scaling.Level
		for _, p := range pts {
			f.cells, f.workers = append(f.cells, p.c), append(f.workers, p.w)
			l := scaling.Level{N: p.w}
			for _, s := range p.c.Samples {
				l.X = append(l.X, s.FilesPerSec())
			}
			levels = append(levels, l)
		}
		f.res, f.err = scaling.Analyze(levels, scaling.Options{Confidence: a.opts.Confidence, Seed: a.opts.Seed})
		first := f.cells[0]
		f.procs = first.GOMAXPROCS
		f.latency, f.hasLatency = latencyOf(first)
		if s := first.Samples[0]; s.Files > 0 {
			f.mbPerFile = float64(s.Bytes) / float64(s.Files) / 1e6
		}
		out = append(out, f)
	}
	return out
}

// filesRate is c's median throughput in files/s.
func (c *cellStat) filesRate() float64 {
	var xs []float64
	for _, s := range c.Samples {
		xs = append(xs, s.FilesPerSec())
	}
	return median(xs)
}

// measuredAt returns the cell of f at n workers.
func (f *scalingFit) measuredAt(n int) *cellStat {
	i := slices.Index(f.workers, n)
	if i < 0 {
		return nil
	}
	return f.cells[i]
}

// latencyOf returns c's simulated latency, when it has one.
func latencyOf(c *cellStat) (time.Duration, bool) {
	v := c.value(axis{latencyAxis})
	if v == "" {
		return 0, false
	}
	d, err := time.ParseDuration(v)
	return d, err == nil
}

// usableCores is how many cores c's workers can keep busy: min(workers,
// GOMAXPROCS), or GOMAXPROCS when the count is not a number (perfile).
func usableCores(c *cellStat) int {
	if w, err := strconv.Atoi(c.value(axis{workersAxis})); err == nil && w > 0 {
		return min(w, c.GOMAXPROCS)
	}
	return c.GOMAXPROCS
}

// utilisation returns c's median utilisation over its samples, CPU time
// over wall time × GOMAXPROCS, and its median busy share, CPU time over
// wall time × usableCores. ok is false for a cell with no CPU times or no
// GOMAXPROCS recorded.
func (c *cellStat) utilisation() (util, busy float64, ok bool) {
	if c.GOMAXPROCS <= 0 {
		return 0, 0, false
	}
	var us, bs []float64
	for _, s := range c.Samples {
		if s.CPUNs() <= 0 || s.WallNs <= 0 {
			continue
		}
		cpu, wall := float64(s.CPUNs()), float64(s.WallNs)
		us = append(us, cpu/(wall*float64(c.GOMAXPROCS)))
		bs = append(bs, cpu/(wall*float64(usableCores(c))))
	}
	if len(us) == 0 {
		return 0, 0, false
	}
	return median(us), median(bs), true
}

// ioBound classifies c (see ioBoundBelow); ok is false without CPU times.
func (c *cellStat) ioBound() (io, ok bool) {
	_, busy, ok := c.utilisation()
	return ok && busy < ioBoundBelow, ok
}

// boundName names a classification.
func boundName(io bool) string {
	if io {
		return "I/O-bound"
	}
	return "CPU-bound"
}

// A regime is the cells that share the values of the run's varying
// regime axes (latency=1ms): one regime for a run that varies none.
type regime struct {
	at    []string    // "latency=1ms"; none for the whole run
	cells []*cellStat // eligible, fastest first
	best  *cellStat
	// io is the regime's classification, known when some cell has CPU
	// times: that of its cells with the worker count nearest GOMAXPROCS
	// (refWorkers), by their median busy share (refBusy), since even a
	// worker per core leaves the cores waiting when the work is
	// I/O-bound.
	io, known  bool
	refWorkers string
	refBusy    float64
}

func (r *regime) name() string {
	if len(r.at) == 0 {
		return "this run"
	}
	return strings.Join(r.at, "/")
}

// varyingRegimeAxes returns the run's regime axes that vary.
func (a *analysis) varyingRegimeAxes() []axis {
	var out []axis
	for _, ax := range a.varying {
		if slices.Contains(regimeAxes, ax.name) {
			out = append(out, ax)
		}
	}
	return out
}

// findRegimes partitions the eligible cells by the varying regime axes.
func (a *analysis) findRegimes() []*regime {
	ras := a.varyingRegimeAxes()
	var out []*regime
	byKey := map[string]*regime{}
	for _, c := range a.ranked {
		if !c.eligible() {
			continue
		}
		var at []string
		for _, ax := range ras {
			at = append(at, ax.name+"="+c.value(ax))
		}
		k := strings.Join(at, "/")
		r := byKey[k]
		if r == nil {
			r = &regime{at: at, best: c}
			byKey[k] = r
			out = append(out, r)
		}
		r.cells = append(r.cells, c)
	}
	slices.SortFunc(out, func(x, y *regime) int { return strings.Compare(x.name(), y.name()) })
	for _, r := range out {
		dist := math.MaxInt
		var busy []float64
		for _, c := range r.cells {
			_, b, ok := c.utilisation()
			if !ok {
				continue
			}
			d := math.MaxInt - 1 // a count that is not a number: the farthest
			if w, err := strconv.Atoi(c.value(axis{workersAxis})); err == nil {
				d = max(w-c.GOMAXPROCS, c.GOMAXPROCS-w)
			}
			if d < dist {
				dist, busy, r.refWorkers = d, nil, c.value(axis{workersAxis})
			}
			if d == dist {
				busy = append(busy, b)
			}
		}
		if len(busy) > 0 {
			r.refBusy = median(busy)
			r.known, r.io = true, r.refBusy < ioBoundBelow
		}
	}
	return out
}

// showRegimes reports whether the report has a section on regimes: the
// run has a regime axis, a scaling fit or an I/O-bound cell.
func (a *analysis) showRegimes() bool {
	if len(a.fits) > 0 {
		return true
	}
	for _, ax := range a.axes {
		if slices.Contains(regimeAxes, ax.name) {
			return true
		}
	}
	for _, c := range a.cells {
		if io, _ := c.ioBound(); io && !a.isFloor(c) {
			return true
		}
	}
	return false
}

// counterpart returns the cell of r that is c's configuration (the same
// values on every axis but the regime axes), or nil.
func (a *analysis) counterpart(c *cellStat, r *regime) *cellStat {
	for _, o := range r.cells {
		same := true
		for _, ax := range a.axes {
			if !slices.Contains(regimeAxes, ax.name) && o.value(ax) != c.value(ax) {
				same = false
				break
			}
		}
		if same {
			return o
		}
	}
	return nil
}

// configText names c's configuration by its values on the varying axes
// other than the regime axes ("parser=sonic, strategy=pool, workers=2"),
// or by its name when nothing else varies.
func (a *analysis) configText(c *cellStat) string {
	var as []axis
	for _, ax := range a.varying {
		if !slices.Contains(regimeAxes, ax.name) {
			as = append(as, ax)
		}
	}
	if len(as) == 0 {
		return c.Name
	}
	return settings(c, as)
}

// regimeFinding says how the best configuration changes from one regime
// to another, or "" when the run has fewer than two regimes.
func (a *analysis) regimeFinding() string {
	rs := a.regimes
	if len(rs) < 2 {
		return ""
	}
	var parts []string
	for _, r := range rs {
		class := ""
		if r.known {
			class = " (" + boundName(r.io) + ")"
		}
		parts = append(parts, fmt.Sprintf("at %s%s it is %s", text(r.name()), class, text(a.configText(r.best))))
	}
	s := "The regime changes the best configuration: " + strings.Join(parts, "; ")
	if sameBests(a, rs) {
		s = "The best configuration is the same in every regime: " + strings.Join(parts, "; ")
	}
	// The flip: the CPU-bound regime's best run in an I/O-bound regime.
	var cpu, io *regime
	for _, r := range rs {
		switch {
		case r.known && !r.io && cpu == nil:
			cpu = r
		case r.known && r.io && io == nil:
			io = r
		}
	}
	if cpu != nil && io != nil {
		if o := a.counterpart(cpu.best, io); o != nil && o != io.best {
			t := a.pair(o, io.best)
			if a.verdictOf(t) == "slower" {
				s += fmt.Sprintf("; at %s, %s's best is %s %s slower than the best there (%s)",
					text(io.name()), text(cpu.name()), fmtRatio(t.Ratio), fmtInterval(interval{t.Lo, t.Hi, t.OK}), fmtTest(t))
			} else {
				s += fmt.Sprintf("; at %s, %s's best cannot be told from the best there (%s, %s)",
					text(io.name()), text(cpu.name()), fmtTestRatio(t), fmtTest(t))
			}
		}
	}
	return s + "."
}

// sameBests reports whether every regime's best is one configuration.
func sameBests(a *analysis, rs []*regime) bool {
	for _, r := range rs[1:] {
		if a.counterpart(rs[0].best, r) != r.best {
			return false
		}
	}
	return true
}

// fmtParam formats a fitted parameter with three significant digits.
func fmtParam(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "∞"
	case math.IsNaN(v):
		return "?"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// fmtParamCI formats a parameter and its bootstrap interval.
func fmtParamCI(v float64, iv scaling.Interval) string {
	return fmtParam(v) + " [" + fmtParam(iv.Lo) + "–" + fmtParam(iv.Hi) + "]"
}

// fmtFilesRate formats a throughput in files per second.
func fmtFilesRate(x float64) string {
	if math.IsInf(x, 1) {
		return "∞"
	}
	return fmtCount(x) + " files/s"
}

func (a *analysis) writeScaling(b *strings.Builder) {
	if len(a.fits) == 0 {
		return
	}
	b.WriteString("## Scaling\n\n")
	fmt.Fprintf(b, "For each group of cells that differ only in their worker count, with %d counts or more, a least-squares fit of the Universal Scalability Law X(N) = λN / (1 + σ(N−1) + κN(N−1)) to every sample's throughput in files/s: λ is one worker's throughput, σ contention (Amdahl's law when κ = 0), κ coherency, the cost that makes throughput fall past a peak. Intervals are %.0f%% percentile-bootstrap intervals (%d resamples of the samples within each count, seed %d). The peak is at N* = √((1−σ)/κ) (none when κ = 0); the knee is where linear scaling, λN, would reach the peak throughput (1/σ for Amdahl's law); the recommended count is the smallest measured count whose throughput — fitted, or its measured median where that is higher, since the law's curve cannot turn as sharply as throughput does when the workers reach the cores — is within %.0f%% of the fitted peak. The fit error is the root mean square of the relative differences between the fit and each count's mean.\n\n",
		scaling.MinLevels, 100*a.opts.Confidence, scaling.DefaultResamples, a.opts.Seed, 100*scaling.RecommendWithin)
	inFlight := slices.ContainsFunc(a.fits, func(f *scalingFit) bool { return f.hasLatency && f.latency > 0 })
	head := []string{"Group", "Counts", "λ", "σ", "κ", "Peak N*", "Peak throughput", "Knee", "Recommended", "Fit error"}
	if inFlight {
		head = append(head, "Files in flight (X × latency)")
	}
	t := table{head: head}
	var why []string
	for _, f := range a.fits {
		group := text(a.shortKey(f.cells[0], workersAxis))
		counts := fmt.Sprintf("%d–%d (%d)", f.workers[0], f.workers[len(f.workers)-1], len(f.workers))
		if f.res == nil {
			row := []string{group, counts, "no fit: " + text(f.err.Error()), "", "", "", "", "", "", ""}
			if inFlight {
				row = append(row, "")
			}
			t.add(row...)
			continue
		}
		r := f.res
		kappa, peak := fmtParamCI(r.Kappa, r.KappaCI), fmtParamCI(r.Peak(), r.PeakCI)
		if r.Amdahl() {
			kappa, peak = "0 (Amdahl) [0–"+fmtParam(r.KappaCI.Hi)+"]", "none (Amdahl)"
		}
		rec := "**" + strconv.Itoa(r.Recommended) + "**"
		if r.Rising {
			rec += " (still rising)"
		}
		row := []string{group, counts, fmtFilesRate(r.Lambda), fmtParamCI(r.Sigma, r.SigmaCI), kappa, peak,
			fmtFilesRate(r.PeakThroughput()) + " [" + fmtCount(r.PeakThroughputCI.Lo) + "–" + strings.TrimSuffix(fmtFilesRate(r.PeakThroughputCI.Hi), " files/s") + "]",
			fmtParam(r.Knee()), rec, fmt.Sprintf("%.1f%%", 100*r.FitError)}
		if inFlight {
			flight := "—"
			if f.hasLatency && f.latency > 0 {
				flight = fmtParam(f.measuredAt(r.Recommended).filesRate()*f.latency.Seconds()) + " at " + strconv.Itoa(r.Recommended) + " workers"
			}
			row = append(row, flight)
		}
		t.add(row...)
		why = append(why, group+": "+a.scalingWhy(f))
	}
	t.write(b)
	if len(why) > 0 {
		b.WriteString("Why these counts:\n\n")
		for _, w := range why {
			fmt.Fprintf(b, "- %s\n", w)
		}
		b.WriteString("\n")
	}
}

// scalingWhy explains a fit's recommended count.
func (a *analysis) scalingWhy(f *scalingFit) string {
	r := f.res
	n := r.Recommended
	x := f.measuredAt(n).filesRate()
	s := fmt.Sprintf("%d workers for %d cores (GOMAXPROCS), measured at %s (fitted %s)", n, f.procs, fmtFilesRate(x), fmtFilesRate(r.At(float64(n))))
	switch {
	case f.hasLatency && f.latency > 0:
		flight := x * f.latency.Seconds()
		s += fmt.Sprintf(". Little's law: %s × %s = %s files in flight at once, so about %s of the %d workers are waiting on a file at any moment while the rest keep the cores busy: that is why the count is %s",
			fmtFilesRate(x), text(f.latency.String()), fmtParam(flight), fmtParam(math.Min(flight, float64(n))), n, timesText(n, f.procs))
	case n <= 2*f.procs:
		s += fmt.Sprintf(": with nothing to wait for, workers beyond the cores only contend (knee at %s)", fmtParam(r.Knee()))
	default:
		s += fmt.Sprintf(": %s although the cells simulate no latency, so they wait on something else (the disk, locks)", timesText(n, f.procs))
	}
	if r.Rising {
		s += fmt.Sprintf("; the fitted curve still rises at %d, the largest count measured: more workers are worth measuring", n)
	} else if peak := r.Peak(); !math.IsInf(peak, 1) && peak > float64(f.workers[len(f.workers)-1]) {
		s += fmt.Sprintf("; the peak (N* = %s) lies beyond the largest count measured, so it is extrapolated", fmtParam(peak))
	}
	return s + "."
}

// timesText says how n compares with procs: "16.0× GOMAXPROCS".
func timesText(n, procs int) string {
	if procs <= 0 || n <= procs {
		return "not above GOMAXPROCS"
	}
	return fmtRatio(float64(n)/float64(procs)) + " GOMAXPROCS"
}

func (a *analysis) writeRegimes(b *strings.Builder) {
	if !a.showRegimes() {
		return
	}
	b.WriteString("## CPU or I/O bound\n\n")
	fmt.Fprintf(b, "Utilisation is CPU time (user + system) over wall time × GOMAXPROCS: the share of the cores the pass kept busy; waiting is the rest. A configuration is **I/O-bound** when its CPU time is under %.0f%% of its wall time × the cores it can use, min(workers, GOMAXPROCS) — its goroutines wait more than they compute, and hiding every wait would more than double its throughput — and **CPU-bound** otherwise (dividing by the cores it can use keeps one worker on two cores CPU-bound: its idle core waits for no I/O). Medians over samples; cells without CPU times are left out.\n\n", 100*ioBoundBelow)
	t := table{head: []string{"Cell", "Utilisation", "Waiting", "Busy share of usable cores", "Bound"}}
	// Regime by regime, fastest first, then the cells in none (floors,
	// mismatches).
	var order []*cellStat
	for _, r := range a.regimes {
		order = append(order, r.cells...)
	}
	for _, c := range a.ranked {
		if !slices.Contains(order, c) {
			order = append(order, c)
		}
	}
	for _, c := range order {
		util, busy, ok := c.utilisation()
		if !ok {
			continue
		}
		bound := boundName(busy < ioBoundBelow)
		if a.isFloor(c) {
			bound += " (reading floor)"
		}
		t.add(text(c.Name), fmt.Sprintf("%.0f%%", 100*util), fmt.Sprintf("%.0f%%", 100*max(0, 1-util)),
			fmt.Sprintf("%.0f%% of %d", 100*busy, usableCores(c)), bound)
	}
	t.write(b)
	var classes []string
	for _, r := range a.regimes {
		if r.known {
			classes = append(classes, fmt.Sprintf("- %s: **%s**; its cells with %s workers (the count nearest GOMAXPROCS) keep a median %.0f%% of the cores they can use busy.",
				text(r.name()), boundName(r.io), text(r.refWorkers), 100*r.refBusy))
		}
	}
	if len(classes) > 0 {
		b.WriteString("A regime — the cells that share the values of the regime axes (simulated latency, page cache) — is classified by its cells with as many workers as cores: if even they wait more than they compute, the work is I/O-bound.\n\n")
		b.WriteString(strings.Join(classes, "\n") + "\n\n")
	}
}

// writeRecommendations writes, in the form of the Rust study's
// recommendations, the best configuration of each regime.
func (a *analysis) writeRecommendations(b *strings.Builder) {
	var known []*regime
	for _, r := range a.regimes {
		if r.known {
			known = append(known, r)
		}
	}
	if len(known) == 0 {
		return
	}
	b.WriteString("### By regime\n\n")
	b.WriteString("The fastest configuration in each regime the run measured (see CPU or I/O bound), and what it costs in the others, paired by round.\n\n")
	for _, io := range []bool{false, true} {
		for _, r := range known {
			if r.io != io {
				continue
			}
			title := "For " + boundName(io) + " work"
			if len(r.at) > 0 {
				title += " (" + r.name() + ")"
			}
			fmt.Fprintf(b, "#### %s\n\n", text(title))
			best := r.best
			fmt.Fprintf(b, "Use **%s**: %s %s, %s.", text(a.configText(best)), fmtDur(best.median()), fmtCI(best.wallS), a.workersText(best))
			for _, o := range a.regimes {
				if o == r {
					continue
				}
				c := a.counterpart(best, o)
				if c == nil {
					continue
				}
				if c == o.best {
					fmt.Fprintf(b, " At %s it is the fastest too.", text(o.name()))
					continue
				}
				t := a.pair(c, o.best)
				verdict := fmtSpeed(1/t.Ratio) + " than"
				switch a.verdictOf(t) {
				case "cannot tell":
					verdict = "too few rounds to tell from"
				case "tied":
					verdict = "tied with"
				}
				fmt.Fprintf(b, " At %s it takes %s, %s the best there, %s (%s).",
					text(o.name()), fmtDur(c.median()), verdict, text(a.configText(o.best)), fmtTest(t))
			}
			b.WriteString("\n\n")
		}
	}
	b.WriteString("In general: CPU-bound work wants few workers, about one per core (GOMAXPROCS), since more only contend; I/O-bound work wants many, about the throughput × the latency of a file (Little's law), far above the core count, and a strategy that can have that many files waiting at once.\n\n")
}

// workersText says how c's worker count relates to the cores and, under
// latency, to Little's law.
func (a *analysis) workersText(c *cellStat) string {
	w := c.value(axis{workersAxis})
	n, err := strconv.Atoi(w)
	var s string
	switch {
	case err != nil:
		s = fmt.Sprintf("with %s workers (GOMAXPROCS %d)", text(w), c.GOMAXPROCS)
	case n == c.GOMAXPROCS:
		s = fmt.Sprintf("with as many workers as cores (GOMAXPROCS %d)", n)
	default:
		s = fmt.Sprintf("with %d workers for GOMAXPROCS %d", n, c.GOMAXPROCS)
	}
	if d, ok := latencyOf(c); ok && d > 0 && len(c.Samples) > 0 {
		x := c.filesRate()
		s += fmt.Sprintf(": at %s and %s a file, Little's law puts %s files in flight", fmtFilesRate(x), text(d.String()), fmtParam(x*d.Seconds()))
	}
	return s
}
