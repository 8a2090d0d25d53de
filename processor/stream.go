package processor

import (
	"context"
	"fmt"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

	"benchgrid/corpus"
	"benchgrid/strategies"
	"benchgrid/workload"
)

// StreamStrategies are the strategies whose scheduling RunWalk can stand
// in for: workers that each take the next files as soon as they are free.
// A strategy that schedules otherwise (a pipeline's stages, a goroutine
// per file, one worker) has no streaming form, and RunWalk refuses it.
var StreamStrategies = []string{"atomic", "pool"}

// streamChunk is how many files a streaming worker takes at a time: few
// enough that the last directory's files still spread over the workers,
// enough that the channel is touched once per chunk and not per file.
const streamChunk = 64

// A Walk lists a corpus while it runs, handing each next slice of inputs
// to emit as corpus.WalkWith does, and returns the first error.
type Walk func(ctx context.Context, emit func([]corpus.File) error) error

// RunWalk is Run over the files that walk lists, processed while the walk
// goes on instead of after it: the walk runs on a goroutine of its own and
// hands its files, in chunks, to Config.Workers workers (0: GOMAXPROCS)
// that each take the next chunk as soon as they are free, as the atomic
// and pool strategies do with a list. The files are the same and the
// answer does not depend on their order; what changes is that the walk
// overlaps the reading and parsing. Only a Config whose Strategy is one
// of StreamStrategies can run this way; RunWalk refuses the others rather
// than run them as something else.
//
// RunWalk returns the walk's error, or the first error from processing a
// file, or ctx.Err() once ctx is done, after every goroutine has returned.
func (p *Processor) RunWalk(ctx context.Context, walk Walk) (*workload.Outcome, error) {
	if !slices.Contains(StreamStrategies, p.cfg.Strategy) {
		return nil, fmt.Errorf("streaming from the walk: strategy %s has no streaming form (have %v)", p.cfg.Strategy, StreamStrategies)
	}
	n := p.cfg.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return p.run(ctx, func(j *job) error {
		g, gctx := errgroup.WithContext(ctx)
		chunks := make(chan []corpus.File, 2*n)
		g.Go(func() error {
			defer close(chunks)
			return walk(gctx, func(files []corpus.File) error {
				for len(files) > 0 {
					k := min(len(files), streamChunk)
					if err := gctx.Err(); err != nil {
						return err
					}
					select {
					case chunks <- files[:k]:
					case <-gctx.Done():
						return gctx.Err()
					}
					files = files[k:]
				}
				return nil
			})
		})
		for range n {
			g.Go(func() error {
				w, err := j.newWorker()
				if err != nil {
					return fmt.Errorf("new worker: %w", err)
				}
				for files := range chunks {
					// Let the walk run: with a worker per core busy, a
					// walk woken by room in the channel would otherwise
					// wait for the runtime to preempt a worker (10 ms),
					// and the workers would drain the channel first.
					// Measured on the tiny corpus: 450 preemption signals
					// a pass to 68, and less wall time.
					runtime.Gosched()
					for _, f := range files {
						if err := gctx.Err(); err != nil {
							return err
						}
						if err := processOne(w, f); err != nil {
							return err
						}
					}
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		return ctx.Err()
	})
}

// processOne reads f on w, processes it and releases the data, as the
// strategies do with each file.
func processOne(w strategies.Worker, f corpus.File) error {
	data, readErr := w.Read(f)
	err := w.Process(f, data, readErr)
	if readErr == nil {
		w.Release(data)
	}
	if err != nil {
		return fmt.Errorf("process %s: %w", f.Path, err)
	}
	return nil
}
