package study

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchmath"

	"benchgrid/benchstats"
	"benchgrid/record"
)

// DefaultMinGain is the smallest gain the command adopts: a change must
// make the median at least 1% faster as well as be significant, so that
// among a score of candidates a noise-level "win" does not cost a step.
const DefaultMinGain = 0.01

// Criteria decide when a candidate is taken: the statistics criteria the
// run reports use too, and a minimum gain. The zero value means
// benchstats.DefaultCriteria and no minimum gain.
type Criteria struct {
	benchstats.Criteria
	// MinGain is the smallest relative gain adopted: 0.01 takes only
	// changes at least 1% faster by median.
	MinGain float64
}

func (c Criteria) withDefaults() Criteria {
	c.Criteria = c.Criteria.WithDefaults()
	return c
}

// A Trial is one candidate tried on the current configuration.
type Trial struct {
	Change record.StudyChange
	// Config is the configuration measured.
	Config record.StudyConfig
	// Cell is its measurement, nil when it was not measured; Status and
	// Reason then say why (TrialUnavailable, TrialSkipped).
	Cell   *record.Cell
	Status string
	Reason string
}

// A Decision is the outcome of one selection step.
type Decision struct {
	// Trials are the tried candidates, in order, with their figures and
	// status.
	Trials []record.StudyTrial
	// Taken is the index of the adopted candidate, or -1.
	Taken int
	// Reason says what was decided and why, in a sentence.
	Reason string
}

// Select is forward selection's decision: among the candidates tried on
// the current configuration, it takes the one with the largest
// significant gain — the lowest median wall-time ratio among those faster
// by Mann-Whitney U at p < Alpha and by at least MinGain — or none. A
// candidate with any failed sample (a crash, a timeout, a wrong answer) is
// never taken. Select is pure: the same input gives the same decision.
//
// It fails only when the current configuration has no sample to compare
// with.
func Select(current *record.Cell, tried []Trial, crit Criteria) (Decision, error) {
	crit = crit.withDefaults()
	d := Decision{Taken: -1}
	if current == nil || len(current.Samples) == 0 {
		return d, errors.New("the current configuration has no sample to compare with")
	}
	if reason := failures(current); reason != "" {
		return d, fmt.Errorf("the current configuration failed: %s", reason)
	}
	thr := benchstats.Thresholds(crit.Alpha)
	cur := wallTimes(current)
	closest := -1 // the fastest measured candidate, significant or not
	for i, t := range tried {
		tr := record.StudyTrial{Change: t.Change.Name, Class: t.Change.Class, Config: t.Config, Status: t.Status, Reason: t.Reason}
		if t.Cell == nil || len(t.Cell.Samples) == 0 && len(t.Cell.Failures) == 0 {
			if tr.Status == "" {
				tr.Status = record.TrialSkipped
			}
			if tr.Reason == "" {
				tr.Reason = "not measured: the run ended before it"
			}
			d.Trials = append(d.Trials, tr)
			continue
		}
		tr.Status, tr.Reason = "", ""
		if len(t.Cell.Samples) > 0 {
			xs := wallTimes(t.Cell)
			tr.Figures = figures(xs, crit.Confidence, thr)
			tr.Ratio = finite(median(xs) / median(cur))
			if lo, hi, ok := bootstrapRatio(xs, cur, crit.Confidence, crit.Resamples, crit.Seed); ok {
				tr.Lo, tr.Hi = finite(lo), finite(hi)
			}
			cmp := benchmath.AssumeNothing.Compare(benchmath.NewSample(slices.Clone(cur), thr), benchmath.NewSample(slices.Clone(xs), thr))
			tr.P = finite(cmp.P)
		}
		switch reason := failures(t.Cell); {
		case reason != "":
			tr.Status, tr.Reason = record.TrialFailed, reason
		case tr.P < crit.Alpha && tr.Ratio < 1:
			tr.Status = record.TrialFaster
			if 1-tr.Ratio < crit.MinGain {
				tr.Reason = fmt.Sprintf("below the minimum gain of %s", pct(crit.MinGain))
			} else if d.Taken < 0 || tr.Ratio < d.Trials[d.Taken].Ratio {
				d.Taken = i
			}
		case tr.P < crit.Alpha && tr.Ratio > 1:
			tr.Status = record.TrialSlower
		default:
			tr.Status = record.TrialSame
		}
		if tr.Status != record.TrialFailed && (closest < 0 || tr.Ratio < d.Trials[closest].Ratio) {
			closest = i
		}
		d.Trials = append(d.Trials, tr)
	}
	switch {
	case d.Taken >= 0:
		t := &d.Trials[d.Taken]
		t.Adopted = true
		d.Reason = fmt.Sprintf("adopted %s: %s faster%s (p=%.3f)", t.Change, times(1/t.Ratio), interval(t), t.P)
	case closest >= 0:
		t := d.Trials[closest]
		d.Reason = fmt.Sprintf("stopped: no candidate was significantly faster by at least %s (closest: %s at %s of the time, p=%.3f)",
			pct(crit.MinGain), t.Change, times(t.Ratio), t.P)
	default:
		d.Reason = "stopped: no candidate could be measured"
	}
	return d, nil
}

// failures summarizes a cell's failed samples, or returns "".
func failures(c *record.Cell) string {
	if len(c.Failures) == 0 {
		return ""
	}
	f := c.Failures[0]
	for _, g := range c.Failures {
		if g.Kind == record.FailMismatch {
			f = g
			break
		}
	}
	return fmt.Sprintf("%d of %d samples failed (%s: %s)", len(c.Failures), len(c.Failures)+len(c.Samples), f.Kind, f.Reason)
}

// wallTimes returns c's wall times in nanoseconds, sorted.
func wallTimes(c *record.Cell) []float64 {
	xs := make([]float64, len(c.Samples))
	for i, s := range c.Samples {
		xs[i] = float64(s.WallNs)
	}
	slices.Sort(xs)
	return xs
}

// figures summarizes wall times as benchstat does: the median and its
// confidence interval (0 bounds when the sample is too small for one).
func figures(xs []float64, confidence float64, thr *benchmath.Thresholds) record.StudyFigures {
	if len(xs) == 0 {
		return record.StudyFigures{}
	}
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(slices.Clone(xs), thr), confidence)
	return record.StudyFigures{N: len(xs), MedianNs: finite(s.Center), LoNs: finite(s.Lo), HiNs: finite(s.Hi)}
}

// finite maps infinities and NaN, which JSON cannot hold, to 0: "none".
func finite(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return 0
	}
	return x
}

// median returns the median of xs (sorted in place).
func median(xs []float64) float64 { return benchstats.Median(xs) }

// bootstrapRatio is benchstats.BootstrapRatio: the same interval as the
// run reports give for the same two samples.
func bootstrapRatio(num, den []float64, confidence float64, resamples int, seed uint64) (lo, hi float64, ok bool) {
	return benchstats.BootstrapRatio(num, den, confidence, resamples, seed)
}

// times formats a multiple: "2.21×".
func times(r float64) string { return strconv.FormatFloat(r, 'f', 2, 64) + "×" }

// pct formats a fraction as a percentage: "1%".
func pct(f float64) string { return strconv.FormatFloat(100*f, 'f', -1, 64) + "%" }

// interval formats the speedup interval of a trial, " [2.10–2.30×]", or
// "" when it has none.
func interval(t *record.StudyTrial) string {
	if t.Lo <= 0 || t.Hi <= 0 {
		return ""
	}
	return " [" + strings.TrimSuffix(times(1/t.Hi), "×") + "–" + times(1/t.Lo) + "]"
}
