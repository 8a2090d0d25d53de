package harness

import (
	"math"

	"benchgrid/record"
)

// CoefficientOfVariation is the standard deviation of the samples' wall
// times divided by their mean.
func CoefficientOfVariation(samples []record.Sample) float64 {
	if len(samples) < 2 {
		return 0
	}
	var sum float64
	for _, s := range samples {
		sum += float64(s.WallNs)
	}
	mean := sum / float64(len(samples))
	var sq float64
	for _, s := range samples {
		d := float64(s.WallNs) - mean
		sq += d * d
	}
	if mean == 0 {
		return 0
	}
	return math.Sqrt(sq/float64(len(samples)-1)) / mean
}
