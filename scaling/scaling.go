// Package scaling fits Gunther's Universal Scalability Law to throughput
// measured at several worker counts, with bootstrap intervals, and derives
// the peak, the knee and a recommended worker count from the fit.
//
// It is a leaf, like benchstats: it imports nothing of benchgrid, and the
// reports import it to describe a run's worker sweeps.
//
// The law is
//
//	X(N) = λN / (1 + σ(N−1) + κN(N−1))
//
// where λ is the throughput of one worker, σ the contention (the share of
// the work that serialises: Amdahl's law when κ is 0) and κ the coherency
// cost (the pairwise cost of keeping workers in step, which makes
// throughput fall past a peak).
//
// The fit is least squares on every measured sample. For fixed (σ, κ) the
// best λ has a closed form (X is linear in λ), so the fit is a search over
// (σ, κ) alone: a grid over σ ∈ [0, 1] and κ ∈ {0} ∪ [1e-8, 10] on a log
// scale, then repeated zooms of an 11×11 grid around the best point. A
// grid search is slower than Gauss–Newton or Levenberg–Marquardt but needs
// no starting point and no derivatives, cannot diverge, keeps σ and κ in
// their bounds (so κ is exactly 0 when Amdahl's law fits best) and costs
// about 4000 evaluations of a sum over the levels: fast enough to refit
// every bootstrap resample.
package scaling

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
)

const (
	// MinLevels is the fewest distinct worker counts a fit needs: three
	// parameters need at least one level more to be tested at all.
	MinLevels = 4
	// RecommendWithin is how close to the fitted peak throughput the
	// recommended worker count gets (see Result.Recommended): within 5%.
	// Fewer workers cost less (memory, open files, goroutines) for what
	// is within the noise of most runs.
	RecommendWithin = 0.05
	// DefaultResamples is Options.Resamples' default: each resample is a
	// fit, so fewer than a ratio's bootstrap takes.
	DefaultResamples = 1000
	// maxKappa bounds the coherency the search tries: κ = 10 already
	// halves the throughput of two workers against one.
	maxKappa = 10
)

// ErrTooFewLevels is the error of a fit on fewer than MinLevels worker
// counts.
var ErrTooFewLevels = fmt.Errorf("fewer than %d worker counts: too few to fit", MinLevels)

// A Level is the throughputs measured at one worker count, one per sample.
type Level struct {
	N int
	X []float64
}

// A Model is the Universal Scalability Law with its parameters.
type Model struct {
	Lambda, Sigma, Kappa float64
}

// At is the model's throughput at n workers.
func (m Model) At(n float64) float64 {
	return m.Lambda * n / (1 + m.Sigma*(n-1) + m.Kappa*n*(n-1))
}

// Amdahl reports whether the model is Amdahl's law: no coherency cost,
// so throughput rises for ever towards λ/σ.
func (m Model) Amdahl() bool { return m.Kappa == 0 }

// Peak is the worker count of the highest throughput, N* = √((1−σ)/κ),
// and at least 1; +Inf when κ is 0.
func (m Model) Peak() float64 {
	if m.Kappa == 0 {
		return math.Inf(1)
	}
	return max(1, math.Sqrt((1-m.Sigma)/m.Kappa))
}

// PeakThroughput is the throughput at Peak: for Amdahl's law the
// asymptote λ/σ, never reached (+Inf when σ is 0 too: linear scaling).
func (m Model) PeakThroughput() float64 {
	if m.Kappa == 0 {
		if m.Sigma == 0 {
			return math.Inf(1)
		}
		return m.Lambda / m.Sigma
	}
	return m.At(m.Peak())
}

// Knee is the worker count at which linear scaling (λN) would reach the
// peak throughput: below it workers add nearly their full λ, beyond it
// contention and coherency take over. For Amdahl's law it is 1/σ, the
// classic knee.
func (m Model) Knee() float64 {
	if m.Lambda <= 0 {
		return math.NaN()
	}
	return m.PeakThroughput() / m.Lambda
}

// An Interval is a percentile-bootstrap confidence interval.
type Interval struct{ Lo, Hi float64 }

// Contains reports whether v is in the interval.
func (iv Interval) Contains(v float64) bool { return iv.Lo <= v && v <= iv.Hi }

// Options tune Analyze. The zero value is ready to use.
type Options struct {
	// Confidence is the level of the intervals; 0 means 0.95.
	Confidence float64
	// Resamples is the number of bootstrap resamples; 0 means
	// DefaultResamples.
	Resamples int
	// Seed seeds the bootstrap, which makes it deterministic; 0 means 1.
	Seed uint64
}

