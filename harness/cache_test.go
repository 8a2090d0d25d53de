package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"benchgrid/corpus"
	"benchgrid/matrix"
	"benchgrid/record"
	"benchgrid/workloads/events/gen"
)

// TestColdCells: on a corpus that can be evicted, cold cells run cold and
// warm ones warm, as their samples' residency says.
func TestColdCells(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	opts := testOptions(t, matrix.Matrix{Parsers: []string{"std"}, Strategies: []string{"pool"}, Cache: []string{"warm", "cold"}}, 2)
	if reason := corpus.CanEvict(opts.Corpus, nil); reason != "" {
		t.Skipf("no eviction here: %s", reason)
	}
	_, run, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Cells) != 2 || len(run.Unavailable) != 0 {
		t.Fatalf("%d cells, unavailable %v; want 2 and none", len(run.Cells), run.Unavailable)
	}
	for _, c := range run.Cells {
		cache, _ := record.Value(c.Axes, "cache")
		if len(c.Samples) != 2 {
			t.Errorf("%s: %d samples (failures %v), want 2", c.Name, len(c.Samples), c.Failures)
		}
		for _, s := range c.Samples {
			if cold := cache == "cold"; cold && s.Resident > corpus.MaxResidentAfterEvict || !cold && s.Resident < 0.97 {
				t.Errorf("%s: a sample with %.1f%% of the corpus resident", c.Name, 100*s.Resident)
			}
		}
	}
}

// TestColdUnavailable: where eviction cannot be verified (a corpus on
// tmpfs, or, where /dev/shm is not tmpfs, a stand-in for CanEvict), the cold
// cells are unavailable, said in the log and the results, and the warm
// ones run.
func TestColdUnavailable(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	opts := testOptions(t, matrix.Matrix{Parsers: []string{"std"}, Strategies: []string{"sequential", "pool"}, Cache: []string{"warm", "cold"}}, 1)
	want := "tmpfs"
	if shm, err := os.MkdirTemp("/dev/shm", "benchgrid-harness-"); err == nil && strings.Contains(corpus.CanEvict(shm, nil), "tmpfs") {
		t.Cleanup(func() { os.RemoveAll(shm) })
		opts.Corpus = filepath.Join(shm, "corpus")
		if _, err := gen.Generate(t.Context(), gen.GenOptions{Dir: opts.Corpus, Files: 10, Seed: 3}); err != nil {
			t.Fatal(err)
		}
	} else {
		if err == nil {
			os.RemoveAll(shm)
		}
		t.Logf("/dev/shm is not tmpfs here: CanEvict is faked")
		want = "a fake file system"
		canEvict = func(string, []corpus.File) string { return want }
		t.Cleanup(func() { canEvict = corpus.CanEvict })
	}
	var log strings.Builder
	opts.Progress = &log
	_, run, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Unavailable) != 1 || run.Unavailable[0].What != "cache=cold" || !strings.Contains(run.Unavailable[0].Reason, want) {
		t.Errorf("unavailable = %+v, want cache=cold for %s", run.Unavailable, want)
	}
	if !strings.Contains(log.String(), "UNAVAILABLE cache=cold: ") {
		t.Errorf("the log does not say the cold cells are unavailable:\n%s", log.String())
	}
	if len(run.Cells) != 2 {
		t.Errorf("%d cells, want the 2 warm ones", len(run.Cells))
	}
	for _, c := range run.Cells {
		if cache, _ := record.Value(c.Axes, "cache"); cache != "warm" || len(c.Samples) != 1 {
			t.Errorf("cell %s ran with %d samples; want only warm cells, each sampled", c.Name, len(c.Samples))
		}
	}
	// With only cold cells, nothing can run.
	opts.Matrix.Cache = []string{"cold"}
	if _, _, err := Run(t.Context(), opts); err == nil || !strings.Contains(err.Error(), "no cell of the matrix can run") {
		t.Errorf("Run(only cold cells, unavailable) = %v, want no cell can run", err)
	}
}
