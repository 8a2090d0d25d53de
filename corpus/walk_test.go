package corpus

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// makeTree creates files (relative path → contents) below root; a path
// ending in "/" is a directory.
func makeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, data := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if strings.HasSuffix(rel, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// relPaths lists files relative to root, with forward slashes.
func relPaths(t *testing.T, root string, files []File) []string {
	t.Helper()
	var out []string
	for _, f := range files {
		rel, err := filepath.Rel(root, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

func TestWalk(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	makeTree(t, root, map[string]string{
		"b.json":            "{}",
		"a.json":            `{"events":[]}`,
		"A.JSON":            "upper case: not an input",
		"c.Json":            "mixed case: not an input",
		"notes.txt":         "not an input",
		"json":              "no extension",
		".hidden.json":      "hidden, still an input",
		"dir.json/in.json":  "in a directory named x.json",
		"sub/z.json":        "z",
		"sub/deeper/y.json": "y",
		"sub-a/x.json":      "sorts after sub/ as a path, before it by name",
		"empty/":            "",
		"x.jsonl":           "ndjson: not an input",
	})
	makeTree(t, outside, map[string]string{"target.json": "outside", "dir/in.json": "outside"})
	for _, l := range []struct{ target, name string }{
		{filepath.Join(outside, "target.json"), "link.json"},    // link to a file
		{filepath.Join(outside, "dir"), "linkdir"},              // link to a directory
		{filepath.Join(root, "a.json"), "sub/link-inside.json"}, // link within the corpus
		{filepath.Join(root, "missing"), "dangling.json"},       // dangling link
		{filepath.Join(outside, "dir"), "dirlink.json"},         // directory link named x.json
	} {
		if err := os.Symlink(l.target, filepath.Join(root, l.name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.json"), 0o644); err != nil {
		t.Fatal(err)
	}

	want := []string{
		".hidden.json",
		"a.json",
		"b.json",
		"dir.json/in.json",
		"sub/deeper/y.json",
		"sub/z.json",
		"sub-a/x.json",
	}
	files, err := List(t.Context(), root)
	if err != nil {
		t.Fatalf("List(%q) = %v", root, err)
	}
	if got := relPaths(t, root, files); !slices.Equal(got, want) {
		t.Errorf("List(%q) = %q, want %q", root, got, want)
	}
	for _, f := range files {
		info, err := os.Lstat(f.Path)
		if err != nil || info.Size() != f.Size {
			t.Errorf("List: %s has Size %d, lstat says %v (%v)", f.Path, f.Size, info.Size(), err)
		}
	}

	// The root itself may be a link, and is followed.
	link := filepath.Join(t.TempDir(), "corpus-link")
	if err := os.Symlink(root, link); err != nil {
		t.Fatal(err)
	}
	files, err = List(t.Context(), link)
	if err != nil {
		t.Fatalf("List(%q) = %v", link, err)
	}
	if got := relPaths(t, link, files); !slices.Equal(got, want) {
		t.Errorf("List(%q) = %q, want %q", link, got, want)
	}
	for _, f := range files {
		if !strings.HasPrefix(f.Path, link+string(filepath.Separator)) {
			t.Errorf("List(%q): path %q is not below the root as given", link, f.Path)
		}
	}
	// So may a root given with a trailing separator.
	files, err = List(t.Context(), root+"/")
	if err != nil || len(files) != len(want) {
		t.Errorf("List(%q) = %d files, %v; want %d", root+"/", len(files), err, len(want))
	}
}

func TestWalkErrors(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, map[string]string{"a.json": "", "b.json": "", "c.json": ""})
	file := filepath.Join(root, "a.json")

	for _, tc := range []struct {
		root string
		want string
	}{
		{filepath.Join(root, "missing"), "no such file"},
		{file, "not a directory"},
	} {
		if _, err := List(t.Context(), tc.root); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("List(%q) = %v, want an error containing %q", tc.root, err, tc.want)
		}
	}

	// fn's error stops the walk and is returned.
	stop := errors.New("stop")
	n := 0
	err := Walk(t.Context(), root, func(File) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Walk with fn failing = %v after %d calls, want %v after 1", err, n, stop)
	}

	// A cancelled context stops the walk.
	ctx, cancel := context.WithCancel(t.Context())
	n = 0
	err = Walk(ctx, root, func(File) error { n++; cancel(); return nil })
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("Walk cancelled in fn = %v after %d calls, want context.Canceled after 1", err, n)
	}
}

// lockedFS is a directory tree in which some directories cannot be read,
// as a folder without permission would be for a user other than root.
type lockedFS struct {
	fs.FS
	locked map[string]bool
}

func (l lockedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if l.locked[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return fs.ReadDir(l.FS, name)
}

func TestListSkipping(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"a.json", "locked/x.json", "locked/deeper/y.json", "open/z.json"} {
		path := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys := lockedFS{FS: os.DirFS(root), locked: map[string]bool{"locked": true}}

	files, skipped, err := list(t.Context(), root, fsys, IsJSON, true)
	if err != nil {
		t.Fatalf("ListSkipping = %v, want the unreadable folder skipped", err)
	}
	var got []string
	for _, f := range files {
		rel, _ := filepath.Rel(root, f.Path)
		got = append(got, filepath.ToSlash(rel))
	}
	if want := []string{"a.json", "open/z.json"}; !slices.Equal(got, want) {
		t.Errorf("ListSkipping files = %q, want %q", got, want)
	}
	if len(skipped) != 1 || skipped[0].Path != filepath.Join(root, "locked") || !strings.Contains(skipped[0].Reason, "permission denied") {
		t.Errorf("ListSkipping skipped = %+v, want the locked folder with its reason", skipped)
	}

	// Without skipping, the unreadable folder is an error naming it.
	if _, _, err := list(t.Context(), root, fsys, IsJSON, false); err == nil || !strings.Contains(err.Error(), filepath.Join(root, "locked")) {
		t.Errorf("List = %v, want an error naming %s", err, filepath.Join(root, "locked"))
	}
}

// TestListMemory checks what a listed input costs: the corpus's list is
// the only thing a run keeps per file, and at a million files it must stay
// small (a File and its path: about 75 bytes each for paths of 40 bytes).
func TestListMemory(t *testing.T) {
	dir := t.TempDir()
	for i := range 3000 {
		sub := filepath.Join(dir, fmt.Sprintf("%02d/%02d", i/300, i/30%10))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("events-%06d.json", i)), []byte(`{"events":[]}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	files, err := List(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perFile := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / int64(len(files))
	t.Logf("List of %d files: %d bytes of heap a file (paths of %d bytes)", len(files), perFile, len(files[0].Path))
	if perFile > 300 {
		t.Errorf("List of %d files: %d bytes of heap a file (paths of %d bytes), want under 300", len(files), perFile, len(files[0].Path))
	}
	runtime.KeepAlive(files)
}
