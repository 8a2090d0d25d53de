//go:build linux

package corpus

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// This file is a minimal io_uring over raw system calls, enough for
// ReadUring: set a ring up, probe its opcodes, queue submission entries,
// submit them and reap their completions. The layouts and constants are
// the kernel's ABI, from include/uapi/linux/io_uring.h (Linux 5.6 and
// later for OPENAT, CLOSE, READ and IORING_FEAT_RW_CUR_POS;
// IORING_REGISTER_PROBE is 5.6 too) and io_uring_setup(2),
// io_uring_enter(2) and io_uring_register(2). No SQPOLL thread, no fixed
// files or buffers, no task-run flags: the ring is driven only by
// io_uring_enter, so it may be used from any OS thread (a goroutine moves
// between them), by one goroutine at a time.

// Opcodes (enum io_uring_op).
const (
	uringOpOpenat = 18 // IORING_OP_OPENAT
	uringOpClose  = 19 // IORING_OP_CLOSE
	uringOpRead   = 22 // IORING_OP_READ
)

const (
	uringEnterGetEvents  = 1 << 0     // IORING_ENTER_GETEVENTS
	uringFeatSingleMmap  = 1 << 0     // IORING_FEAT_SINGLE_MMAP
	uringFeatNoDrop      = 1 << 1     // IORING_FEAT_NODROP: no completion is ever dropped
	uringFeatRWCurPos    = 1 << 3     // IORING_FEAT_RW_CUR_POS: offset -1 reads at the file position
	uringOffSQRing       = 0          // IORING_OFF_SQ_RING
	uringOffCQRing       = 0x8000000  // IORING_OFF_CQ_RING
	uringOffSQEs         = 0x10000000 // IORING_OFF_SQES
	uringRegisterProbe   = 8          // IORING_REGISTER_PROBE
	uringOpSupported     = 1 << 0     // IO_URING_OP_SUPPORTED
	uringProbeOps        = 256        // entries of the probe's ops array asked for
	uringCurrentPosition = ^uint64(0) // an SQE offset of -1: the file position
)

// uringParams is struct io_uring_params.
type uringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	resv                                                                   [3]uint32
	sqOff                                                                  uringSQOffsets
	cqOff                                                                  uringCQOffsets
}

// uringSQOffsets is struct io_sqring_offsets.
type uringSQOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, resv1 uint32
	userAddr                                                        uint64
}

// uringCQOffsets is struct io_cqring_offsets.
type uringCQOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, resv1 uint32
	userAddr                                                        uint64
}

// uringSQE is struct io_uring_sqe (64 bytes), with the unions named for
// the fields the opcodes used here take: off is the offset of a read,
// addr the path of an open or the buffer of a read, opFlags an open's
// flags.
type uringSQE struct {
	opcode      uint8
	flags       uint8
	ioprio      uint16
	fd          int32
	off         uint64
	addr        uint64
	len         uint32
	opFlags     uint32
	userData    uint64
	bufIndex    uint16
	personality uint16
	fileIndex   int32
	addr3       uint64
	pad         uint64
}

// uringCQE is struct io_uring_cqe (16 bytes, no IORING_SETUP_CQE32).
type uringCQE struct {
	userData uint64
	res      int32
	flags    uint32
}

// The layouts must be the kernel's sizes exactly; these fail to compile
// otherwise.
var (
	_ = [1]struct{}{}[unsafe.Sizeof(uringParams{})-120]
	_ = [1]struct{}{}[unsafe.Sizeof(uringSQE{})-64]
	_ = [1]struct{}{}[unsafe.Sizeof(uringCQE{})-16]
)

// uringProbeHeader is struct io_uring_probe without its ops, each of which
// is a struct io_uring_probe_op (op, resv, flags, resv2: 8 bytes).
type uringProbeHeader struct {
	lastOp, opsLen uint8
	resv           uint16
	resv2          [3]uint32
}

