package gen

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"benchgrid/corpus"
)

// TestWalkGenerated checks that the walker finds exactly the inputs that
// Generate wrote, and not the manifest.
func TestWalkGenerated(t *testing.T) {
	opts := GenOptions{Files: 30, Seed: 9, Bad: 10}
	st, dir := generate(t, opts)
	files, err := corpus.List(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != st.Files {
		t.Errorf("List after Generate(%+v) = %d files, want %d", opts, len(files), st.Files)
	}
	for _, f := range files {
		if filepath.Base(f.Path) == ManifestName {
			t.Errorf("List found the manifest %s", f.Path)
		}
	}
}

// TestIncompleteCorpus: a generation stopped part-way leaves the folder
// marked, and every walk of it is refused until it is generated again; a
// finished one carries no mark.
func TestIncompleteCorpus(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	ctx, cancel := context.WithCancel(t.Context())
	var once bool
	stop := func() {
		if !once {
			once = true
			cancel()
		}
	}
	// Cancel as soon as the first batch folder appears.
	go func() {
		for range 2000 {
			if entries, _ := os.ReadDir(dir); len(entries) > 1 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		stop()
	}()
	_, err := Generate(ctx, GenOptions{Dir: dir, Files: 20000})
	if err == nil {
		t.Skip("generation finished before it could be interrupted")
	}
	if _, err := corpus.List(t.Context(), dir); !errors.Is(err, corpus.ErrIncomplete) {
		t.Errorf("List of an interrupted corpus = %v, want ErrIncomplete", err)
	}
	if _, _, err := corpus.ListSkipping(t.Context(), dir, nil); !errors.Is(err, corpus.ErrIncomplete) {
		t.Errorf("ListSkipping of an interrupted corpus = %v, want ErrIncomplete", err)
	}

	done := filepath.Join(t.TempDir(), "done")
	if _, err := Generate(t.Context(), GenOptions{Dir: done, Files: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(done, corpus.IncompleteMarker)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a finished corpus keeps its marker: %v", err)
	}
	if _, err := corpus.List(t.Context(), done); err != nil {
		t.Errorf("List of a finished corpus: %v", err)
	}
}
