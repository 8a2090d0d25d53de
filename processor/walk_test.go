package processor

import (
	"os"
	"path/filepath"
	"testing"

	"benchgrid/corpus"
)

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