// A Result is a fit, its bootstrap intervals and what it recommends.
type Result struct {
	Model
	// Levels are the worker counts measured, ascending.
	Levels []int
	// The intervals of the model's σ, κ, Peak and PeakThroughput over the
	// bootstrap resamples (the last two may reach +Inf, where a resample
	// fits κ = 0).
	SigmaCI, KappaCI, PeakCI, PeakThroughputCI Interval
	// Recommended is the smallest measured worker count whose throughput
	// is within RecommendWithin of PeakThroughput: its fitted throughput,
	// or its measured median where that is higher. The law's curve
	// cannot turn as sharply as throughput does when the workers reach
	// the cores (every CPU-bound sweep does), so it underestimates the
	// counts just past that corner, and the fit alone would recommend
	// some counts beyond it; the measured median keeps the
	// recommendation at the corner. Rising is true when no count is
	// within reach, because the fitted curve still climbs past the
	// largest count measured: Recommended is then that count, and more
	// workers would be worth measuring.
	Recommended int
	Rising      bool
	// FitError is the root mean square of the relative differences
	// between the fitted and the mean measured throughput of each level.
	FitError float64
}

// Fit fits the Universal Scalability Law to levels by least squares on
// every sample. Levels of the same worker count are merged. It returns
// ErrTooFewLevels for fewer than MinLevels worker counts, and an error
// for a count below 1 or a throughput that is not positive and finite.
func Fit(levels []Level) (Model, error) {
	st, err := newStats(levels)
	if err != nil {
		return Model{}, err
	}
	return st.fit(st.means), nil
}

// Analyze fits levels (see Fit), bootstraps the fit by resampling the
// samples within each level, and recommends a worker count.
func Analyze(levels []Level, opts Options) (*Result, error) {
	st, err := newStats(levels)
	if err != nil {
		return nil, err
	}
	opts.Confidence = cmp.Or(opts.Confidence, 0.95)
	opts.Resamples = cmp.Or(opts.Resamples, DefaultResamples)
	opts.Seed = cmp.Or(opts.Seed, 1)
	m := st.fit(st.means)
	r := &Result{Model: m}
	for _, l := range st.levels {
		r.Levels = append(r.Levels, int(l.n))
	}

	target := (1 - RecommendWithin) * m.PeakThroughput()
	r.Recommended, r.Rising = r.Levels[len(r.Levels)-1], true
	for i, l := range st.levels {
		if max(m.At(l.n), median(l.x)) >= target {
			r.Recommended, r.Rising = r.Levels[i], false
			break
		}
	}

	var ss float64
	for i, l := range st.levels {
		f := m.At(l.n)
		ss += (st.means[i] - f) * (st.means[i] - f) / (f * f)
	}
	r.FitError = math.Sqrt(ss / float64(len(st.levels)))

	rng := rand.New(rand.NewPCG(opts.Seed, bootstrapStream))
	sigmas, kappas, peaks, tops := make([]float64, opts.Resamples), make([]float64, opts.Resamples), make([]float64, opts.Resamples), make([]float64, opts.Resamples)
	means := make([]float64, len(st.levels))
	for i := range opts.Resamples {
		for j, l := range st.levels {
			var s float64
			for range l.x {
				s += l.x[rng.IntN(len(l.x))]
			}
			means[j] = s / l.w
		}
		b := st.refit(means, m)
		sigmas[i], kappas[i], peaks[i], tops[i] = b.Sigma, b.Kappa, b.Peak(), b.PeakThroughput()
	}
	r.SigmaCI = percentiles(sigmas, opts.Confidence)
	r.KappaCI = percentiles(kappas, opts.Confidence)
	r.PeakCI = percentiles(peaks, opts.Confidence)
	r.PeakThroughputCI = percentiles(tops, opts.Confidence)
	return r, nil
}

// bootstrapStream is the PCG stream of Analyze's generator.
const bootstrapStream = 0x75736c66697421 // "uslfit!"

// mean is the mean of xs.
func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// median is the median of xs, which it leaves alone.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// percentiles returns the percentile interval of xs at confidence, the
// same indices as benchstats.BootstrapRatio takes. It sorts xs.
func percentiles(xs []float64, confidence float64) Interval {
	slices.Sort(xs)
	n := len(xs)
	tail := (1 - confidence) / 2
	lo := int(math.Floor(tail * float64(n)))
	hi := int(math.Ceil((1-tail)*float64(n))) - 1
	lo, hi = max(0, min(lo, n-1)), max(0, min(hi, n-1))
	return Interval{xs[lo], xs[hi]}
}

// stats holds the levels of a fit in the form its search needs.
type stats struct {
	levels []level
	// means are the levels' mean throughputs: what a bootstrap resample
	// changes.
	means []float64
	// g is sse's scratch space, one value per level: a stats is used by
	// one goroutine.
	g []float64
}

// level is one worker count's samples, their number as a weight, and the
// terms of the law's denominator that do not depend on the parameters.
type level struct {
	n, n1, nn1 float64 // N, N−1, N(N−1)
	w          float64 // len(x)
	x          []float64
}

