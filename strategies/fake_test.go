package strategies

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"benchgrid/corpus"
)

// Errors the fake Work returns, to be found again with errors.Is.
var (
	errRead      = errors.New("fake read error")
	errProcess   = errors.New("fake process error")
	errNewWorker = errors.New("fake new worker error")
)

// testFiles returns n files; a file's Size is its index (tests of a
// batch's byte budget use it).
func testFiles(n int) []corpus.File {
	files := make([]corpus.File, n)
	for i := range files {
		files[i] = corpus.File{Path: fmt.Sprintf("c/%02d/events-%06d.json", i%100, i), Size: int64(i)}
	}
	return files
}

// fakeWork makes fakeWorkers and records everything done to every file, so
// that a test can check the Strategy contract afterwards.
type fakeWork struct {
	files  []corpus.File
	byPath map[string]int // a file's index in files

	// Hooks, all optional.
	newWorker func(call int64) error        // call is 1-based
	readErr   func(i int) error             // the error Read returns for file i
	process   func(i int, call int64) error // call is the 1-based Process count
	release   func(i int)                   // after a Release of file i's data

	reads, processes, releases []atomic.Int32
	newWorkerCalls, made       atomic.Int64
	processCalls               atomic.Int64
	finishes                   atomic.Int64 // Finish calls

	// Current and highest number of Process calls at once, and of reads
	// not yet released.
	processing, maxProcess atomic.Int64
	inFlight, maxInFlight  atomic.Int64

	done atomic.Bool // set when Run has returned: the fake must be left alone

	// batchReads makes NewWorker's Workers BatchReaders; batchCalls
	// counts their ReadBatch calls, and offered the files those calls
	// were given.
	batchReads bool
	batchCalls atomic.Int64
	offered    atomic.Int64

	mu       sync.Mutex
	problems []string
}

func newFakeWork(files []corpus.File) *fakeWork {
	byPath := make(map[string]int, len(files))
	for i, f := range files {
		byPath[f.Path] = i
	}
	return &fakeWork{
		files:     files,
		byPath:    byPath,
		reads:     make([]atomic.Int32, len(files)),
		processes: make([]atomic.Int32, len(files)),
		releases:  make([]atomic.Int32, len(files)),
	}
}

// problem records a broken rule; the test reports the first few.
func (w *fakeWork) problem(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.problems) < 10 {
		w.problems = append(w.problems, fmt.Sprintf(format, args...))
	}
}

func (w *fakeWork) afterRun(op string) {
	if w.done.Load() {
		w.problem("%s called after Run returned", op)
	}
}

// NewWorker makes a fakeWorker unless the newWorker hook fails.
func (w *fakeWork) NewWorker() (Worker, error) {
	w.afterRun("NewWorker")
	call := w.newWorkerCalls.Add(1)
	if w.newWorker != nil {
		if err := w.newWorker(call); err != nil {
			return nil, err
		}
	}
	fw := &fakeWorker{work: w, id: uint32(w.made.Add(1))}
	if w.batchReads {
		return fakeBatchWorker{fw}, nil
	}
	return fw, nil
}

// A fakeBatchWorker is a fakeWorker whose reads may come in batches.
type fakeBatchWorker struct{ *fakeWorker }

// ReadBatch reads each file with Read, checking the slices' lengths, and
// stops as corpus.Session.ReadBatch does in the modes other than uring:
// after the file that takes the bytes read past budget.
func (fw fakeBatchWorker) ReadBatch(ctx context.Context, files []corpus.File, budget int64, data [][]byte, errs []error) int {
	fw.work.batchCalls.Add(1)
	fw.work.offered.Add(int64(len(files)))
	if len(data) < len(files) || len(errs) < len(files) {
		fw.work.problem("ReadBatch of %d files into %d data and %d errors", len(files), len(data), len(errs))
		return len(files)
	}
	var held int64
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			data[i], errs[i] = nil, err
			continue
		}
		data[i], errs[i] = fw.Read(f)
		if held += f.SizeOr(len(data[i])); held > budget {
			return i + 1
		}
	}
	return len(files)
}

// index returns f's index in w.files, checking that f is one of them.
func (w *fakeWork) index(op string, f corpus.File) (int, bool) {
	i, ok := w.byPath[f.Path]
	if !ok || w.files[i] != f {
		w.problem("%s(%q): not a file given to Run", op, f.Path)
		return 0, false
	}
	return i, true
}

// raise sets m to v if v is higher.
func raise(m *atomic.Int64, v int64) {
	for {
		old := m.Load()
		if v <= old || m.CompareAndSwap(old, v) {
			return
		}
	}
}

// A fakeWorker checks that it is used by one goroutine at a time and hands
// out data that names the file and the Worker that read it.
type fakeWorker struct {
	work *fakeWork
	id   uint32
	busy atomic.Bool
	// held counts this Worker's reads not yet released; finished is set
	// by Finish.
	held     atomic.Int64
	finished atomic.Bool
}

