package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestReadModes checks that every read mode gives a file's exact bytes,
// including for an empty file and files larger than a reused buffer.
func TestReadModes(t *testing.T) {
	dir := t.TempDir()
	contents := [][]byte{
		{},
		[]byte(`{"events":[]}`),
		bytes.Repeat([]byte("0123456789abcdef"), 8<<10), // 128 KiB: grows the buffer
		[]byte("short after long"),
	}
	var files []File
	for i, c := range contents {
		p := filepath.Join(dir, string(rune('a'+i))+".json")
		if err := os.WriteFile(p, c, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Path: p, Size: int64(len(c))})
	}
	for _, mode := range ReadModes {
		r := NewReader(mode)
		if r.Mode() != mode {
			t.Errorf("NewReader(%q).Mode() = %q", mode, r.Mode())
		}
		for pass := range 2 { // the second pass reuses buffers
			for i, f := range files {
				data, err := r.Read(f)
				if err != nil || !bytes.Equal(data, contents[i]) {
					t.Errorf("mode %s pass %d: Read(%s) = %d bytes, %v; want %d bytes", mode, pass, f.Path, len(data), err, len(contents[i]))
				}
				if err == nil {
					r.Release(data)
				}
			}
		}
		if _, err := r.Read(File{Path: filepath.Join(dir, "missing.json")}); err == nil {
			t.Errorf("mode %s: Read(missing) = nil error", mode)
		}
	}
	if NewReader("").Mode() != ReadFile {
		t.Errorf("NewReader(\"\").Mode() = %q, want %q", NewReader("").Mode(), ReadFile)
	}
	for _, tc := range []struct {
		name string
		ok   bool
	}{{"readfile", true}, {"reuse", true}, {"mmap", true}, {"", false}, {"MMAP", false}} {
		if _, err := ParseReadMode(tc.name); (err == nil) != tc.ok {
			t.Errorf("ParseReadMode(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
