//go:build linux

package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// skipWithoutUring skips a test where io_uring is unavailable, saying why.
func skipWithoutUring(t *testing.T) {
	t.Helper()
	if err := ReadModeAvailable(ReadUring); err != nil {
		t.Skip(err)
	}
}

// setUringProbe makes probe the check of io_uring until the test ends.
func setUringProbe(t *testing.T, probe func() error) {
	t.Helper()
	reset := func() {
		uringChecked.Lock()
		uringChecked.done, uringChecked.err = false, nil
		uringChecked.Unlock()
	}
	old := uringProbe
	uringProbe = probe
	reset()
	t.Cleanup(func() { uringProbe = old; reset() })
}

// hostileTree writes good and bad inputs in several directories and
// returns their paths: the good ones (empty, small, larger than a buffer)
// and every kind of bad one TestReadModesAgree knows.
func hostileTree(t testing.TB) []string {
	t.Helper()
	root := t.TempDir()
	writeFiles(t, root, []byte(`{"events":[]}`), "x/fifo.json", "x/link.json", "x/dir.json", "x/noperm.json", "gone/a.json")
	writeFiles(t, root, bytes.Repeat([]byte(`{"k":"v"},`), 20000), "x/big.json", "y/big.json")
	writeFiles(t, root, []byte{}, "y/empty.json")
	writeFiles(t, root, []byte("{}"), "a.json", "x/a.json", "y/a.json", "y/z/a.json")
	p := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
	for _, step := range []error{
		os.Remove(p("x/fifo.json")), syscall.Mkfifo(p("x/fifo.json"), 0o644),
		os.Remove(p("x/link.json")), os.Symlink("a.json", p("x/link.json")),
		os.Remove(p("x/dir.json")), os.Mkdir(p("x/dir.json"), 0o755),
		os.Chmod(p("x/noperm.json"), 0), os.RemoveAll(p("gone")),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
	var paths []string
	for _, rel := range []string{"a.json", "x/a.json", "x/big.json", "y/a.json", "x/fifo.json", "y/empty.json", "x/link.json",
		"y/big.json", "x/dir.json", "y/z/a.json", "x/missing.json", "gone/a.json", "x/noperm.json", "missing/deeper/a.json"} {
		paths = append(paths, p(rel))
	}
	return append(paths, "relative/missing.json", "nul\x00.json")
}

// outcome is a read's bytes or error text.
type outcome struct {
	data []byte
	err  string
}

func (o outcome) String() string {
	if o.err != "" {
		return o.err
	}
	return fmt.Sprintf("%d bytes", len(o.data))
}

// sizedOutcomes reads every path in ReadSized: what uring must match.
func sizedOutcomes(paths []string) map[string]outcome {
	ref := NewReader(ReadSized)
	want := map[string]outcome{}
	for _, p := range paths {
		data, err := ref.Read(File{Path: p})
		if err != nil {
			want[p] = outcome{err: err.Error()}
			continue
		}
		want[p] = outcome{data: bytes.Clone(data)}
		ref.Release(data)
	}
	return want
}

// readBatches reads paths through s in batches of k and releases them.
func readBatches(s *Session, paths []string, k int) []outcome {
	return readBatchesWithin(s, paths, k, math.MaxInt64)
}

// readBatchesWithin is readBatches with a byte budget: each ReadBatch
// reads the prefix that fits, and the next goes on from there. It panics
// if a ReadBatch reads no file or more than it was given.
func readBatchesWithin(s *Session, paths []string, k int, budget int64) []outcome {
	var got []outcome
	files := make([]File, len(paths))
	for i, p := range paths {
		files[i] = File{Path: p, Size: SizeUnknown}
	}
	data, errs := make([][]byte, k), make([]error, k)
	for len(files) > 0 {
		batch := files[:min(k, len(files))]
		n := s.ReadBatch(context.Background(), batch, budget, data, errs)
		if n < 1 || n > len(batch) || budget == math.MaxInt64 && n != len(batch) {
			panic(fmt.Sprintf("ReadBatch of %d files within %d bytes read %d", len(batch), budget, n))
		}
		for i := range batch[:n] {
			if errs[i] != nil {
				got = append(got, outcome{err: errs[i].Error()})
				continue
			}
			got = append(got, outcome{data: bytes.Clone(data[i])})
			s.Release(data[i])
		}
		files = files[n:]
	}
	return got
}

// TestUringMatchesSized: batches of every size, mixing good files with
// every kind of bad one, give ReadSized's bytes and errors, file by file,
// and leave no descriptor open once the session is closed.
func TestUringMatchesSized(t *testing.T) {
	skipWithoutUring(t)
	paths := hostileTree(t)
	want := sizedOutcomes(paths)
	rng := rand.New(rand.NewPCG(1, 2))
	before := openFDs(t)
	for _, k := range []int{1, 2, 5, len(paths), uringBatch, uringBatch + 1, 3 * uringBatch} {
		t.Run(fmt.Sprintf("batch=%d", k), func(t *testing.T) {
			// A long shuffled list with repeats, so that batches span
			// several directories and ring batches.
			order := make([]string, 0, 4*uringBatch)
			for len(order) < cap(order) {
				order = append(order, paths[rng.IntN(len(paths))])
			}
			r := NewReader(ReadUring)
			s := r.Session()
			for pass := range 2 {
				for i, got := range readBatches(s, order, k) {
					if w := want[order[i]]; got.err != w.err || !bytes.Equal(got.data, w.data) {
						t.Errorf("pass %d: ReadBatch(%q) = %v, want %v", pass, order[i], got, w)
					}
				}
			}
			if len(r.rings.idle) == 0 {
				t.Error("no ring after the batches: the mode did not use io_uring")
			}
			s.Close()
			r.Close()
		})
	}
	if after := openFDs(t); after != before {
		t.Errorf("%d descriptors open before the reads, %d after", before, after)
	}
}

// maxUringPicks is the most files one FuzzUringBatch execution reads.
const maxUringPicks = 160

// FuzzUringBatch: any sequence of good and bad files, read in any batch
// size and within any byte budget (each ReadBatch reading the prefix
// that fits, the next going on from there), gives ReadSized's answers,
// and leaves no descriptor open.
func FuzzUringBatch(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, uint8(4), uint32(0))
	f.Add([]byte{4, 4, 4, 0}, uint8(1), uint32(0))
	f.Add(bytes.Repeat([]byte{2, 6, 8}, 50), uint8(64), uint32(0))
	f.Add(bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6, 7}, 20), uint8(64), uint32(100))
	f.Add(bytes.Repeat([]byte{9, 3, 7}, 30), uint8(32), uint32(300000))
	if err := ReadModeAvailable(ReadUring); err != nil {
		f.Skip(err)
	}
	paths := hostileTree(f)
	want := sizedOutcomes(paths)
	f.Fuzz(func(t *testing.T, picks []byte, k uint8, budget uint32) {
		// Each pick may be one of the tree's 200 KB files, read and
		// compared in full: thousands of them make one execution take
		// seconds, which fails a fuzzing run as hung. The seeds' 160
		// picks are the most that any input keeps.
		picks = picks[:min(len(picks), maxUringPicks)]
		order := make([]string, len(picks))
		for i, b := range picks {
			order[i] = paths[int(b)%len(paths)]
		}
		before := openFDs(t)
		r := NewReader(ReadUring)
		s := r.Session()
		limit := int64(math.MaxInt64) // 0: no budget
		if budget > 0 {
			limit = int64(budget)
		}
		for i, got := range readBatchesWithin(s, order, max(int(k), 1), limit) {
			if w := want[order[i]]; got.err != w.err || !bytes.Equal(got.data, w.data) {
				t.Errorf("ReadBatch(%q) = %v, want %v", order[i], got, w)
			}
		}
		s.Close()
		r.Close()
		if after := openFDs(t); after != before {
			t.Errorf("%d descriptors open before, %d after", before, after)
		}
	})
}