// Finish checks that the Worker is finished once, with nothing of it held.
func (fw *fakeWorker) Finish() {
	w := fw.work
	w.afterRun("Finish")
	if !fw.finished.CompareAndSwap(false, true) {
		w.problem("Finish on worker %d twice", fw.id)
	}
	if n := fw.held.Load(); n != 0 {
		w.problem("Finish on worker %d with %d of its reads not released", fw.id, n)
	}
	w.finishes.Add(1)
}

func (fw *fakeWorker) enter(op string, f corpus.File) {
	fw.work.afterRun(op)
	if fw.finished.Load() {
		fw.work.problem("%s(%q) on worker %d after Finish", op, f.Path, fw.id)
	}
	if !fw.busy.CompareAndSwap(false, true) {
		fw.work.problem("%s(%q) on worker %d while another goroutine uses it", op, f.Path, fw.id)
	}
}

func (fw *fakeWorker) leave() { fw.busy.Store(false) }

func (fw *fakeWorker) Read(f corpus.File) ([]byte, error) {
	fw.enter("Read", f)
	defer fw.leave()
	w := fw.work
	i, ok := w.index("Read", f)
	if !ok {
		return nil, errors.New("unknown file")
	}
	if n := w.reads[i].Add(1); n > 1 {
		w.problem("Read(%q) call %d, want 1", f.Path, n)
	}
	if w.readErr != nil {
		if err := w.readErr(i); err != nil {
			return nil, err
		}
	}
	raise(&w.maxInFlight, w.inFlight.Add(1))
	fw.held.Add(1)
	data := make([]byte, 8)
	binary.LittleEndian.PutUint32(data, uint32(i))
	binary.LittleEndian.PutUint32(data[4:], fw.id)
	return data, nil
}

func (fw *fakeWorker) Process(f corpus.File, data []byte, readErr error) error {
	fw.enter("Process", f)
	defer fw.leave()
	w := fw.work
	raise(&w.maxProcess, w.processing.Add(1))
	defer w.processing.Add(-1)
	i, ok := w.index("Process", f)
	if !ok {
		return nil
	}
	if n := w.processes[i].Add(1); n > 1 {
		w.problem("Process(%q) call %d, want 1", f.Path, n)
	}
	if w.reads[i].Load() == 0 {
		w.problem("Process(%q) before Read", f.Path)
	}
	var wantErr error
	if w.readErr != nil {
		wantErr = w.readErr(i)
	}
	switch {
	case wantErr != nil && !errors.Is(readErr, wantErr):
		w.problem("Process(%q) read error = %v, want %v", f.Path, readErr, wantErr)
	case wantErr == nil && readErr != nil:
		w.problem("Process(%q) read error = %v, want nil", f.Path, readErr)
	case wantErr == nil && (len(data) != 8 || binary.LittleEndian.Uint32(data) != uint32(i)):
		w.problem("Process(%q) got data %x, not what Read returned for it", f.Path, data)
	}
	call := w.processCalls.Add(1)
	if w.process != nil {
		return w.process(i, call)
	}
	return nil
}

func (fw *fakeWorker) Release(data []byte) {
	w := fw.work
	w.afterRun("Release")
	if len(data) != 8 {
		w.problem("Release(%x) on worker %d: not data from Read", data, fw.id)
		return
	}
	i, reader := int(binary.LittleEndian.Uint32(data)), binary.LittleEndian.Uint32(data[4:])
	if i >= len(w.files) {
		w.problem("Release(%x) on worker %d: not data from Read", data, fw.id)
		return
	}
	if reader != fw.id {
		w.problem("Release of %q on worker %d, read on worker %d", w.files[i].Path, fw.id, reader)
	}
	if n := w.releases[i].Add(1); n > 1 {
		w.problem("Release of %q call %d, want 1", w.files[i].Path, n)
	}
	w.inFlight.Add(-1)
	if fw.id == reader {
		fw.held.Add(-1)
	}
	if w.release != nil {
		w.release(i)
	}
}

// check reports every broken rule once Run has returned. complete says
// whether every file had to be processed; otherwise the run stopped early,
// and files may have been read and released without being processed.
func (w *fakeWork) check(t *testing.T, complete bool) {
	t.Helper()
	w.done.Store(true)
	for _, p := range w.problems {
		t.Error(p)
	}
	for i, f := range w.files {
		reads, processes, releases := w.reads[i].Load(), w.processes[i].Load(), w.releases[i].Load()
		var readErr error
		if w.readErr != nil {
			readErr = w.readErr(i)
		}
		wantReleases := reads
		if readErr != nil {
			wantReleases = 0
		}
		switch {
		case complete && (reads != 1 || processes != 1):
			t.Errorf("%q read %d times, processed %d times, want 1, 1", f.Path, reads, processes)
		case releases != wantReleases:
			t.Errorf("%q read %d times (read error %v), released %d times", f.Path, reads, readErr, releases)
		default:
			continue
		}
		return // one file's story is enough
	}
	if n := w.inFlight.Load(); n != 0 {
		t.Errorf("%d reads not released", n)
	}
}

// processed counts the files processed.
func (w *fakeWork) processed() int64 { return w.processCalls.Load() }
