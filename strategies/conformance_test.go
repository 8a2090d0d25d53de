package strategies

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"benchgrid/corpus"
)

// limits are what the suite expects of one strategy run with n workers
// (n already capped at the number of files); -1 means unbounded.
type limits struct {
	made     func(n, files int) int64 // most Workers made
	parallel func(n int) int64        // most Process calls at once
	inFlight func(n int) int64        // most reads not yet released
}

func fixed(v int64) func(int) int64 { return func(int) int64 { return v } }
func times(k int64) func(int) int64 { return func(n int) int64 { return k * int64(n) } }

// strategyLimits holds the limits of every registered strategy: a new
// strategy must say here what it costs.
var strategyLimits = map[string]limits{
	"sequential": {made: func(n, files int) int64 { return 1 }, parallel: fixed(1), inFlight: fixed(1)},
	"pool":       {made: func(n, files int) int64 { return int64(n) }, parallel: times(1), inFlight: times(1)},
	// Readers default to Workers: n readers and n parsers, a channel of 2n.
	"pipeline": {made: func(n, files int) int64 { return 2 * int64(n) }, parallel: times(1), inFlight: times(4)},
	"perfile":  {made: func(n, files int) int64 { return int64(files) }, parallel: fixed(-1), inFlight: fixed(-1)},
	"errgroup": {made: func(n, files int) int64 { return int64(n) }, parallel: times(1), inFlight: times(1)},
	"atomic":   {made: func(n, files int) int64 { return int64(n) }, parallel: times(1), inFlight: times(1)},
	// A batch's reads are all held until it is processed.
	"batch": {made: func(n, files int) int64 { return int64(n) }, parallel: times(1), inFlight: times(DefaultBatchSize)},
}

// workerCounts are the Options.Workers every strategy is tested with.
var workerCounts = []int{1, 2, 3, 8}

// bigFiles is a large input: a strategy that stops early never gets near
// its end.
var bigFiles = testFiles(100_000)

// A conformanceCase is one scenario of the suite.
type conformanceCase struct {
	name  string
	files []corpus.File
	// setup configures the fake; cancel cancels the run's ctx.
	setup func(w *fakeWork, cancel context.CancelFunc)
	// ctx turns the test's ctx into the run's, which is cancellable.
	ctx   func(context.Context) (context.Context, context.CancelFunc)
	check func(t *testing.T, w *fakeWork, err error)
}