// TestUringOddCases: a file that grows or shrinks between its fstat and
// its read, and a read or an open the ring refuses, finish as ReadSized
// does.
func TestUringOddCases(t *testing.T) {
	skipWithoutUring(t)
	root := t.TempDir()
	small := []byte(`{"events":[]}`)
	tests := []struct {
		name      string
		afterStat func(path string) error
		result    func(op uint8, res int32) int32
		want      []byte
		wantErr   error
	}{
		{name: "grows", want: append(bytes.Clone(small), bytes.Repeat([]byte("+"), 100000)...),
			afterStat: func(p string) error { return appendTo(p, bytes.Repeat([]byte("+"), 100000)) }},
		{name: "shrinks", want: small[:3],
			afterStat: func(p string) error { return os.Truncate(p, 3) }},
		{name: "read-einval", want: small,
			result: func(op uint8, res int32) int32 { return refuse(op, uringOpRead, res, unix.EINVAL) }},
		{name: "read-eopnotsupp", want: small,
			result: func(op uint8, res int32) int32 { return refuse(op, uringOpRead, res, unix.EOPNOTSUPP) }},
		{name: "read-eintr", want: small,
			result: func(op uint8, res int32) int32 { return refuse(op, uringOpRead, res, unix.EINTR) }},
		{name: "open-eagain", want: small,
			result: func(op uint8, res int32) int32 { return refuse(op, uringOpOpenat, res, unix.EAGAIN) }},
		{name: "read-eio", wantErr: syscall.EIO,
			result: func(op uint8, res int32) int32 { return refuse(op, uringOpRead, res, unix.EIO) }},
		{name: "open-eacces", wantErr: syscall.EACCES,
			result: func(op uint8, res int32) int32 { return refuse(op, uringOpOpenat, res, unix.EACCES) }},
	}
	before := openFDs(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(root, tc.name+".json")
			if err := os.WriteFile(path, small, 0o644); err != nil {
				t.Fatal(err)
			}
			r := NewReader(ReadUring)
			defer r.Close()
			s := r.Session()
			defer s.Close()
			if tc.afterStat != nil {
				s.ur.afterStat = func(p string) {
					if err := tc.afterStat(p); err != nil {
						t.Error(err)
					}
				}
			}
			if tc.result != nil {
				s.ur.result = func(op uint8, fd int, res int32) int32 {
					if got := tc.result(op, res); got != res {
						if fd >= 0 {
							_, _ = unix.Seek(fd, 0, 0) // a refused read reads nothing
						}
						return got
					}
					return res
				}
			}
			data, err := s.Read(File{Path: path})
			if !errors.Is(err, tc.wantErr) || err == nil && !bytes.Equal(data, tc.want) {
				t.Errorf("Read = %q, %v; want %q, %v", data, err, tc.want, tc.wantErr)
			}
			if err == nil {
				s.Release(data)
			}
		})
	}
	if after := openFDs(t); after != before {
		t.Errorf("%d descriptors open before, %d after", before, after)
	}
}

