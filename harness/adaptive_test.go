package harness

import (
	"slices"
	"testing"
	"time"

	"benchgrid/matrix"
	"benchgrid/record"
)

// walls is n wall times around center, within ±1%, with the first
// outliers samples at 3× center.
func walls(n int, center float64, outliers int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = center * (1 + 0.01*float64(i%3-1))
		if i < outliers {
			w[i] = 3 * center
		}
	}
	return w
}

// stopRound runs Stopping after rounds 1, 2, … on cells whose samples
// walls(rounds) gives, and returns each cell's reason and the round it
// stopped in (0 when it did not by maxRound).
func stopRound(a Adaptive, cells []func(n int) []float64, elapsed func(round int) time.Duration, maxRound int) ([]string, []int) {
	stopped := make([]string, len(cells))
	at := make([]int, len(cells))
	for round := 1; round <= maxRound && slices.Contains(stopped, ""); round++ {
		p := Progress{Rounds: round, Stopped: stopped, NextRound: time.Second}
		if elapsed != nil {
			p.Elapsed = elapsed(round)
		}
		for i, c := range cells {
			if stopped[i] == "" {
				p.Walls = append(p.Walls, c(round))
			} else {
				p.Walls = append(p.Walls, c(at[i])) // no more samples
			}
		}
		next := Stopping(a, p)
		for i := range next {
			if stopped[i] == "" && next[i] != "" {
				at[i] = round
			}
		}
		stopped = next
	}
	return stopped, at
}

func TestStopping(t *testing.T) {
	tight := func(n int) []float64 { return walls(n, 100, 0) }
	oneOutlier := func(n int) []float64 { return walls(n, 100, 1) }
	noisy := func(n int) []float64 { // ±50%: never within 3%
		w := make([]float64, n)
		for i := range w {
			w[i] = 100 * (0.5 + float64(i%5)/4)
		}
		return w
	}
	slowNoisy := func(n int) []float64 { // 500 to 700: clearly slower, and noisy
		w := noisy(n)
		for i := range w {
			w[i] = 400 + 2*w[i]
		}
		return w
	}
	closeNoisy := func(n int) []float64 { // noisy and overlapping the best
		w := noisy(n)
		for i := range w {
			w[i] += 5
		}
		return w
	}
	failing := func(int) []float64 { return nil } // every sample failed
	budget := time.Minute
	tests := []struct {
		name     string
		a        Adaptive
		cells    []func(int) []float64
		elapsed  func(round int) time.Duration
		want     []string
		wantAt   []int
		maxRound int
	}{
		{"target reached at MinRounds, never before", Adaptive{TargetCI: 0.03}, []func(int) []float64{tight},
			nil, []string{StoppedTarget}, []int{6}, 200},
		{"a higher MinRounds waits", Adaptive{TargetCI: 0.03, MinRounds: 9}, []func(int) []float64{tight},
			nil, []string{StoppedTarget}, []int{9}, 200},
		{"an outlier delays the target to round 8", Adaptive{TargetCI: 0.03}, []func(int) []float64{tight, oneOutlier},
			nil, []string{StoppedTarget, StoppedTarget}, []int{6, 8}, 200},
		{"max rounds", Adaptive{TargetCI: 0.03, MaxRounds: 20}, []func(int) []float64{tight, noisy},
			nil, []string{StoppedTarget, StoppedMaxRounds}, []int{6, 20}, 200},
		{"a wide target is reached by the noisy cell", Adaptive{TargetCI: 0.9, MaxRounds: 20}, []func(int) []float64{noisy},
			nil, []string{StoppedTarget}, []int{6}, 200},
		{"budget: one more round would end past it", Adaptive{TargetCI: 0.03, Budget: budget}, []func(int) []float64{noisy},
			func(round int) time.Duration { return time.Duration(round) * 10 * time.Second },
			[]string{StoppedBudget}, []int{6}, 200}, // 6×10s + 1s > 1m
		{"the budget stops before MinRounds too", Adaptive{TargetCI: 0.03, Budget: budget}, []func(int) []float64{tight},
			func(round int) time.Duration { return time.Duration(round) * 30 * time.Second },
			[]string{StoppedBudget}, []int{2}, 200},
		{"drop: clearly slower", Adaptive{TargetCI: 0.03, MaxRounds: 30, Drop: true}, []func(int) []float64{noisy, slowNoisy, closeNoisy},
			nil, []string{StoppedMaxRounds, StoppedSlower, StoppedMaxRounds}, []int{30, 6, 30}, 200},
		{"without drop the slower cell runs on", Adaptive{TargetCI: 0.03, MaxRounds: 30}, []func(int) []float64{noisy, slowNoisy},
			nil, []string{StoppedMaxRounds, StoppedMaxRounds}, []int{30, 30}, 200},
		{"drop never drops the best", Adaptive{TargetCI: 0.03, MaxRounds: 10, Drop: true}, []func(int) []float64{slowNoisy},
			nil, []string{StoppedMaxRounds}, []int{10}, 200},
		{"a cell with no sample runs to max rounds", Adaptive{TargetCI: 0.03, MaxRounds: 12, Drop: true}, []func(int) []float64{tight, failing},
			nil, []string{StoppedTarget, StoppedMaxRounds}, []int{6, 12}, 200},
	}
	for _, tt := range tests {
		got, at := stopRound(tt.a, tt.cells, tt.elapsed, tt.maxRound)
		if !slices.Equal(got, tt.want) || !slices.Equal(at, tt.wantAt) {
			t.Errorf("%s: Stopping = %q at rounds %v, want %q at %v", tt.name, got, at, tt.want, tt.wantAt)
		}
	}
}

