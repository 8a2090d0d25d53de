package processor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"benchgrid/corpus"
	"benchgrid/workload"
	"benchgrid/workloads/events/gen"
)

// TestRunWalk: streaming the walk's files to the workers gives exactly
// what Run gives over the walk's list, in every walk mode, with each
// strategy it stands in for and any number of workers: the same line, the
// same counts, the same bad inputs with the same reasons.
func TestRunWalk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	if _, err := gen.Generate(t.Context(), gen.GenOptions{Dir: dir, Files: 400, Seed: 5, Bad: 30}); err != nil {
		t.Fatal(err)
	}
	for _, walk := range corpus.WalkModes {
		list := corpus.ListOptions{Walk: walk}
		files, _, err := corpus.ListWith(t.Context(), dir, list)
		if err != nil {
			t.Fatal(err)
		}
		for _, strategy := range StreamStrategies {
			for _, workers := range []int{0, 1, 3} {
				t.Run(fmt.Sprintf("walk=%s/strategy=%s/workers=%d", walk, strategy, workers), func(t *testing.T) {
					proc, err := New(Config{Parser: "std", Strategy: strategy, Workers: workers, Read: corpus.ReadOpenat})
					if err != nil {
						t.Fatal(err)
					}
					want, err := proc.Run(t.Context(), files)
					if err != nil {
						t.Fatal(err)
					}
					before := runtime.NumGoroutine()
					got, err := proc.RunWalk(t.Context(), func(ctx context.Context, emit func([]corpus.File) error) error {
						_, err := corpus.WalkWith(ctx, dir, list, emit)
						return err
					})
					if err != nil {
						t.Fatal(err)
					}
					checkGoroutines(t, before)
					if !bytes.Equal(got.Canonical, want.Canonical) {
						t.Errorf("RunWalk = %s, Run = %s", got.Canonical, want.Canonical)
					}
					if got.Files != want.Files || got.BadFiles != want.BadFiles || got.Bytes != want.Bytes || want.BadFiles == 0 {
						t.Errorf("RunWalk counted %d files, %d bad, %d bytes; Run %d, %d, %d", got.Files, got.BadFiles, got.Bytes, want.Files, want.BadFiles, want.Bytes)
					}
					if g, w := badLines(got), badLines(want); !slices.Equal(g, w) {
						t.Errorf("RunWalk's bad inputs = %q, Run's %q", g, w)
					}
				})
			}
		}
	}
}

// badLines returns o's bad inputs with their reasons, sorted: the order
// the workers met them in is not part of the answer.
func badLines(o *workload.Outcome) []string {
	var out []string
	for _, b := range o.Bad {
		out = append(out, b.Path+": "+b.Reason)
	}
	slices.Sort(out)
	return out
}

// TestRunWalkErrors: a strategy with no streaming form is refused before
// anything is read; the walk's own error, a cancelled ctx and a walk that
// goes on emitting after the pass has stopped all end the pass with that
// error, leaving no goroutine behind.
func TestRunWalkErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	if _, err := gen.Generate(t.Context(), gen.GenOptions{Dir: dir, Files: 50, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	files, _, err := corpus.ListWith(t.Context(), dir, corpus.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	proc, err := New(Config{Parser: "std", Strategy: "pipeline"})
	if err != nil {
		t.Fatal(err)
	}
	walked := false
	if _, err := proc.RunWalk(t.Context(), func(context.Context, func([]corpus.File) error) error { walked = true; return nil }); err == nil || !strings.Contains(err.Error(), "no streaming form") || walked {
		t.Errorf("RunWalk with strategy pipeline = %v (walked: %v), want a refusal before the walk", err, walked)
	}

	walkErr := errors.New("walk failed")
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		walk Walk
		want error
	}{
		{"walk fails after some files", t.Context(), func(_ context.Context, emit func([]corpus.File) error) error {
			if err := emit(files[:10]); err != nil {
				return err
			}
			return walkErr
		}, walkErr},
		{"cancelled before", cancelled, func(ctx context.Context, emit func([]corpus.File) error) error {
			return emit(files)
		}, context.Canceled},
		{"cancelled while walking", nil, nil, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, walk := tc.ctx, tc.walk
			if ctx == nil {
				// The walk cancels the pass, then keeps emitting as a walk
				// that ignores its ctx would: emit must refuse.
				c, cancel := context.WithCancel(t.Context())
				defer cancel()
				ctx = c
				walk = func(_ context.Context, emit func([]corpus.File) error) error {
					if err := emit(files[:5]); err != nil {
						return err
					}
					cancel()
					for {
						if err := emit(files); err != nil {
							return err
						}
					}
				}
			}
			proc, err := New(Config{Parser: "std", Strategy: "atomic", Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			before := runtime.NumGoroutine()
			out, err := proc.RunWalk(ctx, walk)
			if !errors.Is(err, tc.want) || out != nil {
				t.Errorf("RunWalk = %v, %v; want nil, %v", out, err, tc.want)
			}
			checkGoroutines(t, before)
		})
	}
}

// checkGoroutines fails t when more goroutines run than before, once
// those that are ending have had time to.
func checkGoroutines(t *testing.T, before int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines before RunWalk, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
	}
}