// refuse turns a successful completion of op into errno, closing the
// descriptor an open made.
func refuse(op, want uint8, res int32, errno syscall.Errno) int32 {
	if op != want {
		return res
	}
	if op == uringOpOpenat && res >= 0 {
		_ = syscall.Close(int(res))
	}
	return -int32(errno)
}

func appendTo(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}

// TestUringRingFailure: a ring that fails at any of a batch's
// submissions fails the files not yet done with a *ResourceError, keeps
// what it had read, leaks no descriptor, and the next batch sets up a new
// ring.
func TestUringRingFailure(t *testing.T) {
	skipWithoutUring(t)
	paths := hostileTree(t)
	want := sizedOutcomes(paths)
	before := openFDs(t)
	for fail := 1; fail <= 3; fail++ { // the opens', the reads' and the closes' submission
		t.Run(fmt.Sprintf("enter=%d", fail), func(t *testing.T) {
			r := NewReader(ReadUring)
			defer r.Close()
			s := r.Session()
			defer s.Close()
			readBatches(s, paths[:1], 1) // sets the ring up, which goes back to the Reader
			if len(r.rings.idle) != 1 {
				t.Fatalf("%d idle rings after a batch, want 1", len(r.rings.idle))
			}
			faulty := r.rings.idle[0]
			calls := 0
			faulty.fault = func() error {
				if calls++; calls == fail {
					return os.NewSyscallError("io_uring_enter", unix.EBUSY)
				}
				return nil
			}
			failed := 0
			for i, got := range readBatches(s, paths, len(paths)) {
				w := want[paths[i]]
				switch {
				case got.err == w.err && bytes.Equal(got.data, w.data):
				case got.err == "":
					t.Errorf("ReadBatch(%q) = %v, want %v", paths[i], got, w)
				default:
					failed++
					if want := "io_uring_enter " + paths[i] + ": device or resource busy (the program ran out of a resource; not a bad input)"; got.err != want {
						t.Errorf("ReadBatch(%q) = %q, want %q or %v", paths[i], got.err, want, w)
					}
				}
			}
			if (failed > 0) != (fail < 3) {
				t.Errorf("%d files failed with the ring failing at its submission %d", failed, fail)
			}
			if slices.Contains(r.rings.idle, faulty) {
				t.Error("the failed ring was kept")
			}
			faulty.fault = nil
			for i, got := range readBatches(s, paths, len(paths)) { // a new ring
				if w := want[paths[i]]; got.err != w.err || !bytes.Equal(got.data, w.data) {
					t.Errorf("after the failure: ReadBatch(%q) = %v, want %v", paths[i], got, w)
				}
			}
		})
	}
	if after := openFDs(t); after != before {
		t.Errorf("%d descriptors open before, %d after", before, after)
	}
}

