package processor

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// TestFinishedWorkerDescriptors: a worker that is finished
// (strategies.Finisher, which perfile calls as each file is done) has
// closed its own descriptors, in every read mode: the directory an openat
// mode keeps open, and no ring of its own (uring lends the Reader's). So a
// pass that makes a worker per file holds descriptors for its files in
// flight, not for every file it has done: before workers were finished,
// each kept its directory until the pass ended, and a perfile pass over
// many files failed with EMFILE in openat, openat-raw and uring. The
// count is of the process's open descriptors after each of a series of
// workers, one after another, each of which read a file of another
// directory, so nothing here depends on scheduling.
func TestFinishedWorkerDescriptors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	files, _ := referenceOutcome(t, gen.GenOptions{Dir: dir, Files: 2000, Seed: 6})
	// One file of each directory: an openat worker opens each's.
	var spread []corpus.File
	seen := map[string]bool{}
	for _, f := range files {
		if d := filepath.Dir(f.Path); !seen[d] {
			seen[d] = true
			spread = append(spread, f)
		}
	}
	if len(spread) < 8 {
		t.Fatalf("the corpus has %d directories, want 8 or more", len(spread))
	}
	for _, mode := range corpus.ReadModes {
		if err := corpus.ReadModeAvailable(mode); err != nil {
			t.Logf("read=%s: %v", mode, err)
			continue
		}
		r := corpus.NewReader(mode)
		j := &job{reader: r}
		var open []int
		for _, f := range spread {
			w := &worker{job: j, session: r.Session()}
			data, err := w.Read(f)
			if err != nil {
				t.Fatalf("read=%s: %v", mode, err)
			}
			w.session.Release(data)
			w.Finish()
			open = append(open, countFDs(t))
		}
		r.Close()
		// After the first worker, a Reader may keep what it lends (an
		// idle ring); a worker's own descriptors must not add up.
		if first, last := open[0], open[len(open)-1]; last > first {
			t.Errorf("read=%s: %d descriptors open after the first finished worker, %d after the %dth", mode, first, last, len(open))
		}
	}
}
