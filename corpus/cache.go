package corpus

// The page cache: evicting a corpus's file data (the cold half of the
// cache axis) and measuring how much of it is resident. Linux only, like
// the rest of benchgrid.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The cache modes, the values of the cache axis: a warm pass reads a
// corpus that a warm-up (and the runs before) left in the page cache; a
// cold one reads it after Evict. A cell that leaves the axis unset ("")
// is warm.
const (
	CacheWarm = "warm"
	CacheCold = "cold"
)

// CacheModes lists the cache modes.
var CacheModes = []string{CacheWarm, CacheCold}

// CheckCacheMode accepts a cache mode, or "" (warm).
func CheckCacheMode(mode string) error {
	if mode == "" || slices.Contains(CacheModes, mode) {
		return nil
	}
	return fmt.Errorf("unknown cache mode %q (have %s)", mode, strings.Join(CacheModes, ", "))
}

// MaxResidentAfterEvict is the fraction of a corpus's pages that may still
// be resident after Evict for the eviction to count as verified: above it,
// a "cold" pass would read mostly from memory and be a warm pass labelled
// cold. A few percent leaves room for pages that another process (or the
// kernel's own readahead of a neighbour) brings back in between.
const MaxResidentAfterEvict = 0.03

// ResidencySampleFiles is the largest sample of files over which callers
// measure residency (Residency's max). 10,000 files spread evenly over the
// corpus estimate the resident fraction to within about ±1% (95%
// confidence, at the worst case of half the files resident, treating each
// file as an independent draw) and to within about ±0.3% near
// MaxResidentAfterEvict; spreading them evenly rather than at random keeps
// the measure deterministic and covers every folder. A corpus of at most
// that many files is measured whole.
const ResidencySampleFiles = 10_000

// evictProbeFiles is how many files, spread over the corpus, CanEvict reads
// and then evicts to check that eviction works.
const evictProbeFiles = 100

// Evict asks the kernel to drop the page-cache pages holding the data of
// every file, with posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED). Dirty
// pages (a corpus just written) are written back first, with
// sync_file_range, since the advice drops only clean ones. It evicts file
// data only: directory entries, inodes and other metadata stay cached.
//
// A file that is no longer an input (it vanished, or is not a regular file
// any more, or cannot be opened) is passed over: a pass counts it as a bad
// input without reading its data. An error that says this process ran out
// of a resource is a *ResourceError; any other error is returned as it
// is. Whether the advice was taken is for Residency to say.
func Evict(files []File) error {
	for _, f := range files {
		if err := evictFile(f.Path); err != nil {
			return err
		}
	}
	return nil
}

func evictFile(path string) error {
	fd, _, err := openRegular(path)
	if err != nil {
		if passedOver(err) {
			return nil
		}
		return resourceOr(err)
	}
	defer syscall.Close(fd)
	// An error here (a file system without it) leaves dirty pages, which
	// the advice then keeps: Residency sees them.
	_ = unix.SyncFileRange(fd, 0, 0, unix.SYNC_FILE_RANGE_WRITE_AND_WAIT)
	if err := unix.Fadvise(fd, 0, 0, unix.FADV_DONTNEED); err != nil {
		return resourceOr(&os.PathError{Op: "fadvise", Path: path, Err: err})
	}
	return nil
}

// Residency returns the fraction of the files' data pages that are in the
// page cache, measured with mincore(2) on a read-only shared mapping of
// each file (mapping a file faults nothing in, and mincore reads no data).
// With max > 0 and more files than max, it measures the max files that
// Spread picks (see ResidencySampleFiles for a size exact to about a
// percent); the fraction is then the sample's resident pages over its
// pages. Files with no pages (empty) count for nothing, and so do files
// Evict passes over; with no pages at all the fraction is 0. Errors are
// as Evict's.
//
// Linux's mincore reports every page of a file that this process neither
// owns nor may write as resident (a guard against a side channel), so on
// such files the fraction errs high, never low.
func Residency(files []File, max int) (float64, error) {
	if max > 0 {
		files = Spread(files, max)
	}
	pageSize := int64(os.Getpagesize())
	var vec []byte
	var resident, total int64
	for _, f := range files {
		r, n, err := fileResidency(f.Path, pageSize, &vec)
		if err != nil {
			if passedOver(err) {
				continue
			}
			return 0, resourceOr(err)
		}
		resident += r
		total += n
	}
	if total == 0 {
		return 0, nil
	}
	return float64(resident) / float64(total), nil
}