// A ring is one io_uring instance and its three mappings. The kernel
// writes the SQ head and the CQ tail, the program the SQ tail and the CQ
// head; each is read and written with sync/atomic, which gives the
// acquire and release ordering io_uring's ABI asks for (the SQEs written
// before the tail is stored, the CQEs read after the tail is loaded).
type ring struct {
	fd       int
	features uint32
	entries  uint32

	sqMem, cqMem, sqeMem []byte
	sqHead, sqTail       *uint32
	sqMask               uint32
	sqArray              []uint32
	sqes                 []uringSQE
	cqHead, cqTail       *uint32
	cqMask               uint32
	cqes                 []uringCQE

	tail    uint32 // the next SQ tail, published by submit
	pending uint32 // entries queued and not yet consumed by the kernel

	// fault, when set, is called before each io_uring_enter and fails it
	// with its error: tests make a ring fail part-way with it.
	fault func() error
}

// newRing sets up a ring with room for entries submissions (a power of
// two; the kernel rounds up) and maps it.
func newRing(entries uint32) (*ring, error) {
	var p uringParams
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, os.NewSyscallError("io_uring_setup", errno)
	}
	r := &ring{fd: int(fd), features: p.features, entries: p.sqEntries}
	if err := r.mmap(&p); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

// mmap maps the rings and the SQE array as io_uring_setup(2) describes.
func (r *ring) mmap(p *uringParams) error {
	sqSize := int(p.sqOff.array + p.sqEntries*4)
	cqSize := int(p.cqOff.cqes + p.cqEntries*uint32(unsafe.Sizeof(uringCQE{})))
	if r.features&uringFeatSingleMmap != 0 {
		sqSize = max(sqSize, cqSize)
	}
	prot, flags := unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE
	var err error
	if r.sqMem, err = unix.Mmap(r.fd, uringOffSQRing, sqSize, prot, flags); err != nil {
		return os.NewSyscallError("mmap io_uring SQ ring", err)
	}
	r.cqMem = r.sqMem
	if r.features&uringFeatSingleMmap == 0 {
		if r.cqMem, err = unix.Mmap(r.fd, uringOffCQRing, cqSize, prot, flags); err != nil {
			r.cqMem = nil
			return os.NewSyscallError("mmap io_uring CQ ring", err)
		}
	}
	sqeSize := int(p.sqEntries) * int(unsafe.Sizeof(uringSQE{}))
	if r.sqeMem, err = unix.Mmap(r.fd, uringOffSQEs, sqeSize, prot, flags); err != nil {
		return os.NewSyscallError("mmap io_uring SQEs", err)
	}
	u32 := func(mem []byte, off uint32) *uint32 { return (*uint32)(unsafe.Pointer(&mem[off])) }
	r.sqHead, r.sqTail = u32(r.sqMem, p.sqOff.head), u32(r.sqMem, p.sqOff.tail)
	r.sqMask = *u32(r.sqMem, p.sqOff.ringMask)
	r.sqArray = unsafe.Slice(u32(r.sqMem, p.sqOff.array), p.sqEntries)
	r.sqes = unsafe.Slice((*uringSQE)(unsafe.Pointer(&r.sqeMem[0])), p.sqEntries)
	r.cqHead, r.cqTail = u32(r.cqMem, p.cqOff.head), u32(r.cqMem, p.cqOff.tail)
	r.cqMask = *u32(r.cqMem, p.cqOff.ringMask)
	r.cqes = unsafe.Slice((*uringCQE)(unsafe.Pointer(&r.cqMem[p.cqOff.cqes])), p.cqEntries)
	r.tail = atomic.LoadUint32(r.sqTail)
	return nil
}

// close unmaps the ring and closes its descriptor. The kernel cancels
// whatever is still in flight.
func (r *ring) close() {
	if r.sqeMem != nil {
		_ = unix.Munmap(r.sqeMem)
	}
	if r.cqMem != nil && (r.sqMem == nil || &r.cqMem[0] != &r.sqMem[0]) {
		_ = unix.Munmap(r.cqMem) // a mapping of its own (no IORING_FEAT_SINGLE_MMAP)
	}
	if r.sqMem != nil {
		_ = unix.Munmap(r.sqMem)
	}
	r.sqeMem, r.cqMem, r.sqMem = nil, nil, nil
	if r.fd >= 0 {
		_ = unix.Close(r.fd)
		r.fd = -1
	}
}

