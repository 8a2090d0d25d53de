package harness

import (
	"math"
	"slices"
	"time"

	"golang.org/x/perf/benchmath"

	"benchgrid/record"
)

// Adaptive configures adaptive sampling (-count auto): rounds are added
// until every cell's interval reaches TargetCI, the budget ends, or
// MaxRounds are run; with Drop, cells clearly slower than the best leave
// the later rounds, so the samples go where the decision is. Zero fields
// take the defaults below.
type Adaptive struct {
	// TargetCI is the relative half-width of the 95% confidence interval
	// of a cell's median wall time at which it is done (0.03: ±3%, as
	// benchstat shows it).
	TargetCI float64
	// Budget bounds the wall-clock time of the rounds: no round starts
	// that would, by the last rounds' pace, end beyond it.
	Budget time.Duration
	// MinRounds is the number of rounds before any cell can be done;
	// MaxRounds caps the rounds.
	MinRounds, MaxRounds int
	// Drop stops measuring cells whose interval lies entirely above the
	// best cell's by more than DropMargin.
	Drop bool
}

// Defaults of Adaptive's fields.
const (
	DefaultTargetCI  = 0.03
	DefaultBudget    = 10 * time.Minute
	DefaultMaxRounds = 100
	// DropMargin is how far above the best cell's upper bound a cell's
	// lower bound must lie for Drop to drop it (5%).
	DropMargin = 0.05
	// adaptiveConfidence is the level of the stopping rule's intervals:
	// the report's and benchstat's.
	adaptiveConfidence = 0.95
)

// Reasons a cell stopped (record.Cell.Stopped).
const (
	StoppedTarget    = record.StoppedTarget
	StoppedSlower    = record.StoppedSlower
	StoppedBudget    = record.StoppedBudget
	StoppedMaxRounds = record.StoppedMaxRounds
)

// withDefaults fills in a's zero (or negative) fields; MaxRounds is at
// least MinRounds.
func (a Adaptive) withDefaults() Adaptive {
	a.TargetCI = positiveOr(a.TargetCI, DefaultTargetCI)
	a.Budget = positiveOr(a.Budget, DefaultBudget)
	a.MinRounds = positiveOr(a.MinRounds, MinCountForCI)
	a.MaxRounds = max(positiveOr(a.MaxRounds, DefaultMaxRounds), a.MinRounds)
	return a
}

// positiveOr is v when it is positive, else def.
func positiveOr[T int | float64 | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// record is a as results.json keeps it.
func (a Adaptive) record() *record.Adaptive {
	return &record.Adaptive{TargetCI: a.TargetCI, BudgetNs: a.Budget.Nanoseconds(),
		MinRounds: a.MinRounds, MaxRounds: a.MaxRounds, Drop: a.Drop}
}

// Progress is what the stopping rule knows after a round.
type Progress struct {
	// Rounds is the number of rounds run.
	Rounds int
	// Walls are each cell's wall times so far (a failed sample has none).
	Walls [][]float64
	// Stopped is each cell's reason for being done, "" while it runs.
	Stopped []string
	// Elapsed is the rounds' time so far; NextRound the estimated time of
	// one more round of the cells still running.
	Elapsed, NextRound time.Duration
}

// Stopping applies the adaptive rule after a round and returns each cell's
// reason for being done, "" for a cell that runs in the next round (a cell
// done before stays done, for the same reason). From MinRounds on, a
// cell is done when the half-width of the 95% interval of its median wall
// time, over the median, is at most TargetCI ("target reached"); with Drop,
// a cell whose interval's lower bound exceeds the upper bound of the best
// cell's (the lowest median among cells with an interval) × (1+DropMargin)
// is done too ("clearly slower than the best"). When cells remain, the run
// ends with them when MaxRounds are run ("max rounds") or when one more
// round would end beyond the budget ("budget"). The run is over when no
// reason is "".
func Stopping(a Adaptive, p Progress) []string {
	a = a.withDefaults()
	stopped := slices.Clone(p.Stopped)
	if len(stopped) < len(p.Walls) {
		stopped = append(stopped, make([]string, len(p.Walls)-len(stopped))...)
	}
	if p.Rounds >= a.MinRounds {
		sums := make([]benchmath.Summary, len(p.Walls))
		best := -1
		for i, w := range p.Walls {
			sums[i] = summarize(w)
			if hasInterval(sums[i]) && (best < 0 || sums[i].Center < sums[best].Center) {
				best = i
			}
		}
		for i, s := range sums {
			switch {
			case stopped[i] != "" || !hasInterval(s):
			case relHalfWidth(s) <= a.TargetCI:
				stopped[i] = StoppedTarget
			case a.Drop && i != best && best >= 0 && s.Lo > sums[best].Hi*(1+DropMargin):
				stopped[i] = StoppedSlower
			}
		}
	}
	if !slices.Contains(stopped, "") {
		return stopped
	}
	reason := ""
	switch {
	case p.Rounds >= a.MaxRounds:
		reason = StoppedMaxRounds
	case p.Elapsed+p.NextRound > a.Budget:
		reason = StoppedBudget
	}
	for i := range stopped {
		if stopped[i] == "" {
			stopped[i] = reason
		}
	}
	return stopped
}

// summarize is benchmath's summary of walls (which it leaves alone), at
// adaptiveConfidence: the median and its distribution-free interval.
func summarize(walls []float64) benchmath.Summary {
	if len(walls) == 0 {
		return benchmath.Summary{Center: math.NaN(), Lo: math.Inf(-1), Hi: math.Inf(1)}
	}
	return benchmath.AssumeNothing.Summary(benchmath.NewSample(slices.Clone(walls), &benchmath.DefaultThresholds), adaptiveConfidence)
}

// hasInterval reports whether s has a finite interval around a positive
// median.
func hasInterval(s benchmath.Summary) bool {
	return s.Center > 0 && !math.IsInf(s.Lo, 0) && !math.IsInf(s.Hi, 0)
}

// relHalfWidth is s's interval's larger half over its median: the ±x% that
// benchstat shows (benchmath.Summary.PctRangeString).
func relHalfWidth(s benchmath.Summary) float64 {
	return max(s.Hi/s.Center-1, 1-s.Lo/s.Center)
}

// nextRoundTime estimates the time of a round of n samples from the last
// (up to) three rounds' time per sample.
func nextRoundTime(times []time.Duration, samples []int, n int) time.Duration {
	var t time.Duration
	var s int
	for i := max(len(times)-3, 0); i < len(times); i++ {
		t += times[i]
		s += samples[i]
	}
	if s == 0 {
		return 0
	}
	return t / time.Duration(s) * time.Duration(n)
}
