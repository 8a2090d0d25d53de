package reports

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"benchgrid/benchstats"
	"benchgrid/record"

	"golang.org/x/perf/benchmath"
)

// A Normalization is how Compare corrects for the drift between two runs
// measured at different times, on a machine whose speed wanders: each
// cell's wall times are divided by an anchor measured in the same run
// before the runs are tested, so that a slowdown common to the whole run
// cancels.
type Normalization string

const (
	// NormalizeGeomean divides the new run's wall times by the run's
	// drift: the median, over the cells both runs measured, of each
	// cell's ratio of its new median to its old. A median rather than the
	// geometric mean of the medians: a few cells that really changed,
	// however much, do not move it, where they move a geometric mean by
	// a k-th root of their change. (The name is the flag's, kept.) It
	// needs minGeomeanCells shared cells; with fewer, Compare does not
	// normalise.
	NormalizeGeomean Normalization = "geomean"
	// NormalizeFloor divides each cell by the median of its reading
	// floor (the cell of the roles' Floor that reads the files as it
	// does) when both runs have that floor; other cells, the floors
	// among them, by the geometric mean.
	NormalizeFloor Normalization = "floor"
	// NormalizeNone compares the wall times as measured.
	NormalizeNone Normalization = "none"
)

// Normalizations are the valid values of CompareOptions.Normalize, the
// default first.
var Normalizations = []Normalization{NormalizeGeomean, NormalizeFloor, NormalizeNone}

// minGeomeanCells is the fewest shared cells the drift anchors: with one
// or two cells the median ratio is (or averages) the cells' own change.
const minGeomeanCells = 3

// CompareOptions tunes Compare. The zero value is ready to use.
type CompareOptions struct {
	// Threshold is the relative slowdown of the normalised median wall
	// time beyond which a significant change is a regression; 0 means
	// 0.05 (5%).
	Threshold float64
	// Normalize is the drift correction; "" means NormalizeGeomean.
	Normalize Normalization
	// Criteria are the significance level and the level of confidence
	// intervals; zero fields mean benchstats.DefaultCriteria. A comparison
	// draws no bootstrap interval: Resamples and Seed are not used.
	benchstats.Criteria
}

func (o CompareOptions) withDefaults() CompareOptions {
	if o.Threshold == 0 {
		o.Threshold = 0.05
	}
	if o.Normalize == "" {
		o.Normalize = NormalizeGeomean
	}
	o.Criteria = o.Criteria.WithDefaults()
	return o
}

