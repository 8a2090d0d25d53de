package harness

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"benchgrid/matrix"

	"github.com/google/pprof/profile"
)

// TestPGOProfiler: the profiler runs each cell's configuration in a
// child, under the CPU profiler, and merges the profiles into one file
// that pprof reads.
func TestPGOProfiler(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	opts := testOptions(t, matrix.Matrix{}, 1)
	opts.ProfileMinCPU = 50 * time.Millisecond
	opts.WarmupFiles = 1
	p := opts.PGOProfiler(filepath.Join(t.TempDir(), "pgo"))
	cells := []matrix.Cell{{Parser: "std", Strategy: "pool"}, {Parser: "none", Strategy: "sequential"}}
	path, err := p.Profile(t.Context(), "", cells)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	prof, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("the merged profile does not parse: %v", err)
	}
	if len(prof.Sample) == 0 {
		t.Errorf("the merged profile has no samples")
	}
}
