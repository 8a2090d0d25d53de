package corpus

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A ReadMode is how a file's bytes are loaded: the -read knob.
type ReadMode string

// The read modes. All give identical bytes; they differ in system calls,
// allocation and page-cache behaviour.
const (
	// ReadFile reads as os.ReadFile does, through an *os.File: a fresh
	// allocation per file, sized from fstat, and the runtime poller's
	// registration attempt on open. It opens with O_NONBLOCK (see Read),
	// which spares os.Open's two fcntl calls.
	ReadFile ReadMode = "readfile"
	// ReadReuse opens the file with a raw syscall, fstats it and reads it
	// into a buffer that is reused once released: no poller, no per-file
	// allocation.
	ReadReuse ReadMode = "reuse"
	// ReadMmap maps the file read-only. The Rust study found memory maps
	// harmful for small files; the mode is kept as a control.
	ReadMmap ReadMode = "mmap"
	// ReadSized is ReadReuse with one read fewer: the buffer has room for
	// one byte more than fstat's size, so a read that returns exactly that
	// size has met the end of the file (a regular file's read is short
	// only at its end) and needs no second read to see EOF. A read that
	// returns less or more (the file shrank or grew since fstat) goes on
	// reading until EOF. Per file: open, fstat, read, close.
	ReadSized ReadMode = "sized"
	// ReadOpenat is ReadSized that opens a file relative to its
	// directory (openat on a directory descriptor) instead of resolving
	// its whole path: each reading goroutine keeps the descriptor of the
	// last directory it read from (a Session), and the walk's lexical
	// order makes consecutive files share it. A directory that cannot be
	// opened falls back to the whole path, so errors are those of
	// ReadSized.
	ReadOpenat ReadMode = "openat"
	// ReadOpenatRaw is ReadOpenat with raw system calls: the goroutine
	// keeps its P through openat, fstat, read and close instead of telling
	// the scheduler it entered a system call, so the runtime's monitor
	// (sysmon) neither wakes every 20µs to take the P of a goroutine in a
	// system call nor hands it to another thread. That is right for files
	// in the page cache, whose calls take microseconds; a read that waits
	// for a disk holds its P (and delays a stop-the-world) for as long, so
	// a cold cache or a network file system runs on fewer threads than
	// the other modes, as a C++ or Rust program with one thread per CPU
	// does.
	ReadOpenatRaw ReadMode = "openat-raw"
	// ReadUring is ReadOpenatRaw through io_uring (Linux 5.6 and later): a
	// Session's ReadBatch opens up to 64 files in one submission, fstats
	// each with a plain system call, reads them all (one byte more than
	// the size, at the file position) in a second submission and closes
	// them in a third, so that a batch costs three io_uring_enter calls
	// and an fstat a file instead of four system calls a file. The odd
	// case finishes as ReadSized does, on the same descriptor: a read that
	// returned less or more than the size reads on, and an open or a read
	// the ring refuses (EINVAL, EOPNOTSUPP, EAGAIN, EINTR) is done with a
	// plain system call. Those plain calls (the fstat a file among them)
	// are raw, as ReadOpenatRaw's are, so uring is to be compared with
	// openat-raw; io_uring_enter itself is an ordinary system call.
	// Errors are ReadSized's, and a failure of the ring itself is a
	// *ResourceError. Read alone is a batch of one. A batch borrows one of
	// the Reader's rings and gives it back when it is done, so a pass
	// holds as many rings as batches in flight (at most four per
	// GOMAXPROCS), however many sessions it has; Reader.Close tears the
	// idle ones down. Where the kernel or a sandbox refuses io_uring, the
	// mode is unavailable (ReadModeAvailable says why).
	ReadUring ReadMode = "uring"
)

// ReadModes lists every read mode, the default first.
var ReadModes = []ReadMode{ReadFile, ReadReuse, ReadMmap, ReadSized, ReadOpenat, ReadOpenatRaw, ReadUring}

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
	mode  ReadMode
	pool  bufPool  // the reuse and sized modes' released buffers
	rings ringPool // ReadUring's rings, lent to sessions a batch at a time
}

// Close releases what the Reader keeps between reads beyond buffers (in
// ReadUring, its idle rings). Sessions should be closed first; the Reader
// may be used again after, and sets up what it needs anew.
func (r *Reader) Close() { r.rings.close() }

// A bufPool keeps released read buffers for reuse. Its methods are safe
// for concurrent use.
type bufPool struct {
	mu   sync.Mutex
	free [][]byte
}

func (p *bufPool) put(data []byte) {
	if cap(data) == 0 {
		return
	}
	p.mu.Lock()
	p.free = append(p.free, data[:0])
	p.mu.Unlock()
}

// get returns a buffer of length size.
func (p *bufPool) get(size int) []byte {
	p.mu.Lock()
	var buf []byte
	if n := len(p.free); n > 0 {
		buf = p.free[n-1]
		p.free = p.free[:n-1]
	}
	p.mu.Unlock()
	if cap(buf) < size {
		// Grow geometrically so a few large files do not cause one
		// allocation each on every pass.
		buf = make([]byte, 0, max(size, 2*cap(buf), 64<<10))
	}
	return buf[:size]
}

// NewReader returns a Reader for mode; the zero mode means ReadFile.
func NewReader(mode ReadMode) *Reader {
	if mode == "" {
		mode = ReadFile
	}
	startPoller()
	return &Reader{mode: mode}
}

// Mode reports the reader's read mode.
func (r *Reader) Mode() ReadMode { return r.mode }