var conformanceCases = []conformanceCase{
	{
		name:  "all",
		files: testFiles(1000),
		check: func(t *testing.T, w *fakeWork, err error) {
			if err != nil {
				t.Errorf("Run = %v, want nil", err)
			}
			w.check(t, true)
		},
	},
	{
		name:  "empty",
		files: nil,
		check: func(t *testing.T, w *fakeWork, err error) {
			if err != nil {
				t.Errorf("Run(no files) = %v, want nil", err)
			}
			w.check(t, true)
		},
	},
	{
		// Read errors are data: Process gets them, Run does not stop.
		name:  "read-errors",
		files: testFiles(1000),
		setup: func(w *fakeWork, _ context.CancelFunc) {
			errs := make([]error, len(w.files))
			for i := 3; i < len(errs); i += 7 {
				errs[i] = fmt.Errorf("read %d: %w", i, errRead)
			}
			w.readErr = func(i int) error { return errs[i] }
		},
		check: func(t *testing.T, w *fakeWork, err error) {
			if err != nil {
				t.Errorf("Run with read errors = %v, want nil", err)
			}
			w.check(t, true)
		},
	},
	{
		name:  "process-error",
		files: bigFiles,
		setup: func(w *fakeWork, _ context.CancelFunc) {
			w.process = func(i int, call int64) error {
				if call == 50 {
					return errProcess
				}
				return nil
			}
		},
		check: func(t *testing.T, w *fakeWork, err error) {
			if !errors.Is(err, errProcess) {
				t.Errorf("Run = %v, want %v", err, errProcess)
			} else if !strings.Contains(err.Error(), "process c/") {
				t.Errorf("Run = %q, want the file named", err)
			}
			if n := w.processed(); n >= int64(len(w.files)) {
				t.Errorf("processed %d of %d files after an error, want fewer", n, len(w.files))
			}
			w.check(t, false)
		},
	},
	{
		// Every Process fails from the 20th call on: one error is
		// returned, the others are dropped.
		name:  "process-errors",
		files: bigFiles,
		setup: func(w *fakeWork, _ context.CancelFunc) {
			w.process = func(i int, call int64) error {
				if call >= 20 {
					return fmt.Errorf("call %d: %w", call, errProcess)
				}
				return nil
			}
		},
		check: func(t *testing.T, w *fakeWork, err error) {
			if !errors.Is(err, errProcess) {
				t.Errorf("Run = %v, want %v", err, errProcess)
			}
			if n := w.processed(); n >= int64(len(w.files)) {
				t.Errorf("processed %d of %d files after an error, want fewer", n, len(w.files))
			}
			w.check(t, false)
		},
	},
	{
		name:  "new-worker-error",
		files: testFiles(100),
		setup: func(w *fakeWork, _ context.CancelFunc) {
			w.newWorker = func(int64) error { return errNewWorker }
		},
		check: func(t *testing.T, w *fakeWork, err error) {
			if !errors.Is(err, errNewWorker) {
				t.Errorf("Run = %v, want %v", err, errNewWorker)
			}
			if n := w.processed(); n != 0 {
				t.Errorf("processed %d files without a Worker", n)
			}
			w.check(t, false)
		},
	},
	{
		// Only the first Worker can be made: strategies that make more
		// must fail.
		name:  "second-new-worker-error",
		files: testFiles(100),
		setup: func(w *fakeWork, _ context.CancelFunc) {
			w.newWorker = func(call int64) error {
				if call > 1 {
					return errNewWorker
				}
				return nil
			}
		},
		check: func(t *testing.T, w *fakeWork, err error) {
			failed := w.newWorkerCalls.Load() > 1
			switch {
			case failed && !errors.Is(err, errNewWorker):
				t.Errorf("Run = %v after a failed NewWorker, want %v", err, errNewWorker)
			case !failed && err != nil:
				t.Errorf("Run = %v, want nil", err)
			}
			w.check(t, !failed)
		},
	},
	{
		name:  "cancel",
		files: bigFiles,
		setup: func(w *fakeWork, cancel context.CancelFunc) {
			w.process = func(i int, call int64) error {
				if call == 100 {
					cancel()
				}
				return nil
			}
		},
		check: func(t *testing.T, w *fakeWork, err error) {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run = %v after cancel, want %v", err, context.Canceled)
			}
			if n := w.processed(); n >= int64(len(w.files)) {
				t.Errorf("processed %d of %d files after cancel, want fewer", n, len(w.files))
			}
			w.check(t, false)
		},
	},
	{
		// The ctx is cancelled when Release gives back the last file's
		// data: every file is done, but the run was still cancelled.
		name:  "cancel-at-end",
		files: testFiles(50),
		setup: func(w *fakeWork, cancel context.CancelFunc) {
			var released atomic.Int64
			w.release = func(int) {
				if released.Add(1) == int64(len(w.files)) {
					cancel()
				}
			}
		},
		check: func(t *testing.T, w *fakeWork, err error) {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run = %v after cancel, want %v", err, context.Canceled)
			}
			w.check(t, true)
		},
	},
	{
		name:  "cancelled",
		files: bigFiles,
		ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			return ctx, cancel
		},
		check: func(t *testing.T, w *fakeWork, err error) {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run(cancelled ctx) = %v, want %v", err, context.Canceled)
			}
			if n := w.processed(); n != 0 {
				t.Errorf("Run(cancelled ctx) processed %d files, want 0", n)
			}
			w.check(t, false)
		},
	},
	{
		name:  "expired",
		files: bigFiles,
		ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithDeadline(ctx, time.Now().Add(-time.Second))
		},
		check: func(t *testing.T, w *fakeWork, err error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Run(expired ctx) = %v, want %v", err, context.DeadlineExceeded)
			}
			if n := w.processed(); n != 0 {
				t.Errorf("Run(expired ctx) processed %d files, want 0", n)
			}
			w.check(t, false)
		},
	},
}

