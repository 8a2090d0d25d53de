package reports

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"benchgrid/benchstats"
	"benchgrid/record"
)

// SizesOptions tunes Sizes. The zero value is ready to use.
type SizesOptions struct {
	// Tolerance is how far each corpus's time per file (or per MB) may
	// be from the median over the corpora for time to count as growing in
	// proportion to files (or bytes); 0 means 0.10 (±10%).
	Tolerance float64
	// Confidence is the level of the medians' confidence intervals; 0
	// means 0.95.
	Confidence float64
}

func (o SizesOptions) withDefaults() SizesOptions {
	if o.Tolerance == 0 {
		o.Tolerance = 0.10
	}
	if o.Confidence == 0 {
		o.Confidence = benchstats.DefaultCriteria.Confidence
	}
	return o
}

// Thresholds of the sizes report.
const (
	// sizeSeparation is how many times larger the largest mean file size
	// of the corpora must be than the smallest for a fit to tell the cost
	// of a file from the cost of a byte: below it, bytes grow with files.
	sizeSeparation = 1.5
	// linearR2 is the R² above which a line is said to fit the medians.
	linearR2 = 0.99
)

// Sizes reads the runs in dirs (record.Read), matches their cells by name
// (FullName, as Compare does) and returns sizes.md: for each cell, the
// median wall time on each run's corpus, the time per file and per MB, a
// least-squares fit of time against files (and bytes, when the corpora's
// mean file sizes differ enough to tell the two apart), and whether time
// grows linearly. The runs are the same matrix measured on corpora of
// different sizes; they are shown smallest corpus first.
func Sizes(ctx context.Context, dirs []string, opts SizesOptions) ([]byte, error) {
	if len(dirs) < 2 {
		return nil, fmt.Errorf("sizes: want at least two runs, got %d", len(dirs))
	}
	runs := make([]*record.Run, len(dirs))
	for i, dir := range dirs {
		r, err := record.Read(dir)
		if err != nil {
			return nil, fmt.Errorf("sizes: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		runs[i] = r
	}
	return sizesReport(dirs, runs, opts), nil
}

// A sizeRun is one run of a sizes report and its corpus.
type sizeRun struct {
	dir          string
	run          *record.Run
	files, bytes float64
}

// meanFile is the corpus's mean file size in bytes.
func (r *sizeRun) meanFile() float64 { return r.bytes / max(r.files, 1) }

// A sizePoint is one cell measured on one run's corpus.
type sizePoint struct {
	run  *sizeRun
	stat *cellStat
}

func (p sizePoint) wall() float64    { return p.stat.median() }
func (p sizePoint) perFile() float64 { return p.wall() / max(p.run.files, 1) }
func (p sizePoint) perMB() float64   { return p.wall() / max(p.run.bytes/1e6, 1e-6) }

// A sizeSeries is one cell across the runs.
type sizeSeries struct {
	name   string
	points []sizePoint // runs where it has samples and no mismatch, smallest corpus first
	absent []*sizeRun  // runs without the cell or without samples
	wrong  []*sizeRun  // runs where it computed a wrong answer
	// files is time = a + b·files; both is time = a + b·files + c·bytes,
	// fitted only when the corpora's mean file sizes differ (separable).
	files, both linearFit
	// The fits' data, one value a point: files, bytes and median wall
	// times in nanoseconds.
	nfiles, nbytes, wall []float64
	// sizesDiffer says the corpora's mean file sizes differ by
	// sizeSeparation or more; separable adds that there are enough of
	// them to fit three parameters.
	sizesDiffer, separable bool
	verdict                sizeVerdict
}

// A linearFit is a least-squares fit of the median wall times, in
// nanoseconds, against an intercept and one column per variable.
type linearFit struct {
	coef []float64 // intercept first; nil when the system is singular
	r2   float64
	n    int // points
}

func (f linearFit) ok() bool { return f.coef != nil }

// exact reports whether the fit has as many points as parameters: it
// passes through every point and its R² says nothing.
func (f linearFit) exact() bool { return f.n == len(f.coef) }

// fitLinear fits y = β₀ + Σ βⱼ·xⱼ by least squares: xs holds one column
// per variable, as long as y. It returns a fit without coefficients when
// there are fewer points than parameters or the columns are (nearly)
// collinear.
func fitLinear(xs [][]float64, y []float64) linearFit {
	n, p := len(y), len(xs)+1
	fit := linearFit{n: n}
	if n < p {
		return fit
	}
	// Columns scaled to a largest magnitude of 1, so that files (10⁶)
	// and bytes (10⁹) meet in the normal equations on equal terms.
	cols := make([][]float64, p)
	scale := make([]float64, p)
	cols[0], scale[0] = slices.Repeat([]float64{1}, n), 1
	for j, x := range xs {
		m := 0.0
		for _, v := range x {
			m = max(m, math.Abs(v))
		}
		if m == 0 {
			return fit
		}
		cols[j+1], scale[j+1] = make([]float64, n), m
		for i, v := range x {
			cols[j+1][i] = v / m
		}
	}
	// The normal equations XᵀX β = Xᵀy, solved with partial pivoting.
	a := make([][]float64, p)
	for r := range a {
		a[r] = make([]float64, p+1)
		for c := range p {
			for i := range n {
				a[r][c] += cols[r][i] * cols[c][i]
			}
		}
		for i := range n {
			a[r][p] += cols[r][i] * y[i]
		}
	}
	for c := range p {
		piv := c
		for r := c + 1; r < p; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		if math.Abs(a[piv][c]) < 1e-10*float64(n) {
			return fit
		}
		a[c], a[piv] = a[piv], a[c]
		for r := range p {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k <= p; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	beta := make([]float64, p)
	for j := range p {
		beta[j] = a[j][p] / a[j][j] / scale[j]
	}
	var mean, ssTot, ssRes float64
	for _, v := range y {
		mean += v / float64(n)
	}
	for i, v := range y {
		pred := beta[0]
		for j, x := range xs {
			pred += beta[j+1] * x[i]
		}
		ssTot += (v - mean) * (v - mean)
		ssRes += (v - pred) * (v - pred)
	}
	fit.coef, fit.r2 = beta, 1
	if ssTot > 0 {
		fit.r2 = 1 - ssRes/ssTot
	}
	// A term worth less than a billionth of the largest time is rounding
	// error: shown as 0, not as "− 0.000 ns".
	top := 0.0
	for _, v := range y {
		top = max(top, math.Abs(v))
	}
	for j := range beta {
		if math.Abs(beta[j])*scale[j] < 1e-9*top {
			beta[j] = 0
		}
	}
	return fit
}

// plausible reports whether f could describe a cost: no term is clearly
// negative, where clearly means by more than tol of the smallest time (for
// the intercept) or of the largest (for a variable's whole term). A line
// that needs a negative fixed cost to pass near the points bends upwards:
// time grows faster than linearly.
func (f linearFit) plausible(xs [][]float64, y []float64, tol float64) bool {
	lo, hi := slices.Min(y), slices.Max(y)
	if f.coef[0] < -tol*lo {
		return false
	}
	for j, x := range xs {
		if f.coef[j+1]*slices.Max(x) < -tol*hi {
			return false
		}
	}
	return true
}

// fits reports whether f is a line through the points: plausible, with
// more points than parameters, and R² of linearR2 or more.
func (f linearFit) fits(xs [][]float64, y []float64, tol float64) bool {
	return f.ok() && !f.exact() && f.r2 >= linearR2 && f.plausible(xs, y, tol)
}

// A sizeVerdict says how a cell's time grows: short for the summary
// table, sentence for the cell's section.
type sizeVerdict struct{ short, sentence string }

// newSizeSeries gathers the cell called name from runs and fits it.
func newSizeSeries(name string, runs []*sizeRun, stats []map[string]*cellStat, opts SizesOptions) *sizeSeries {
	s := &sizeSeries{name: name}
	for i, r := range runs {
		c := stats[i][name]
		switch {
		case c == nil || !c.hasSamples():
			s.absent = append(s.absent, r)
		case c.mismatch:
			s.wrong = append(s.wrong, r)
		default:
			s.points = append(s.points, sizePoint{run: r, stat: c})
		}
	}
	files := make([]float64, len(s.points))
	bytes := make([]float64, len(s.points))
	wall := make([]float64, len(s.points))
	minMean, maxMean := math.Inf(1), 0.0
	for i, p := range s.points {
		files[i], bytes[i], wall[i] = p.run.files, p.run.bytes, p.wall()
		minMean, maxMean = min(minMean, p.run.meanFile()), max(maxMean, p.run.meanFile())
	}
	s.nfiles, s.nbytes, s.wall = files, bytes, wall
	if distinctValues(files) >= 2 {
		s.files = fitLinear([][]float64{files}, wall)
	}
	s.sizesDiffer = maxMean >= sizeSeparation*minMean
	s.separable = s.sizesDiffer && len(s.points) >= 3
	if s.separable {
		s.both = fitLinear([][]float64{files, bytes}, wall)
	}
	s.verdict = s.judge(opts.Tolerance)
	return s
}

// bestFit is the fit the summary shows: in files and bytes where it was
// made with points to spare, else in files.
func (s *sizeSeries) bestFit() linearFit {
	if s.separable && s.both.ok() && !s.both.exact() {
		return s.both
	}
	return s.files
}

// distinctValues counts the distinct values of xs.
func distinctValues(xs []float64) int {
	s := slices.Clone(xs)
	slices.Sort(s)
	return len(slices.Compact(s))
}

// spread returns the median of xs and the largest relative distance of a
// value from it.
func spread(xs []float64) (med, dev float64) {
	med = benchstats.Median(slices.Clone(xs))
	for _, x := range xs {
		dev = max(dev, math.Abs(x/med-1))
	}
	return med, dev
}

// judge says whether time grows linearly: in proportion to files or to
// bytes (each corpus's time per file or per MB within tol of their
// median), along a line in files and bytes, along a line in files with a
// fixed cost, or not at all.
func (s *sizeSeries) judge(tol float64) sizeVerdict {
	pts := s.points
	if len(pts) < 2 {
		return sizeVerdict{"—", "Measured on fewer than two corpora: nothing to compare."}
	}
	first, last := pts[0], pts[len(pts)-1]
	if !s.files.ok() {
		return sizeVerdict{"—", fmt.Sprintf("Every corpus it ran on has %d files: nothing to fit.", int64(first.run.files))}
	}
	perFile := make([]float64, len(pts))
	perMB := make([]float64, len(pts))
	for i, p := range pts {
		perFile[i], perMB[i] = p.perFile(), p.perMB()
	}
	medF, devF := spread(perFile)
	medB, devB := spread(perMB)
	pct := func(dev float64) string { return strconv.FormatFloat(100*dev, 'f', 1, 64) + "%" }
	tolText := "±" + strconv.FormatFloat(100*tol, 'f', 0, 64) + "%"
	goes := fmt.Sprintf("time per file goes from %s at %d files to %s at %d files",
		fmtDur(first.perFile()), int64(first.run.files), fmtDur(last.perFile()), int64(last.run.files))
	inFiles := [][]float64{s.nfiles}
	switch {
	case devF <= tol:
		return sizeVerdict{"∝ files", fmt.Sprintf("Time grows in proportion to files: time per file stays within ±%s of its median, %s, from %d to %d files (the criterion is %s).",
			pct(devF), fmtDur(medF), int64(first.run.files), int64(last.run.files), tolText)}
	case devB <= tol && s.sizesDiffer:
		return sizeVerdict{"∝ bytes", fmt.Sprintf("Time grows in proportion to bytes, not files: time per MB stays within ±%s of its median, %s, while %s (the corpora's mean file sizes differ).",
			pct(devB), fmtDur(medB), goes)}
	case s.separable && s.both.fits([][]float64{s.nfiles, s.nbytes}, s.wall, tol):
		return sizeVerdict{"linear in files + bytes", fmt.Sprintf("Time grows linearly with files and bytes together: %s fits with R² = %s, though neither time per file nor time per MB stays within %s (%s).",
			s.both.equation(), fmtR2(s.both.r2), tolText, goes)}
	case s.files.fits(inFiles, s.wall, tol):
		fixed := ""
		if a := s.files.coef[0]; a > 0 {
			fixed = fmt.Sprintf(": a fixed cost of %s, %s of the smallest corpus's time", fmtDur(a), pct(a/first.wall()))
		}
		return sizeVerdict{"linear + fixed cost", fmt.Sprintf("Time grows linearly with files, but not in proportion: %s fits with R² = %s%s; %s.",
			s.files.equation(), fmtR2(s.files.r2), fixed, goes)}
	case len(pts) == 2:
		change := strings.Replace(fmt.Sprintf("%+.1f%%", 100*(last.perFile()/first.perFile()-1)), "-", "−", 1)
		return sizeVerdict{"two sizes only", fmt.Sprintf("Not in proportion: %s (%s, outside %s). With two corpora a fixed cost and growth faster or slower than linear look alike: measure a third size to tell them apart.",
			goes, change, tolText)}
	}
	why := fmt.Sprintf("no line fits (R² = %s)", fmtR2(s.files.r2))
	if s.files.r2 >= linearR2 && !s.files.plausible(inFiles, s.wall, tol) {
		why = fmt.Sprintf("the line closest to the points, %s, needs a negative cost", s.files.equation())
	}
	if last.perFile() > first.perFile() {
		return sizeVerdict{"faster than linear", fmt.Sprintf("Time grows faster than linearly: %s, and %s.", goes, why)}
	}
	return sizeVerdict{"slower than linear", fmt.Sprintf("Time grows slower than linearly: %s, and %s.", goes, why)}
}

// equation writes the fit as "time = 5.00 ms + 2.00 µs·files (+ 1.00 ms·MB)".
func (f linearFit) equation() string {
	var b strings.Builder
	b.WriteString("time = " + strings.Replace(fmtDur(f.coef[0]), "-", "−", 1))
	term := func(v float64, unit string) {
		sign := "+"
		if v < 0 {
			sign, v = "−", -v
		}
		b.WriteString(" " + sign + " " + fmtDur(v) + "·" + unit)
	}
	term(f.coef[1], "files")
	if len(f.coef) > 2 {
		term(f.coef[2]*1e6, "MB")
	}
	return b.String()
}

// fmtR2 formats a coefficient of determination.
func fmtR2(r2 float64) string { return strconv.FormatFloat(r2, 'f', 4, 64) }

// fitText describes a fit for a cell's section.
func fitText(f linearFit, what string) string {
	switch {
	case !f.ok():
		return fmt.Sprintf("%s: no fit (the corpora's files and bytes are collinear).", what)
	case f.exact():
		return fmt.Sprintf("%s: %s, exact: as many corpora as parameters, so R² says nothing.", what, f.equation())
	}
	return fmt.Sprintf("%s: %s, R² = %s over %d corpora.", what, f.equation(), fmtR2(f.r2), f.n)
}

func sizesReport(dirs []string, runs []*record.Run, opts SizesOptions) []byte {
	opts = opts.withDefaults()
	thr := benchstats.Thresholds(benchstats.DefaultCriteria.Alpha)
	srs := make([]*sizeRun, len(runs))
	for i, r := range runs {
		srs[i] = &sizeRun{dir: dirs[i], run: r, files: float64(r.Corpus.Files), bytes: float64(r.Corpus.Bytes)}
	}
	slices.SortStableFunc(srs, func(a, b *sizeRun) int {
		return cmp.Or(cmp.Compare(a.files, b.files), cmp.Compare(a.bytes, b.bytes))
	})
	// Cells by full name in each run, and their order: the smallest
	// corpus's first, then any the others add.
	stats := make([]map[string]*cellStat, len(srs))
	var order []string
	seen := map[string]bool{}
	for i, r := range srs {
		stats[i] = map[string]*cellStat{}
		for j := range r.run.Cells {
			c := newCellStat(r.run, &r.run.Cells[j], opts.Confidence, thr)
			c.Name = r.run.Cells[j].FullName()
			stats[i][c.Name] = c
			if !seen[c.Name] {
				seen[c.Name] = true
				order = append(order, c.Name)
			}
		}
	}
	series := make([]*sizeSeries, len(order))
	for i, name := range order {
		series[i] = newSizeSeries(name, srs, stats, opts)
	}

	var b strings.Builder
	b.WriteString("# benchgrid sizes\n\n")
	fmt.Fprintf(&b, "How each cell's time grows with the corpus, over %d runs of the same cells on corpora of different sizes. "+
		"A cell's time is the median wall time of its samples on a corpus (± its %.0f%% confidence interval); time per file and per MB (10⁶ bytes) divide it by the corpus's files and bytes. "+
		"Fits are least squares over the medians: time = a + b·files, and time = a + b·files + c·bytes where the corpora's mean file sizes differ by %g× or more, enough to tell the cost of a file from the cost of a byte. "+
		"Time grows in proportion to files when every corpus's time per file is within ±%g%% of their median.\n\n",
		len(srs), 100*opts.Confidence, sizeSeparation, 100*opts.Tolerance)

	b.WriteString("## Runs\n\n")
	t := table{head: []string{"Run", "Corpus", "Files", "Bytes", "Mean file", "Started", "Commit", "Machine"}}
	for _, r := range srs {
		t.add(code(r.dir), code(r.run.Corpus.Path), strconv.FormatInt(r.run.Corpus.Files, 10), fmtBytes(r.bytes), fmtBytes(r.meanFile()),
			r.run.Started.UTC().Format("2006-01-02 15:04 MST"), text(cmpOr(r.run.Env.Commit, "(unknown)")),
			text(fmt.Sprintf("%s, %d CPUs, %s", cmpOr(r.run.Env.CPU, "(unknown CPU)"), r.run.Env.NumCPU, cmpOr(r.run.Env.GoVersion, "(unknown Go)"))))
	}
	t.write(&b)
	for _, w := range sizesWarnings(srs) {
		b.WriteString("**⚠ " + w + "**\n\n")
	}

	b.WriteString("## Summary\n\n")
	st := table{head: []string{"Cell", "Corpora", "Time per file, smallest → largest", "Fit", "R²", "Growth"}}
	for _, s := range series {
		perFile, eq, r2 := "—", "—", "—"
		if n := len(s.points); n > 0 {
			perFile = fmtDur(s.points[0].perFile())
			if n > 1 {
				perFile += " → " + fmtDur(s.points[n-1].perFile())
			}
		}
		if f := s.bestFit(); f.ok() {
			eq = f.equation()
			if !f.exact() {
				r2 = fmtR2(f.r2)
			}
		}
		st.add(code(s.name), strconv.Itoa(len(s.points)), perFile, eq, r2, s.verdict.short)
	}
	st.write(&b)

	b.WriteString("## Cells\n\n")
	for _, s := range series {
		b.WriteString("### " + code(s.name) + "\n\n")
		ct := table{head: []string{"Files", "Bytes", "Time", "Per file", "Per MB", "Run"}}
		for _, p := range s.points {
			ct.add(strconv.FormatInt(int64(p.run.files), 10), fmtBytes(p.run.bytes), fmtDur(p.wall())+" "+fmtCI(p.stat.wallS),
				fmtDur(p.perFile()), fmtDur(p.perMB()), code(p.run.dir))
		}
		if len(s.points) > 0 {
			ct.write(&b)
		}
		if s.files.ok() {
			b.WriteString("- " + fitText(s.files, "In files") + "\n")
		}
		switch {
		case s.separable:
			b.WriteString("- " + fitText(s.both, "In files and bytes") + "\n")
		case len(s.points) >= 2 && s.files.ok():
			b.WriteString("- " + notSeparated(s) + "\n")
		}
		b.WriteString("- " + s.verdict.sentence + "\n")
		if len(s.wrong) > 0 {
			b.WriteString("- Left out where it computed a wrong answer (a mismatch is never a data point): " + runList(s.wrong) + ".\n")
		}
		if len(s.absent) > 0 {
			b.WriteString("- Not measured in " + runList(s.absent) + ".\n")
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// notSeparated says why a cell has no fit in files and bytes.
func notSeparated(s *sizeSeries) string {
	lo, hi := math.Inf(1), 0.0
	for _, p := range s.points {
		lo, hi = min(lo, p.run.meanFile()), max(hi, p.run.meanFile())
	}
	if hi < sizeSeparation*lo {
		return fmt.Sprintf("Files and bytes not separated: the corpora's mean file sizes (%s to %s) differ by less than %g×, so bytes grow with files and no fit can tell their costs apart; add a corpus of another size profile (corpus gen -size).",
			fmtBytes(lo), fmtBytes(hi), sizeSeparation)
	}
	return fmt.Sprintf("Files and bytes not separated: three parameters need at least three corpora, and it ran on %d.", len(s.points))
}

// runList names runs as code spans, joined by commas.
func runList(rs []*sizeRun) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = code(r.dir)
	}
	return strings.Join(names, ", ")
}

// sizesWarnings says what makes the runs' times hard to compare: other
// machines, other Go, other GOMAXPROCS, runs cut short.
func sizesWarnings(rs []*sizeRun) []string {
	var out []string
	differ := func(what string, key func(r *record.Run) string) {
		vals := map[string]bool{}
		for _, r := range rs {
			vals[key(r.run)] = true
		}
		if len(vals) > 1 {
			out = append(out, text(fmt.Sprintf("The runs differ in %s: their times mix more than the corpus size.", what)))
		}
	}
	differ("CPU", func(r *record.Run) string { return r.Env.CPU })
	differ("CPU count", func(r *record.Run) string { return strconv.Itoa(r.Env.NumCPU) })
	differ("Go version", func(r *record.Run) string { return r.Env.GoVersion + " " + r.Env.GOEXPERIMENT })
	var incomplete []*sizeRun
	for _, r := range rs {
		if !r.run.Complete {
			incomplete = append(incomplete, r)
		}
	}
	if len(incomplete) > 0 {
		out = append(out, "Incomplete runs (interrupted, or still going): "+runList(incomplete)+".")
	}
	return out
}