// Read returns the bytes of f. The data stays valid until it is passed to
// Release; a caller must release every successful read exactly once.
//
// Every mode opens f with O_NONBLOCK and O_NOFOLLOW and checks with fstat
// that it is still a regular file, so an input replaced since the walk by
// a FIFO, a device or a symbolic link can never block the read: it is a bad
// input (ErrNotRegular, or ELOOP for a link). An error that says the
// program ran out of one of its own resources is a *ResourceError, never a
// verdict on the input.
func (r *Reader) Read(f File) ([]byte, error) {
	var data []byte
	var err error
	switch r.mode {
	case ReadReuse:
		data, err = r.readReuse(f.Path)
	case ReadMmap:
		data, err = readMmap(f.Path)
	case ReadSized, ReadOpenat, ReadOpenatRaw:
		data, err = r.readSized(unix.AT_FDCWD, f.Path, f.Path, &readScratch{pool: &r.pool})
	case ReadUring:
		s := r.Session()
		s.sc.pool = &r.pool
		data, err = s.Read(f)
		s.Close()
	default:
		data, err = readFile(f.Path)
	}
	if err != nil && IsResourceExhausted(err) && !errors.As(err, new(*ResourceError)) {
		return nil, &ResourceError{Err: err}
	}
	return data, err
}

// ErrNotRegular is the reason an input that is no longer a regular file
// when it is opened (a FIFO, a socket, a device, a directory) is bad.
var ErrNotRegular = errors.New("not a regular file")

// A ResourceError is a read that failed because the program ran out of
// one of its own resources (file descriptors, memory, kernel buffers), not
// because of its input. It fails the configuration that hit it: counting
// the file as a bad input would blame the data for the program's limits.
type ResourceError struct {
	Err error // the *os.PathError, with the errno
}

func (e *ResourceError) Error() string {
	return fmt.Sprintf("%v (the program ran out of a resource; not a bad input)", e.Err)
}

func (e *ResourceError) Unwrap() error { return e.Err }

// IsResourceExhausted reports whether err is an OS error that says this
// program ran out of one of its own resources: EMFILE and ENFILE (file
// descriptors), ENOMEM, EAGAIN, ENOBUFS and ENOLCK. Errors that come from
// the input (EACCES, ENOENT, ELOOP, EIO, …) are not.
func IsResourceExhausted(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	switch errno {
	case syscall.EMFILE, syscall.ENFILE, syscall.ENOMEM, syscall.EAGAIN, syscall.ENOBUFS, syscall.ENOLCK:
		return true
	}
	return false
}

// openFlags are the flags every read mode opens an input with: read-only,
// never blocking on a FIFO or a device, never following a link.
const openFlags = syscall.O_RDONLY | syscall.O_CLOEXEC | syscall.O_NONBLOCK | syscall.O_NOFOLLOW

// readFile is os.ReadFile opened with openFlags and checked to be regular.
func readFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &os.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	// From here on exactly os.ReadFile: one byte more than the size, so
	// the read that sees EOF needs no growth.
	size := 512
	if s := info.Size(); int64(int(s)) == s && int(s)+1 > size {
		size = int(s) + 1
	}
	data := make([]byte, 0, size)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return data, err
		}
		if len(data) >= cap(data) {
			d := append(data[:cap(data)], 0)
			data = d[:len(data)]
		}
	}
}

// openRegular opens path with openFlags and fstats it, refusing anything
// but a regular file. The caller closes fd.
func openRegular(path string) (fd int, size int64, err error) {
	fd, err = openRead(path)
	if err != nil {
		return -1, 0, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return -1, 0, &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		syscall.Close(fd)
		return -1, 0, &os.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	return fd, st.Size, nil
}

// Release gives back data returned by Read.
func (r *Reader) Release(data []byte) {
	switch r.mode {
	case ReadReuse, ReadSized, ReadOpenat, ReadOpenatRaw, ReadUring:
		r.pool.put(data)
	case ReadMmap:
		if len(data) > 0 {
			_ = syscall.Munmap(data)
		}
	}
}

func (r *Reader) buffer(size int) []byte { return r.pool.get(size) }

func (r *Reader) readReuse(path string) ([]byte, error) {
	fd, size, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	buf := r.buffer(int(size))
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
		fd, err := syscall.Open(path, openFlags, 0)
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

// readMmap maps path. The mapping's pages are read later, by the parser:
// if the file shrinks meanwhile, touching a page past its new end raises
// SIGBUS, which the reading goroutine must turn into an error (see
// ChangedWhileMapped).
func readMmap(path string) ([]byte, error) {
	fd, size, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	if size == 0 {
		return []byte{}, nil // mmap of length 0 fails
	}
	data, err := syscall.Mmap(fd, 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, &os.PathError{Op: "mmap", Path: path, Err: err}
	}
	return data, nil
}

// ErrChangedWhileMapped is the reason a mapped input is bad when touching
// its pages faulted: the file shrank (or was truncated) after it was mapped.
var ErrChangedWhileMapped = errors.New("changed while mapped: the file shrank after it was mapped (SIGBUS)")

// GuardMapped runs fn, which reads data, on the calling goroutine with
// faults turned into panics (runtime/debug.SetPanicOnFault), and returns
// ErrChangedWhileMapped if fn touched a page of data that is no longer
// backed by the file. A fault anywhere else is not recovered: it is a bug.
//
// Only faults on this goroutine are caught; a parser that reads the bytes
// on goroutines of its own (simdjson-go's second stage, for inputs over
// 8 KiB) crashes the process on such a fault, with SIGBUS as its cause.
func GuardMapped(data []byte, fn func()) (err error) {
	if len(data) == 0 {
		fn()
		return nil
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if fault, ok := r.(interface{ Addr() uintptr }); ok {
			start := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
			if a := fault.Addr(); a >= start && a < start+uintptr(len(data)) {
				err = ErrChangedWhileMapped
				return
			}
		}
		panic(r)
	}()
	fn()
	return nil
}
