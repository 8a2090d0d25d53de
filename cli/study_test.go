package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"benchgrid/matrix"
	"benchgrid/record"
	"benchgrid/workloads/events/gen"
)

// TestStudyEndToEnd runs a real study on a tiny corpus, two samples per
// configuration and no build variants (building them takes minutes): two
// samples can never be significant, so it adopts nothing and stops after
// step 1, then runs the final step with a CPU profile.
func TestStudyEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a study of child processes")
	}
	root := t.TempDir()
	dir := filepath.Join(root, "corpus")
	if _, err := gen.Generate(t.Context(), gen.GenOptions{Dir: dir, Files: 60, Seed: 2, Bad: 4}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "results")
	var stdout, stderr bytes.Buffer
	start := time.Now()
	err := runStudy(t.Context(), []string{"-corpus", dir, "-count", "2", "-out", out, "-seed", "3", "-no-builds", "-profile", "cpu"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("runStudy: %v\nstderr:\n%s", err, stderr.String())
	}
	t.Logf("study took %v", time.Since(start))
	studyDir := strings.TrimSpace(stdout.String())
	if filepath.Dir(studyDir) != out || !strings.HasPrefix(filepath.Base(studyDir), "study-") {
		t.Fatalf("runStudy stdout = %q, want %s/study-…", stdout.String(), out)
	}
	if !strings.Contains(stderr.String(), "skipping the candidates that need a build variant, and PGO: -no-builds was given") {
		t.Errorf("stderr does not say build candidates were skipped:\n%s", stderr.String())
	}
	for _, f := range []string{record.StudyFile, record.StudyReportFile, record.PresetFile,
		"step-1/" + record.ResultsFile, "step-1/" + record.ReportFile, "final/" + record.ReportFile} {
		if _, err := os.Stat(filepath.Join(studyDir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	st, err := record.ReadStudy(studyDir)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Complete || len(st.Steps) != 2 || st.Steps[0].Taken != "" || st.Result == nil || !st.Result.Interleaved {
		t.Errorf("study: complete %v, %d steps, step 1 took %q, result %+v; want complete, 2 steps, nothing taken, an interleaved result",
			st.Complete, len(st.Steps), st.Steps[0].Taken, st.Result)
	}
	if len(st.Skipped) != 5 {
		t.Errorf("skipped = %v, want the 4 build candidates and PGO", st.Skipped)
	}
	m, err := matrix.ReadMatrix(filepath.Join(studyDir, record.PresetFile))
	if err != nil {
		t.Fatalf("preset.json: %v", err)
	}
	if cells, err := m.Cells(); err != nil || len(cells) != 1 || cells[0].Name() != st.Final.Name {
		t.Errorf("preset.json cells = %v (%v), want %s alone", cells, err, st.Final.Name)
	}
	md, _ := os.ReadFile(filepath.Join(studyDir, record.StudyReportFile))
	if !strings.Contains(string(md), "## Overall Results") || !strings.Contains(string(md), "[step-1](step-1/report.md)") {
		t.Errorf("study.md lacks its summary or its link to step 1:\n%s", md)
	}
}

func TestStudyUsage(t *testing.T) {
	for _, args := range [][]string{{"extra"}, {"-count", "0"}, {"-min-gain", "2"}, {"-nosuchflag"}} {
		var stdout, stderr bytes.Buffer
		if err := runStudy(t.Context(), args, &stdout, &stderr); ExitCode(err) != 2 {
			t.Errorf("runStudy(%q) = %v, want a usage error", args, err)
		}
	}
}