// probe checks, with IORING_REGISTER_PROBE, that the kernel supports
// every opcode in ops.
func (r *ring) probe(ops ...uint8) error {
	const opSize = 8 // struct io_uring_probe_op
	buf := make([]byte, int(unsafe.Sizeof(uringProbeHeader{}))+uringProbeOps*opSize)
	_, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), uringRegisterProbe,
		uintptr(unsafe.Pointer(&buf[0])), uringProbeOps, 0, 0)
	if errno != 0 {
		return os.NewSyscallError("io_uring_register(IORING_REGISTER_PROBE)", errno)
	}
	h := (*uringProbeHeader)(unsafe.Pointer(&buf[0]))
	for _, op := range ops {
		at := int(unsafe.Sizeof(uringProbeHeader{})) + int(op)*opSize
		if op > h.lastOp || int(op) >= int(h.opsLen) || buf[at+2]&uringOpSupported == 0 { // flags is at byte 2 of the op
			return fmt.Errorf("the kernel does not support io_uring opcode %d", op)
		}
	}
	return nil
}

// sqe returns the next free submission entry, zeroed, or nil when the
// queue is full. It is not submitted until submit.
func (r *ring) sqe() *uringSQE {
	if r.tail-atomic.LoadUint32(r.sqHead) >= r.entries {
		return nil
	}
	i := r.tail & r.sqMask
	r.sqArray[i] = i
	e := &r.sqes[i]
	*e = uringSQE{}
	r.tail++
	r.pending++
	return e
}

// enter is io_uring_enter(2): it submits the queued entries and, with
// wait > 0, waits until that many completions are ready. It is not a raw
// system call: an open that must wait for a disk waits in the kernel,
// and the runtime may run other goroutines meanwhile.
func (r *ring) enter(wait uint32) error {
	atomic.StoreUint32(r.sqTail, r.tail)
	if r.fault != nil {
		if err := r.fault(); err != nil {
			return err
		}
	}
	var flags uintptr
	if wait > 0 {
		flags = uringEnterGetEvents
	}
	n, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(r.pending), uintptr(wait), flags, 0, 0)
	if errno != 0 {
		// io_uring_enter fails only when it submitted nothing.
		return os.NewSyscallError("io_uring_enter", errno)
	}
	r.pending -= uint32(n)
	return nil
}

// run submits every queued entry and calls each with n completions, as
// they come; it returns once n have been seen. EINTR is retried. On any
// other failure it returns the error, and each has been called for the
// completions that were reaped; the entries the kernel did not consume
// are left in r.pending.
func (r *ring) run(n int, each func(uringCQE)) error {
	for seen := 0; ; {
		for seen < n {
			head := atomic.LoadUint32(r.cqHead)
			if head == atomic.LoadUint32(r.cqTail) {
				break
			}
			each(r.cqes[head&r.cqMask])
			atomic.StoreUint32(r.cqHead, head+1)
			seen++
		}
		if seen == n && r.pending == 0 {
			return nil
		}
		err := r.enter(uint32(n - seen))
		if err != nil && !isEINTR(err) {
			return err
		}
	}
}

// drain calls each with every completion already posted, without waiting.
func (r *ring) drain(each func(uringCQE)) {
	for {
		head := atomic.LoadUint32(r.cqHead)
		if head == atomic.LoadUint32(r.cqTail) {
			return
		}
		each(r.cqes[head&r.cqMask])
		atomic.StoreUint32(r.cqHead, head+1)
	}
}

func isEINTR(err error) bool {
	var se *os.SyscallError
	return errors.As(err, &se) && se.Err == unix.EINTR
}
