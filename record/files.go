package record

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrRefused marks a file of a results folder that is not read because
// reading it is not safe: a path that leads out of the folder, something
// other than a regular file, or a file over its size limit. A results folder
// copied from another machine is a documented input, so every path written
// in it is untrusted.
var ErrRefused = errors.New("refused")

// MaxResultsBytes is the size limit of results.json and study.json: far
// above what any run writes, far below what would exhaust memory.
const MaxResultsBytes = 64 << 20

// maxResultsBytes is MaxResultsBytes; tests lower it.
var maxResultsBytes int64 = MaxResultsBytes

// ReadInDir reads the file that rel names inside dir, rel being a path as
// the result files record one: slash-separated and relative to dir. It
// refuses, with an error wrapping ErrRefused, an empty or absolute path, a
// path with a ".." component, one that a symbolic link leads out of dir,
// anything but a regular file (without ever blocking on a named pipe or a
// device), and a file larger than limit bytes. Errors are *fs.PathError
// naming dir/rel; a missing file's wraps fs.ErrNotExist.
func ReadInDir(dir, rel string, limit int64) ([]byte, error) {
	path := filepath.Join(dir, filepath.FromSlash(rel))
	data, err := readInDir(dir, rel, limit)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // name the file once, as the caller asked for it
		}
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	return data, nil
}

func readInDir(dir, rel string, limit int64) ([]byte, error) {
	name, err := localName(rel)
	if err != nil {
		return nil, err
	}
	// The check, for a clear reason: where the path really leads.
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	target, err := filepath.EvalSymlinks(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	if inside, err := filepath.Rel(root, target); err != nil || !filepath.IsLocal(inside) {
		return nil, fmt.Errorf("%w: a symbolic link leads out of the folder", ErrRefused)
	}
	// The enforcement, free of races with the check: os.Root opens no
	// component outside dir. O_NONBLOCK so that opening a named pipe
	// returns at once; fstat then refuses it.
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	f, err := r.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: not a regular file (%s)", ErrRefused, fileKind(fi.Mode()))
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes, over the limit of %d", ErrRefused, fi.Size(), limit)
	}
	// The file may grow after fstat: read one byte past the limit to see.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: over the limit of %d bytes", ErrRefused, limit)
	}
	return data, nil
}

// localName turns rel into a local file name, refusing anything that could
// name a file outside the folder before any symbolic link is followed.
func localName(rel string) (string, error) {
	switch {
	case rel == "":
		return "", fmt.Errorf("%w: an empty path", ErrRefused)
	case strings.HasPrefix(rel, "/") || filepath.IsAbs(rel):
		return "", fmt.Errorf("%w: an absolute path", ErrRefused)
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if part == ".." {
			return "", fmt.Errorf("%w: a \"..\" in the path", ErrRefused)
		}
	}
	name := filepath.FromSlash(rel)
	if !filepath.IsLocal(name) {
		return "", fmt.Errorf("%w: not a path inside the folder", ErrRefused)
	}
	return name, nil
}

// fileKind names the kind of a file that is not a regular one.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "mode " + m.String()
}
