package strategies

import (
	"benchgrid/corpus"
	"context"
	"errors"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	want := []string{"sequential", "pool", "pipeline", "perfile", "errgroup", "atomic", "batch"}
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
}

func TestLookup(t *testing.T) {
	opts := Options{Workers: 3, Readers: 2}
	tests := []struct {
		name string
		want Strategy
	}{
		{"sequential", Sequential{}},
		{"pool", Pool{Workers: 3}},
		{"pipeline", Pipeline{Workers: 3, Readers: 2}},
		{"perfile", PerFile{}},
		{"errgroup", Errgroup{Workers: 3}},
		{"atomic", Atomic{Workers: 3}},
		{"batch", Batch{Workers: 3}},
	}
	for _, tt := range tests {
		got, err := Lookup(tt.name, opts)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Lookup(%q, %+v) = %#v, %v, want %#v, nil", tt.name, opts, got, err, tt.want)
		}
	}
}

func TestLookupErrors(t *testing.T) {
	_, err := Lookup("threads", Options{})
	if err == nil || !strings.Contains(err.Error(), `"threads"`) || !strings.Contains(err.Error(), "pipeline") {
		t.Errorf(`Lookup("threads") = %v, want an error naming it and the known strategies`, err)
	}
	for _, opts := range []Options{{Workers: -1}, {Readers: -1}} {
		if _, err := Lookup("pool", opts); err == nil {
			t.Errorf(`Lookup("pool", %+v) = nil error, want one`, opts)
		}
	}
}

func TestUsesWorkers(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"sequential", false},
		{"pool", true},
		{"pipeline", true},
		{"perfile", false},
		{"errgroup", true},
		{"atomic", true},
		{"batch", true},
		{"threads", false},
	}
	for _, tt := range tests {
		if got := UsesWorkers(tt.name); got != tt.want {
			t.Errorf("UsesWorkers(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	for _, name := range Names() {
		if !slices.ContainsFunc(tests, func(tt struct {
			name string
			want bool
		}) bool {
			return tt.name == name
		}) {
			t.Errorf("UsesWorkers(%q) not tested", name)
		}
	}
}

// TestZeroWorkers checks that 0 workers, and so the zero value, means one
// worker per GOMAXPROCS.
func TestZeroWorkers(t *testing.T) {
	const procs = 3
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	files := testFiles(100)
	tests := []struct {
		s    Strategy
		made int64 // Workers the strategy makes with GOMAXPROCS = procs
	}{
		{Pool{}, procs},
		{Pipeline{}, 2 * procs},
		{Pipeline{Workers: 1}, 2},
		{Pipeline{Readers: 1}, procs + 1},
		{Atomic{}, procs},
		{Batch{}, procs},
	}
	for _, tt := range tests {
		w := newFakeWork(files)
		if err := tt.s.Run(t.Context(), files, w); err != nil {
			t.Errorf("%#v.Run = %v", tt.s, err)
		}
		w.check(t, true)
		if got := w.made.Load(); got != tt.made {
			t.Errorf("%#v made %d Workers, want %d", tt.s, got, tt.made)
		}
	}
	// Errgroup makes Workers lazily: check the limit instead.
	for _, name := range Names() {
		if !UsesWorkers(name) {
			continue
		}
		s, err := Lookup(name, Options{})
		if err != nil {
			t.Fatal(err)
		}
		w := newFakeWork(files)
		if err := s.Run(t.Context(), files, w); err != nil {
			t.Errorf("%s.Run = %v", name, err)
		}
		w.check(t, true)
		checkLimits(t, w, procs, strategyLimits[name])
	}
}

// TestSequentialOrder checks that Sequential keeps the files' order.
func TestSequentialOrder(t *testing.T) {
	files := testFiles(100)
	var got []string
	w := newFakeWork(files)
	w.process = func(i int, _ int64) error {
		got = append(got, files[i].Path)
		return nil
	}
	if err := (Sequential{}).Run(context.Background(), files, w); err != nil {
		t.Fatalf("Run = %v", err)
	}
	want := make([]string, len(files))
	for i, f := range files {
		want[i] = f.Path
	}
	if !slices.Equal(got, want) {
		t.Errorf("Sequential processed %q…, want the files' order", got[:min(5, len(got))])
	}
}

// TestFinish: PerFile finishes every Worker it made once its file is done
// (the fake checks that nothing of it is still held and that it is not used
// again), also when files fail to read or a Process error stops the run;
// the strategies whose Workers live for the whole run leave them to the
// caller.
func TestFinish(t *testing.T) {
	files := testFiles(200)
	for _, name := range Names() {
		for _, stop := range []bool{false, true} {
			s, err := Lookup(name, Options{Workers: 3})
			if err != nil {
				t.Fatal(err)
			}
			w := newFakeWork(files)
			w.readErr = func(i int) error {
				if i%7 == 0 {
					return errRead
				}
				return nil
			}
			if stop {
				w.process = func(i int, call int64) error {
					if call == 50 {
						return errProcess
					}
					return nil
				}
			}
			err = s.Run(t.Context(), files, w)
			if stop != (err != nil) {
				t.Fatalf("%s: Run = %v, want an error only when a Process fails", name, err)
			}
			w.check(t, !stop)
			want := int64(0)
			if name == "perfile" {
				want = w.made.Load()
			}
			if got := w.finishes.Load(); got != want {
				t.Errorf("%s (Process error: %v): %d Workers finished of %d made, want %d", name, stop, got, w.made.Load(), want)
			}
		}
	}
}

// TestBatchStopsReading: once ctx is done, a batch starts no new read,
// with or without BatchReader: here the first read cancels, and no other
// file is read (a batch of 32 used to read on to its end).
func TestBatchStopsReading(t *testing.T) {
	files := testFiles(100)
	for _, batchReads := range []bool{false, true} {
		ctx, cancel := context.WithCancel(t.Context())
		w := newFakeWork(files)
		w.batchReads = batchReads
		w.readErr = func(i int) error {
			cancel()
			return nil
		}
		err := runChecked(t, ctx, Batch{Workers: 1}, files, w)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("BatchReader %v: Run = %v, want context.Canceled", batchReads, err)
		}
		w.check(t, false)
		var reads int32
		for i := range w.reads {
			reads += w.reads[i].Load()
		}
		if reads != 1 {
			t.Errorf("BatchReader %v: %d files read, want 1 (none after ctx was done)", batchReads, reads)
		}
	}
}

