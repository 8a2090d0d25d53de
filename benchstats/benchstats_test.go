package benchstats

import (
	"math"
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