// TestUringUnavailable: where the check of io_uring fails, the mode says
// why (ReadModeAvailable and every read), and a check that ran out of
// descriptors is not remembered as a verdict.
func TestUringUnavailable(t *testing.T) {
	refused := &UnavailableError{Mode: ReadUring, Reason: "io_uring_setup: operation not permitted (injected)"}
	setUringProbe(t, func() error { return refused })
	for _, mode := range ReadModes {
		if err := ReadModeAvailable(mode); (err != nil) != (mode == ReadUring) {
			t.Errorf("ReadModeAvailable(%s) = %v", mode, err)
		}
	}
	err := ReadModeAvailable(ReadUring)
	if want := "read mode uring is unavailable here: io_uring_setup: operation not permitted (injected)"; err == nil || err.Error() != want {
		t.Errorf("ReadModeAvailable(uring) = %v, want %q", err, want)
	}
	path := filepath.Join(t.TempDir(), "a.json")
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := NewReader(ReadUring).Session()
	defer s.Close()
	var ue *UnavailableError
	if _, err := s.Read(File{Path: path}); !errors.As(err, &ue) || ue != refused {
		t.Errorf("Read = %v, want %v", err, refused)
	}

	calls := 0
	setUringProbe(t, func() error {
		if calls++; calls == 1 {
			return os.NewSyscallError("io_uring_setup", unix.EMFILE)
		}
		return nil
	})
	if err := ReadModeAvailable(ReadUring); !IsResourceExhausted(err) {
		t.Errorf("ReadModeAvailable(uring) out of descriptors = %v, want EMFILE", err)
	}
	if err := ReadModeAvailable(ReadUring); err != nil {
		t.Errorf("ReadModeAvailable(uring) once descriptors are back = %v, want nil", err)
	}
}

// TestUringProbe: this kernel's answer is consistent: a ring that can be
// set up and knows the opcodes, or an *UnavailableError.
func TestUringProbe(t *testing.T) {
	err := probeUring()
	var ue *UnavailableError
	if err != nil && !errors.As(err, &ue) {
		t.Fatalf("probeUring() = %v, want nil or an *UnavailableError", err)
	}
	t.Logf("probeUring() = %v", err)
}

// TestUringRingsLent: sessions borrow the Reader's rings a batch at a time,
// so a thousand goroutines with a session each (perfile's shape) set up no
// more rings than may be in use at once, and leave none open once the
// Reader is closed. When each session kept a ring of its own, perfile
// over 30,000 files ran out of descriptors.
func TestUringRingsLent(t *testing.T) {
	skipWithoutUring(t)
	paths := hostileTree(t)
	want := sizedOutcomes(paths)
	before := openFDs(t)
	r := NewReader(ReadUring)
	var wg sync.WaitGroup
	for g := range 1000 {
		wg.Go(func() {
			s := r.Session()
			defer s.Close()
			p := paths[g%len(paths)]
			for _, got := range readBatches(s, []string{p}, 1) {
				if w := want[p]; got.err != w.err || !bytes.Equal(got.data, w.data) {
					t.Errorf("Read(%q) = %v, want %v", p, got, w)
				}
			}
		})
	}
	wg.Wait()
	if most := maxRingsInUse(); r.rings.made > most || r.rings.made == 0 {
		t.Errorf("%d rings set up for 1,000 sessions, want 1 to %d", r.rings.made, most)
	}
	r.Close()
	if after := openFDs(t); after != before {
		t.Errorf("%d descriptors open before, %d after", before, after)
	}
}
