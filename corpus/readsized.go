package corpus

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// readScratch is what one goroutine's sized reads reuse: the
// NUL-terminated name a system call takes, fstat's buffer, and whether
// the calls are raw (ReadOpenatRaw).
type readScratch struct {
	name []byte
	st   unix.Stat_t
	raw  bool
	pool *bufPool // where buffers come from and failed reads' go back
}

// readSized is ReadSized's read of name relative to the directory dirfd
// (unix.AT_FDCWD for a whole path); path names the file in errors.
func (r *Reader) readSized(dirfd int, name, path string, sc *readScratch) ([]byte, error) {
	fd, err := sc.openat(dirfd, name)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer sc.close(fd)
	size, err := sc.statRegular(fd, path)
	if err != nil {
		return nil, err
	}
	buf := sc.pool.get(size + 1)
	n, err := sc.read(fd, buf[:size+1])
	if err != nil {
		sc.pool.put(buf)
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	return sc.readOn(fd, buf, n, size, path)
}

// statRegular fstats the open fd and returns its size, refusing anything
// but a regular file.
func (sc *readScratch) statRegular(fd int, path string) (int, error) {
	if err := sc.fstat(fd); err != nil {
		return 0, &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	if sc.st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return 0, &os.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	return int(sc.st.Size), nil
}

// readOn finishes a sized read whose first read put n bytes into buf
// (from the pool, with room for size+1): a read of exactly fstat's size
// met the end of the file; one that returned less (the file shrank, or a
// read cut short) or more (it grew) reads on from fd's position until
// EOF, like os.ReadFile. A failure gives buf back to the pool.
func (sc *readScratch) readOn(fd int, buf []byte, n, size int, path string) ([]byte, error) {
	if n == size {
		return buf[:n], nil // one read, and the end of the file
	}
	buf = buf[:n]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := sc.read(fd, buf[len(buf):cap(buf)])
		if err != nil {
			sc.pool.put(buf)
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+m]
	}
}

// syscall6 is a system call, raw or not; EINTR is retried.
func (sc *readScratch) syscall6(trap, a1, a2, a3 uintptr) (uintptr, error) {
	for {
		var r uintptr
		var errno unix.Errno
		if sc.raw {
			r, _, errno = unix.RawSyscall6(trap, a1, a2, a3, 0, 0, 0)
		} else {
			r, _, errno = unix.Syscall6(trap, a1, a2, a3, 0, 0, 0)
		}
		switch errno {
		case 0:
			return r, nil
		case unix.EINTR:
			continue
		}
		return r, errno
	}
}

// openat opens name relative to dirfd with openFlags: unix.Openat
// without its allocation of the NUL-terminated name, which goes to
// sc.name instead.
func (sc *readScratch) openat(dirfd int, name string) (int, error) {
	if strings.IndexByte(name, 0) >= 0 {
		return -1, unix.EINVAL // as unix.Openat says of such a name
	}
	sc.name = append(append(sc.name[:0], name...), 0)
	fd, err := sc.syscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(&sc.name[0])), uintptr(openFlags))
	if err != nil {
		return -1, err
	}
	return int(fd), nil
}

func (sc *readScratch) fstat(fd int) error {
	_, err := sc.syscall6(unix.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&sc.st)), 0)
	return err
}

// read is one read(2) into buf.
func (sc *readScratch) read(fd int, buf []byte) (int, error) {
	var p unsafe.Pointer
	if len(buf) > 0 {
		p = unsafe.Pointer(&buf[0])
	}
	n, err := sc.syscall6(unix.SYS_READ, uintptr(fd), uintptr(p), uintptr(len(buf)))
	return int(n), err
}

func (sc *readScratch) close(fd int) {
	_, _ = sc.syscall6(unix.SYS_CLOSE, uintptr(fd), 0, 0)
}

// A Session is one goroutine's use of a Reader: in ReadOpenat,
// ReadOpenatRaw and ReadUring it keeps the descriptor of the directory of
// the last file it read, so that the next file of that directory opens
// relative to it; in ReadSized it reuses the buffers of the system calls;
// in ReadUring it also keeps its ring, set up on its first read. In the
// other modes it is the Reader itself. A Session is used by one goroutine at a
// time (Release aside); Close it when that goroutine is done (its reads
// stay valid until released, to the Session).
type Session struct {
	r     *Reader
	dir   string // the directory dirfd is open on, or ""
	dirfd int
	sc    readScratch
	// pool is the session's own buffers in the sized modes: its reads and
	// their releases (on the worker that read them, as strategies do)
	// never contend with another goroutine's for the Reader's pool.
	pool bufPool
	ur   uringSession // ReadUring's ring and batches
	one  batchOfOne   // ReadUring's Read
}

// batchOfOne is a Read as a ReadBatch.
type batchOfOne struct {
	files [1]File
	data  [1][]byte
	errs  [1]error
}

