package harness

import (
	"strings"
	"testing"

	"benchgrid/corpus"
	"benchgrid/matrix"
	"benchgrid/record"
)

// TestReadModeUnavailable: where a read mode cannot run (io_uring refused,
// injected here), its cells are unavailable with the reason, said in the
// log and the results, and the run measures the others.
func TestReadModeUnavailable(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	const reason = "io_uring_setup: operation not permitted (injected)"
	readModeAvailable = func(mode corpus.ReadMode) error {
		if mode == corpus.ReadUring {
			return &corpus.UnavailableError{Mode: mode, Reason: reason}
		}
		return nil
	}
	t.Cleanup(func() { readModeAvailable = corpus.ReadModeAvailable })
	m := matrix.Matrix{Parsers: []string{"std"}, Strategies: []string{"sequential", "batch"}, Reads: []string{"sized", "uring"}}
	plan, err := MakePlan(Options{Matrix: m})
	if err != nil {
		t.Fatal(err)
	}
	if want := []record.Unavailable{{What: "read=uring", Reason: reason}}; len(plan.Unavailable) != 1 || plan.Unavailable[0] != want[0] {
		t.Errorf("MakePlan: unavailable %+v, want %+v", plan.Unavailable, want)
	}
	for _, c := range plan.Cells {
		if c.Read == corpus.ReadUring {
			t.Errorf("MakePlan kept %s", c.Name())
		}
	}
	opts := testOptions(t, m, 1)
	var log strings.Builder
	opts.Progress = &log
	_, run, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Unavailable) != 1 || run.Unavailable[0].What != "read=uring" || run.Unavailable[0].Reason != reason {
		t.Errorf("unavailable = %+v, want read=uring: %s", run.Unavailable, reason)
	}
	if len(run.Cells) != 2 {
		t.Errorf("%d cells ran, want the 2 that read sized", len(run.Cells))
	}
	if !strings.Contains(log.String(), "UNAVAILABLE read=uring: "+reason) {
		t.Errorf("the log does not say read=uring is unavailable:\n%s", log.String())
	}
}
