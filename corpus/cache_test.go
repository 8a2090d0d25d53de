package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// cacheFiles writes n files of size bytes each (and one empty file) in a
// fresh folder and returns the folder and the files.
func cacheFiles(t *testing.T, n, size int) (string, []File) {
	t.Helper()
	dir := t.TempDir()
	var files []File
	for i := range n {
		p := filepath.Join(dir, string(rune('a'+i%26))+strings.Repeat("x", i/26)+".json")
		data := bytes.Repeat([]byte{byte('0' + i%10)}, size)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Path: p, Size: int64(size)})
	}
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, append(files, File{Path: empty})
}

// onMemoryFS reports whether dir is on tmpfs or ramfs.
func onMemoryFS(t *testing.T, dir string) bool {
	t.Helper()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	_, ok := memoryFileSystems[int64(st.Type)]
	return ok
}

func readAll(t *testing.T, files []File) {
	t.Helper()
	for _, f := range files {
		if _, err := os.ReadFile(f.Path); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEvictResidency: files just read are resident; after Evict (which
// writes back the dirty pages of files just written) they are not; read
// again, they are back. Residency over a sample measures the sample.
func TestEvictResidency(t *testing.T) {
	dir, files := cacheFiles(t, 40, 64<<10)
	if onMemoryFS(t, dir) {
		t.Skipf("%s is on a file system held in memory: nothing can be evicted there", dir)
	}
	evict := func(t *testing.T, fs []File) {
		if err := Evict(fs); err != nil {
			t.Fatalf("Evict: %v", err)
		}
	}
	tests := []struct {
		name     string
		do       func(t *testing.T)
		max      int     // Residency's max
		min, top float64 // the range the residency must be in
	}{
		{"just written", func(*testing.T) {}, 0, 0.97, 1},
		{"evicted", func(t *testing.T) { evict(t, files) }, 0, 0, MaxResidentAfterEvict},
		{"read", func(t *testing.T) { readAll(t, files) }, 0, 0.97, 1},
		{"evicted again", func(t *testing.T) { evict(t, files) }, 0, 0, MaxResidentAfterEvict},
		// 14 of the 40 files with pages: 35%; the sample of 20 has 7.
		{"every third file read, sampled", func(t *testing.T) {
			for i := 0; i < len(files); i += 3 {
				readAll(t, files[i:i+1])
			}
		}, 20, 0.3, 0.4},
		{"every third file read, whole", func(*testing.T) {}, 0, 0.3, 0.4},
		{"all read, sample of 7", func(t *testing.T) { readAll(t, files) }, 7, 0.97, 1},
	}
	for _, tc := range tests {
		tc.do(t)
		got, err := Residency(files, tc.max)
		if err != nil {
			t.Fatalf("%s: Residency: %v", tc.name, err)
		}
		t.Logf("%s: %.2f%% resident", tc.name, 100*got)
		if got < tc.min || got > tc.top {
			t.Errorf("%s: Residency(%d files, %d) = %.4f, want %.2f to %.2f", tc.name, len(files), tc.max, got, tc.min, tc.top)
		}
	}
}

// TestResidencyEdges: empty files, a file that vanished, a folder and a
// link where an input was are passed over by both Evict and Residency.
func TestResidencyEdges(t *testing.T) {
	dir, files := cacheFiles(t, 3, 10000)
	gone := File{Path: filepath.Join(dir, "gone.json"), Size: 5}
	sub := filepath.Join(dir, "now-a-folder.json")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "now-a-link.json")
	if err := os.Symlink(files[0].Path, link); err != nil {
		t.Fatal(err)
	}
	empty := files[len(files)-1]
	tests := []struct {
		name    string
		files   []File
		nothing bool // no pages at all: the fraction is 0
	}{
		{"no files", nil, true},
		{"empty files", []File{empty, empty}, true},
		{"a vanished file", []File{gone}, true},
		{"a folder and a link", []File{{Path: sub}, {Path: link}}, true},
		{"among real files", append([]File{gone, {Path: sub}, {Path: link}}, files...), false},
	}
	for _, tc := range tests {
		readAll(t, files)
		got, err := Residency(tc.files, 0)
		if err != nil {
			t.Errorf("%s: Residency: %v", tc.name, err)
		}
		if tc.nothing && got != 0 || !tc.nothing && got < 0.97 {
			t.Errorf("%s: Residency = %.3f before eviction", tc.name, got)
		}
		if err := Evict(tc.files); err != nil {
			t.Errorf("%s: Evict: %v", tc.name, err)
		}
	}
	if _, err := Residency([]File{{Path: string([]byte{'a', 0})}}, 0); err == nil {
		t.Errorf("Residency(a path with a NUL) = nil error, want one")
	}
}

// TestCanEvict: eviction works on the test's temporary folder (unless it
// is on tmpfs), and never on tmpfs.
func TestCanEvict(t *testing.T) {
	dir, files := cacheFiles(t, 10, 20000)
	if onMemoryFS(t, dir) {
		if reason := CanEvict(dir, files); !strings.Contains(reason, "cannot be evicted") {
			t.Errorf("CanEvict(%s, on tmpfs) = %q, want a reason", dir, reason)
		}
	} else if reason := CanEvict(dir, files); reason != "" {
		t.Errorf("CanEvict(%s) = %q, want \"\"", dir, reason)
	}
	shm := "/dev/shm"
	if !onMemoryFS(t, shm) {
		t.Skipf("%s is not tmpfs here: the unavailable path is not tested", shm)
	}
	dir, err := os.MkdirTemp(shm, "benchgrid-cache-")
	if err != nil {
		t.Skipf("no folder in %s: %v", shm, err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	p := filepath.Join(dir, "a.json")
	if err := os.WriteFile(p, bytes.Repeat([]byte("x"), 20000), 0o644); err != nil {
		t.Fatal(err)
	}
	tmpfs := []File{{Path: p, Size: 20000}}
	if reason := CanEvict(dir, tmpfs); !strings.Contains(reason, "tmpfs") || !strings.Contains(reason, "cannot be evicted") {
		t.Errorf("CanEvict(%s) = %q, want a reason naming tmpfs", dir, reason)
	}
	// Evict's advice is ignored there: the probe's measure would say so.
	if err := Evict(tmpfs); err != nil {
		t.Fatal(err)
	}
	if got, err := Residency(tmpfs, 0); err != nil || got != 1 {
		t.Errorf("Residency on tmpfs after Evict = %v, %v; want 1", got, err)
	}
	if reason := CanEvict(filepath.Join(dir, "missing"), tmpfs); !strings.Contains(reason, "statfs") {
		t.Errorf("CanEvict(missing folder) = %q, want the statfs error", reason)
	}
}

func TestSpread(t *testing.T) {
	files := make([]File, 10)
	for i := range files {
		files[i].Path = string(rune('a' + i))
	}
	var got []string
	for _, f := range Spread(files, 3) {
		got = append(got, f.Path)
	}
	if strings.Join(got, "") != "adg" {
		t.Errorf("Spread(10 files, 3) = %v, want a d g", got)
	}
	if len(Spread(files, 0)) != 0 || len(Spread(files, 20)) != 10 {
		t.Errorf("Spread at the edges: %d and %d files", len(Spread(files, 0)), len(Spread(files, 20)))
	}
}

// A resource error from opening an input is a *ResourceError.
func TestResourceOr(t *testing.T) {
	err := resourceOr(&os.PathError{Op: "open", Path: "x", Err: syscall.EMFILE})
	if _, ok := err.(*ResourceError); !ok || !IsResourceExhausted(err) {
		t.Errorf("resourceOr(EMFILE) = %#v, want a *ResourceError", err)
	}
	if err := resourceOr(syscall.EIO); err != syscall.EIO {
		t.Errorf("resourceOr(EIO) = %v, want EIO as it is", err)
	}
}