// Compare compares the runs in oldDir and newDir cell by cell, as benchstat
// compares two files, after normalising for drift (opts.Normalize): each
// cell's median wall time, the delta of the normalised medians, the
// Mann-Whitney U p-value of the normalised wall times adjusted by
// Holm–Bonferroni over the cells compared ("~" when not significant), and
// a geomean row over the cells both measured. It returns the comparison as
// markdown and the names of the regressed cells, in the new run's order:
// those whose normalised median grew by more than opts.Threshold with an
// adjusted p < opts.Alpha.
func Compare(ctx context.Context, oldDir, newDir string, opts CompareOptions) (md []byte, regressed []string, err error) {
	opts = opts.withDefaults()
	if !slices.Contains(Normalizations, opts.Normalize) {
		return nil, nil, fmt.Errorf("compare: unknown normalisation %q", opts.Normalize)
	}
	oldRun, err := record.Read(oldDir)
	if err != nil {
		return nil, nil, fmt.Errorf("compare: old run: %w", err)
	}
	newRun, err := record.Read(newDir)
	if err != nil {
		return nil, nil, fmt.Errorf("compare: new run: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if o, n := oldRun.WorkloadName(), newRun.WorkloadName(); o != n {
		return nil, nil, fmt.Errorf("compare: %s ran the %s workload and %s the %s workload: their cells measure different work", oldDir, o, newDir, n)
	}
	md, regressed = compareRuns(oldDir, newDir, oldRun, newRun, opts)
	return md, regressed, nil
}

// A compared cell is one row of the comparison: the cell in both runs,
// its normalised wall times in each, and the test.
type compared struct {
	name       string
	old, new   *cellStat
	oldX, newX []float64 // normalised wall times
	byFloor    bool
	cm         benchmath.Comparison // P adjusted by Holm
}

// normOld and normNew are the cell's normalised medians.
func (c *compared) normOld() float64 { return median(slices.Clone(c.oldX)) }
func (c *compared) normNew() float64 { return median(slices.Clone(c.newX)) }

func compareRuns(oldDir, newDir string, oldRun, newRun *record.Run, opts CompareOptions) ([]byte, []string) {
	thr := benchstats.Thresholds(opts.Alpha)
	stats := func(r *record.Run) (order []string, m map[string]*cellStat) {
		r.Upgrade() // a run built in memory has not been through record.Read
		m = map[string]*cellStat{}
		var all []*cellStat
		for i := range r.Cells {
			// Matched by full name: cells that differ only in
			// GOMAXPROCS are different cells.
			c := newCellStat(r, &r.Cells[i], opts.Confidence, thr)
			c.Name = r.Cells[i].FullName()
			if m[c.Name] == nil {
				order = append(order, c.Name)
			}
			m[c.Name] = c
			all = append(all, c)
		}
		if opts.Normalize == NormalizeFloor {
			linkFloors(r, all)
		}
		return order, m
	}
	oldOrder, olds := stats(oldRun)
	newOrder, news := stats(newRun)

	var rows []*compared
	var unsampled, onlyOld, onlyNew []string
	var logOld, logNew float64
	for _, name := range newOrder {
		n, o := news[name], olds[name]
		switch {
		case o == nil:
			onlyNew = append(onlyNew, name)
		case !o.hasSamples() || !n.hasSamples():
			unsampled = append(unsampled, name)
		default:
			rows = append(rows, &compared{name: name, old: o, new: n, oldX: o.wall, newX: n.wall})
			logOld += math.Log(o.median())
			logNew += math.Log(n.median())
		}
	}
	for _, name := range oldOrder {
		if news[name] == nil {
			onlyOld = append(onlyOld, name)
		}
	}
	var gOld, gNew float64
	if k := float64(len(rows)); k > 0 {
		gOld, gNew = math.Exp(logOld/k), math.Exp(logNew/k)
	}
	var ratios []float64
	for _, r := range rows {
		ratios = append(ratios, r.new.median()/r.old.median())
	}
	drift := median(ratios)
	geomean := opts.Normalize != NormalizeNone && len(rows) >= minGeomeanCells && drift > 0 && !math.IsInf(drift, 0)
	var floors int
	for _, r := range rows {
		fo, fn := r.old.floor, r.new.floor
		if opts.Normalize == NormalizeFloor && fo != nil && fn != nil && fo.Name == fn.Name {
			xo, xn := perRound(r.old, fo), perRound(r.new, fn)
			if len(xo) > 0 && len(xn) > 0 {
				r.oldX, r.newX, r.byFloor = xo, xn, true
				floors++
			}
		}
		if !r.byFloor && geomean {
			r.oldX, r.newX = r.old.wall, scaled(r.new.wall, drift)
		}
		r.cm = benchmath.AssumeNothing.Compare(benchmath.NewSample(slices.Clone(r.oldX), thr), benchmath.NewSample(slices.Clone(r.newX), thr))
	}
	ps := make([]float64, len(rows))
	for i, r := range rows {
		ps[i] = r.cm.P
	}
	for i, p := range benchstats.Holm(ps) {
		rows[i].cm.P = p
	}
	normalised := geomean || floors > 0

	var b strings.Builder
	b.WriteString("# benchgrid comparison\n\n")
	t := table{head: []string{"", "Old", "New"}}
	t.add("Run", code(oldDir), code(newDir))
	t.add("Started", oldRun.Started.UTC().Format("2006-01-02 15:04:05 MST"), newRun.Started.UTC().Format("2006-01-02 15:04:05 MST"))
	t.add("Commit", text(cmpOr(oldRun.Env.Commit, "(unknown)")), text(cmpOr(newRun.Env.Commit, "(unknown)")))
	t.add("Go", text(oldRun.Env.GoVersion), text(newRun.Env.GoVersion))
	t.add("Machine", text(oldRun.Env.CPU), text(newRun.Env.CPU))
	t.add("Corpus", fmt.Sprintf("%d files, %d bytes", oldRun.Corpus.Files, oldRun.Corpus.Bytes), fmt.Sprintf("%d files, %d bytes", newRun.Corpus.Files, newRun.Corpus.Bytes))
	t.add("Workload", text(workloadText(oldRun)), text(workloadText(newRun)))
	t.write(&b)
	if configDigest(oldRun) != configDigest(newRun) {
		b.WriteString("**⚠ The runs' workload configurations differ (the query files' SHA-256): the cells answered different questions, so the comparison may be meaningless.**\n\n")
	}
	if oldRun.Corpus.Digest != newRun.Corpus.Digest || oldRun.Corpus.Bytes != newRun.Corpus.Bytes {
		b.WriteString("**⚠ The runs measured different corpora (reference digest or size differ): the comparison may be meaningless.**\n\n")
	}
	if !oldRun.Complete || !newRun.Complete {
		b.WriteString("**Note: at least one run is incomplete.**\n\n")
	}
	b.WriteString(normalisationText(opts.Normalize, len(rows), floors, geomean, drift))

	deltaHead, measured := "vs old", ""
	if normalised {
		deltaHead, measured = "vs old (normalised)", " as measured"
	}
	fmt.Fprintf(&b, "## Wall time\n\nMedian wall time per cell%s ± the %.0f%% CI; delta of the %smedians; Mann-Whitney U p-value%s, adjusted by Holm–Bonferroni over the %d cells compared; \"~\" where the adjusted p ≥ α=%g. A cell regressed (improved) when its %smedian grew (shrank) by more than %g%% with an adjusted p < %g.\n\n",
		measured, 100*opts.Confidence, normalisedWord(normalised), ofNormalised(normalised), len(rows), opts.Alpha, normalisedWord(normalised), 100*opts.Threshold, opts.Alpha)
	wt := table{head: []string{"Cell", "Old", "New", deltaHead, "p", "Verdict"}}
	var regressed, notes []string
	next := 0
	for _, name := range newOrder {
		if slices.Contains(unsampled, name) {
			wt.add(text(name), sampleText(olds[name]), sampleText(news[name]), "?", "", "no samples to compare")
			continue
		}
		if next >= len(rows) || rows[next].name != name {
			continue // only in the new run
		}
		r := rows[next]
		next++
		verdict := ""
		switch {
		case regression(r, opts):
			verdict = "**REGRESSED**"
			regressed = append(regressed, name)
		case improvement(r, opts):
			verdict = "improved"
		}
		switch {
		case r.new.mismatch && !r.old.mismatch:
			verdict = strings.TrimPrefix(verdict+", **new MISMATCH**", ", ")
		case r.new.mismatch:
			verdict = strings.TrimPrefix(verdict+", MISMATCH in both runs", ", ")
		}
		wt.add(text(name), sampleText(r.old), sampleText(r.new), fmtDelta(r.cm, opts.Alpha, r.normOld(), r.normNew()), fmtP(r.cm), verdict)
		for _, w := range r.cm.Warnings {
			notes = append(notes, fmt.Sprintf("%s: %v", name, w))
		}
	}
	if len(rows) > 0 {
		label := "**geomean**"
		if normalised {
			label = "**geomean**, as measured"
		}
		wt.add(label, fmtDur(gOld), fmtDur(gNew), fmt.Sprintf("%+.2f%%", (gNew/gOld-1)*100), "", "")
	}
	wt.write(&b)

	if len(regressed) > 0 {
		fmt.Fprintf(&b, "**%d cell(s) regressed:** %s\n\n", len(regressed), text(strings.Join(regressed, ", ")))
	} else {
		b.WriteString("No cell regressed.\n\n")
	}
	b.WriteString(footnote(opts, len(rows), floors, geomean, drift))
	if len(onlyOld) > 0 || len(onlyNew) > 0 || len(notes) > 0 {
		b.WriteString("## Notes\n\n")
		for _, name := range onlyOld {
			fmt.Fprintf(&b, "- Only in the old run: %s\n", text(name))
		}
		for _, name := range onlyNew {
			fmt.Fprintf(&b, "- Only in the new run: %s\n", text(name))
		}
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", text(n))
		}
		b.WriteString("\n")
	}
	return []byte(b.String()), regressed
}

