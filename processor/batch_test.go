package processor

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"benchgrid/corpus"
	"benchgrid/workload"
	"benchgrid/workloads/events/gen"
)

// TestBatchEveryReadMode: on a generated corpus with adversarial inputs,
// the batch strategy prints the reference's line and counts the same bad
// files in every read mode (io_uring batches in uring), as atomic does,
// and leaves no descriptor open.
func TestBatchEveryReadMode(t *testing.T) {
	files, want := referenceOutcome(t, gen.GenOptions{Files: 300, Seed: 5, Bad: 40})
	if want.BadFiles == 0 {
		t.Fatal("the corpus has no bad file: the test would prove nothing")
	}
	before := countFDs(t)
	for _, mode := range corpus.ReadModes {
		for _, strategy := range []string{"batch", "atomic"} {
			for _, workers := range []int{1, 3} {
				t.Run(fmt.Sprintf("read=%s/strategy=%s/workers=%d", mode, strategy, workers), func(t *testing.T) {
					if err := corpus.ReadModeAvailable(mode); err != nil {
						t.Skip(err)
					}
					proc, err := New(Config{Parser: "std", Strategy: strategy, Workers: workers, Read: mode})
					if err != nil {
						t.Fatal(err)
					}
					got, err := proc.Run(t.Context(), files)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got.Canonical, want.Canonical) || got.BadFiles != want.BadFiles {
						t.Errorf("line %s with %d bad files, want %s with %d", got.Canonical, got.BadFiles, want.Canonical, want.BadFiles)
					}
				})
			}
		}
	}
	if after := countFDs(t); after != before {
		t.Errorf("%d descriptors open before the passes, %d after", before, after)
	}
}

// referenceOutcome generates a corpus in opts.Dir (a temporary folder
// when it is ""), lists it, and returns its files with the reference's
// outcome over them (std, sequential, readfile).
func referenceOutcome(t *testing.T, opts gen.GenOptions) ([]corpus.File, *workload.Outcome) {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = filepath.Join(t.TempDir(), "c")
	}
	if _, err := gen.Generate(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	files, err := corpus.List(t.Context(), opts.Dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := New(Config{Parser: "std", Strategy: "sequential"})
	if err != nil {
		t.Fatal(err)
	}
	want, err := ref.Run(t.Context(), files)
	if err != nil {
		t.Fatal(err)
	}
	return files, want
}

// countFDs counts this process's open descriptors.
func countFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(entries)
}

// TestUnavailableReadMode: a read mode that cannot run here makes New
// fail with its reason, and is never run another way.
func TestUnavailableReadMode(t *testing.T) {
	refused := &corpus.UnavailableError{Mode: corpus.ReadUring, Reason: "io_uring_setup: operation not permitted (injected)"}
	old := readModeAvailable
	readModeAvailable = func(mode corpus.ReadMode) error {
		if mode == corpus.ReadUring {
			return refused
		}
		return nil
	}
	defer func() { readModeAvailable = old }()
	for _, strategy := range []string{"batch", "atomic"} {
		_, err := New(Config{Parser: "std", Strategy: strategy, Read: corpus.ReadUring})
		var ue *corpus.UnavailableError
		if !errors.As(err, &ue) || ue != refused {
			t.Errorf("New(read=uring, strategy=%s) = %v, want %v", strategy, err, refused)
		}
	}
	if _, err := New(Config{Parser: "std", Strategy: "batch", Read: corpus.ReadSized}); err != nil {
		t.Errorf("New(read=sized) = %v, want nil", err)
	}
}

// TestPerFileDescriptors: perfile makes a worker per file, all at once;
// in every read mode a worker's own descriptors (the directory an openat
// mode keeps, a ring) are closed once its file is done, so a pass over
// many files runs with few descriptors to spare. Before workers were
// finished, each kept its directory until the pass ended, and openat,
// openat-raw and uring failed with EMFILE here.
func TestPerFileDescriptors(t *testing.T) {
	files, want := referenceOutcome(t, gen.GenOptions{Files: 400, Seed: 6})
	for _, mode := range corpus.ReadModes {
		if err := corpus.ReadModeAvailable(mode); err != nil {
			t.Logf("read=%s: %v", mode, err)
			continue
		}
		proc, err := New(Config{Parser: "std", Strategy: "perfile", Read: mode})
		if err != nil {
			t.Fatal(err)
		}
		var got *workload.Outcome
		withDescriptorsToSpare(t, 64, func() { got, err = proc.Run(t.Context(), files) })
		if err != nil {
			t.Errorf("read=%s: Run = %v, want no error", mode, err)
			continue
		}
		if !bytes.Equal(got.Canonical, want.Canonical) {
			t.Errorf("read=%s: line %s, want %s", mode, got.Canonical, want.Canonical)
		}
	}
}

// withDescriptorsToSpare runs f with the soft limit on open files set to
// spare more than the descriptors open now.
func withDescriptorsToSpare(t *testing.T, spare uint64, f func()) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	highest := 0
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil {
			highest = max(highest, fd)
		}
	}
	lim := old
	lim.Cur = min(old.Max, uint64(highest)+1+spare)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
			t.Fatal(err)
		}
	}()
	f()
}
