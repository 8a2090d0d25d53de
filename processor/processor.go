// Package processor runs a workload once over a list of files (Run), or
// over the files a walk hands over while it walks (RunWalk), under one
// configuration (workload, parser, strategy, workers, readers, read mode,
// simulated storage latency):
// the work that a child process times, that the reference pass checks
// against, and that `benchgrid process` prints.
//
// It sits after packages corpus, workload, parsers and strategies in
// benchgrid's flow, and before matrix, child and harness; it knows nothing
// about timing, processes or results.
package processor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"benchgrid/corpus"
	"benchgrid/strategies"
	"benchgrid/workload"
)

// A Config is one way of running the workload over a corpus.
type Config struct {
	// Workload is the question asked of every file; nil is the default
	// workload (workload.Default). It does not travel as JSON: a child's
	// spec names the workload (child.Spec.Workload).
	Workload workload.Workload `json:"-"`
	Parser   string
	Strategy string
	// Workers is the strategy's worker count; 0 means GOMAXPROCS.
	Workers int
	// Readers is a pipeline's read-stage size; 0 means Workers.
	Readers int
	Read    corpus.ReadMode
	// Latency is the simulated storage latency: every input's read first
	// waits this long, a timer and not CPU, inside the pass (see
	// latency.go for the model). 0 waits nothing.
	Latency time.Duration
}

// A Processor runs one Config; build it once and Run it as often as
// needed (warm-up, timed pass, profiling passes).
type Processor struct {
	cfg      Config
	pass     workload.Pass
	readOnly bool
	strategy strategies.Strategy
	// sleep, when set, makes the waits of Config.Latency instead of a
	// pass's clock: tests count them with it.
	sleep func(ctx context.Context, d time.Duration) error
}

// New resolves cfg's names and checks that its parser can run on
// this machine.
func New(cfg Config) (*Processor, error) {
	if cfg.Workload == nil {
		w, err := workload.Open(workload.Default, nil)
		if err != nil {
			return nil, err
		}
		cfg.Workload = w
	}
	info, err := workload.FindParser(cfg.Workload, cfg.Parser)
	if err != nil {
		return nil, err
	}
	pass, err := cfg.Workload.NewPass(cfg.Parser)
	if err != nil {
		return nil, err
	}
	s, err := strategies.Lookup(cfg.Strategy, strategies.Options{Workers: cfg.Workers, Readers: cfg.Readers})
	if err != nil {
		return nil, err
	}
	if cfg.Read == "" {
		cfg.Read = corpus.ReadFile
	}
	if _, err := corpus.ParseReadMode(string(cfg.Read)); err != nil {
		return nil, err
	}
	if err := readModeAvailable(cfg.Read); err != nil {
		return nil, err // a *corpus.UnavailableError with its reason, never another mode
	}
	if cfg.Latency < 0 {
		return nil, fmt.Errorf("latency %v: want 0 or more", cfg.Latency)
	}
	return &Processor{cfg: cfg, pass: pass, readOnly: info.ReadOnly, strategy: s}, nil
}

// readModeAvailable is corpus.ReadModeAvailable; tests replace it.
var readModeAvailable = corpus.ReadModeAvailable

// ReadOnly reports whether the processor only reads files (parser none).
func (p *Processor) ReadOnly() bool { return p.readOnly }

// Workload is the workload the processor runs.
func (p *Processor) Workload() workload.Workload { return p.cfg.Workload }

// Run processes files once and returns everything counted. Bad inputs are
// counted in the tally, not returned as errors. With a latency, every
// read waits it first; a wait cut short by ctx counts nothing, and Run
// returns ctx.Err().
func (p *Processor) Run(ctx context.Context, files []corpus.File) (*workload.Outcome, error) {
	return p.run(ctx, func(j *job) error {
		return p.strategy.Run(ctx, files, strategies.WorkFunc(j.newWorker))
	})
}

// run makes a pass's job, runs schedule with it, closes the workers'
// sessions and merges their counts.
func (p *Processor) run(ctx context.Context, schedule func(*job) error) (*workload.Outcome, error) {
	j := &job{pass: p.pass, reader: corpus.NewReader(p.cfg.Read), mapped: p.cfg.Read == corpus.ReadMmap}
	switch d := p.cfg.Latency; {
	case d <= 0:
	case p.sleep != nil:
		j.wait = func() error { return p.sleep(ctx, d) }
	default:
		c := startClock(d)
		defer c.close()
		j.wait = func() error { return c.wait(ctx) }
	}
	err := schedule(j)
	for _, s := range j.sessions {
		s.Close()
	}
	j.reader.Close()
	if err != nil {
		return nil, err
	}
	return p.pass.Outcome(j.counters), nil
}

