package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
		if n := s.ReadBatch(ctx, files, 0, data, errs); n != len(files) {
			t.Errorf("%s: ReadBatch = %d, want all %d files (unread)", mode, n, len(files))
		}
		for i := range files {
			if data[i] != nil || !errors.Is(errs[i], context.Canceled) {
				t.Errorf("%s: file %d: %d bytes, error %v; want none and context.Canceled", mode, i, len(data[i]), errs[i])
			}
		}
		s.Close()
		r.Close()
	}
}

// TestReadBatchBudget: ReadBatch reads the prefix of its files that fits
// its byte budget, by the walk's sizes or, where the walk gave none, the
// sizes read: after the file that takes it past the budget, or in
// uring, whose sizes come from fstat before any read, before it; never
// fewer than one file. The files left out are read by the next call, and
// no descriptor is left open.
func TestReadBatchBudget(t *testing.T) {
	root := t.TempDir()
	var paths []string
	var want [][]byte
	for i := range 6 {
		path := filepath.Join(root, fmt.Sprintf("%d.json", i))
		content := []byte(fmt.Sprintf(`{"events":[]}%87d`, i)) // 100 bytes
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		paths, want = append(paths, path), append(want, content)
	}
	startPoller() // its two descriptors are the process's, not the reads'
	fds := openFDs(t)
	for _, mode := range ReadModes {
		if err := ReadModeAvailable(mode); err != nil {
			t.Logf("%s: %v", mode, err)
			continue
		}
		for _, tc := range []struct {
			size   int64 // the walk's size of every file
			budget int64
			calls  []int // the prefix each call reads
			uring  []int // the same in read mode uring
		}{
			{SizeUnknown, 250, []int{3, 3}, []int{2, 2, 2}},
			{100, 250, []int{3, 3}, []int{2, 2, 2}},
			{SizeUnknown, 300, []int{4, 2}, []int{3, 3}},
			{SizeUnknown, 50, []int{1, 1, 1, 1, 1, 1}, []int{1, 1, 1, 1, 1, 1}},
			{SizeUnknown, 1 << 20, []int{6}, []int{6}},
		} {
			wantCalls := tc.calls
			if mode == ReadUring {
				wantCalls = tc.uring
			}
			r := NewReader(mode)
			s := r.Session()
			files := make([]File, len(paths))
			for i, p := range paths {
				files[i] = File{Path: p, Size: tc.size}
			}
			data, errs := make([][]byte, len(files)), make([]error, len(files))
			var calls []int
			for rest := files; len(rest) > 0; {
				n := s.ReadBatch(t.Context(), rest, tc.budget, data, errs)
				if n < 1 || n > len(rest) {
					t.Fatalf("%s: ReadBatch of %d files = %d", mode, len(rest), n)
				}
				for i := range rest[:n] {
					k := len(files) - len(rest) + i
					if errs[i] != nil || !bytes.Equal(data[i], want[k]) {
						t.Errorf("%s: file %d: %q, %v; want its content", mode, k, data[i], errs[i])
					}
					if errs[i] == nil {
						s.Release(data[i])
					}
				}
				calls, rest = append(calls, n), rest[n:]
			}
			if !slices.Equal(calls, wantCalls) {
				t.Errorf("%s: size %d, budget %d: prefixes %v, want %v", mode, tc.size, tc.budget, calls, wantCalls)
			}
			s.Close()
			r.Close()
		}
	}
	if got := openFDs(t); got != fds {
		t.Errorf("%d descriptors open after the reads, %d before", got, fds)
	}
}

// openFDs counts this process's open descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries) - 1 // ReadDir's own
}
