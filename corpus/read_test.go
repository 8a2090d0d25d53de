package corpus

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
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
	}{{"readfile", true}, {"reuse", true}, {"mmap", true}, {"sized", true}, {"openat", true}, {"openat-raw", true}, {"", false}, {"MMAP", false}} {
		if _, err := ParseReadMode(tc.name); (err == nil) != tc.ok {
			t.Errorf("ParseReadMode(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

// TestReadModesAgree checks every read mode, through a Reader and through
// a Session (which keeps a directory open in ReadOpenat), against
// ReadReuse: identical bytes for good inputs in several directories read
// in an interleaved order, and identical errors for bad ones (gone, a
// whole folder gone, a FIFO, a link, a directory, a file that cannot be
// opened).
func TestReadModesAgree(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, []byte(`{"events":[]}`), "x/fifo.json", "x/link.json", "x/dir.json", "x/noperm.json", "gone/a.json")
	big := bytes.Repeat([]byte(`{"k":"v"},`), 20000)
	writeFiles(t, root, big, "x/big.json", "y/big.json")
	writeFiles(t, root, []byte{}, "y/empty.json")
	writeFiles(t, root, []byte("{}"), "a.json", "x/a.json", "y/a.json", "y/z/a.json")
	p := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
	os.Remove(p("x/fifo.json"))
	if err := syscall.Mkfifo(p("x/fifo.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(p("x/link.json"))
	if err := os.Symlink("a.json", p("x/link.json")); err != nil {
		t.Fatal(err)
	}
	os.Remove(p("x/dir.json"))
	if err := os.Mkdir(p("x/dir.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p("x/noperm.json"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(p("gone")); err != nil {
		t.Fatal(err)
	}
	// Interleaved directories, so a Session changes its directory often.
	order := []string{"a.json", "x/a.json", "x/big.json", "y/a.json", "x/fifo.json", "y/empty.json", "x/link.json",
		"y/big.json", "x/dir.json", "y/z/a.json", "x/missing.json", "gone/a.json", "x/noperm.json", "missing/deeper/a.json", "a.json"}
	ref := NewReader(ReadReuse)
	type result struct {
		data []byte
		err  string
	}
	want := map[string]result{}
	for _, rel := range order {
		data, err := ref.Read(File{Path: p(rel)})
		r := result{data: bytes.Clone(data)}
		if err != nil {
			r.err = err.Error()
		} else {
			ref.Release(data)
		}
		want[rel] = r
	}
	for _, mode := range ReadModes {
		r := NewReader(mode)
		for _, how := range []string{"reader", "session"} {
			s := r.Session()
			for pass := range 2 {
				for _, rel := range order {
					var data []byte
					var err error
					if how == "reader" {
						data, err = r.Read(File{Path: p(rel), Size: SizeUnknown})
					} else {
						data, err = s.Read(File{Path: p(rel), Size: SizeUnknown})
					}
					var got result
					if err != nil {
						got.err = err.Error()
					} else {
						got.data = bytes.Clone(data)
						if how == "reader" {
							r.Release(data)
						} else {
							s.Release(data)
						}
					}
					if w := want[rel]; got.err != w.err || !bytes.Equal(got.data, w.data) {
						t.Errorf("%s %s pass %d: Read(%s) = %d bytes, %q; want %d bytes, %q", mode, how, pass, rel, len(got.data), got.err, len(w.data), w.err)
					}
				}
			}
			if err := s.Close(); err != nil {
				t.Errorf("%s: Session.Close = %v", mode, err)
			}
		}
		r.Close()
	}
}

// TestReadBatchCancelled: once ctx is done, ReadBatch starts no read in any
// mode: every file gets ctx.Err() and no data.
func TestReadBatchCancelled(t *testing.T) {
	root := t.TempDir()
	var files []File
	for _, name := range []string{"a.json", "b.json", "c.json"} {
		path := filepath.Join(root, name)
		if err := os.WriteFile(path, []byte(`{"events":[]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Path: path, Size: SizeUnknown})
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, mode := range ReadModes {
		if err := ReadModeAvailable(mode); err != nil {
			t.Logf("%s: %v", mode, err)
			continue
		}
		r := NewReader(mode)
		s := r.Session()
		data, errs := make([][]byte, len(files)), make([]error, len(files))
		s.ReadBatch(ctx, files, data, errs)
		for i := range files {
			if data[i] != nil || !errors.Is(errs[i], context.Canceled) {
				t.Errorf("%s: file %d: %d bytes, error %v; want none and context.Canceled", mode, i, len(data[i]), errs[i])
			}
		}
		s.Close()
		r.Close()
	}
}