// job is one pass's shared state: the workers' counters, merged after the
// strategy returns.
type job struct {
	pass   workload.Pass
	reader *corpus.Reader
	mapped bool // the reader maps files: guard against their shrinking
	// wait, when set, is the simulated latency before each read. It
	// holds the pass's ctx, which the strategies' Worker.Read lacks.
	wait func() error

	mu       sync.Mutex
	counters []workload.Counter
	sessions []*corpus.Session // the workers' reader sessions, closed after the pass
}

func (j *job) newWorker() (strategies.Worker, error) {
	c, err := j.pass.NewCounter()
	if err != nil {
		return nil, err
	}
	w := &worker{job: j, counter: c, session: j.reader.Session()}
	j.mu.Lock()
	j.counters = append(j.counters, c)
	j.sessions = append(j.sessions, w.session)
	j.mu.Unlock()
	return w, nil
}

// worker is one goroutine's state: its job and its counter.
type worker struct {
	job     *job
	counter workload.Counter
	session *corpus.Session // this goroutine's reads (a directory kept open in ReadOpenat)
	waited  map[string]bool // files that waited their latency in a ReadBatch that left them out
}

// Read waits the simulated latency, if any, then reads f.
func (w *worker) Read(f corpus.File) ([]byte, error) {
	if w.job.wait != nil {
		if err := w.job.wait(); err != nil {
			return nil, cancelledWait{err}
		}
	}
	return w.session.Read(f)
}

// ReadBatch reads a prefix of files in one batch (strategies.BatchReader;
// the prefix is what fits in budget, see corpus.Session.ReadBatch): one
// io_uring submission per step in read mode uring, the mode's ordinary
// reads in the others. With a latency, each file waits it first, one
// after another as Read's would; a cancelled wait fails that file and
// the rest of the batch, which are not read. A file that waited but was
// left out of the prefix does not wait again when a later ReadBatch
// reads it.
func (w *worker) ReadBatch(ctx context.Context, files []corpus.File, budget int64, data [][]byte, errs []error) int {
	if w.job.wait == nil {
		return w.session.ReadBatch(ctx, files, budget, data, errs)
	}
	waited := len(files)
	for i, f := range files {
		if w.waited[f.Path] {
			delete(w.waited, f.Path)
			continue
		}
		if err := w.job.wait(); err != nil {
			for j := i; j < len(files); j++ {
				data[j], errs[j] = nil, cancelledWait{err}
			}
			waited = i
			break
		}
	}
	n := w.session.ReadBatch(ctx, files[:waited], budget, data, errs)
	if n < waited {
		if w.waited == nil {
			w.waited = make(map[string]bool)
		}
		for _, f := range files[n:waited] {
			w.waited[f.Path] = true
		}
		return n
	}
	return len(files)
}

// A cancelledWait is a latency wait that the pass's ctx cut short: not a
// read error of the input.
type cancelledWait struct{ err error }

func (e cancelledWait) Error() string { return "latency wait: " + e.err.Error() }
func (e cancelledWait) Unwrap() error { return e.err }

// Finish closes the worker's session (strategies.Finisher): a strategy
// that makes a worker per file calls it once that file is done, so that a
// directory descriptor or a ring is not held for each file until the pass
// ends. Run closes every session again after the pass, which is harmless.
func (w *worker) Finish() { w.session.Close() }

// Release gives data back to the session that read it (strategies
// release on the Worker that read).
func (w *worker) Release(data []byte) { w.session.Release(data) }

// Process counts f. A read that failed because of the input makes f a bad
// input; one that failed because the program ran out of a resource fails
// the pass (a *corpus.ResourceError), since the input is not at fault, and
// so does a read mode that cannot run here (a *corpus.UnavailableError). A
// file whose latency wait was cancelled is not counted: the pass is
// stopping, and the strategy returns ctx.Err().
func (w *worker) Process(f corpus.File, data []byte, readErr error) error {
	if readErr != nil {
		var re *corpus.ResourceError
		var ue *corpus.UnavailableError
		if errors.As(readErr, &re) || errors.As(readErr, &ue) {
			return readErr
		}
		if errors.As(readErr, new(cancelledWait)) {
			return nil
		}
		w.counter.Unreadable(f.Path, corpus.SizeOf(f), readErr) // a d_type walk left the size to the read
		return nil
	}
	if w.job.mapped {
		if err := corpus.GuardMapped(data, func() { w.counter.Count(f.Path, data) }); err != nil {
			w.counter.Unreadable(f.Path, int64(len(data)), err)
		}
		return nil
	}
	w.counter.Count(f.Path, data)
	return nil
}

// Digest is the hex SHA-256 of a canonical line: how results compare
// answers.
func Digest(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

// ParserAvailability maps every adapter of w to why it cannot run in this
// binary, or "" when it can. The hidden `_parsers` subcommand prints it, so
// the harness can ask a build variant's binary the same question.
func ParserAvailability(w workload.Workload) map[string]string {
	out := map[string]string{}
	for _, p := range w.Parsers() {
		out[p.Name] = ""
		if _, err := w.NewPass(p.Name); err != nil {
			out[p.Name] = err.Error()
		}
	}
	return out
}
