package processor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"benchgrid/corpus"
)

// latencyStrategies are the strategies the latency tests run: one worker,
// a pool, a pipeline (whose read stage does the waiting), a goroutine
// per file and batches (whose ReadBatch waits for each file).
var latencyStrategies = []string{"sequential", "pool", "pipeline", "perfile", "batch"}

// smallCorpus writes n small inputs and lists them.
func smallCorpus(t *testing.T, n int) []corpus.File {
	t.Helper()
	root := t.TempDir()
	for i := range n {
		doc := fmt.Sprintf(`{"events":[{"type":"PushEvent","actor":{"id":%d},"repo":{"name":"a/b"},"created_at":"2026-01-01T00:00:00Z"}]}`, i)
		if err := os.WriteFile(filepath.Join(root, fmt.Sprintf("f%03d.json", i)), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := corpus.List(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestLatencyWaitsPerFile: every input's read waits the latency once,
// whatever the strategy, and the answer is the one without latency. The
// waits are counted through the injectable sleep, so nothing is timed.
func TestLatencyWaitsPerFile(t *testing.T) {
	files := smallCorpus(t, 40)
	for _, s := range latencyStrategies {
		plain, err := New(Config{Parser: "std", Strategy: s, Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		want, err := plain.Run(t.Context(), files)
		if err != nil {
			t.Fatal(err)
		}
		proc, err := New(Config{Parser: "std", Strategy: s, Workers: 3, Latency: 3 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		waits := map[time.Duration]int{}
		proc.sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits[d]++
			mu.Unlock()
			return ctx.Err()
		}
		got, err := proc.Run(t.Context(), files)
		if err != nil {
			t.Fatal(err)
		}
		if len(waits) != 1 || waits[3*time.Millisecond] != len(files) {
			t.Errorf("%s: waits %v, want %d of 3ms", s, waits, len(files))
		}
		if g, w := string(got.Canonical), string(want.Canonical); g != w {
			t.Errorf("%s: with latency %s, want %s", s, g, w)
		}
	}
}

// TestLatencyWallTime: with the real clock a pass takes at least the
// latency per file when nothing overlaps (sequential), and a goroutine per
// file overlaps the waits. Only generous bounds: a wait never ends early,
// and twenty overlapped waits are far from twenty in a row.
func TestLatencyWallTime(t *testing.T) {
	files := smallCorpus(t, 20)
	const latency = 25 * time.Millisecond
	pass := func(strategy string) time.Duration {
		proc, err := New(Config{Parser: "std", Strategy: strategy, Latency: latency})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := proc.Run(t.Context(), files); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	serial := time.Duration(len(files)) * latency
	if got := pass("sequential"); got < serial {
		t.Errorf("sequential pass with %v per file over %d files took %v, want at least %v", latency, len(files), got, serial)
	}
	if got := pass("perfile"); got >= serial/2 {
		t.Errorf("perfile pass took %v, want well under %v: its waits overlap", got, serial)
	}
}

// TestLatencyIsNotCPU: a pass that mostly waits uses little CPU time.
func TestLatencyIsNotCPU(t *testing.T) {
	files := smallCorpus(t, 20)
	proc, err := New(Config{Parser: "std", Strategy: "sequential", Latency: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	c0, start := cpu(), time.Now()
	if _, err := proc.Run(t.Context(), files); err != nil {
		t.Fatal(err)
	}
	wall, used := time.Since(start), cpu()-c0
	if used > wall/4 {
		t.Errorf("a pass of %v waiting used %v of CPU, want under a quarter of it", wall, used)
	}
}

// TestLatencyCancel: a pass cancelled while its files wait returns
// ctx.Err() promptly, under every strategy, counting nothing.
func TestLatencyCancel(t *testing.T) {
	files := smallCorpus(t, 10)
	for _, s := range latencyStrategies {
		proc, err := New(Config{Parser: "std", Strategy: s, Workers: 2, Latency: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		start := time.Now()
		tally, err := proc.Run(ctx, files)
		took := time.Since(start)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || tally != nil {
			t.Errorf("%s: cancelled pass = %v, %v; want nil, context.DeadlineExceeded", s, tally, err)
		}
		if took > 5*time.Second {
			t.Errorf("%s: cancelled pass returned after %v, want promptly", s, took)
		}
	}
}

// TestClockWaits: concurrent waits on one clock each last at least the
// latency.
func TestClockWaits(t *testing.T) {
	const latency = 300 * time.Microsecond
	c := startClock(latency)
	defer c.close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				start := time.Now()
				if err := c.wait(t.Context()); err != nil {
					t.Error(err)
					return
				}
				if took := time.Since(start); took < latency {
					t.Errorf("a wait of %v ended after %v", latency, took)
				}
			}
		})
	}
	wg.Wait()
}

func TestNegativeLatency(t *testing.T) {
	if _, err := New(Config{Parser: "std", Strategy: "pool", Latency: -time.Millisecond}); err == nil {
		t.Errorf("New(Latency -1ms) = nil error, want one")
	}
}

// TestLatencyBatchBudget: a batch that its byte budget cuts short waits
// each file's latency once, not again in the ReadBatch that reads the
// files it left out, however many reads later, in every read mode.
func TestLatencyBatchBudget(t *testing.T) {
	files := smallCorpus(t, 10)
	for i := range files {
		files[i].Size = corpus.SizeUnknown // as a d_type walk lists them
	}
	for _, mode := range corpus.ReadModes {
		if err := corpus.ReadModeAvailable(mode); err != nil {
			t.Logf("%s: %v", mode, err)
			continue
		}
		waits := 0
		r := corpus.NewReader(mode)
		j := &job{reader: r, wait: func() error { waits++; return nil }}
		w := &worker{job: j, session: r.Session()}
		data, errs := make([][]byte, len(files)), make([]error, len(files))
		calls, offer := 0, 0
		for rest := files; len(rest) > 0; calls++ {
			// Offered as strategies.Batch offers them after a cut: one
			// file more than the last read took, so that files that
			// waited stay out of some reads.
			offered := rest
			if offer > 0 {
				offered = rest[:min(offer, len(rest))]
			}
			n := w.ReadBatch(t.Context(), offered, 150, data, errs) // a file is about 120 bytes
			offer = n + 1
			for i := range rest[:n] {
				if errs[i] != nil {
					t.Fatalf("%s: %v", mode, errs[i])
				}
				w.session.Release(data[i])
			}
			rest = rest[n:]
		}
		w.session.Close()
		r.Close()
		if calls < 5 {
			t.Errorf("%s: %d ReadBatch calls for 10 files over a budget of 150 bytes, want at least 5", mode, calls)
		}
		if waits != len(files) {
			t.Errorf("%s: %d waits for %d files", mode, waits, len(files))
		}
	}
}
