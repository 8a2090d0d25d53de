package processor

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"benchgrid/corpus"
	"benchgrid/workloads/events/gen"
)

// TestWalkModesGenerated: on a generated corpus with adversarial inputs,
// both walk modes list the same files (the corpus package's own tests
// cover hostile trees; it cannot import the generator), and a pass over
// either list prints the same line.
func TestWalkModesGenerated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	if _, err := gen.Generate(t.Context(), gen.GenOptions{Dir: dir, Files: 60, Seed: 3, Bad: 20}); err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	var lists [][]string
	for _, w := range corpus.WalkModes {
		files, skipped, err := corpus.ListWith(t.Context(), dir, corpus.ListOptions{Walk: w})
		if err != nil || len(skipped) > 0 {
			t.Fatalf("ListWith(%s) = %v, skipped %v", w, err, skipped)
		}
		var paths []string
		for _, f := range files {
			paths = append(paths, f.Path)
		}
		lists = append(lists, paths)
		proc, err := New(Config{Parser: "std", Strategy: "pool", Read: corpus.ReadOpenat})
		if err != nil {
			t.Fatal(err)
		}
		out, err := proc.Run(t.Context(), files)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, out.Canonical)
	}
	if !slices.Equal(lists[0], lists[1]) {
		t.Errorf("walk %s listed %q, %s %q", corpus.WalkModes[0], lists[0], corpus.WalkModes[1], lists[1])
	}
	if !bytes.Equal(lines[0], lines[1]) {
		t.Errorf("walk %s gives %s, %s %s", corpus.WalkModes[0], lines[0], corpus.WalkModes[1], lines[1])
	}
}

// TestDtypeWalkSizes: with the dtype walk an input's size comes from its
// read, and an input that cannot be read is sized by an lstat when it
// fails (0 when it is gone), so the pass counts the same files and bytes
// as one over the lstat walk's list whenever the corpus holds still, and
// the lstat of the moment when it does not.
func TestDtypeWalkSizes(t *testing.T) {
	good := []byte(`{"events":[{"type":"A","actor":{"id":1},"repo":{"name":"r"},"created_at":"x"}]}`)
	tests := []struct {
		name      string
		change    func(t *testing.T, path string) // applied to b.json after the walk
		wantBad   int64
		wantBytes func(path string) int64 // b.json's contribution
	}{
		{"unchanged", func(*testing.T, string) {}, 0, func(string) int64 { return int64(len(good)) }},
		{"gone", func(t *testing.T, p string) { os.Remove(p) }, 1, func(string) int64 { return 0 }},
		{"now a directory", func(t *testing.T, p string) {
			os.Remove(p)
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
		}, 1, func(p string) int64 { info, _ := os.Lstat(p); return info.Size() }},
		{"now a link", func(t *testing.T, p string) {
			os.Remove(p)
			if err := os.Symlink("a.json", p); err != nil {
				t.Fatal(err)
			}
		}, 1, func(p string) int64 { info, _ := os.Lstat(p); return info.Size() }},
	}
	for _, tc := range tests {
		for _, mode := range []corpus.ReadMode{corpus.ReadReuse, corpus.ReadOpenat, corpus.ReadOpenatRaw} {
			t.Run(tc.name+"/"+string(mode), func(t *testing.T) {
				root := t.TempDir()
				for _, n := range []string{"a.json", "b.json", "sub/c.json"} {
					p := filepath.Join(root, n)
					os.MkdirAll(filepath.Dir(p), 0o755)
					if err := os.WriteFile(p, good, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				files, _, err := corpus.ListWith(t.Context(), root, corpus.ListOptions{Walk: corpus.WalkTypes})
				if err != nil {
					t.Fatal(err)
				}
				b := filepath.Join(root, "b.json")
				tc.change(t, b)
				proc, err := New(Config{Parser: "std", Strategy: "atomic", Read: mode})
				if err != nil {
					t.Fatal(err)
				}
				out, err := proc.Run(t.Context(), files)
				if err != nil {
					t.Fatal(err)
				}
				wantBytes := 2*int64(len(good)) + tc.wantBytes(b)
				if out.Files != 3 || out.BadFiles != tc.wantBad || out.Bytes != wantBytes {
					t.Errorf("Run = %d files, %d bad, %d bytes; want 3, %d, %d", out.Files, out.BadFiles, out.Bytes, tc.wantBad, wantBytes)
				}
			})
		}
	}
}
