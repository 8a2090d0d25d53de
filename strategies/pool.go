package strategies

import (
	"context"

	"golang.org/x/sync/errgroup"

	"benchgrid/corpus"
)

// Pool runs a fixed set of worker goroutines, each with its own Worker, that
// pull files from a channel fed by one producer goroutine: the textbook Go
// worker pool.
//
// Balancing is dynamic (a worker takes the next file as soon as it is free),
// so a few large files do not leave the other workers idle. The cost is a
// channel hand-off per file, which may wake a parked goroutine, plus the
// producer itself. The channel holds one file per worker so the producer
// can run slightly ahead.
//
// The zero Pool has one worker per GOMAXPROCS.
type Pool struct {
	// Workers is the number of worker goroutines; ≤ 0 means GOMAXPROCS.
	Workers int
}

// Run processes files on p.Workers goroutines; see Strategy.
func (p Pool) Run(ctx context.Context, files []corpus.File, work Work) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n := workerCount(p.Workers, len(files))
	g, gctx := errgroup.WithContext(ctx)
	next := make(chan corpus.File, n)
	g.Go(func() error {
		defer close(next)
		for _, f := range files {
			// select picks at random among ready cases: check first so
			// that a done ctx stops the producer for sure.
			if err := gctx.Err(); err != nil {
				return err
			}
			select {
			case next <- f:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	for range n {
		g.Go(func() error {
			w, err := newWorker(work)
			if err != nil {
				return err
			}
			for f := range next {
				if err := gctx.Err(); err != nil {
					return err
				}
				if err := processFile(w, f); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return result(ctx, g.Wait())
}
