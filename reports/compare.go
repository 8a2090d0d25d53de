package reports

import (
	"context"
	"fmt"
	"math"
	"strings"

	"benchgrid/benchstats"
	"benchgrid/record"
	"golang.org/x/perf/benchmath"
)

// CompareOptions tunes Compare. The zero value is ready to use.
type CompareOptions struct {
	// Threshold is the relative slowdown of the median wall time beyond
	// which a significant change is a regression; 0 means 0.05 (5%).
	Threshold float64
	// Criteria are the significance level and the level of confidence
	// intervals; zero fields mean benchstats.DefaultCriteria. A comparison
	// draws no bootstrap interval: Resamples and Seed are not used.
	benchstats.Criteria
}

func (o CompareOptions) withDefaults() CompareOptions {
	if o.Threshold == 0 {
		o.Threshold = 0.05
	}
	o.Criteria = o.Criteria.WithDefaults()
	return o
}

// Compare compares the runs in oldDir and newDir cell by cell, as benchstat
// compares two files: each cell's median wall time, the delta, the
// Mann-Whitney U p-value ("~" when not significant), and a geomean row over
// the cells both measured. It returns the comparison as markdown and the
// names of the regressed cells, in the new run's order: those whose median
// wall time grew by more than opts.Threshold with p < opts.Alpha.
func Compare(ctx context.Context, oldDir, newDir string, opts CompareOptions) (md []byte, regressed []string, err error) {
	opts = opts.withDefaults()
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
	md, regressed = compareRuns(oldDir, newDir, oldRun, newRun, opts)
	return md, regressed, nil
}

func compareRuns(oldDir, newDir string, oldRun, newRun *record.Run, opts CompareOptions) ([]byte, []string) {
	thr := benchstats.Thresholds(opts.Alpha)
	stats := func(r *record.Run) (order []string, m map[string]*cellStat) {
		m = map[string]*cellStat{}
		for i := range r.Cells {
			// Matched by full name: cells that differ only in
			// GOMAXPROCS are different cells.
			c := newCellStat(r, &r.Cells[i], opts.Confidence, thr)
			c.Name = r.Cells[i].FullName()
			if m[c.Name] == nil {
				order = append(order, c.Name)
			}
			m[c.Name] = c
		}
		return order, m
	}
	oldOrder, olds := stats(oldRun)
	newOrder, news := stats(newRun)

	var b strings.Builder
	b.WriteString("# benchgrid comparison\n\n")
	t := table{head: []string{"", "Old", "New"}}
	t.add("Run", code(oldDir), code(newDir))
	t.add("Started", oldRun.Started.UTC().Format("2006-01-02 15:04:05 MST"), newRun.Started.UTC().Format("2006-01-02 15:04:05 MST"))
	t.add("Commit", text(cmpOr(oldRun.Env.Commit, "(unknown)")), text(cmpOr(newRun.Env.Commit, "(unknown)")))
	t.add("Go", text(oldRun.Env.GoVersion), text(newRun.Env.GoVersion))
	t.add("Machine", text(oldRun.Env.CPU), text(newRun.Env.CPU))
	t.add("Corpus", fmt.Sprintf("%d files, %d bytes", oldRun.Corpus.Files, oldRun.Corpus.Bytes), fmt.Sprintf("%d files, %d bytes", newRun.Corpus.Files, newRun.Corpus.Bytes))
	t.write(&b)
	if oldRun.Corpus.Digest != newRun.Corpus.Digest || oldRun.Corpus.Bytes != newRun.Corpus.Bytes {
		b.WriteString("**⚠ The runs measured different corpora (reference digest or size differ): the comparison may be meaningless.**\n\n")
	}
	if !oldRun.Complete || !newRun.Complete {
		b.WriteString("**Note: at least one run is incomplete.**\n\n")
	}

	fmt.Fprintf(&b, "## Wall time\n\nMedian wall time per cell ± the %.0f%% CI; delta of the medians; Mann-Whitney U p-value; \"~\" where p ≥ α=%g. A cell regressed when its median grew by more than %g%% with p < %g.\n\n",
		100*opts.Confidence, opts.Alpha, 100*opts.Threshold, opts.Alpha)
	wt := table{head: []string{"Cell", "Old", "New", "vs old", "p", "Verdict"}}
	var regressed, onlyOld, onlyNew, notes []string
	var logOld, logNew float64
	var paired int
	for _, name := range newOrder {
		n, o := news[name], olds[name]
		if o == nil {
			onlyNew = append(onlyNew, name)
			continue
		}
		if !o.hasSamples() || !n.hasSamples() {
			wt.add(text(name), sampleText(o), sampleText(n), "?", "", "no samples to compare")
			continue
		}
		cm := compare(o, n, thr)
		verdict := ""
		switch {
		case regression(o, n, cm, opts):
			verdict = "**REGRESSED**"
			regressed = append(regressed, name)
		case cm.P < opts.Alpha && n.median() < o.median():
			verdict = "improved"
		}
		switch {
		case n.mismatch && !o.mismatch:
			verdict = strings.TrimPrefix(verdict+", **new MISMATCH**", ", ")
		case n.mismatch:
			verdict = strings.TrimPrefix(verdict+", MISMATCH in both runs", ", ")
		}
		wt.add(text(name), sampleText(o), sampleText(n), fmtDelta(cm, opts.Alpha, o.median(), n.median()), fmtP(cm), verdict)
		logOld += math.Log(o.median())
		logNew += math.Log(n.median())
		paired++
		for _, w := range cm.Warnings {
			notes = append(notes, fmt.Sprintf("%s: %v", name, w))
		}
	}
	for _, name := range oldOrder {
		if news[name] == nil {
			onlyOld = append(onlyOld, name)
		}
	}
	if paired > 0 {
		gOld, gNew := math.Exp(logOld/float64(paired)), math.Exp(logNew/float64(paired))
		wt.add("**geomean**", fmtDur(gOld), fmtDur(gNew), fmt.Sprintf("%+.2f%%", (gNew/gOld-1)*100), "", "")
	}
	wt.write(&b)

	if len(regressed) > 0 {
		fmt.Fprintf(&b, "**%d cell(s) regressed:** %s\n\n", len(regressed), text(strings.Join(regressed, ", ")))
	} else {
		b.WriteString("No cell regressed.\n\n")
	}
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

// regression reports whether new is slower than old by more than the
// threshold, significantly.
func regression(old, new *cellStat, cm benchmath.Comparison, opts CompareOptions) bool {
	return cm.P < opts.Alpha && new.median() > old.median()*(1+opts.Threshold)
}

func sampleText(c *cellStat) string {
	if !c.hasSamples() {
		return "no samples"
	}
	return fmtDur(c.median()) + " " + fmtCI(c.wallS)
}