func newStats(levels []Level) (*stats, error) {
	byN := map[int][]float64{}
	for _, l := range levels {
		if l.N < 1 {
			return nil, fmt.Errorf("worker count %d: want 1 or more", l.N)
		}
		for _, x := range l.X {
			if !(x > 0) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("worker count %d: throughput %v: want a positive number", l.N, x)
			}
		}
		if len(l.X) > 0 {
			byN[l.N] = append(byN[l.N], l.X...)
		}
	}
	if len(byN) < MinLevels {
		return nil, ErrTooFewLevels
	}
	st := &stats{}
	for _, n := range slices.Sorted(maps.Keys(byN)) {
		x := byN[n]
		f := float64(n)
		st.levels = append(st.levels, level{n: f, n1: f - 1, nn1: f * (f - 1), w: float64(len(x)), x: x})
		st.means = append(st.means, mean(x))
	}
	st.g = make([]float64, len(st.levels))
	return st, nil
}

// sse returns the squared error of (σ, κ) and the best λ there, given
// each level's mean throughput. With g(N) = N / (1 + σ(N−1) + κN(N−1)),
// a level's squared error Σ(x − λg)² is its spread about its mean m
// (which σ and κ do not change) plus n(m − λg)²; the sum of the latter is
// least at λ = Σ n·g·m / Σ n·g². Summing n(m − λg)² directly, rather than
// expanding the squares, keeps the error exact near a perfect fit, so
// that κ = 0 wins where it should.
func (st *stats) sse(means []float64, sigma, kappa float64) (sse, lambda float64) {
	var gm, gg float64
	for i, l := range st.levels {
		g := l.n / (1 + sigma*l.n1 + kappa*l.nn1)
		st.g[i] = g
		gm += l.w * g * means[i]
		gg += l.w * g * g
	}
	lambda = gm / gg
	for i, l := range st.levels {
		d := means[i] - lambda*st.g[i]
		sse += l.w * d * d
	}
	return sse, lambda
}

// fit searches (σ, κ) for the least squared error given each level's
// mean throughput: a coarse grid, then zooms to a relative 1e-8.
func (st *stats) fit(means []float64) Model {
	s := search{st: st, means: means, least: math.Inf(1)}
	const coarse = 40
	kappaRatio := math.Pow(maxKappa/1e-8, 1.0/coarse)
	for i := 0; i <= coarse; i++ {
		sigma := float64(i) / coarse
		s.try(sigma, 0)
		for j := 0; j <= coarse; j++ {
			s.try(sigma, 1e-8*math.Pow(kappaRatio, float64(j)))
		}
	}
	return s.zoom(1.0/coarse, max(s.best.Kappa*(kappaRatio-1), 1e-8), 1e-8, 5)
}

// refit is fit for a bootstrap resample, which lies near the data's own
// fit m: it starts there, at the coarse grid's step in σ and half of κ,
// with a 5×5 grid that halves its steps, and stops at a relative 1e-5,
// plenty for an interval: a quarter of fit's work, for each of the
// thousand resamples.
func (st *stats) refit(means []float64, m Model) Model {
	s := search{st: st, means: means, least: math.Inf(1)}
	s.try(m.Sigma, m.Kappa)
	return s.zoom(1.0/40, max(m.Kappa/2, 1e-8), 1e-5, 2)
}

// A search is the best (σ, κ) found so far for one set of level means.
type search struct {
	st    *stats
	means []float64
	best  Model
	least float64 // best's squared error
}

// try evaluates (σ, κ), clamped to their bounds.
func (s *search) try(sigma, kappa float64) {
	sigma, kappa = min(max(sigma, 0), 1), min(max(kappa, 0), maxKappa)
	if e, lambda := s.st.sse(s.means, sigma, kappa); e < s.least {
		s.least, s.best = e, Model{Lambda: lambda, Sigma: sigma, Kappa: kappa}
	}
}

// zoom refines the best point with a (2k+1)² grid spanning ±hs, ±hk
// around it, k steps each way. Each span shrinks to two of the grid's
// steps (one for k = 2, which would not shrink otherwise) unless the
// best point moved to the grid's edge, where the optimum may lie beyond,
// until σ and κ are known to a relative tol.
func (s *search) zoom(hs, hk, tol float64, k int) Model {
	shrink := float64(k) / 2
	if k == 2 {
		shrink = 2
	}
	for range 100 {
		if hs < tol && hk < tol*max(s.best.Kappa, 1e-6) {
			break
		}
		s0, k0 := s.best.Sigma, s.best.Kappa
		for i := -k; i <= k; i++ {
			for j := -k; j <= k; j++ {
				s.try(s0+float64(i)*hs/float64(k), k0+float64(j)*hk/float64(k))
			}
		}
		if math.Abs(s.best.Sigma-s0) < hs*0.99 || s.best.Sigma == 0 || s.best.Sigma == 1 {
			hs /= shrink
		}
		if math.Abs(s.best.Kappa-k0) < hk*0.99 || s.best.Kappa == 0 {
			hk /= shrink
		}
	}
	best := s.best
	// A κ that changes no measured level's denominator by more than
	// rounding is Amdahl's κ = 0, which rounding alone can miss.
	top := s.st.levels[len(s.st.levels)-1]
	if best.Kappa*top.nn1 < 1e-12 {
		_, lambda := s.st.sse(s.means, best.Sigma, 0)
		best = Model{Lambda: lambda, Sigma: best.Sigma}
	}
	return best
}