// A conformanceConfig is one strategy, configured, as the suite runs it.
type conformanceConfig struct {
	name    string
	s       Strategy
	workers int
	limits  limits
	// batchReads makes the fake's Workers BatchReaders.
	batchReads bool
}

// conformanceConfigs returns every registered strategy with every worker
// count, and pipelines whose stages differ in size.
func conformanceConfigs(t *testing.T) []conformanceConfig {
	var configs []conformanceConfig
	for _, name := range Names() {
		lim, ok := strategyLimits[name]
		if !ok {
			t.Errorf("strategy %s has no limits in strategyLimits", name)
			continue
		}
		for _, workers := range workerCounts {
			s, err := Lookup(name, Options{Workers: workers})
			if err != nil {
				t.Fatalf("Lookup(%q) = %v", name, err)
			}
			configs = append(configs, conformanceConfig{name: fmt.Sprintf("%s/workers=%d", name, workers), s: s, workers: workers, limits: lim})
		}
	}
	// Batches through BatchReader, of several sizes.
	for _, b := range []Batch{{Workers: 1, Size: 1}, {Workers: 2, Size: 7}, {Workers: 3}, {Workers: 8, Size: 200}} {
		size := int64(cmp.Or(b.Size, DefaultBatchSize))
		configs = append(configs, conformanceConfig{
			name:       fmt.Sprintf("batch/workers=%d/size=%d/batchreader", b.Workers, size),
			s:          b,
			workers:    b.Workers,
			limits:     limits{made: func(n, files int) int64 { return int64(n) }, parallel: times(1), inFlight: times(size)},
			batchReads: true,
		})
	}
	// Every Streamer's streaming form, fed the list in uneven slices,
	// with and without BatchReader.
	for _, name := range StreamNames() {
		for _, st := range []streamed{{workers: 1, slice: 1}, {workers: 2, slice: 7}, {workers: 3, slice: 1000}, {workers: 8, slice: 100}} {
			for _, batchReads := range []bool{false, true} {
				s, err := Lookup(name, Options{Workers: st.workers})
				if err != nil {
					t.Fatal(err)
				}
				st.s = s.(Streamer)
				w, held := int64(st.workers), int64(1)
				if b, ok := s.(Batch); ok {
					held = int64(b.batchSize())
				}
				configs = append(configs, conformanceConfig{
					name:    fmt.Sprintf("%s/stream/workers=%d/slice=%d/batchreader=%v", name, st.workers, st.slice, batchReads),
					s:       st,
					workers: st.workers,
					// Every worker is made, however few the files.
					limits:     limits{made: func(n, files int) int64 { return w }, parallel: fixed(w), inFlight: fixed(held * w)},
					batchReads: batchReads,
				})
			}
		}
	}
	for _, p := range []Pipeline{{Workers: 3, Readers: 1}, {Workers: 1, Readers: 3}} {
		r := int64(p.Readers)
		configs = append(configs, conformanceConfig{
			name:    fmt.Sprintf("pipeline/readers=%d/workers=%d", p.Readers, p.Workers),
			s:       p,
			workers: p.Workers,
			limits: limits{
				made:     func(n, files int) int64 { return int64(n) + min(r, int64(files)) },
				parallel: times(1),
				inFlight: func(n int) int64 { return r + 3*int64(n) },
			},
		})
	}
	return configs
}

// TestConformance runs every scenario against every configuration.
func TestConformance(t *testing.T) {
	for _, cfg := range conformanceConfigs(t) {
		t.Run(cfg.name, func(t *testing.T) {
			for _, c := range conformanceCases {
				t.Run(c.name, func(t *testing.T) {
					runCase(t, cfg, c)
				})
			}
		})
	}
}

// promptly bounds how long a run may take to stop, even with bigFiles.
const promptly = 2 * time.Second

func runCase(t *testing.T, cfg conformanceConfig, c conformanceCase) {
	ctx, cancel := context.WithCancel(t.Context())
	if c.ctx != nil {
		ctx, cancel = c.ctx(ctx)
	}
	defer cancel()
	w := newFakeWork(c.files)
	w.batchReads = cfg.batchReads
	if c.setup != nil {
		c.setup(w, cancel)
	}
	err := runChecked(t, ctx, cfg.s, c.files, w)
	c.check(t, w, err)
	checkLimits(t, w, cfg.workers, cfg.limits)
}

