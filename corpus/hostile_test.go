package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeFiles writes each name under root with the same content.
func writeFiles(t testing.TB, root string, content []byte, names ...string) {
	t.Helper()
	for _, name := range names {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readWithin reads f in mode, failing the test if the read blocks.
func readWithin(t *testing.T, mode ReadMode, f File) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		r := NewReader(mode)
		data, err := r.Read(f)
		if err == nil {
			r.Release(data)
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("read %s (%s) blocked", f.Path, mode)
		return nil
	}
}

// TestReadReplacedInput: an input listed as a regular file but replaced by
// a FIFO, a symbolic link or a directory before it is read is a bad input
// with its reason, in every read mode, and a FIFO never blocks the read.
func TestReadReplacedInput(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, []byte(`{"events":[]}`), "fifo.json", "link.json", "dir.json", "target.json")
	files, err := List(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]File{}
	for _, f := range files {
		byName[filepath.Base(f.Path)] = f
	}
	replace := map[string]func(path string) error{
		"fifo.json": func(p string) error { return syscall.Mkfifo(p, 0o644) },
		"link.json": func(p string) error { return os.Symlink("target.json", p) },
		"dir.json":  func(p string) error { return os.Mkdir(p, 0o755) },
	}
	for name, make := range replace {
		path := byName[name].Path
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := make(path); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		want error
	}{
		{"fifo.json", ErrNotRegular},
		{"link.json", syscall.ELOOP}, // links are not followed (docs/events.md)
		{"dir.json", ErrNotRegular},
	}
	for _, mode := range ReadModes {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%s/%s", mode, tc.name), func(t *testing.T) {
				err := readWithin(t, mode, byName[tc.name])
				if !errors.Is(err, tc.want) {
					t.Fatalf("read = %v, want %v", err, tc.want)
				}
				if IsResourceExhausted(err) {
					t.Errorf("%v counted as resource exhaustion", err)
				}
				if !strings.Contains(err.Error(), byName[tc.name].Path) {
					t.Errorf("error %q does not name the file", err)
				}
			})
		}
		if err := readWithin(t, mode, byName["target.json"]); err != nil {
			t.Errorf("%s: a regular file: %v", mode, err)
		}
	}
}

func TestIsResourceExhausted(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&os.PathError{Op: "open", Path: "a.json", Err: syscall.EMFILE}, true},
		{&os.PathError{Op: "open", Path: "a.json", Err: syscall.ENFILE}, true},
		{&os.PathError{Op: "mmap", Path: "a.json", Err: syscall.ENOMEM}, true},
		{&os.PathError{Op: "read", Path: "a.json", Err: syscall.EAGAIN}, true},
		{fmt.Errorf("walk: %w", syscall.ENOBUFS), true},
		{&os.PathError{Op: "open", Path: "a.json", Err: syscall.EACCES}, false},
		{&os.PathError{Op: "open", Path: "a.json", Err: syscall.ENOENT}, false},
		{&os.PathError{Op: "read", Path: "a.json", Err: syscall.EIO}, false},
		{&os.PathError{Op: "open", Path: "a.json", Err: ErrNotRegular}, false},
		{errors.New("too many open files"), false}, // only errnos count
	}
	for _, tc := range tests {
		if got := IsResourceExhausted(tc.err); got != tc.want {
			t.Errorf("IsResourceExhausted(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestReadOutOfDescriptors: with no file descriptor left, every read mode
// fails with a *ResourceError naming EMFILE, never with a plain error that
// would count the input as bad.
func TestReadOutOfDescriptors(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, []byte(`{"events":[]}`), "a.json")
	f := File{Path: filepath.Join(root, "a.json")}
	if err := readWithin(t, ReadFile, f); err != nil { // the runtime's poller is set up
		t.Fatal(err)
	}
	exhaustDescriptors(t)
	for _, mode := range ReadModes {
		_, err := NewReader(mode).Read(f)
		var re *ResourceError
		if !errors.As(err, &re) || !errors.Is(err, syscall.EMFILE) {
			t.Errorf("%s: read = %v, want a ResourceError with EMFILE", mode, err)
		}
	}
}

// exhaustDescriptors lowers the soft limit on open files to the lowest
// free descriptor, so that no new file can be opened until the test ends.
func exhaustDescriptors(t *testing.T) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	lowest, err := syscall.Dup(0)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Close(lowest)
	lim := old
	lim.Cur = uint64(lowest)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
}

// TestGuardMapped: a mapped input that shrinks before the parser reads it
// faults; GuardMapped turns the fault into ErrChangedWhileMapped instead of
// a crash, and lets other panics through.
func TestGuardMapped(t *testing.T) {
	root := t.TempDir()
	content := []byte(strings.Repeat(" ", 3*os.Getpagesize()) + "{}")
	writeFiles(t, root, content, "a.json")
	path := filepath.Join(root, "a.json")
	r := NewReader(ReadMmap)
	data, err := r.Read(File{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release(data)
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	var sum int
	err = GuardMapped(data, func() {
		for _, b := range data {
			sum += int(b)
		}
	})
	if !errors.Is(err, ErrChangedWhileMapped) {
		t.Fatalf("GuardMapped = %v, want ErrChangedWhileMapped", err)
	}

	defer func() {
		if r := recover(); r != "not a fault" {
			t.Errorf("recovered %v, want the panic that was not a fault", r)
		}
	}()
	_ = GuardMapped(data, func() { panic("not a fault") })
}

// TestWalkOutOfResources: a subfolder that cannot be read for want of the
// program's own resources fails the walk, even when unreadable folders are
// skipped: its inputs would otherwise vanish from the count.
func TestWalkOutOfResources(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, []byte("{}"), "a.json", "sub/b.json")
	fsys := failingFS{FS: os.DirFS(root), fail: map[string]error{"sub": syscall.EMFILE}}
	_, _, err := list(t.Context(), root, fsys, IsJSON, true)
	if !errors.Is(err, syscall.EMFILE) {
		t.Errorf("ListSkipping = %v, want the EMFILE as an error", err)
	}
}

// failingFS is a directory tree in which reading some directories fails
// with a given error.
type failingFS struct {
	fs.FS
	fail map[string]error
}

func (f failingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := f.fail[name]; err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return fs.ReadDir(f.FS, name)
}
