//go:build linux

package corpus

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestListWalkModes checks that every walk mode lists exactly what
// WalkLstat lists, on hostile trees: links to files and folders inside and
// outside the corpus, dangling links, FIFOs, sockets and devices named
// x.json, folders named x.json, names that differ only in case, a root
// that is a link, folders that cannot be read.
func TestListWalkModes(t *testing.T) {
	type tree struct {
		name  string
		build func(t *testing.T, root string)
		// locked folders (relative) that cannot be opened, as for a user
		// without permission (root reads every folder whatever its mode).
		locked []string
	}
	outside := t.TempDir()
	makeTree(t, outside, map[string]string{"target.json": "outside", "dir/in.json": "outside"})
	trees := []tree{
		{name: "empty", build: func(*testing.T, string) {}},
		{name: "hostile", build: func(t *testing.T, root string) {
			makeTree(t, root, map[string]string{
				"b.json": "{}", "a.json": `{"events":[]}`, "A.JSON": "x", "c.Json": "x", "notes.txt": "x",
				"json": "x", ".hidden.json": "hidden", "dir.json/in.json": "in x.json", "sub/z.json": "z",
				"sub/deeper/y.json": "y", "sub-a/x.json": "x", "empty/": "", "x.jsonl": "x",
				"deep/1/2/3/4/5/6/7/8/9/leaf.json": "deep", "sp ace/é.json": "non-ASCII name",
			})
			for _, l := range []struct{ target, name string }{
				{filepath.Join(outside, "target.json"), "link.json"},
				{filepath.Join(outside, "dir"), "linkdir"},
				{filepath.Join(root, "a.json"), "sub/link-inside.json"},
				{filepath.Join(root, "missing"), "dangling.json"},
				{filepath.Join(outside, "dir"), "dirlink.json"},
				{filepath.Join(root, "sub"), "sub/loop"},
			} {
				if err := os.Symlink(l.target, filepath.Join(root, l.name)); err != nil {
					t.Fatal(err)
				}
			}
			if err := syscall.Mkfifo(filepath.Join(root, "fifo.json"), 0o644); err != nil {
				t.Fatal(err)
			}
			l, err := net.Listen("unix", filepath.Join(root, "sock.json"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })
			// A device, where this user may make one (root outside a
			// restricted sandbox).
			_ = unix.Mknod(filepath.Join(root, "null.json"), unix.S_IFCHR|0o644, int(unix.Mkdev(1, 3)))
		}},
		{name: "path too long", build: func(t *testing.T, root string) {
			// Folders nested so deep that their own paths fit in
			// PATH_MAX but some of their files' do not: those are
			// skipped by both walks, with the same reason; the others
			// are listed.
			deep := buildDeep(t, root, pathMax-200)
			if len(deep)+1+len("ok.json")+1 > pathMax {
				t.Fatalf("the deep folder's path is %d bytes: no room for a file", len(deep))
			}
			if _, ok := tooLong(filepath.Join(deep, strings.Repeat("x", 240)+".json"), ""); !ok {
				t.Fatal("the long name fits: the tree would test nothing")
			}
		}},
		{name: "locked folders", locked: []string{"locked", "open/locked2"}, build: func(t *testing.T, root string) {
			makeTree(t, root, map[string]string{"a.json": "{}", "locked/x.json": "x", "locked/deeper/y.json": "y",
				"open/z.json": "z", "open/locked2/w.json": "w", "open/zz.json": "zz"})
		}},
	}
	for _, tr := range trees {
		t.Run(tr.name, func(t *testing.T) {
			root := t.TempDir()
			tr.build(t, root)
			locked := map[string]bool{}
			for _, l := range tr.locked {
				locked[filepath.Join(root, filepath.FromSlash(l))] = true
			}
			// WalkLstat's listing, through an os.DirFS that refuses the
			// same folders.
			fsys := lockedFS{FS: os.DirFS(root), locked: map[string]bool{}}
			for _, l := range tr.locked {
				fsys.locked[l] = true
			}
			want, wantSkipped, err := list(t.Context(), root, fsys, IsJSON, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.locked) == 0 {
				// With nothing locked, the real ListWith's WalkLstat.
				if want, wantSkipped, err = ListWith(t.Context(), root, ListOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			open := func(path string, flags int) (int, error) {
				if locked[path] {
					return -1, syscall.EACCES
				}
				return openRetry(path, flags)
			}
			// A small buffer, so that a folder takes several getdents (one
			// entry of a 255-byte name needs 280 bytes).
			w := typesWalker{ctx: t.Context(), root: root, isInput: IsJSON, buf: make([]byte, 512), open: open}
			if err := w.dir("."); err != nil {
				t.Fatalf("walk %s = %v", WalkTypes, err)
			}
			got, gotSkipped := w.files, w.skipped
			// Streamed (WalkWith's dtype walk), the slices handed over add
			// up to the same list, each left as it was handed over.
			var streamed, kept [][]File
			ws := typesWalker{ctx: t.Context(), root: root, isInput: IsJSON, buf: make([]byte, 512), open: open, emit: func(fs []File) error {
				streamed = append(streamed, fs)
				kept = append(kept, slices.Clone(fs))
				return nil
			}}
			if err := ws.dir("."); err != nil {
				t.Fatalf("streamed walk %s = %v", WalkTypes, err)
			}
			if !slices.EqualFunc(streamed, kept, slices.Equal) {
				t.Errorf("WalkWith(%s): a slice handed over changed later", WalkTypes)
			}
			if all := slices.Concat(streamed...); !slices.Equal(filePaths(all), filePaths(want)) || len(ws.files) != 0 {
				t.Errorf("WalkWith(%s) = %q (%d left over), want %q", WalkTypes, filePaths(all), len(ws.files), filePaths(want))
			}
			if !slices.Equal(ws.skipped, wantSkipped) {
				t.Errorf("WalkWith(%s) skipped %+v, want %+v", WalkTypes, ws.skipped, wantSkipped)
			}
			if !slices.Equal(filePaths(got), filePaths(want)) {
				t.Errorf("ListWith(%s) = %q, want %q", WalkTypes, filePaths(got), filePaths(want))
			}
			if !slices.Equal(gotSkipped, wantSkipped) {
				t.Errorf("ListWith(%s) skipped %+v, want %+v", WalkTypes, gotSkipped, wantSkipped)
			}
			for i, f := range got {
				if f.Size != SizeUnknown {
					t.Errorf("ListWith(%s): %s has Size %d, want SizeUnknown from a d_type walk", WalkTypes, f.Path, f.Size)
				}
				if i < len(want) && SizeOf(f) != want[i].Size {
					t.Errorf("SizeOf(%s) = %d, want %d", f.Path, SizeOf(f), want[i].Size)
				}
			}
			if len(tr.locked) > 0 {
				return
			}
			// The real ListWith, also through a root that is a link and a
			// root with a trailing separator.
			link := filepath.Join(t.TempDir(), "link")
			if err := os.Symlink(root, link); err != nil {
				t.Fatal(err)
			}
			for _, r := range []string{root, link, root + "/"} {
				got, _, err := ListWith(t.Context(), r, ListOptions{Walk: WalkTypes})
				if err != nil {
					t.Fatalf("ListWith(%q, %s) = %v", r, WalkTypes, err)
				}
				lw, _, _ := ListWith(t.Context(), r, ListOptions{Walk: WalkLstat})
				if !slices.Equal(filePaths(got), filePaths(lw)) {
					t.Errorf("ListWith(%q, %s) = %q, want %q", r, WalkTypes, filePaths(got), filePaths(lw))
				}
				for _, mode := range WalkModes {
					var all []File
					batches := 0
					if _, err := WalkWith(t.Context(), r, ListOptions{Walk: mode}, func(fs []File) error {
						all = append(all, fs...)
						batches++
						if len(fs) == 0 || len(fs) > StreamBatch && mode == WalkLstat {
							t.Errorf("WalkWith(%q, %s) handed over %d files at once", r, mode, len(fs))
						}
						return nil
					}); err != nil {
						t.Fatalf("WalkWith(%q, %s) = %v", r, mode, err)
					}
					if !slices.Equal(filePaths(all), filePaths(lw)) {
						t.Errorf("WalkWith(%q, %s) = %q, want %q", r, mode, filePaths(all), filePaths(lw))
					}
					if len(lw) > 0 {
						// Stopped by emit: its error comes back, and nothing
						// more is handed over.
						stop := errors.New("stop")
						calls := 0
						if _, err := WalkWith(t.Context(), r, ListOptions{Walk: mode}, func([]File) error { calls++; return stop }); err != stop || calls != 1 {
							t.Errorf("WalkWith(%q, %s) with emit failing = %v after %d calls, want %v after 1", r, mode, err, calls, stop)
						}
					}
				}
			}
		})
	}
}

func filePaths(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

func TestListWithErrors(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, map[string]string{"a.json": "{}"})
	for _, tc := range []struct {
		root string
		walk WalkMode
		want string
	}{
		{filepath.Join(root, "missing"), WalkTypes, "no such file"},
		{filepath.Join(root, "a.json"), WalkTypes, "not a directory"},
		{root, "sideways", "unknown walk mode"},
	} {
		if _, _, err := ListWith(t.Context(), tc.root, ListOptions{Walk: tc.walk}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ListWith(%q, %s) = %v, want an error containing %q", tc.root, tc.walk, err, tc.want)
		}
	}
	if _, err := ParseWalkMode("dtype"); err != nil {
		t.Errorf("ParseWalkMode(dtype) = %v", err)
	}
	if _, err := ParseWalkMode("DTYPE"); err == nil {
		t.Errorf("ParseWalkMode(DTYPE) = nil error, want unknown")
	}
}

// TestSortNames checks sortNames against slices.Sort on names that
// defeat its integer keys: one a prefix of another, names equal for more
// than 8 bytes after their common prefix, bytes above 0x7f, a prefix
// that is a whole name, and shuffled batches like a corpus's.
func TestSortNames(t *testing.T) {
	var batch []string
	for i := range 3000 {
		batch = append(batch, fmt.Sprintf("batch-%06d.json", (i*7919)%3000))
	}
	// Short names from a small alphabet: long runs of equal keys, keys
	// that vary in any byte, names that end inside the key.
	var random []string
	rng := rand.New(rand.NewPCG(7, 7))
	for range 3000 {
		b := []byte("pre-")
		for range rng.IntN(14) {
			b = append(b, "ab.\xff"[rng.IntN(4)])
		}
		random = append(random, string(b))
	}
	for _, names := range [][]string{
		nil,
		{"a"},
		{"b", "a"},
		{"ab", "a", "abc", "", "b"},
		{"x.json.json", "x.json", "x.jsom", "x.jsonx"},
		{"same-prefix-123456789-b", "same-prefix-123456789-a", "same-prefix-12345678", "same-prefix-123456789"},
		{"a-0123456789-y", "a-0123456789-x", "b", "a-0123456789", "a-01234567"},
		{"é.json", "e.json", "\xff", "\x7f", "\x80\x80", "z"},
		{"p", "p", "q", "p"},
		batch,
		random,
	} {
		w := typesWalker{}
		got := slices.Clone(names)
		w.sortNames(got)
		want := slices.Clone(names)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("sortNames(%q) = %q, want %q", names, got, want)
		}
	}
}

// buildDeep makes, below root, folders of long names nested until the
// deepest one's path is at least length bytes, with "ok.json" and a file
// whose name makes its path longer than PATH_MAX in it, and returns that
// folder's path. The folders are made relative to their parents'
// descriptors, since their paths are too long for mkdir on the way down.
func buildDeep(t *testing.T, root string, length int) string {
	t.Helper()
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	path := root
	name := strings.Repeat("d", 100)
	for len(path) < length {
		if err := unix.Mkdirat(fd, name, 0o755); err != nil {
			t.Fatal(err)
		}
		sub, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		unix.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd, path = sub, path+"/"+name
	}
	defer unix.Close(fd)
	for _, file := range []string{"ok.json", strings.Repeat("x", 240) + ".json"} {
		f, err := unix.Openat(fd, file, unix.O_WRONLY|unix.O_CREAT|unix.O_CLOEXEC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := unix.Write(f, []byte(`{"events":[]}`)); err != nil {
			t.Fatal(err)
		}
		unix.Close(f)
	}
	return path
}
