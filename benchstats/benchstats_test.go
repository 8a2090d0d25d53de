package benchstats

import (
	"math"
	"slices"
	"testing"

	"golang.org/x/perf/benchmath"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{7}, 7},
	}
	for _, tc := range tests {
		if got := Median(append([]float64(nil), tc.in...)); got != tc.want {
			t.Errorf("Median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := Median(nil); !math.IsNaN(got) {
		t.Errorf("Median(nil) = %v, want NaN", got)
	}
}

func TestBootstrapRatio(t *testing.T) {
	num := []float64{200, 210, 190, 205, 195, 220, 180, 200, 202, 198}
	den := []float64{100, 101, 99, 102, 98, 100, 103, 97, 100, 100}
	lo, hi, ok := BootstrapRatio(num, den, 0.95, 5000, 1)
	if !ok || lo > 2 || hi < 2 || lo < 1.7 || hi > 2.3 {
		t.Errorf("BootstrapRatio(≈2×) = [%v, %v] ok=%v, want an interval around 2", lo, hi, ok)
	}
	lo2, hi2, _ := BootstrapRatio(num, den, 0.95, 5000, 1)
	if lo != lo2 || hi != hi2 {
		t.Errorf("BootstrapRatio is not deterministic: [%v, %v] then [%v, %v]", lo, hi, lo2, hi2)
	}
	if num[0] != 200 || den[0] != 100 {
		t.Errorf("BootstrapRatio modified its inputs")
	}
	if _, _, ok := BootstrapRatio([]float64{1}, den, 0.95, 100, 1); ok {
		t.Errorf("BootstrapRatio(one value) has an interval")
	}
}

func TestCV(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{10, 10, 10}, 0},
		{[]float64{9, 11}, math.Sqrt(2) / 10},
		{[]float64{5}, 0},
		{[]float64{-1, 1}, 0}, // zero mean
	}
	for _, tc := range tests {
		if got := CV(tc.in); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("CV(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestThresholds(t *testing.T) {
	thr := Thresholds(0.01)
	if thr.CompareAlpha != 0.01 {
		t.Errorf("Thresholds(0.01).CompareAlpha = %v, want 0.01", thr.CompareAlpha)
	}
	if benchmath.DefaultThresholds.CompareAlpha != 0.05 {
		t.Errorf("Thresholds(0.01) changed benchmath.DefaultThresholds to %+v", benchmath.DefaultThresholds)
	}
	a, b := Thresholds(0.05), Thresholds(0.05)
	if a.CompareAlpha = 0.5; b.CompareAlpha != 0.05 {
		t.Errorf("Thresholds returns a shared value")
	}
}

func TestCriteriaWithDefaults(t *testing.T) {
	tests := []struct {
		in, want Criteria
	}{
		{Criteria{}, Criteria{Alpha: 0.05, Confidence: 0.95, Resamples: 10000, Seed: 1}},
		{Criteria{Alpha: 0.01, Seed: 7}, Criteria{Alpha: 0.01, Confidence: 0.95, Resamples: 10000, Seed: 7}},
		{Criteria{Alpha: 0.1, Confidence: 0.9, Resamples: 100, Seed: 2}, Criteria{Alpha: 0.1, Confidence: 0.9, Resamples: 100, Seed: 2}},
	}
	for _, tc := range tests {
		if got := tc.in.WithDefaults(); got != tc.want {
			t.Errorf("%+v.WithDefaults() = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestHolm(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		in, want []float64
	}{
		{nil, []float64{}},
		{[]float64{0.03}, []float64{0.03}},
		// Holm's worked example (R: p.adjust(p, "holm")).
		{[]float64{0.01, 0.04, 0.03, 0.005}, []float64{0.03, 0.06, 0.06, 0.02}},
		{[]float64{0.02, 0.5, 0.001}, []float64{0.04, 0.5, 0.003}},
		// Monotone: a larger p-value never gets a smaller adjustment.
		{[]float64{0.4, 0.6}, []float64{0.8, 0.8}},
		// Capped at 1.
		{[]float64{0.3, 0.5, 0.9}, []float64{0.9, 1, 1}},
		{[]float64{0.01, 0.01}, []float64{0.02, 0.02}},
		// A NaN stays NaN and is not one of the family.
		{[]float64{nan, 0.01, 0.04}, []float64{nan, 0.02, 0.04}},
	}
	for _, tc := range tests {
		in := slices.Clone(tc.in)
		got := Holm(in)
		ok := len(got) == len(tc.want)
		for i := 0; ok && i < len(got); i++ {
			ok = math.Abs(got[i]-tc.want[i]) < 1e-12 || math.IsNaN(got[i]) && math.IsNaN(tc.want[i])
		}
		if !ok {
			t.Errorf("Holm(%v) = %v, want %v", tc.in, got, tc.want)
		}
		if !slices.EqualFunc(in, tc.in, func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
			t.Errorf("Holm(%v) modified its argument to %v", tc.in, in)
		}
	}
}
