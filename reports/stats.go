package reports

import (
	"slices"
	"strings"

	"benchgrid/benchstats"
	"benchgrid/record"

	"golang.org/x/perf/benchmath"
)

// A cellStat is a cell and the statistics of its samples.
type cellStat struct {
	*record.Cell
	// Name labels the cell in the report: record.Run.Label, which adds
	// the GOMAXPROCS suffix when the run varies it. It shadows Cell.Name.
	Name string
	// wall holds the wall times in nanoseconds and mbps the throughputs,
	// both sorted ascending.
	wall, mbps []float64
	wallS      benchmath.Summary
	mbpsS      benchmath.Summary
	// Medians of the other measurements.
	cpu, allocB, allocN, gc, rss float64
	// cv is the coefficient of variation of the wall times.
	cv       float64
	mismatch bool
	// floor is the cell's reading floor, if any (see findFloors).
	floor *cellStat
}

func (c *cellStat) n() int           { return len(c.wall) }
func (c *cellStat) median() float64  { return c.wallS.Center }
func (c *cellStat) hasSamples() bool { return len(c.wall) > 0 }
func (c *cellStat) value(a axis) string {
	v, _ := record.Value(c.Axes, a.name)
	return v
}

// eligible reports whether c can be a baseline, a best or a level of an
// axis: it ran, it computes an answer, and that answer was never wrong.
func (c *cellStat) eligible() bool { return c.hasSamples() && !c.ReadOnly && !c.mismatch }

func newCellStat(run *record.Run, c *record.Cell, confidence float64, thr *benchmath.Thresholds) *cellStat {
	s := &cellStat{Cell: c, Name: run.Label(c)}
	var cpu, ab, an, gc, rss []float64
	for _, x := range c.Samples {
		s.wall = append(s.wall, float64(x.WallNs))
		s.mbps = append(s.mbps, x.MBPerSec())
		cpu = append(cpu, float64(x.CPUNs()))
		ab = append(ab, float64(x.AllocBytes))
		an = append(an, float64(x.AllocObjects))
		gc = append(gc, float64(x.GCCycles))
		rss = append(rss, float64(x.PeakRSS))
	}
	for _, f := range c.Failures {
		if f.Kind == record.FailMismatch {
			s.mismatch = true
		}
	}
	if len(s.wall) == 0 {
		return s
	}
	s.wallS = benchmath.AssumeNothing.Summary(benchmath.NewSample(s.wall, thr), confidence)
	s.mbpsS = benchmath.AssumeNothing.Summary(benchmath.NewSample(s.mbps, thr), confidence)
	s.cpu, s.allocB, s.allocN, s.gc, s.rss = median(cpu), median(ab), median(an), median(gc), median(rss)
	s.cv = cv(s.wall)
	return s
}

// median returns the median of xs, sorting it in place.
func median(xs []float64) float64 { return benchstats.Median(xs) }

// cv is benchstats.CV.
func cv(xs []float64) float64 { return benchstats.CV(xs) }

// compare runs benchstat's test (Mann-Whitney U) on the wall times of a
// and b.
func compare(a, b *cellStat, thr *benchmath.Thresholds) benchmath.Comparison {
	return benchmath.AssumeNothing.Compare(
		benchmath.NewSample(slices.Clone(a.wall), thr),
		benchmath.NewSample(slices.Clone(b.wall), thr))
}

// An interval is a confidence interval of a ratio; ok is false when the
// samples are too small to have one.
type interval struct {
	lo, hi float64
	ok     bool
}

// bootstrapRatio is benchstats.BootstrapRatio as an interval.
func bootstrapRatio(num, den []float64, confidence float64, resamples int, seed uint64) interval {
	lo, hi, ok := benchstats.BootstrapRatio(num, den, confidence, resamples, seed)
	return interval{lo, hi, ok}
}

// label names a cell by the values of the given axes, joined by "/"; it
// is the short form charts use.
func label(c *cellStat, as []axis) string {
	var parts []string
	for _, a := range as {
		parts = append(parts, c.value(a))
	}
	return strings.Join(parts, "/")
}

// settings names a cell by "axis=value" pairs of the given axes.
func settings(c *cellStat, as []axis) string {
	var parts []string
	for _, a := range as {
		parts = append(parts, a.name+"="+c.value(a))
	}
	return strings.Join(parts, ", ")
}
