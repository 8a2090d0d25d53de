// Package strategies schedules work over a corpus's files: sequentially, on
// a worker pool, through a channel pipeline, with a goroutine per file, and
// more. Each is registered under a short name (sequential, pool, pipeline,
// perfile, errgroup, atomic, batch).
//
// Strategies know nothing about JSON, parsers or timing: they only decide
// which goroutine reads and processes which file, and give each goroutine
// its own Worker so that per-goroutine state (a reused parser, a buffer) is
// never shared. It sits after packages corpus and workload in benchgrid's
// flow.
package strategies

import (
	"context"

	"benchgrid/corpus"
)

// A Worker holds the state of one goroutine that processes files. A Worker
// is used by one goroutine at a time, except Release, which may be called
// from any goroutine.
//
// Strategies never merge Workers' state: the caller keeps the Workers its
// Work made and merges them after Run returns.
type Worker interface {
	// Read loads f's bytes. The data stays valid until Release.
	Read(f corpus.File) ([]byte, error)
	// Process handles f given what Read returned for it (possibly on
	// another Worker). A read error or a bad input is counted, not
	// returned: Process returns only errors that must stop the run.
	Process(f corpus.File, data []byte, readErr error) error
	// Release gives back data that this Worker's Read returned: data goes
	// back to the Worker that read it, even when another Worker processed
	// it. It is safe to call from any goroutine.
	Release(data []byte)
}

// A Finisher is a Worker that holds resources of its own beyond the files
// it reads (an open directory, an io_uring). A strategy that makes a Worker
// for a single file (PerFile) calls Finish once that file has been
// processed and its data released, and uses the Worker no more, so that a
// run over many files never holds as many of those resources at once.
// Workers that live for the whole run are left to the caller, who finishes
// them after Run returns.
type Finisher interface {
	Finish()
}

// Work makes Workers.
type Work interface {
	// NewWorker makes the state for one goroutine.
	NewWorker() (Worker, error)
}

// WorkFunc adapts a function to Work.
type WorkFunc func() (Worker, error)

// NewWorker calls f.
func (f WorkFunc) NewWorker() (Worker, error) { return f() }

// A Strategy runs work once for every file and returns the first error.
// It returns ctx.Err() promptly once ctx is done, and never reports a
// cancelled run as a success.
//
// Every strategy registered here keeps this contract, which the conformance
// suite checks under the race detector:
//
//   - Every file is read once and processed once: Read, then Process with
//     that Read's data and error (a read error goes to Process; it is not
//     returned and does not stop the run). When a run stops early, some
//     files are never read, and a file already read may be released
//     without being processed. Every successful Read is released exactly
//     once, on the Worker that read it, before Run returns.
//   - A Worker is never used by two goroutines at once (Release aside).
//   - The first error from NewWorker or Process stops the run: no new file
//     is started, and Run returns that error, wrapped with the file or step
//     it came from; later errors are dropped.
//   - Once ctx is done, no new file is started and Run returns ctx.Err()
//     (or an error that came first) as soon as the Process calls in flight
//     return. If ctx is done when Run is called, no file is processed. A
//     run whose ctx is done by the time its goroutines have finished
//     returns ctx.Err(), never nil.
//   - When Run returns, every goroutine it started has returned.
type Strategy interface {
	// Run processes files with Workers made by work; see Strategy.
	Run(ctx context.Context, files []corpus.File, work Work) error
}

// Options configure a strategy.
type Options struct {
	// Workers is the number of goroutines that process files; 0 means
	// GOMAXPROCS. Strategies that fix their own concurrency ignore it (see
	// UsesWorkers).
	Workers int
	// Readers is the number of goroutines in a pipeline's read stage; 0
	// means Workers.
	Readers int
}
