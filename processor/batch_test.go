package processor

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"benchgrid/corpus"
	"benchgrid/workloads/events/gen"
)

// TestBatchEveryReadMode: on a generated corpus with adversarial inputs,
// the batch strategy prints the reference's line and counts the same bad
// files in every read mode (io_uring batches in uring), as atomic does,
// and leaves no descriptor open.
func TestBatchEveryReadMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	if _, err := gen.Generate(t.Context(), gen.GenOptions{Dir: dir, Files: 300, Seed: 5, Bad: 40}); err != nil {
		t.Fatal(err)
	}
	files, err := corpus.List(t.Context(), dir)
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
