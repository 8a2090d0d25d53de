package benchstats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// driftRounds returns two configurations' wall times over n rounds in
// which the machine's speed drifts by up to ±drift from round to round
// (both cells alike), with ±noise of their own: b is ratio× a.
func driftRounds(n int, ratio, drift, noise float64, seed uint64) (a, b []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	for range n {
		m := 1 + drift*(2*rng.Float64()-1)
		a = append(a, 100*m*(1+noise*(2*rng.Float64()-1)))
		b = append(b, 100*ratio*m*(1+noise*(2*rng.Float64()-1)))
	}
	return a, b
}

// Pairing by round cancels drift: the paired interval is narrow and
// covers the true ratio; the unpaired one, over the same samples, is wide.
func TestPairedNarrowsUnderDrift(t *testing.T) {
	tests := []struct {
		name                string
		ratio, drift, noise float64
		maxPaired, minUnp   float64 // relative widths
	}{
		{"drift 20%, noise 0.5%", 1.10, 0.20, 0.005, 0.02, 0.08},
		{"drift 30%, noise 1%", 0.80, 0.30, 0.01, 0.04, 0.15},
		{"no difference, drift 25%", 1, 0.25, 0.01, 0.04, 0.10},
	}
	for _, tc := range tests {
		a, b := driftRounds(12, tc.ratio, tc.drift, tc.noise, 3)
		p := PairedRatio(b, a, DefaultCriteria)
		lo, hi, ok := BootstrapRatio(b, a, 0.95, 10000, 1)
		if !p.OK || !ok {
			t.Fatalf("%s: no interval (paired %v, unpaired %v)", tc.name, p.OK, ok)
		}
		if p.Lo > tc.ratio || p.Hi < tc.ratio {
			t.Errorf("%s: paired interval [%.4f, %.4f] misses the true ratio %v", tc.name, p.Lo, p.Hi, tc.ratio)
		}
		if w := (p.Hi - p.Lo) / tc.ratio; w > tc.maxPaired {
			t.Errorf("%s: paired interval [%.4f, %.4f] is %.1f%% wide, want under %.0f%%", tc.name, p.Lo, p.Hi, 100*w, 100*tc.maxPaired)
		}
		if w := (hi - lo) / tc.ratio; w < tc.minUnp {
			t.Errorf("%s: unpaired interval [%.4f, %.4f] is only %.1f%% wide, want over %.0f%% (drift is noise to it)", tc.name, lo, hi, 100*w, 100*tc.minUnp)
		}
		sig := p.Separated(p.P, 0.05)
		if want := tc.ratio != 1; sig != want {
			t.Errorf("%s: Separated = %v (p=%.4f), want %v", tc.name, sig, p.P, want)
		}
	}
}

func TestPairedLog(t *testing.T) {
	ln2 := math.Log(2)
	tests := []struct {
		name    string
		d       []float64
		n       int
		ratio   float64
		ok      bool
		pBelow  float64 // P < pBelow
		pAtLeas float64 // P ≥ pAtLeas
	}{
		{"none", nil, 0, math.NaN(), false, 2, 1},
		{"one round", []float64{ln2}, 1, 2, false, 2, 1},
		{"constant 2×", []float64{ln2, ln2, ln2}, 3, 2, true, 1e-9, 0},
		{"all equal", []float64{0, 0, 0, 0}, 4, 1, true, 2, 1},
		{"symmetric", []float64{0.1, -0.1, 0.1, -0.1, 0.05, -0.05}, 6, 1, true, 2, 0.99},
	}
	for _, tc := range tests {
		p := PairedLog(tc.d, DefaultCriteria)
		if p.N != tc.n || p.OK != tc.ok || !(math.Abs(p.Ratio-tc.ratio) < 1e-9 || math.IsNaN(tc.ratio) && math.IsNaN(p.Ratio)) {
			t.Errorf("PairedLog(%s) = %+v, want n=%d ratio=%v ok=%v", tc.name, p, tc.n, tc.ratio, tc.ok)
		}
		if !(p.P < tc.pBelow) || !(p.P >= tc.pAtLeas) {
			t.Errorf("PairedLog(%s).P = %v, want in [%v, %v)", tc.name, p.P, tc.pAtLeas, tc.pBelow)
		}
	}
	d := []float64{0.1, 0.12, 0.08, 0.11, 0.09, 0.1, 0.13}
	a, b := PairedLog(d, DefaultCriteria), PairedLog(d, DefaultCriteria)
	if a != b {
		t.Errorf("PairedLog is not deterministic: %+v then %+v", a, b)
	}
	if d[0] != 0.1 {
		t.Errorf("PairedLog modified its input")
	}
}

// Below MinSamples nothing is separated, however clear.
func TestSeparatedLowN(t *testing.T) {
	for n := 2; n <= 8; n++ {
		d := make([]float64, n)
		for i := range d {
			d[i] = math.Log(4.7) + 0.01*float64(i%2)
		}
		p := PairedLog(d, DefaultCriteria)
		if got, want := p.Separated(p.P, 0.05), n >= MinSamples; got != want {
			t.Errorf("n=%d: Separated(4.7×) = %v, want %v", n, got, want)
		}
	}
}

func TestPairedRatioSkipsNonPositive(t *testing.T) {
	p := PairedRatio([]float64{2, 0, 4, 6}, []float64{1, 1, -1, 3}, DefaultCriteria)
	if p.N != 2 || math.Abs(p.Ratio-2) > 1e-12 {
		t.Errorf("PairedRatio = %+v, want n=2 ratio 2", p)
	}
}

func TestResolvable(t *testing.T) {
	// More rounds resolve smaller differences; more spread, larger.
	r6, r20 := Resolvable(0.02, 6, 0.05), Resolvable(0.02, 20, 0.05)
	if !(r20 < r6) || r6 <= 0 {
		t.Errorf("Resolvable(sd 2%%) = %v at n=6, %v at n=20: want positive, shrinking", r6, r20)
	}
	// n=10, sd 1%: (t_.975,9 = 2.262 + 0.842) × 0.01 / √10 ≈ 0.98%.
	if got := Resolvable(0.01, 10, 0.05); math.Abs(got-0.00986) > 0.0002 {
		t.Errorf("Resolvable(0.01, 10, 0.05) = %v, want ≈0.0099", got)
	}
	if !math.IsNaN(Resolvable(0.01, 1, 0.05)) {
		t.Errorf("Resolvable(n=1) is not NaN")
	}
	tests := []struct {
		sd, effect float64
		want       int
	}{
		{0.01, 0.05, MinSamples}, // already resolvable at 6
		{0.05, 0.05, 11},
		{0, 0.05, MinSamples},
		{0.5, 0.001, 1000},
	}
	for _, tc := range tests {
		if got := SamplesFor(tc.sd, tc.effect, 0.05); got != tc.want {
			t.Errorf("SamplesFor(%v, %v) = %d, want %d", tc.sd, tc.effect, got, tc.want)
		}
	}
}
