package corpus

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"syscall"
)

// A ReadMode is how a file's bytes are loaded: the -read knob.
type ReadMode string

// The read modes. All give identical bytes; they differ in system calls,
// allocation and page-cache behaviour.
const (
	// ReadFile is os.ReadFile: a fresh allocation per file, and the file is
	// registered with the runtime poller on open.
	ReadFile ReadMode = "readfile"
	// ReadReuse opens the file with a raw syscall, fstats it and reads it
	// into a buffer that is reused once released: no poller, no per-file
	// allocation.
	ReadReuse ReadMode = "reuse"
	// ReadMmap maps the file read-only. The Rust study found memory maps
	// harmful for small files; the mode is kept as a control.
	ReadMmap ReadMode = "mmap"
)

// ReadModes lists every read mode, the default first.
var ReadModes = []ReadMode{ReadFile, ReadReuse, ReadMmap}

// ParseReadMode returns the read mode called name.
func ParseReadMode(name string) (ReadMode, error) {
	if slices.Contains(ReadModes, ReadMode(name)) {
		return ReadMode(name), nil
	}
	return "", fmt.Errorf("unknown read mode %q (have %v)", name, ReadModes)
}

// A Reader loads files' bytes in one read mode. Its methods are safe for
// concurrent use, so data read on one goroutine may be released on another
// (as a pipeline's parse stage does).
type Reader struct {
	mode ReadMode
	mu   sync.Mutex
	free [][]byte // ReadReuse: released buffers
}

// NewReader returns a Reader for mode; the zero mode means ReadFile.
func NewReader(mode ReadMode) *Reader {
	if mode == "" {
		mode = ReadFile
	}
	return &Reader{mode: mode}
}

// Mode reports the reader's read mode.
func (r *Reader) Mode() ReadMode { return r.mode }

// Read returns the bytes of f. The data stays valid until it is passed to
// Release; a caller must release every successful read exactly once.
func (r *Reader) Read(f File) ([]byte, error) {
	switch r.mode {
	case ReadReuse:
		return r.readReuse(f.Path)
	case ReadMmap:
		return readMmap(f.Path)
	default:
		return os.ReadFile(f.Path)
	}
}

// Release gives back data returned by Read.
func (r *Reader) Release(data []byte) {
	switch r.mode {
	case ReadReuse:
		if cap(data) == 0 {
			return
		}
		r.mu.Lock()
		r.free = append(r.free, data[:0])
		r.mu.Unlock()
	case ReadMmap:
		if len(data) > 0 {
			_ = syscall.Munmap(data)
		}
	}
}

func (r *Reader) buffer(size int) []byte {
	r.mu.Lock()
	var buf []byte
	if n := len(r.free); n > 0 {
		buf = r.free[n-1]
		r.free = r.free[:n-1]
	}
	r.mu.Unlock()
	if cap(buf) < size {
		// Grow geometrically so a few large files do not cause one
		// allocation each on every pass.
		buf = make([]byte, 0, max(size, 2*cap(buf), 64<<10))
	}
	return buf[:size]
}

func (r *Reader) readReuse(path string) ([]byte, error) {
	fd, err := openRead(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	buf := r.buffer(int(st.Size))
	n, err := readFull(fd, buf)
	if err != nil {
		r.Release(buf)
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	if n < len(buf) {
		return buf[:n], nil // the file shrank since fstat
	}
	// The file may have grown since fstat: read the rest like os.ReadFile.
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			r.Release(buf)
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+m]
	}
}

func openRead(path string) (int, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// readFull reads into buf until it is full or the file ends.
func readFull(fd int, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		if m == 0 {
			return n, nil
		}
		n += m
	}
	return n, nil
}

func readMmap(path string) ([]byte, error) {
	fd, err := openRead(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	if st.Size == 0 {
		return []byte{}, nil // mmap of length 0 fails
	}
	data, err := syscall.Mmap(fd, 0, int(st.Size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, &os.PathError{Op: "mmap", Path: path, Err: err}
	}
	return data, nil
}
