//go:build linux

package corpus

import (
	"context"
	"errors"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// uringBatch is the most files one submission carries, and the ring's
// size.
const uringBatch = 64

// uringMaxRead is the largest first read a ring is given (an SQE's
// length is 32 bits); a larger file is read the sized way.
const uringMaxRead = 1 << 30

// uringSession is a Session's ring, set up on its first read, and the
// scratch of its batches.
type uringSession struct {
	ring    *ring
	names   []byte      // the batch's NUL-terminated names, one after another
	files   []uringFile // the batch's state, by file
	step    uint8       // the opcode of the batch's current submission
	queued  []int       // the files whose entries are queued in this step, in queue order
	oldDirs []int       // directories the session left during the batch's opens

	// Tests make the odd cases with these, nil otherwise: afterStat runs
	// after a file's fstat, and result may change a completion's result
	// (fd is the file's descriptor, -1 for an open).
	afterStat func(path string)
	result    func(op uint8, fd int, res int32) int32
}

// A uringFile is one file of a batch.
type uringFile struct {
	state uint8
	dirfd int // what its open is relative to
	name  int // the offset of its name in names
	fd    int // its descriptor once open, else -1
	size  int // fstat's size
	buf   []byte
}

// The states of a uringFile.
const (
	uringDone   uint8 = iota // its data or error is set; fd, if ≥ 0, is to be closed
	uringOpen                // to be opened
	uringRead                // open, to be read
	uringQueued              // its entry is queued or in flight
)

// uringQuarantine keeps the buffers of reads a failed ring may still be
// writing into: they are never reused nor freed.
var uringQuarantine struct {
	sync.Mutex
	bufs [][]byte
}

// probeUring sets a ring up and checks the features and opcodes
// ReadUring uses.
func probeUring() error {
	r, err := newRing(uringBatch)
	if err != nil {
		if IsResourceExhausted(err) {
			return err
		}
		return &UnavailableError{Mode: ReadUring, Reason: setupReason(err)}
	}
	defer r.close()
	if r.features&uringFeatRWCurPos == 0 {
		return &UnavailableError{Mode: ReadUring, Reason: "this kernel's io_uring cannot read at the file position (no IORING_FEAT_RW_CUR_POS, Linux 5.6)"}
	}
	if err := r.probe(uringOpOpenat, uringOpRead, uringOpClose); err != nil {
		return &UnavailableError{Mode: ReadUring, Reason: err.Error()}
	}
	return nil
}

// setupReason says why io_uring_setup failed, with the usual causes.
func setupReason(err error) string {
	switch {
	case errors.Is(err, unix.EPERM):
		return err.Error() + " (sysctl kernel.io_uring_disabled, or a seccomp filter such as a container runtime's)"
	case errors.Is(err, unix.ENOSYS):
		return err.Error() + " (a kernel built without io_uring, or a sandbox that hides it)"
	}
	return err.Error()
}

// readUring reads a prefix of files as ReadSized does, in batches of up
// to uringBatch files, each with three submissions: the opens, then
// (after an fstat per file, a plain system call) the reads, then the
// closes. It returns the prefix's length: every file, but where their
// sizes add up to more than budget (see ReadBatch).
func (s *Session) readUring(ctx context.Context, files []File, budget int64, data [][]byte, errs []error) int {
	var held int64
	done := 0
	for done < len(files) {
		if err := ctx.Err(); err != nil {
			cancelRest(err, data[done:], errs[done:])
			return len(files)
		}
		k := min(len(files)-done, uringBatch)
		n := s.uringBatch(files[done:done+k], budget, &held, data[done:done+k], errs[done:done+k])
		done += n
		if n < k {
			break
		}
	}
	return done
}

// startRing borrows a ring from the Reader for one batch, or says why it
// cannot.
func (s *Session) startRing() error {
	if err := uringAvailable(); err != nil {
		return err
	}
	r, err := s.r.rings.get()
	if err != nil && !IsResourceExhausted(err) {
		return &UnavailableError{Mode: ReadUring, Reason: setupReason(err)}
	}
	s.ur.ring = r
	return err
}

// A ringPool lends a Reader's io_uring rings to its sessions, one batch
// at a time: a batch takes an idle ring, or sets one up, and gives it back
// when it is done. A pass so holds as many rings as it has batches in
// flight, not one per session: a goroutine per file (perfile) would
// otherwise set one up each, and since io_uring_setup blocks, thousands
// would be open at once and the pass would run out of descriptors. The
// rings in use are also capped (slots): a batch waits for one to come
// back, which it does as soon as that batch ends.
type ringPool struct {
	once  sync.Once
	slots chan struct{} // a token per ring in use
	mu    sync.Mutex
	idle  []*ring
	made  int // rings set up, for tests
}

// maxRingsInUse is how many of a Reader's rings may be in use at once.
func maxRingsInUse() int { return 4 * runtime.GOMAXPROCS(0) }

// get returns a ring for one batch, which put must give back.
func (p *ringPool) get() (*ring, error) {
	p.once.Do(func() { p.slots = make(chan struct{}, maxRingsInUse()) })
	p.slots <- struct{}{}
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		r := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return r, nil
	}
	p.made++
	p.mu.Unlock()
	r, err := newRing(uringBatch)
	if err != nil {
		<-p.slots
		return nil, err
	}
	return r, nil
}