// fileResidency returns how many of path's pages are resident, of how
// many; vec is a buffer for mincore's vector, grown as needed.
func fileResidency(path string, pageSize int64, vec *[]byte) (resident, pages int64, err error) {
	fd, size, err := openRegular(path)
	if err != nil {
		return 0, 0, err
	}
	defer syscall.Close(fd)
	if size == 0 {
		return 0, 0, nil // mmap of length 0 fails
	}
	if int64(int(size)) != size {
		return 0, 0, &os.PathError{Op: "mmap", Path: path, Err: syscall.EFBIG}
	}
	data, err := unix.Mmap(fd, 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return 0, 0, &os.PathError{Op: "mmap", Path: path, Err: err}
	}
	defer unix.Munmap(data)
	pages = (size + pageSize - 1) / pageSize
	if int64(cap(*vec)) < pages {
		*vec = make([]byte, pages)
	}
	v := (*vec)[:pages]
	if err := mincore(data, v); err != nil {
		return 0, 0, &os.PathError{Op: "mincore", Path: path, Err: err}
	}
	for _, b := range v {
		resident += int64(b & 1)
	}
	return resident, pages, nil
}

// mincore is mincore(2), which golang.org/x/sys/unix lacks on Linux:
// vec gets one byte per page of data, bit 0 set when it is resident.
func mincore(data, vec []byte) error {
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(unsafe.SliceData(data))), uintptr(len(data)),
		uintptr(unsafe.Pointer(unsafe.SliceData(vec))))
	if errno != 0 {
		return errno
	}
	return nil
}

// passedOver reports whether err, from opening an input, says that it is
// no longer one this process can read: it vanished (or a folder above it
// did), it is a link or not a regular file now, or it may not be read.
func passedOver(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.ELOOP) ||
		errors.Is(err, ErrNotRegular) || errors.Is(err, fs.ErrPermission)
}

// resourceOr returns err as a *ResourceError when it says this process ran
// out of one of its resources, else err.
func resourceOr(err error) error {
	if IsResourceExhausted(err) {
		return &ResourceError{Err: err}
	}
	return err
}

// File systems whose pages are their storage: nothing can be evicted.
var memoryFileSystems = map[int64]string{
	unix.TMPFS_MAGIC: "tmpfs",
	unix.RAMFS_MAGIC: "ramfs",
}

// CanEvict returns "" when Evict empties the page cache of the corpus at
// dir, and otherwise why it does not: the corpus is on a file system held
// in memory (tmpfs, ramfs: by statfs's magic number), or a probe — reading
// evictProbeFiles of files spread over the corpus, evicting them and
// measuring their residency — leaves more than MaxResidentAfterEvict of
// their pages resident (an overlay or network file system that ignores the
// advice, or files whose residency mincore will not tell this user). The
// probe leaves its files evicted.
func CanEvict(dir string, files []File) (reason string) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return fmt.Sprintf("statfs %s: %v", dir, err)
	}
	if name, ok := memoryFileSystems[int64(st.Type)]; ok {
		return fmt.Sprintf("the corpus %s is on %s, which keeps files in the page cache: they cannot be evicted", dir, name)
	}
	probe := Spread(files, evictProbeFiles)
	for _, f := range probe {
		_, _ = readFile(f.Path) // a file that cannot be read is a bad input
	}
	if err := Evict(probe); err != nil {
		return fmt.Sprintf("evicting the corpus's pages: %v", err)
	}
	resident, err := Residency(probe, 0)
	if err != nil {
		return fmt.Sprintf("measuring the corpus's residency: %v", err)
	}
	if resident <= MaxResidentAfterEvict {
		return ""
	}
	reason = fmt.Sprintf("%.0f%% of the pages of %d probe files stayed in the page cache after POSIX_FADV_DONTNEED (the limit is %.0f%%)",
		100*resident, len(probe), 100*MaxResidentAfterEvict)
	if st.Type == unix.OVERLAYFS_SUPER_MAGIC {
		reason += ": the corpus is on an overlay file system"
	}
	if path, ok := unwritableFile(probe); ok {
		reason += fmt.Sprintf("; mincore reports every page of a file this user neither owns nor may write as resident, such as %s", path)
	}
	return reason
}

// unwritableFile returns one of files whose residency mincore hides from
// this process: not owned by it, not writable by it, and this process is
// not root.
func unwritableFile(files []File) (string, bool) {
	euid := os.Geteuid()
	if euid == 0 {
		return "", false
	}
	for _, f := range files {
		var st unix.Stat_t
		if unix.Lstat(f.Path, &st) != nil || int(st.Uid) == euid {
			continue
		}
		if unix.Faccessat(unix.AT_FDCWD, f.Path, unix.W_OK, unix.AT_EACCESS) != nil {
			return f.Path, true
		}
	}
	return "", false
}

// Spread returns n files spread evenly over files (all of them when n is
// at least their number): a warm-up or a sample that touches every part
// of the corpus.
func Spread(files []File, n int) []File {
	if n >= len(files) {
		return files
	}
	if n <= 0 {
		return nil
	}
	out := make([]File, 0, n)
	step := float64(len(files)) / float64(n)
	for i := range n {
		out = append(out, files[int(float64(i)*step)])
	}
	return out
}
