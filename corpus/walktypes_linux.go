package corpus

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// walkTypes is walkWith's WalkTypes: the walk of walk() (same order, same
// inputs, same skipped folders and reasons) with getdents' entry types
// instead of an lstat per input. With whole, it calls emit once, with
// the whole list.
func walkTypes(ctx context.Context, root string, isInput func(string) bool, emit func([]File) error, whole bool) ([]Skipped, error) {
	info, err := os.Stat(root) // follows a link at the root, as docs/events.md allows
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", root, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("corpus %s: not a directory", root)
	}
	if err := CheckComplete(root); err != nil {
		return nil, err
	}
	w := typesWalker{ctx: ctx, root: root, isInput: isInput, buf: make([]byte, 64<<10), open: openRetry}
	if !whole {
		w.emit = emit
	}
	if err := w.dir("."); err != nil {
		return nil, err
	}
	if err := w.flush(); err != nil {
		return nil, err
	}
	if whole && len(w.files) > 0 {
		if err := emit(w.files); err != nil {
			return nil, err
		}
	}
	return w.skipped, nil
}

type typesWalker struct {
	ctx     context.Context
	root    string
	isInput func(string) bool
	buf     []byte // getdents' buffer, reused
	// files are the inputs listed and not yet handed to emit.
	files []File
	// emit, when set, is given files before the walk goes into a
	// subdirectory and after each directory, and files starts afresh.
	emit    func([]File) error
	skipped []Skipped
	// open opens a directory: openRetry, or a test's stand-in that
	// refuses some (root can read any folder, whatever its mode).
	open func(path string, flags int) (int, error)
	// names is a stack of the names of the directories being walked: a
	// directory's names sit above its parent's while it is walked, and
	// are popped after, so that no directory allocates a list of its own.
	names []string
	// keys and sortTmp are sortNames' scratch, reused.
	keys, sortTmp []sortKey
	// arena holds the paths of entries, written whole (the directory's
	// path, a separator, the name) so that a listed file's Path and its
	// entry's name share one copy and neither costs an allocation of its
	// own: they are strings into the arena, which is never written over.
	arena []byte
}

// keep writes dir + separator + name into the arena and returns it as a
// string, with the name as its tail.
func (w *typesWalker) keep(dir string, name []byte) (path, base string) {
	n := len(dir) + 1 + len(name)
	if cap(w.arena)-len(w.arena) < n {
		w.arena = make([]byte, 0, max(64<<10, n))
	}
	start := len(w.arena)
	w.arena = append(w.arena, dir...)
	w.arena = append(w.arena, filepath.Separator)
	w.arena = append(w.arena, name...)
	b := w.arena[start:]
	path = unsafe.String(unsafe.SliceData(b), len(b))
	return path, path[len(dir)+1:]
}

// dirEntry is one entry of a directory that is not a regular file of
// unknown size: its type bits (fs.ModeDir, fs.ModeSymlink, …; 0 for a
// regular file), with the size of an entry whose type took an lstat.
type dirEntry struct {
	typ  fs.FileMode
	size int64
}

// pathOf returns the path that keep wrote for name, an entry of the
// directory at dir: the name is its tail, in the same arena chunk.
func pathOf(dir, name string) string {
	n := len(dir) + 1
	return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(name)), -n)), n+len(name))
}

// dir walks the directory rel (slash-separated, relative to root), as
// fs.WalkDir walks one: its entries in name order, a subdirectory's walk
// in its place.
func (w *typesWalker) dir(rel string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	path := filepath.Join(w.root, filepath.FromSlash(rel))
	start := len(w.names)
	defer func() { w.names = w.names[:start] }()
	names, special, err := w.read(rel, path)
	if err != nil {
		// As walk(): a folder the program cannot read for want of its own
		// resources fails the walk instead of skipping inputs.
		if rel != "." && !IsResourceExhausted(err) {
			w.skipped = append(w.skipped, Skipped{Path: path, Reason: err.Error()})
			return nil
		}
		return fmt.Errorf("walk %s: %w", path, err)
	}
	if free := cap(w.files) - len(w.files); free < len(names) {
		// Doubling, not append's quarter for a long list: a corpus of
		// 200,000 files would otherwise allocate five times its list.
		grown := make([]File, len(w.files), max(2*cap(w.files), len(w.files)+len(names)))
		copy(grown, w.files)
		w.files = grown
	}
	for _, name := range names {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		e := dirEntry{size: SizeUnknown} // a regular file, as most are
		if special != nil {
			if sp, ok := special[name]; ok {
				e = sp
			}
		}
		if e.typ.IsDir() {
			if err := w.flush(); err != nil {
				return err
			}
			if err := w.dir(joinRel(rel, name)); err != nil {
				return err
			}
			continue
		}
		if !e.typ.IsRegular() || !w.isInput(name) {
			continue
		}
		full := pathOf(path, name)
		if s, ok := tooLong(full, joinRel(rel, name)); ok {
			w.skipped = append(w.skipped, s)
			continue
		}
		w.files = append(w.files, File{Path: full, Size: e.size})
	}
	return w.flush()
}

// flush hands the files listed so far to emit, if set.
func (w *typesWalker) flush() error {
	if w.emit == nil || len(w.files) == 0 {
		return nil
	}
	files := w.files
	w.files = nil
	return w.emit(files)
}