// put gives back a ring get returned, nil when the batch tore it down.
func (p *ringPool) put(r *ring) {
	if r != nil {
		p.mu.Lock()
		p.idle = append(p.idle, r)
		p.mu.Unlock()
	}
	<-p.slots
}

// close tears down the idle rings.
func (p *ringPool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, r := range idle {
		r.close()
	}
}

// uringBatch reads at most uringBatch files, a prefix of files whose
// sizes add to *held no more than budget (unless *held is 0), and returns
// the prefix's length; the files past it are opened and closed, not read.
func (s *Session) uringBatch(files []File, budget int64, held *int64, data [][]byte, errs []error) int {
	u := &s.ur
	for i := range files {
		data[i], errs[i] = nil, nil
	}
	if u.ring == nil {
		if err := s.startRing(); err != nil {
			var ue *UnavailableError
			unavailable := errors.As(err, &ue)
			for i, f := range files {
				if unavailable {
					errs[i] = ue
				} else {
					errs[i] = &os.PathError{Op: "io_uring_setup", Path: f.Path, Err: unwrapSyscall(err)}
				}
			}
			return len(files)
		}
	}
	if cap(u.files) < len(files) {
		u.files = make([]uringFile, uringBatch)
	}
	u.files = u.files[:len(files)]
	u.names = u.names[:0]
	for i, f := range files {
		uf := &u.files[i]
		*uf = uringFile{fd: -1, state: uringOpen}
		var name string
		uf.dirfd, name = s.uringDir(f.Path)
		if strings.IndexByte(name, 0) >= 0 {
			errs[i], uf.state = &os.PathError{Op: "open", Path: f.Path, Err: unix.EINVAL}, uringDone // as unix.Openat says of such a name
			continue
		}
		uf.name = len(u.names)
		u.names = append(append(u.names, name...), 0)
	}
	n := len(files)
	err := s.uringOpens(files, errs)
	if err == nil {
		n, err = s.uringReads(files, budget, held, data, errs)
	}
	if err == nil {
		err = s.uringCloses()
	}
	if err != nil {
		s.ringFailed(files, errs, err)
	}
	s.r.rings.put(u.ring) // nil after a failure, which tore it down
	u.ring = nil
	for _, fd := range u.oldDirs {
		_ = syscall.Close(fd)
	}
	u.oldDirs = u.oldDirs[:0]
	return n
}

// uringDir returns what the open of path is relative to: the session's
// directory, which it moves to path's (as ReadOpenat does), or the
// current directory and the whole path when that directory cannot be
// opened. The directory left stays open until the batch's opens are done.
func (s *Session) uringDir(path string) (dirfd int, name string) {
	i := strings.LastIndexByte(path, '/')
	if i <= 0 {
		return unix.AT_FDCWD, path
	}
	if dir := path[:i]; dir != s.dir {
		fd, err := openDir(dir)
		if err != nil {
			return unix.AT_FDCWD, path // the whole path's open says why, in ReadSized's words
		}
		if s.dirfd >= 0 {
			s.ur.oldDirs = append(s.ur.oldDirs, s.dirfd)
		}
		s.dir, s.dirfd = dir, fd
	}
	return s.dirfd, path[i+1:]
}

