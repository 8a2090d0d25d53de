package harness

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"benchgrid/corpus"
)

// TestGeneratedCorpus generates a tiny corpus under GeneratedCorpusRoot in
// a temporary working folder, says so in one progress line naming the
// folder, and reuses it the second time.
func TestGeneratedCorpus(t *testing.T) {
	t.Chdir(t.TempDir())
	opts := corpus.GenOptions{Files: 3, Seed: 2, Bad: 1}
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