func joinRel(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

// read returns the names of the entries of the directory at path (rel
// below root), sorted, pushed on w.names, with the entries that are not regular files of
// unknown size in special (nil when there are none). Errors are in
// os.DirFS's words (the path rel), so that a skipped folder's reason is the
// one WalkLstat gives. It opens the directory without following a link:
// one that became a link since its parent was read is not walked into.
func (w *typesWalker) read(rel, path string) (names []string, special map[string]dirEntry, err error) {
	flags := unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC
	if rel != "." {
		flags |= unix.O_NOFOLLOW
	}
	fd, err := w.open(path, flags)
	if err != nil {
		return nil, nil, &fs.PathError{Op: "open", Path: rel, Err: err}
	}
	defer unix.Close(fd)
	start := len(w.names)
	for {
		n, err := unix.Getdents(fd, w.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, nil, &fs.PathError{Op: "readdirent", Path: rel, Err: err}
		}
		if n <= 0 {
			break
		}
		for b := w.buf[:n]; len(b) > 0; {
			// struct linux_dirent64: ino u64, off s64, reclen u16,
			// type u8, then the NUL-terminated name.
			reclen := int(*(*uint16)(unsafe.Pointer(&b[16])))
			if reclen < 20 || reclen > len(b) {
				return nil, nil, &fs.PathError{Op: "readdirent", Path: rel, Err: errors.New("malformed directory entry")}
			}
			typ := b[18]
			nameb := b[19:reclen]
			if i := slices.Index(nameb, 0); i >= 0 {
				nameb = nameb[:i]
			}
			b = b[reclen:]
			if string(nameb) == "." || string(nameb) == ".." {
				continue
			}
			full, name := w.keep(path, nameb)
			var e dirEntry
			switch typ {
			case unix.DT_REG:
				w.names = append(w.names, name)
				continue
			case unix.DT_DIR:
				e.typ = fs.ModeDir
			case unix.DT_LNK:
				e.typ = fs.ModeSymlink
			case unix.DT_FIFO:
				e.typ = fs.ModeNamedPipe
			case unix.DT_SOCK:
				e.typ = fs.ModeSocket
			case unix.DT_CHR:
				e.typ = fs.ModeDevice | fs.ModeCharDevice
			case unix.DT_BLK:
				e.typ = fs.ModeDevice
			default:
				// DT_UNKNOWN: as os.ReadDir does, lstat the entry, and
				// leave out one that is gone since the directory was read.
				info, err := os.Lstat(full)
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				if err != nil {
					return nil, nil, err
				}
				e.typ = info.Mode().Type()
				e.size = SizeUnknown
				if e.typ.IsRegular() {
					e.size = info.Size()
				}
			}
			if special == nil {
				special = map[string]dirEntry{}
			}
			special[name] = e
			w.names = append(w.names, name)
		}
	}
	names = w.names[start:]
	w.sortNames(names)
	return names, special, nil
}

// A sortKey is a name with the 8 bytes that follow its directory's
// common prefix, big-endian, as sortNames compares them.
type sortKey struct {
	key  uint64
	name string
}

// sortNames sorts names in byte order, as slices.Sort does. It orders
// them first by the 8 bytes after the names' common prefix, as one
// integer (zeros past a name's end: a name has no NUL bytes, so a shorter
// name's key is smaller exactly when the name is), with a radix sort over
// only the bytes of the key that are not the same in every name, and
// then sorts each run of equal keys by whole names. A directory's names
// mostly differ there (batch-000123.json: three varying bytes, so three
// passes over the names), so few runs are longer than one, and no
// comparison loops over the common prefix.
func (w *typesWalker) sortNames(names []string) {
	if len(names) < 2 {
		return
	}
	p := len(names[0])
	for _, n := range names[1:] {
		p = min(p, len(n))
		for i := range p {
			if n[i] != names[0][i] {
				p = i
				break
			}
		}
	}
	keys := w.keys[:0]
	var or, and uint64 = 0, ^uint64(0)
	for _, n := range names {
		var k uint64
		for i := range 8 {
			k <<= 8
			if p+i < len(n) {
				k |= uint64(n[p+i])
			}
		}
		or, and = or|k, and&k
		keys = append(keys, sortKey{k, n})
	}
	tmp := w.sortTmp
	if cap(tmp) < len(keys) {
		tmp = make([]sortKey, len(keys), cap(keys))
	}
	tmp = tmp[:len(keys)]
	// A stable counting sort on each byte that varies, least significant
	// first, from keys to tmp and back.
	varies := or ^ and
	for shift := uint(0); shift < 64; shift += 8 {
		if (varies>>shift)&0xff == 0 {
			continue
		}
		var count [256]int
		for i := range keys {
			count[byte(keys[i].key>>shift)]++
		}
		pos := 0
		for b, c := range count {
			count[b] = pos
			pos += c
		}
		for i := range keys {
			b := byte(keys[i].key >> shift)
			tmp[count[b]] = keys[i]
			count[b]++
		}
		keys, tmp = tmp, keys
	}
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j].key == keys[i].key {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(keys[i:j], func(a, b sortKey) int { return strings.Compare(a.name, b.name) })
		}
		i = j
	}
	for i := range keys {
		names[i] = keys[i].name
	}
	w.keys, w.sortTmp = keys[:0], tmp[:0]
}

func openRetry(path string, flags int) (int, error) {
	for {
		fd, err := unix.Open(path, flags, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}