// retryable are the errors of a ring's open or read that are retried
// with a plain system call: an interrupted or refused operation (the
// kernel or the file system may not support it through io_uring) is not
// the file's answer.
func retryable(errno syscall.Errno) bool {
	switch errno {
	case unix.EINTR, unix.EAGAIN, unix.EINVAL, unix.EOPNOTSUPP:
		return true
	}
	return false
}

// queue queues an entry for file i, or reports that the ring is full
// (which the batch size rules out).
func (u *uringSession) queue(i int) (*uringSQE, error) {
	e := u.ring.sqe()
	if e == nil {
		return nil, errors.New("io_uring submission queue full")
	}
	e.userData = uint64(i)
	u.queued = append(u.queued, i)
	return e, nil
}

// run submits the step's queued entries and calls each with every
// completion's file and result (which the test hook may change).
func (u *uringSession) run(each func(i int, uf *uringFile, res int32)) error {
	return u.ring.run(len(u.queued), func(c uringCQE) {
		i := int(c.userData)
		uf, res := &u.files[i], c.res
		if u.result != nil && u.step != uringOpClose {
			fd := uf.fd
			if u.step == uringOpOpenat {
				fd = -1
			}
			res = u.result(u.step, fd, res)
		}
		each(i, uf, res)
	})
}

// uringOpens opens every file of the batch in one submission.
func (s *Session) uringOpens(files []File, errs []error) error {
	u := &s.ur
	u.step, u.queued = uringOpOpenat, u.queued[:0]
	for i := range u.files {
		uf := &u.files[i]
		if uf.state != uringOpen {
			continue
		}
		e, err := u.queue(i)
		if err != nil {
			return err
		}
		uf.state = uringQueued
		e.opcode, e.fd, e.opFlags = uringOpOpenat, int32(uf.dirfd), uint32(openFlags)
		e.addr = uint64(uintptr(unsafe.Pointer(&u.names[uf.name]))) // copied by the kernel when submitted
	}
	return u.run(func(i int, uf *uringFile, res int32) {
		path := files[i].Path
		switch {
		case res >= 0:
			uf.fd, uf.state = int(res), uringRead
		case retryable(syscall.Errno(-res)):
			fd, err := s.sc.openat(unix.AT_FDCWD, path)
			if err != nil {
				errs[i], uf.state = &os.PathError{Op: "open", Path: path, Err: err}, uringDone
			} else {
				uf.fd, uf.state = fd, uringRead
			}
		default:
			errs[i], uf.state = &os.PathError{Op: "open", Path: path, Err: syscall.Errno(-res)}, uringDone
		}
	})
}

// uringReads fstats every open file and reads the regular ones in one
// submission, each with room for one byte more than its size, at the
// file position (so that a read that must go on, as ReadSized's does,
// goes on from there on the same descriptor). It reads a prefix of the
// files whose sizes add to *held no more than budget, unless *held is 0
// (see ReadBatch), and returns its length: the files past it are left
// open to be closed, with no data and no error.
func (s *Session) uringReads(files []File, budget int64, held *int64, data [][]byte, errs []error) (int, error) {
	u := &s.ur
	u.step, u.queued = uringOpRead, u.queued[:0]
	n := len(u.files)
	for i := range u.files {
		uf := &u.files[i]
		if uf.state != uringRead {
			continue
		}
		path := files[i].Path
		size, err := s.sc.statRegular(uf.fd, path)
		if err != nil {
			errs[i], uf.state = err, uringDone
			continue
		}
		if u.afterStat != nil {
			u.afterStat(path)
		}
		cost := files[i].SizeOr(size)
		if *held > 0 && *held+cost > budget {
			n = i
			break
		}
		*held += cost
		uf.size, uf.buf = size, s.sc.pool.get(size+1)
		if size+1 > uringMaxRead {
			data[i], errs[i] = s.readSync(uf, path)
			uf.state = uringDone
			continue
		}
		e, err := u.queue(i)
		if err != nil {
			return n, err // ringFailed gives the buffer back
		}
		uf.state = uringQueued
		e.opcode, e.fd, e.len, e.off = uringOpRead, int32(uf.fd), uint32(size+1), uringCurrentPosition
		e.addr = uint64(uintptr(unsafe.Pointer(unsafe.SliceData(uf.buf))))
	}
	for i := n; i < len(u.files); i++ {
		// Past the budget: not read now (the caller reads them in a
		// later batch); an open descriptor is closed with the others.
		u.files[i].state = uringDone
		data[i], errs[i] = nil, nil
	}
	return n, u.run(func(i int, uf *uringFile, res int32) {
		path := files[i].Path
		uf.state = uringDone
		switch {
		case res >= 0:
			data[i], errs[i] = s.sc.readOn(uf.fd, uf.buf, int(res), uf.size, path)
			uf.buf = nil
		case retryable(syscall.Errno(-res)):
			data[i], errs[i] = s.readSync(uf, path)
		default:
			s.sc.pool.put(uf.buf)
			uf.buf = nil
			errs[i] = &os.PathError{Op: "read", Path: path, Err: syscall.Errno(-res)}
		}
	})
}

