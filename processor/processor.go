// Package processor runs the events workload once over a list of files
// under one configuration (parser, strategy, workers, readers, read mode,
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
	"benchgrid/parsers"
	"benchgrid/strategies"
	"benchgrid/workload"
)

// A Config is one way of running the workload over a corpus.
type Config struct {
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
	parser   workload.Parser
	strategy strategies.Strategy
	// sleep, when set, makes the waits of Config.Latency instead of a
	// pass's clock: tests count them with it.
	sleep func(ctx context.Context, d time.Duration) error
}

// New resolves cfg's names and checks that its parser can run on
// this machine.
func New(cfg Config) (*Processor, error) {
	p, err := parsers.Lookup(cfg.Parser)
	if err != nil {
		return nil, err
	}
	if _, err := p.NewDecoder(); err != nil {
		return nil, fmt.Errorf("parser %s: %w", cfg.Parser, err)
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
	if cfg.Latency < 0 {
		return nil, fmt.Errorf("latency %v: want 0 or more", cfg.Latency)
	}
	return &Processor{cfg: cfg, parser: p, strategy: s}, nil
}

// ReadOnly reports whether the processor only reads files (parser none).
func (p *Processor) ReadOnly() bool { return workload.IsReadOnly(p.parser) }

// Run processes files once and returns everything counted. Bad inputs are
// counted in the tally, not returned as errors. With a latency, every
// read waits it first; a wait cut short by ctx counts nothing, and Run
// returns ctx.Err().
func (p *Processor) Run(ctx context.Context, files []corpus.File) (*workload.Tally, error) {
	j := &job{parser: p.parser, reader: corpus.NewReader(p.cfg.Read), readOnly: p.ReadOnly(), mapped: p.cfg.Read == corpus.ReadMmap}
	switch d := p.cfg.Latency; {
	case d <= 0:
	case p.sleep != nil:
		j.wait = func() error { return p.sleep(ctx, d) }
	default:
		c := startClock(d)
		defer c.close()
		j.wait = func() error { return c.wait(ctx) }
	}
	if err := p.strategy.Run(ctx, files, strategies.WorkFunc(j.newWorker)); err != nil {
		return nil, err
	}
	var total workload.Tally
	for _, t := range j.tallies {
		total.Merge(t)
	}
	return &total, nil
}

// job is one pass's shared state: the workers' tallies, merged after the
// strategy returns.
type job struct {
	parser   workload.Parser
	reader   *corpus.Reader
	readOnly bool
	mapped   bool // the reader maps files: guard against their shrinking
	// wait, when set, is the simulated latency before each read. It
	// holds the pass's ctx, which the strategies' Worker.Read lacks.
	wait func() error

	mu      sync.Mutex
	tallies []*workload.Tally
}

func (j *job) newWorker() (strategies.Worker, error) {
	dec, err := j.parser.NewDecoder()
	if err != nil {
		return nil, fmt.Errorf("parser %s: %w", j.parser.Name(), err)
	}
	w := &worker{job: j, dec: dec}
	j.mu.Lock()
	j.tallies = append(j.tallies, &w.tally)
	j.mu.Unlock()
	return w, nil
}

// worker is one goroutine's state: its decoder (a reused parser), its batch
// and its tally.
type worker struct {
	job   *job
	dec   workload.Decoder
	batch workload.Batch
	tally workload.Tally
}

// Read waits the simulated latency, if any, then reads f.
func (w *worker) Read(f corpus.File) ([]byte, error) {
	if w.job.wait != nil {
		if err := w.job.wait(); err != nil {
			return nil, cancelledWait{err}
		}
	}
	return w.job.reader.Read(f)
}

// A cancelledWait is a latency wait that the pass's ctx cut short: not a
// read error of the input.
type cancelledWait struct{ err error }

func (e cancelledWait) Error() string { return "latency wait: " + e.err.Error() }
func (e cancelledWait) Unwrap() error { return e.err }

func (w *worker) Release(data []byte) { w.job.reader.Release(data) }

// Process counts f. A read that failed because of the input makes f a bad
// input; one that failed because the program ran out of a resource fails
// the pass (a *corpus.ResourceError), since the input is not at fault. A
// file whose latency wait was cancelled is not counted: the pass is
// stopping, and the strategy returns ctx.Err().
func (w *worker) Process(f corpus.File, data []byte, readErr error) error {
	if readErr != nil {
		var re *corpus.ResourceError
		if errors.As(readErr, &re) {
			return readErr
		}
		if errors.As(readErr, new(cancelledWait)) {
			return nil
		}
		w.tally.AddBad(f.Path, f.Size, readErr, nil)
		return nil
	}
	if w.job.mapped {
		if err := corpus.GuardMapped(data, func() { w.count(f, data) }); err != nil {
			w.tally.AddBad(f.Path, int64(len(data)), err, nil)
		}
		return nil
	}
	w.count(f, data)
	return nil
}

// count decodes data, f's bytes, and adds it to the worker's tally.
func (w *worker) count(f corpus.File, data []byte) {
	size := int64(len(data))
	if w.job.readOnly {
		w.tally.AddRead(size)
		return
	}
	w.batch.Reset()
	if err := w.dec.Decode(data, &w.batch); err != nil {
		w.tally.AddBad(f.Path, size, err, &w.batch)
		return
	}
	w.tally.AddGood(size, &w.batch)
}

// Digest is the hex SHA-256 of a canonical line: how results compare
// answers.
func Digest(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

// ParserAvailability maps every registered parser to why it cannot run in
// this binary, or "" when it can. The hidden `_parsers` subcommand prints
// it, so the harness can ask a build variant's binary the same question.
func ParserAvailability() map[string]string {
	out := map[string]string{}
	for _, name := range parsers.Names() {
		p, err := parsers.Lookup(name)
		if err == nil {
			_, err = p.NewDecoder()
		}
		out[name] = ""
		if err != nil {
			out[name] = err.Error()
		}
	}
	return out
}
