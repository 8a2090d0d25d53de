package study

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"benchgrid/child"
	"benchgrid/harness"
	"benchgrid/matrix"
	"benchgrid/record"
	"benchgrid/workloads/events/gen"
)

// childEnvVar makes the test binary act as a harness child process.
const childEnvVar = "BENCHGRID_STUDY_TEST_CHILD"

func init() {
	if os.Getenv(childEnvVar) == "1" {
		if err := child.Main(context.Background(), os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}

func TestHarnessMeasure(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	root := t.TempDir()
	dir := filepath.Join(root, "corpus")
	if _, err := gen.Generate(t.Context(), gen.GenOptions{Dir: dir, Files: 20, Seed: 5, Bad: 2}); err != nil {
		t.Fatal(err)
	}
	studyDir, err := NewDir(filepath.Join(root, "results"), time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(studyDir) != "study-20261126-120000" {
		t.Errorf("NewDir = %s, want study-20261126-120000", studyDir)
	}
	h := &Harness{Options: harness.Options{
		Corpus: dir, OutDir: studyDir, Timeout: time.Minute, Seed: 7,
		ChildCommand: []string{os.Args[0]}, ChildEnv: []string{childEnvVar + "=1"},
	}}
	sonic, _ := Apply(Naive(testWorkload), Candidates(testWorkload)[0])
	run, runDir, err := h.Measure(t.Context(), "step-1", []matrix.Cell{Naive(testWorkload), sonic}, 2, nil)
	if err != nil {
		t.Fatalf("Measure: %v", err)
	}
	if runDir != filepath.Join(studyDir, "step-1") {
		t.Errorf("run folder = %s, want %s", runDir, filepath.Join(studyDir, "step-1"))
	}
	if _, err := record.Read(runDir); err != nil {
		t.Errorf("no results in the renamed run folder: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(studyDir, "latest")); !os.IsNotExist(err) {
		t.Errorf("dangling latest link left behind: %v", err)
	}
	if len(run.Cells) != 2 || findCell(run, sonic) == nil || len(findCell(run, sonic).Samples) != 2 {
		t.Errorf("run cells = %+v, want naive and sonic with 2 samples", run.Cells)
	}
	if run.ShuffleSeed != 7 {
		t.Errorf("first run seed = %d, want 7", run.ShuffleSeed)
	}
}