// scaled returns the wall times divided by anchor.
func scaled(wall []float64, anchor float64) []float64 {
	xs := make([]float64, len(wall))
	for i, w := range wall {
		xs[i] = w / anchor
	}
	return xs
}

// perRound returns c's wall times each divided by its floor's wall time
// in the same round: every round runs every cell once, so the ratio
// cancels the drift within the run too, and it carries the floor's own
// noise into the test (dividing by the floor's median would hide it).
// Rounds in which the floor has no positive sample are left out.
func perRound(c, floor *cellStat) []float64 {
	fw := map[int]float64{}
	for _, s := range floor.Samples {
		if s.WallNs > 0 {
			fw[s.Round] = float64(s.WallNs)
		}
	}
	var xs []float64
	for _, s := range c.Samples {
		if f, ok := fw[s.Round]; ok {
			xs = append(xs, float64(s.WallNs)/f)
		}
	}
	return xs
}

// linkFloors gives each of run's cells its reading floor, as the report
// finds it.
func linkFloors(run *record.Run, cells []*cellStat) {
	a := &analysis{run: run, axes: runAxes(run), roles: *run.Roles, cells: cells}
	for _, c := range cells {
		if c.hasSamples() {
			a.ranked = append(a.ranked, c)
		}
	}
	a.findFloors()
}

