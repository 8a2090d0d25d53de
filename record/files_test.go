package record

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadInDir reads hostile paths of a results folder copied from
// another machine: each is refused, or missing, and none blocks or reads
// outside the folder.
func TestReadInDir(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "run")
	outside := filepath.Join(base, "secret")
	for _, d := range []string{filepath.Join(dir, "profiles"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, data string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	symlink := func(target, link string) {
		t.Helper()
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "profiles", "ok.pprof"), "profile")
	write(filepath.Join(dir, "big.pprof"), strings.Repeat("x", 101))
	write(filepath.Join(outside, "passwd"), "root:x:0:0")
	symlink("ok.pprof", filepath.Join(dir, "profiles", "inside.pprof"))
	symlink(filepath.Join(outside, "passwd"), filepath.Join(dir, "profiles", "out.pprof"))
	symlink("../../secret/passwd", filepath.Join(dir, "profiles", "relout.pprof"))
	symlink("/dev/zero", filepath.Join(dir, "profiles", "zero.pprof"))
	symlink(outside, filepath.Join(dir, "outdir"))
	if err := syscall.Mkfifo(filepath.Join(dir, "profiles", "fifo.pprof"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		rel     string
		want    string // the contents, when read
		refused string // else the reason, in part
		missing bool
	}{
		{rel: "profiles/ok.pprof", want: "profile"},
		{rel: "profiles/inside.pprof", want: "profile"},
		{rel: "./profiles/ok.pprof", want: "profile"},
		{rel: "profiles/none.pprof", missing: true},
		{rel: "", refused: "an empty path"},
		{rel: "../secret/passwd", refused: `".."`},
		{rel: "profiles/../../secret/passwd", refused: `".."`},
		{rel: "profiles/../profiles/ok.pprof", refused: `".."`},
		{rel: filepath.Join(outside, "passwd"), refused: "an absolute path"},
		{rel: "/etc/passwd", refused: "an absolute path"},
		{rel: "profiles/out.pprof", refused: "leads out of the folder"},
		{rel: "profiles/relout.pprof", refused: "leads out of the folder"},
		{rel: "profiles/zero.pprof", refused: "leads out of the folder"},
		{rel: "outdir/passwd", refused: "leads out of the folder"},
		{rel: "profiles/fifo.pprof", refused: "not a regular file (a named pipe)"},
		{rel: "profiles", refused: "not a regular file (a folder)"},
		{rel: "big.pprof", refused: "101 bytes, over the limit of 100"},
	}
	for _, tt := range tests {
		var data []byte
		var err error
		promptly(t, "ReadInDir("+tt.rel+")", func() { data, err = ReadInDir(dir, tt.rel, 100) })
		switch {
		case tt.refused != "":
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.refused) {
				t.Errorf("ReadInDir(%q) = %q, %v; want refused: %s", tt.rel, data, err, tt.refused)
			}
		case tt.missing:
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("ReadInDir(%q) = %q, %v; want a not-exist error", tt.rel, data, err)
			}
		case err != nil || string(data) != tt.want:
			t.Errorf("ReadInDir(%q) = %q, %v; want %q", tt.rel, data, err, tt.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "read "+filepath.Join(dir, filepath.FromSlash(tt.rel))+": ") {
			t.Errorf("ReadInDir(%q) error %q does not name the file", tt.rel, err)
		}
	}
}

// TestReadRefused reads results.json files that are not safe to read.
func TestReadRefused(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("..", "reports", "testdata", "run", ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	old := maxResultsBytes
	maxResultsBytes = int64(len(valid))
	t.Cleanup(func() { maxResultsBytes = old })

	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
		want  string
	}{
		{"at the limit", func(t *testing.T, path string) { writeFile(t, path, valid) }, ""},
		{"over the limit", func(t *testing.T, path string) { writeFile(t, path, append(valid, ' ')) }, "over the limit"},
		{"a named pipe", func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file (a named pipe)"},
		{"/dev/zero through a link", func(t *testing.T, path string) {
			if err := os.Symlink("/dev/zero", path); err != nil {
				t.Fatal(err)
			}
		}, "leads out of the folder"},
		{"a folder", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file (a folder)"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		tt.setup(t, filepath.Join(dir, ResultsFile))
		var err error
		promptly(t, "Read("+tt.name+")", func() { _, err = Read(dir) })
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: Read = %v, want no error", tt.name, err)
			}
			continue
		}
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), ResultsFile) {
			t.Errorf("%s: Read = %v, want refused naming %s: %s", tt.name, err, ResultsFile, tt.want)
		}
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// promptly runs f, failing the test at once if f has not returned within
// a few seconds (a read blocked on a named pipe, say).
func promptly(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s blocked", what)
	}
}
