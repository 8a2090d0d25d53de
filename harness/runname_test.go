package harness

import (
	"os"
	"path/filepath"
	"testing"

	"benchgrid/matrix"
)

// TestRunName: a named run's folder has the name, and the out folder's
// latest link is left alone.
func TestRunName(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	opts := testOptions(t, matrix.Matrix{Parsers: []string{"none"}, Strategies: []string{"sequential"}}, 1)
	opts.RunName = "step-1"
	opts.WarmupFiles = 1
	dir, _, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if dir != filepath.Join(opts.OutDir, "step-1") {
		t.Errorf("run folder %s, want %s", dir, filepath.Join(opts.OutDir, "step-1"))
	}
	if _, err := os.Lstat(filepath.Join(opts.OutDir, "latest")); !os.IsNotExist(err) {
		t.Errorf("a named run made the latest link: %v", err)
	}
}
