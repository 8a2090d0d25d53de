package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"benchgrid/matrix"

	"github.com/google/pprof/profile"
)

// TestPGOProfiler: the profiler runs each cell's configuration in a
// child, under the CPU profiler, fed as the cell's timed pass is and with
// its page cache, and merges the profiles into one file that pprof reads.
func TestPGOProfiler(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	opts := testOptions(t, matrix.Matrix{}, 1)
	opts.ProfileMinCPU = 50 * time.Millisecond
	opts.WarmupFiles = 1
	p := opts.PGOProfiler(filepath.Join(t.TempDir(), "pgo"))
	cells := []matrix.Cell{{Parser: "std", Strategy: "pool"}, {Parser: "none", Strategy: "sequential"}, {Parser: "std", Strategy: "atomic", Feed: "stream"}}
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
	// The feed reaches the child: a stream cell of a strategy that cannot
	// stream is refused there, not profiled as a list.
	_, err = p.Profile(t.Context(), "", []matrix.Cell{{Parser: "std", Strategy: "pipeline", Feed: "stream"}})
	if err == nil || !strings.Contains(err.Error(), "strategy pipeline has no streaming form") {
		t.Errorf("Profile(stream, pipeline) = %v, want the child's refusal", err)
	}
	// So does the page cache's state: a mode the child does not know is
	// refused there, not profiled warm.
	_, err = p.Profile(t.Context(), "", []matrix.Cell{{Parser: "std", Strategy: "pool", Cache: "tepid"}})
	if err == nil || !strings.Contains(err.Error(), "tepid") {
		t.Errorf("Profile(cache tepid) = %v, want the child's refusal", err)
	}
}