// TestBatchBytes: a batch holds no more files in memory at once than fit
// in its byte budget (at least one), with or without BatchReader, in Run
// and in its streaming form. By the walk's sizes, a batch is cut before
// it is read: the fake's files are sized by their index, so with a budget
// of 10 bytes files 0 to 4 go together and every later one alone. Where
// the walk gave no sizes (a d_type walk's), a batch stops reading at the
// file that takes the bytes read past its budget: the fake's files are 8
// bytes each, so with a budget of 20 a worker holds three at most.
func TestBatchBytes(t *testing.T) {
	for _, tc := range []struct {
		sized  bool
		budget int64
		want   int64
	}{
		{sized: true, budget: 10, want: 5},
		{sized: false, budget: 20, want: 3},
	} {
		files := testFiles(100)
		if !tc.sized {
			for i := range files {
				files[i].Size = corpus.SizeUnknown
			}
		}
		b := Batch{Workers: 1, Size: 32, Bytes: tc.budget}
		for _, batchReads := range []bool{false, true} {
			for _, streamed := range []bool{false, true} {
				w := newFakeWork(files)
				w.batchReads = batchReads
				var err error
				if streamed {
					err = b.RunFeed(t.Context(), func(ctx context.Context, emit func([]corpus.File) error) error { return emit(files) }, w)
				} else {
					err = b.Run(t.Context(), files, w)
				}
				if err != nil {
					t.Fatalf("sized %v, BatchReader %v, streamed %v: %v", tc.sized, batchReads, streamed, err)
				}
				w.check(t, true)
				if got := w.maxInFlight.Load(); got != tc.want {
					t.Errorf("sized %v, BatchReader %v, streamed %v: %d reads in memory at once, want %d", tc.sized, batchReads, streamed, got, tc.want)
				}
				// After a cut, a BatchReader is offered about what it
				// took, not the rest of the batch (which read mode uring
				// would open, unread): 100 files, 3 a read, 32 offered
				// to the first read and 4 to each after it, about 165
				// (offering the rest of each batch, about 570).
				if offered := w.offered.Load(); offered > 2*int64(len(files)) {
					t.Errorf("sized %v, streamed %v: %d files offered to ReadBatch for %d", tc.sized, streamed, offered, len(files))
				}
			}
		}
	}
}

func TestFitting(t *testing.T) {
	sized := func(sizes ...int64) []corpus.File {
		var files []corpus.File
		for _, s := range sizes {
			files = append(files, corpus.File{Size: s})
		}
		return files
	}
	for _, tc := range []struct {
		files  []corpus.File
		budget int64
		want   int
	}{
		{sized(1, 2, 3), 10, 3},
		{sized(5, 5, 1), 10, 2},
		{sized(20, 1), 10, 1}, // one file over the budget goes alone
		{sized(corpus.SizeUnknown, corpus.SizeUnknown, 4), 4, 3},
		{sized(4, 7), 10, 1},
	} {
		if got := fitting(tc.files, tc.budget); got != tc.want {
			t.Errorf("fitting(%v, %d) = %d, want %d", tc.files, tc.budget, got, tc.want)
		}
	}
}
