// Package benchstats holds the statistics that golang.org/x/perf/benchmath
// does not provide and that both the study (deciding) and the reports
// (describing) need: the median and a seeded bootstrap confidence interval
// of a ratio of medians, the Holm–Bonferroni adjustment of a family of
// p-values, and paired comparisons from per-round log ratios (PairedLog,
// Resolvable, SamplesFor). One implementation, so that study.md and
// report.md give the same interval for the same two samples. It also
// builds the benchmath.Thresholds they both test with.
//
// It is a leaf: it imports nothing of benchgrid.
package benchstats

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"golang.org/x/perf/benchmath"
)

// Thresholds returns benchmath's default thresholds with the significance
// level of comparisons set to alpha: a copy of benchmath.DefaultThresholds,
// as benchmath asks, so that thresholds it adds later keep their defaults.
func Thresholds(alpha float64) *benchmath.Thresholds {
	thr := benchmath.DefaultThresholds
	thr.CompareAlpha = alpha
	return &thr
}

// Median returns the median of xs, which it sorts in place; NaN for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}

// CV returns the coefficient of variation of xs: the sample standard
// deviation over the mean; 0 for fewer than two values or a zero mean.
func CV(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	if mean == 0 {
		return 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return math.Sqrt(ss/float64(len(xs)-1)) / mean
}

// bootstrapStream is the PCG stream of BootstrapRatio's generator.
const bootstrapStream = 0x62656e6368677264 // "benchgrd"

// BootstrapRatio returns a percentile-bootstrap confidence interval, at the
// given confidence level, of Median(num)/Median(den): both samples are
// resampled with replacement resamples times from a generator seeded with
// seed, so the same input always gives the same interval. ok is false when
// a sample has fewer than two values. num and den are not modified.
func BootstrapRatio(num, den []float64, confidence float64, resamples int, seed uint64) (lo, hi float64, ok bool) {
	if len(num) < 2 || len(den) < 2 || resamples < 1 {
		return 0, 0, false
	}
	rng := rand.New(rand.NewPCG(seed, bootstrapStream))
	ratios := make([]float64, resamples)
	bn, bd := make([]float64, len(num)), make([]float64, len(den))
	for i := range ratios {
		for j := range bn {
			bn[j] = num[rng.IntN(len(num))]
		}
		for j := range bd {
			bd[j] = den[rng.IntN(len(den))]
		}
		ratios[i] = Median(bn) / Median(bd)
	}
	slices.Sort(ratios)
	tail := (1 - confidence) / 2
	l := int(math.Floor(tail * float64(resamples)))
	h := int(math.Ceil((1-tail)*float64(resamples))) - 1
	l, h = max(0, min(l, resamples-1)), max(0, min(h, resamples-1))
	return ratios[l], ratios[h], true
}

// Criteria are the statistical settings that the study and the reports
// share, so that both decide and describe with the same ones. The zero
// value means DefaultCriteria.
type Criteria struct {
	// Alpha is the significance level of benchstat's Mann-Whitney U test.
	Alpha float64
	// Confidence is the level of confidence intervals; Resamples and Seed
	// drive the percentile bootstrap of a ratio (see BootstrapRatio), so
	// that the same samples always give the same interval.
	Confidence float64
	Resamples  int
	Seed       uint64
}

// DefaultCriteria are the defaults of Criteria: α=0.05 (benchstat's), 95%
// intervals, 10000 resamples seeded with 1.
var DefaultCriteria = Criteria{Alpha: 0.05, Confidence: 0.95, Resamples: 10000, Seed: 1}

// WithDefaults returns a copy of c with each zero field set from
// DefaultCriteria.
func (c Criteria) WithDefaults() Criteria {
	if c.Alpha == 0 {
		c.Alpha = DefaultCriteria.Alpha
	}
	if c.Confidence == 0 {
		c.Confidence = DefaultCriteria.Confidence
	}
	if c.Resamples == 0 {
		c.Resamples = DefaultCriteria.Resamples
	}
	if c.Seed == 0 {
		c.Seed = DefaultCriteria.Seed
	}
	return c
}

// Holm returns the Holm–Bonferroni adjustment of the p-values ps of a
// family of tests, in ps's order: rejecting the tests whose adjusted
// p-value is below α keeps the probability of any false rejection in the
// family at most α, whatever the dependence between the tests. The i-th
// smallest of m p-values is multiplied by m-i+1 (i from 1), made no
// smaller than the adjusted p-values before it, and capped at 1. A NaN
// p-value stays NaN and is not counted in m. ps is not modified.
func Holm(ps []float64) []float64 {
	adj := make([]float64, len(ps))
	var order []int
	for i, p := range ps {
		if math.IsNaN(p) {
			adj[i] = p
			continue
		}
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ps[a], ps[b]) })
	m, running := len(order), 0.0
	for rank, i := range order {
		running = max(running, min(1, float64(m-rank)*ps[i]))
		adj[i] = running
	}
	return adj
}