func normalisedWord(normalised bool) string {
	if normalised {
		return "normalised "
	}
	return ""
}

func ofNormalised(normalised bool) string {
	if normalised {
		return " of the normalised wall times"
	}
	return ""
}

// normalisationText is the paragraph under the header that says how the
// runs were normalised for drift.
func normalisationText(mode Normalization, shared, floors int, geomean bool, drift float64) string {
	gm := fmt.Sprintf("drift, the median over the %d cells both runs measured of each cell's new median over its old (%+.2f%%)",
		shared, (drift-1)*100)
	switch {
	case mode == NormalizeNone:
		return "**Not normalised** (`-normalize none`): the wall times are compared as measured, so drift between the runs shows as changes.\n\n"
	case mode == NormalizeFloor && floors > 0:
		rest := ""
		if other := shared - floors; other > 0 && geomean {
			rest = fmt.Sprintf(" The other %d (the floors themselves, and cells without a floor in both runs) have their new wall times divided by the %s.", other, gm)
		} else if other > 0 {
			rest = fmt.Sprintf(" The other %d (the floors themselves, and cells without a floor in both runs) are compared as measured.", other)
		}
		return fmt.Sprintf("**Normalised by the reading floor** (`-normalize floor`): the wall times of %d cells are divided by their reading floor's wall time in the same round before testing, so drift common to a run, or to a round, cancels.%s\n\n", floors, rest)
	case geomean:
		return fmt.Sprintf("**Normalised for drift** (`-normalize %s`): each cell's new wall times are divided by the run's %s before testing, so drift common to a run cancels, and a few cells that really changed do not move the anchor.\n\n", mode, gm)
	}
	return fmt.Sprintf("**Not normalised**: `-normalize %s` needs a reading floor in both runs or at least %d cells both runs measured, and these runs share %d; the wall times are compared as measured.\n\n", mode, minGeomeanCells, shared)
}

// footnote restates the method under the verdict.
func footnote(opts CompareOptions, shared, floors int, geomean bool, drift float64) string {
	var how string
	switch {
	case floors > 0:
		how = fmt.Sprintf("Normalised by the reading floor (%d cells)", floors)
		if geomean && shared > floors {
			how += fmt.Sprintf(" and the median drift (%d cells)", shared-floors)
		}
		how += "; a change that slows a cell and its floor alike is divided out with the drift"
	case geomean:
		how = fmt.Sprintf("Normalised by the median drift (%+.2f%%); a change that slows every cell alike is divided out with the drift: see the geomean row, as measured", (drift-1)*100)
	default:
		how = "Not normalised for drift"
	}
	return fmt.Sprintf("_%s. p-values adjusted by Holm–Bonferroni over %d comparisons: the chance of any false verdict among them is at most α=%g._\n\n", how, shared, opts.Alpha)
}

// regression reports whether the cell's normalised median grew by more
// than the threshold, significantly after adjustment.
func regression(r *compared, opts CompareOptions) bool {
	return r.cm.P < opts.Alpha && r.normNew() > r.normOld()*(1+opts.Threshold)
}

// improvement reports whether the cell's normalised median shrank by more
// than the threshold, significantly after adjustment: the regression's
// rule, the other way.
func improvement(r *compared, opts CompareOptions) bool {
	return r.cm.P < opts.Alpha && r.normNew() < r.normOld()*(1-opts.Threshold)
}

func sampleText(c *cellStat) string {
	if !c.hasSamples() {
		return "no samples"
	}
	return fmtDur(c.median()) + " " + fmtCI(c.wallS)
}

// workloadText names r's workload, with its configuration's digest.
func workloadText(r *record.Run) string {
	if d := configDigest(r); d != "" {
		return r.WorkloadName() + " (configuration " + d[:min(12, len(d))] + "…)"
	}
	return r.WorkloadName()
}

func configDigest(r *record.Run) string {
	if r.Workload == nil {
		return ""
	}
	return r.Workload.ConfigDigest
}
