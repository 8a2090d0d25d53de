package harness

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"benchgrid/matrix"
	"benchgrid/record"
)

// TestFeedRun: a run with feed walk and stream over atomic and pipeline
// measures the walk cells of both and the stream cell of atomic, each
// with the reference's files, bytes and answer (a sample that differs
// fails), profiles them too, and lists feed=stream for pipeline, which
// has no streaming form, among the unavailable with its reason instead of
// running it another way.
func TestFeedRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	opts := testOptions(t, matrix.Matrix{Parsers: []string{"std"}, Strategies: []string{"atomic", "pipeline"}, Feed: []string{"walk", "stream", "walk-dtype", "stream-dtype"}}, 2)
	opts.Profiles = []string{"cpu"}
	opts.ProfileMinCPU = 20 * time.Millisecond
	dir, run, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	var names []string
	for _, c := range run.Cells {
		names = append(names, c.Name)
		if len(c.Samples) != 2 || len(c.Failures) != 0 {
			t.Errorf("cell %s: %d samples, failures %+v; want 2 samples, no failure", c.Name, len(c.Samples), c.Failures)
		}
		for _, s := range c.Samples {
			if s.Files != run.Corpus.Files || s.Bytes != run.Corpus.Bytes {
				t.Errorf("cell %s: %d files, %d bytes; the reference's %d, %d", c.Name, s.Files, s.Bytes, run.Corpus.Files, run.Corpus.Bytes)
			}
		}
		if len(c.Profiles) != 1 {
			t.Errorf("cell %s: profiles %v (warnings %q), want cpu", c.Name, c.Profiles, c.Warnings)
		} else if _, err := os.Stat(filepath.Join(dir, c.Profiles[0].Path)); err != nil {
			t.Errorf("cell %s: %v", c.Name, err)
		}
		if v, ok := record.Value(c.Axes, "feed"); !ok || v == "list" {
			t.Errorf("cell %s: axes %v, want a feed other than list", c.Name, c.Axes)
		}
	}
	slices.Sort(names)
	workers := strconv.Itoa(matrix.Cell{}.Procs())
	want := []string{
		"parser=std/strategy=atomic/workers=" + workers + "/read=readfile/feed=stream-dtype/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=atomic/workers=" + workers + "/read=readfile/feed=stream/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=atomic/workers=" + workers + "/read=readfile/feed=walk-dtype/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=atomic/workers=" + workers + "/read=readfile/feed=walk/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=pipeline/workers=" + workers + "/read=readfile/feed=walk-dtype/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=pipeline/workers=" + workers + "/read=readfile/feed=walk/gogc=100/gomemlimit=off/build=default",
	}
	if !slices.Equal(names, want) {
		t.Errorf("cells:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	var unavailable []string
	for _, u := range run.Unavailable {
		if !strings.Contains(u.Reason, "strategy pipeline has no streaming form") {
			t.Errorf("unavailable %s: %q, want pipeline's lack of a streaming form", u.What, u.Reason)
		}
		unavailable = append(unavailable, u.What)
	}
	slices.Sort(unavailable)
	if want := []string{"feed=stream-dtype/strategy=pipeline", "feed=stream/strategy=pipeline"}; !slices.Equal(unavailable, want) {
		t.Errorf("unavailable = %v, want %v", unavailable, want)
	}
}
