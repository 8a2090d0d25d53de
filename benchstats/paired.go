package benchstats

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/aclements/go-moremath/stats"
)

// MinSamples is the fewest samples (for a paired comparison, rounds) from
// which the reports call a difference significant: benchstat's six, below
// which its intervals are unbounded. With fewer, a comparison cannot tell,
// whatever its p-value.
const MinSamples = 6

// A Paired is the comparison of two configurations, or of any contrast of
// configurations, from per-round log ratios: every round runs every cell
// once, so a ratio within a round cancels the drift of the machine's speed
// from round to round, which an unpaired comparison counts as noise.
type Paired struct {
	// N is the number of rounds paired.
	N int
	// Ratio is the geometric mean of the per-round ratios, exp of the mean
	// log ratio.
	Ratio float64
	// Lo and Hi bound Ratio's percentile-bootstrap confidence interval:
	// the rounds resampled with replacement. OK is false with fewer than
	// two rounds, where there is no interval.
	Lo, Hi float64
	OK     bool
	// P is the two-sided p-value of the one-sample t-test of the mean log
	// ratio against 0 (no difference), before any adjustment for multiple
	// comparisons; 1 with fewer than two rounds.
	P float64
	// SD is the standard deviation of the log ratios: about the relative
	// spread of one round's ratio. 0 with fewer than two rounds.
	SD float64
}

// pairedStream is the PCG stream of PairedLog's generator.
const pairedStream = 0x7061697265640000 // "paired"

// PairedRatio compares num with den round by round: num[i] and den[i] are
// the two configurations' wall times in the same round i (positive; a pair
// with a value ≤ 0 is left out). It is PairedLog of log(num[i]/den[i]).
func PairedRatio(num, den []float64, c Criteria) Paired {
	var d []float64
	for i := range min(len(num), len(den)) {
		if num[i] > 0 && den[i] > 0 {
			d = append(d, math.Log(num[i]/den[i]))
		}
	}
	return PairedLog(d, c)
}

// PairedLog summarises per-round log ratios d (or any per-round contrast
// of logs, such as the log of a ratio of two ratios): the geometric-mean
// ratio exp(mean d), its percentile-bootstrap interval over rounds at
// c.Confidence (c.Resamples resamples from a generator seeded with c.Seed,
// so the same input always gives the same interval), and the p-value of a
// one-sample t-test of mean d = 0. The t-test rather than a signed-rank
// test: a report adjusts dozens of comparisons by Holm–Bonferroni, and at
// ten rounds the signed-rank test cannot give a p-value below 2/2¹⁰ ≈
// 0.002, which a family of 25 multiplies past 0.05 however large the
// effect. d is not modified.
func PairedLog(d []float64, c Criteria) Paired {
	c = c.WithDefaults()
	n := len(d)
	out := Paired{N: n, Ratio: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), P: 1}
	if n == 0 {
		return out
	}
	out.Ratio = math.Exp(mean(d))
	if n < 2 {
		return out
	}
	out.SD = stddev(d)
	out.P = tTestP(d)
	rng := rand.New(rand.NewPCG(c.Seed, pairedStream))
	means := make([]float64, c.Resamples)
	for i := range means {
		var s float64
		for range n {
			s += d[rng.IntN(n)]
		}
		means[i] = s / float64(n)
	}
	slices.Sort(means)
	tail := (1 - c.Confidence) / 2
	l := int(math.Floor(tail * float64(c.Resamples)))
	h := int(math.Ceil((1-tail)*float64(c.Resamples))) - 1
	l, h = max(0, min(l, c.Resamples-1)), max(0, min(h, c.Resamples-1))
	out.Lo, out.Hi, out.OK = math.Exp(means[l]), math.Exp(means[h]), true
	return out
}

// Separated reports whether p's interval excludes 1 and its p-value,
// adjusted as the caller's family needs (adjP), is below alpha, from at
// least MinSamples rounds: the evidence tells the two apart.
func (p Paired) Separated(adjP, alpha float64) bool {
	return p.N >= MinSamples && adjP < alpha && p.OK && (p.Lo > 1 || p.Hi < 1)
}

// tTestP is the two-sided p-value of a one-sample t-test of mean(d) = 0.
// Identical values are a certain difference (p 0) unless they are all 0.
func tTestP(d []float64) float64 {
	r, err := stats.OneSampleTTest(stats.Sample{Xs: d}, 0, stats.LocationDiffers)
	if err != nil { // zero variance
		if mean(d) == 0 {
			return 1
		}
		return 0
	}
	return max(0, min(1, r.P))
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func stddev(xs []float64) float64 {
	m := mean(xs)
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return math.Sqrt(ss / float64(len(xs)-1))
}

// Resolvable returns the smallest relative difference (0.02 for 2%) that a
// paired comparison of n rounds whose log ratios spread by sd detects
// with 80% power at significance alpha (two-sided): (t_{α/2, n−1} +
// z_{0.8}) × sd / √n, as a ratio minus 1. NaN for n < 2.
func Resolvable(sd float64, n int, alpha float64) float64 {
	if n < 2 {
		return math.NaN()
	}
	k := tQuantile(1-alpha/2, float64(n-1)) + stats.NormalDist{Mu: 0, Sigma: 1}.InvCDF(0.8)
	return math.Expm1(k * sd / math.Sqrt(float64(n)))
}

// SamplesFor returns the rounds a paired comparison needs to detect a
// relative difference effect (0.05 for 5%) with 80% power at alpha, when
// its log ratios spread by sd: the smallest n ≥ MinSamples with
// Resolvable(sd, n, alpha) ≤ effect, capped at 1000 (0 when sd or effect
// is not positive: MinSamples then).
func SamplesFor(sd, effect, alpha float64) int {
	if !(sd > 0) || !(effect > 0) {
		return MinSamples
	}
	for n := MinSamples; n <= 1000; n++ {
		if Resolvable(sd, n, alpha) <= effect {
			return n
		}
	}
	return 1000
}

// tQuantile returns the p-quantile of Student's t distribution with nu
// degrees of freedom, by bisection on its CDF.
func tQuantile(p, nu float64) float64 {
	dist := stats.TDist{V: nu}
	lo, hi := -1e3, 1e3
	for range 200 {
		mid := (lo + hi) / 2
		if dist.CDF(mid) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}