// Session returns a new Session of r.
func (r *Reader) Session() *Session {
	s := &Session{r: r, dirfd: -1, sc: readScratch{raw: r.mode == ReadOpenatRaw || r.mode == ReadUring}}
	s.sc.pool = &s.pool
	return s
}

// Release gives back data that the session's Read returned; like
// Reader.Release, it is safe to call from any goroutine.
func (s *Session) Release(data []byte) {
	switch s.r.mode {
	case ReadSized, ReadOpenat, ReadOpenatRaw, ReadUring:
		s.sc.pool.put(data)
	default:
		s.r.Release(data)
	}
}

// Read is Reader.Read of f, relative to the session's directory in
// ReadOpenat and ReadOpenatRaw.
func (s *Session) Read(f File) ([]byte, error) {
	var data []byte
	var err error
	switch s.r.mode {
	case ReadSized:
		data, err = s.r.readSized(unix.AT_FDCWD, f.Path, f.Path, &s.sc)
	case ReadOpenat, ReadOpenatRaw:
		data, err = s.readAt(f)
	case ReadUring:
		one := &s.one
		one.files[0] = f
		s.ReadBatch(context.Background(), one.files[:], 0, one.data[:], one.errs[:])
		data, err = one.data[0], one.errs[0]
		*one = batchOfOne{}
		return data, err
	default:
		return s.r.Read(f)
	}
	if err != nil && IsResourceExhausted(err) {
		return nil, &ResourceError{Err: err}
	}
	return data, err
}

// ReadBatch reads a prefix of files as Read would, into data[i] and
// errs[i] (both at least as long as files), and returns its length; each
// successful read is released like one of Read. The prefix is every file
// but where the files' sizes add up to more than budget bytes: a file
// counts its size as the walk gave it or, where the walk gave none, its
// size as read, and the read stops after the file that takes the bytes
// read past budget (in ReadUring, where every size is known from fstat
// before any read, before that file; in either, the first file is always
// read). In ReadUring the files are read in batches of up to 64 per
// submission; in the other modes it is one Read after another. Once ctx
// is done no new read is started (a ring batch already submitted is
// finished): the files not read get ctx.Err() and no data, and the
// prefix is all of files.
func (s *Session) ReadBatch(ctx context.Context, files []File, budget int64, data [][]byte, errs []error) int {
	if s.r.mode == ReadUring {
		n := s.readUring(ctx, files, budget, data[:len(files)], errs[:len(files)])
		for i, err := range errs[:n] {
			if err != nil && IsResourceExhausted(err) && !errors.As(err, new(*ResourceError)) {
				errs[i] = &ResourceError{Err: err}
			}
		}
		return n
	}
	return ReadPrefix(ctx, files, budget, data, errs, s.Read)
}

// ReadPrefix is ReadBatch without a ring: it reads a prefix of files with
// read, one after another, into data[i] and errs[i], stopping after the
// file that takes the bytes read past budget (a file counting its size as
// the walk gave it, or as read), and returns the prefix's length. Once
// ctx is done it reads no more: the files not read get ctx.Err() and no
// data, and the prefix is all of files.
func ReadPrefix(ctx context.Context, files []File, budget int64, data [][]byte, errs []error, read func(File) ([]byte, error)) int {
	var held int64
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			cancelRest(err, data[i:len(files)], errs[i:len(files)])
			return len(files)
		}
		data[i], errs[i] = read(f)
		if held += f.SizeOr(len(data[i])); held > budget {
			return i + 1
		}
	}
	return len(files)
}

// cancelRest gives each file of a batch that will not be read err and no
// data.
func cancelRest(err error, data [][]byte, errs []error) {
	for i := range data {
		data[i], errs[i] = nil, err
	}
}

// readAt is ReadOpenat's read of f.
func (s *Session) readAt(f File) ([]byte, error) {
	i := strings.LastIndexByte(f.Path, '/')
	if i <= 0 {
		return s.r.readSized(unix.AT_FDCWD, f.Path, f.Path, &s.sc)
	}
	if dir := f.Path[:i]; dir != s.dir {
		s.closeDir()
		fd, err := openDir(dir)
		if err != nil {
			// A directory gone or refused: the whole path's open says
			// why, in ReadSized's words (or succeeds after a race).
			return s.r.readSized(unix.AT_FDCWD, f.Path, f.Path, &s.sc)
		}
		s.dir, s.dirfd = dir, fd
	}
	return s.r.readSized(s.dirfd, f.Path[i+1:], f.Path, &s.sc)
}

// Close closes the session's directory descriptor, if it has one, and
// its ring in ReadUring.
func (s *Session) Close() error {
	s.closeDir()
	s.ur.closeRing()
	return nil
}

func (s *Session) closeDir() {
	if s.dirfd >= 0 {
		_ = syscall.Close(s.dirfd)
	}
	s.dir, s.dirfd = "", -1
}

// openDir opens dir as a directory descriptor for openat only (O_PATH: no
// read permission is checked, nothing is read through it).
func openDir(dir string) (int, error) {
	for {
		fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}