// runChecked runs s, checking that it stops promptly once its ctx is done
// and leaves no goroutine behind.
func runChecked(t *testing.T, ctx context.Context, s Strategy, files []corpus.File, work *fakeWork) error {
	t.Helper()
	before := runtime.NumGoroutine()
	stopped := make(chan time.Time, 1)
	stop := context.AfterFunc(ctx, func() { stopped <- time.Now() })
	err := s.Run(ctx, files, work)
	end := time.Now()
	work.done.Store(true) // any later call is from a goroutine Run left behind
	if !stop() {          // the ctx was done before Run returned
		if d := end.Sub(<-stopped); d > promptly {
			t.Errorf("Run returned %v after its ctx was done, want within %v", d, promptly)
		}
	}
	checkGoroutines(t, before)
	return err
}

// checkGoroutines fails t if more goroutines are running than before,
// allowing a moment for goroutines that have signalled their end to exit.
func checkGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		after := runtime.NumGoroutine()
		if after <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines before Run, %d after:\n%s", before, after, buf)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func checkLimits(t *testing.T, w *fakeWork, workers int, lim limits) {
	t.Helper()
	n := min(workers, len(w.files))
	if n == 0 {
		n = 1 // nothing is made or run, so any limit holds
	}
	if got, most := w.made.Load(), lim.made(n, len(w.files)); got > most {
		t.Errorf("made %d Workers, want at most %d", got, most)
	}
	if got, most := w.maxProcess.Load(), lim.parallel(n); most >= 0 && got > most {
		t.Errorf("%d Process calls at once, want at most %d", got, most)
	}
	if got, most := w.maxInFlight.Load(), lim.inFlight(n); most >= 0 && got > most {
		t.Errorf("%d reads in memory at once, want at most %d", got, most)
	}
}

// TestBatchUsesBatchReader: Batch reads a BatchReader's files through
// ReadBatch, a batch at a time.
func TestBatchUsesBatchReader(t *testing.T) {
	files := testFiles(100)
	for _, size := range []int{1, 7, 100, 1000} {
		w := newFakeWork(files)
		w.batchReads = true
		if err := (Batch{Workers: 2, Size: size}).Run(t.Context(), files, w); err != nil {
			t.Fatalf("Batch{Size: %d}.Run = %v", size, err)
		}
		w.check(t, true)
		if got, want := w.batchCalls.Load(), int64((len(files)+size-1)/size); got != want {
			t.Errorf("Batch{Size: %d}: %d ReadBatch calls, want %d", size, got, want)
		}
	}
}

// streamed is a Streamer's streaming form fed a list in slices of slice
// files, so that the suite holds it to the Strategy contract.
type streamed struct {
	s              Streamer
	workers, slice int
}

func (s streamed) Run(ctx context.Context, files []corpus.File, work Work) error {
	return s.s.RunFeed(ctx, func(ctx context.Context, emit func([]corpus.File) error) error {
		for len(files) > 0 {
			k := min(len(files), s.slice)
			if err := emit(files[:k]); err != nil {
				return err
			}
			files = files[k:]
		}
		return nil
	}, work)
}

// TestStreamFeedError: a Feed's error stops the workers and is what
// RunFeed returns, wrapped by nothing; the files already handed over are
// released.
func TestStreamFeedError(t *testing.T) {
	errFeed := errors.New("fake feed error")
	files := testFiles(500)
	w := newFakeWork(files)
	err := (Atomic{Workers: 2}).RunFeed(t.Context(), func(ctx context.Context, emit func([]corpus.File) error) error {
		if err := emit(files[:300]); err != nil {
			return err
		}
		return errFeed
	}, w)
	if !errors.Is(err, errFeed) {
		t.Errorf("Stream = %v, want the feed's error", err)
	}
	w.check(t, false)
	for i := 300; i < len(files); i++ {
		if w.reads[i].Load() != 0 {
			t.Fatalf("file %d, never handed over, was read", i)
		}
	}
}
