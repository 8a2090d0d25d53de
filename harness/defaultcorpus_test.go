package harness

import (
	"benchgrid/workloads/events/gen"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedCorpus generates a tiny corpus under GeneratedCorpusRoot in
// a temporary working folder, says so in one progress line naming the
// folder, and reuses it the second time.
func TestGeneratedCorpus(t *testing.T) {
	t.Chdir(t.TempDir())
	opts := gen.GenOptions{Files: 3, Seed: 2, Bad: 1}
	var progress bytes.Buffer
	dir, seed, err := GeneratedCorpus(t.Context(), "corpus", opts, &progress)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(GeneratedCorpusRoot, "corpus-f3-s2-b1")
	if dir != want || seed != 2 {
		t.Errorf("GeneratedCorpus = %q, seed %d; want %q, seed 2", dir, seed, want)
	}
	first, _, _ := strings.Cut(progress.String(), "\n")
	if wantLine := "generating corpus " + want + " (3 files, seed 2, 1 adversarial inputs)"; first != wantLine {
		t.Errorf("progress line = %q, want %q", first, wantLine)
	}
	if _, err := os.Stat(filepath.Join(dir, completeMarker)); err != nil {
		t.Errorf("no complete marker: %v", err)
	}
	progress.Reset()
	if again, _, err := GeneratedCorpus(t.Context(), "corpus", opts, &progress); err != nil || again != dir || progress.Len() != 0 {
		t.Errorf("GeneratedCorpus again = %q, %v, progress %q; want %q reused silently", again, err, progress.String(), dir)
	}
}

// TestExpectedCorpusSize keeps meanGeneratedFileBytes true: what a dry run
// says it would generate is within a fifth of what generating writes.
func TestExpectedCorpusSize(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a corpus of 1,000 files")
	}
	for _, opts := range []gen.GenOptions{{Files: 1000, Seed: 1, Bad: 20}, {Files: 1000, Seed: 7}} {
		opts.Dir = filepath.Join(t.TempDir(), "c")
		st, err := gen.Generate(t.Context(), opts)
		if err != nil {
			t.Fatal(err)
		}
		files, bytes := ExpectedCorpusSize(opts)
		if files != st.Files || bytes < st.Bytes*4/5 || bytes > st.Bytes*6/5 {
			t.Errorf("ExpectedCorpusSize(%+v) = %d files, %d bytes; Generate wrote %d files, %d bytes", opts, files, bytes, st.Files, st.Bytes)
		}
	}
	if files, _ := ExpectedCorpusSize(DefaultCorpusOptions); files != 10040 {
		t.Errorf("ExpectedCorpusSize(DefaultCorpusOptions) = %d files, want 10040", files)
	}
	if files, _ := ExpectedCorpusSize(gen.GenOptions{}); files != gen.DefaultFiles {
		t.Errorf("ExpectedCorpusSize(zero options) = %d files, want %d", files, gen.DefaultFiles)
	}
}

// TestCorpusSource: a generated corpus is pending until Get generates it;
// a folder given never is, and Get leaves it alone.
func TestCorpusSource(t *testing.T) {
	t.Chdir(t.TempDir())
	src := GeneratedSource("tiny", gen.GenOptions{Files: 2, Seed: 1})
	if !src.Pending() || src.Dir != filepath.Join(GeneratedCorpusRoot, "tiny-f2-s1-b0") {
		t.Errorf("GeneratedSource = %+v, pending %v; want pending in %s", src, src.Pending(), filepath.Join(GeneratedCorpusRoot, "tiny-f2-s1-b0"))
	}
	if _, err := os.Stat(GeneratedCorpusRoot); !os.IsNotExist(err) {
		t.Errorf("a pending source wrote %s (%v)", GeneratedCorpusRoot, err)
	}
	dir, seed, err := src.Get(t.Context(), &bytes.Buffer{})
	if err != nil || dir != src.Dir || seed != 1 || src.Pending() {
		t.Errorf("Get = %q, %d, %v, pending after: %v; want %q, 1, generated", dir, seed, err, src.Pending(), src.Dir)
	}
	given := GivenCorpus("elsewhere")
	if dir, seed, err := given.Get(t.Context(), &bytes.Buffer{}); given.Pending() || dir != "elsewhere" || seed != 0 || err != nil {
		t.Errorf("GivenCorpus(elsewhere).Get = %q, %d, %v (pending %v); want it as it is", dir, seed, err, given.Pending())
	}
}
