package harness

import (
	"benchgrid/benchstats"
	"benchgrid/record"
)

// CoefficientOfVariation is the coefficient of variation of the samples'
// wall times (benchstats.CV).
func CoefficientOfVariation(samples []record.Sample) float64 {
	walls := make([]float64, len(samples))
	for i, s := range samples {
		walls[i] = float64(s.WallNs)
	}
	return benchstats.CV(walls)
}