// readSync is ReadSized's read of the open uf, with plain system calls;
// uf's buffer becomes the data or goes back to the pool.
func (s *Session) readSync(uf *uringFile, path string) ([]byte, error) {
	buf := uf.buf
	uf.buf = nil
	n, err := s.sc.read(uf.fd, buf[:uf.size+1])
	if err != nil {
		s.sc.pool.put(buf)
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	return s.sc.readOn(uf.fd, buf, n, uf.size, path)
}

// uringCloses closes every descriptor the batch opened in one
// submission. A close's own error is dropped, as ReadSized drops it.
func (s *Session) uringCloses() error {
	u := &s.ur
	u.step, u.queued = uringOpClose, u.queued[:0]
	for i := range u.files {
		uf := &u.files[i]
		if uf.fd < 0 {
			continue
		}
		e, err := u.queue(i)
		if err != nil {
			return err
		}
		e.opcode, e.fd = uringOpClose, int32(uf.fd)
	}
	return u.run(func(_ int, uf *uringFile, _ int32) { uf.fd = -1 })
}

// ringFailed ends a batch whose ring failed with err: it takes what the
// ring had already posted, tears the ring down (a later batch sets up a
// new one), closes the descriptors it knows of and fails every file not
// done with a *ResourceError. What the kernel had consumed but not
// completed is unknown: such an open's descriptor cannot be closed, such
// a close is not repeated (its number may be another file's by now), and
// such a read's buffer is quarantined, never reused. io_uring_enter fails
// only when it consumed nothing, so such entries can only come from an
// earlier call of the same step.
func (s *Session) ringFailed(files []File, errs []error, err error) {
	u := &s.ur
	inFlight := map[int]bool{}
	for _, i := range u.queued[:len(u.queued)-int(u.ring.pending)] {
		inFlight[i] = true
	}
	u.ring.drain(func(c uringCQE) {
		i := int(c.userData)
		delete(inFlight, i)
		switch uf := &u.files[i]; u.step {
		case uringOpOpenat:
			if c.res >= 0 {
				uf.fd = int(c.res)
			}
		case uringOpClose:
			uf.fd = -1
		}
		// A read's completion: the kernel is done with its buffer.
	})
	u.ring.close()
	u.ring = nil
	for i := range u.files {
		uf := &u.files[i]
		if inFlight[i] {
			switch u.step {
			case uringOpRead:
				uringQuarantine.Lock()
				uringQuarantine.bufs = append(uringQuarantine.bufs, uf.buf)
				uringQuarantine.Unlock()
				uf.buf = nil
			case uringOpClose:
				uf.fd = -1 // perhaps closed: a number is never closed twice
			}
			// An open in flight: its descriptor, if any, is unknown.
		}
		if uf.fd >= 0 {
			s.sc.close(uf.fd)
			uf.fd = -1
		}
		if uf.state != uringDone {
			if uf.buf != nil {
				s.sc.pool.put(uf.buf)
				uf.buf = nil
			}
			errs[i] = &ResourceError{Err: &os.PathError{Op: "io_uring_enter", Path: files[i].Path, Err: unwrapSyscall(err)}}
			uf.state = uringDone
		}
	}
}

// unwrapSyscall returns the errno inside an *os.SyscallError, so that a
// *os.PathError carries it as ReadSized's do.
func unwrapSyscall(err error) error {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}

// closeRing tears the session's ring down.
func (u *uringSession) closeRing() {
	if u.ring != nil {
		u.ring.close()
		u.ring = nil
	}
}