func TestStoppingKeepsReasons(t *testing.T) {
	// A cell done stays done, for its reason, whatever its samples say.
	p := Progress{Rounds: 7, Walls: [][]float64{walls(7, 100, 0), walls(6, 100, 0)}, Stopped: []string{"", StoppedSlower}}
	if got := Stopping(Adaptive{TargetCI: 0.03}, p); !slices.Equal(got, []string{StoppedTarget, StoppedSlower}) {
		t.Errorf("Stopping(%+v) = %q, want target reached and the earlier reason kept", p, got)
	}
}

func TestNextRoundTime(t *testing.T) {
	times := []time.Duration{100 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}
	samples := []int{4, 4, 4, 4}
	// The first, slow round is beyond the last three: 1s a sample.
	if got := nextRoundTime(times, samples, 2); got != 2*time.Second {
		t.Errorf("nextRoundTime(%v, %v, 2) = %v, want 2s", times, samples, got)
	}
	if got := nextRoundTime(nil, nil, 2); got != 0 {
		t.Errorf("nextRoundTime(nil, nil, 2) = %v, want 0", got)
	}
}

func TestRunAdaptive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	tests := []struct {
		name   string
		a      Adaptive
		rounds int
		reason string
	}{
		// Below benchstat's six samples there is no interval: the cap ends it.
		{"max rounds", Adaptive{TargetCI: 0.03, MinRounds: 2, MaxRounds: 3}, 3, StoppedMaxRounds},
		{"budget", Adaptive{TargetCI: 0.03, Budget: time.Nanosecond}, 1, StoppedBudget},
	}
	for _, tt := range tests {
		opts := testOptions(t, matrix.Matrix{Parsers: []string{"std", "none"}, Strategies: []string{"sequential"}}, 0)
		opts.Adaptive = &tt.a
		dir, run, err := Run(t.Context(), opts)
		if err != nil {
			t.Fatalf("%s: Run: %v", tt.name, err)
		}
		back, err := record.Read(dir)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for _, r := range []*record.Run{run, back} {
			if r.Count != tt.rounds || len(r.Rounds) != tt.rounds || r.Adaptive == nil || r.Adaptive.TargetCI != 0.03 {
				t.Errorf("%s: count %d, %d rounds, adaptive %+v; want %d rounds and the settings", tt.name, r.Count, len(r.Rounds), r.Adaptive, tt.rounds)
			}
			for _, c := range r.Cells {
				if c.Rounds != tt.rounds || len(c.Samples) != tt.rounds || c.Stopped != tt.reason {
					t.Errorf("%s: cell %s: %d rounds, %d samples, stopped %q; want %d, %q", tt.name, c.Name, c.Rounds, len(c.Samples), c.Stopped, tt.rounds, tt.reason)
				}
			}
		}
	}
}
