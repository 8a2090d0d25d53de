package strategies

import (
	"context"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"benchgrid/corpus"
)

// Atomic runs a fixed set of worker goroutines, each with its own Worker,
// that claim the next file by incrementing a shared atomic index.
//
// It balances as dynamically as Pool but without a producer or a channel:
// claiming a file is one atomic add on a shared cache line, and no
// goroutine ever parks waiting for another. It is the cheapest dynamic
// scheduling there is; its only cost is contention on that cache line when
// files are tiny.
//
// The zero Atomic has one worker per GOMAXPROCS.
type Atomic struct {
	// Workers is the number of worker goroutines; ≤ 0 means GOMAXPROCS.
	Workers int
}

// Run processes files on a.Workers goroutines; see Strategy.
func (a Atomic) Run(ctx context.Context, files []corpus.File, work Work) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n := workerCount(a.Workers, len(files))
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for range n {
		g.Go(func() error {
			w, err := newWorker(work)
			if err != nil {
				return err
			}
			for {
				if err := gctx.Err(); err != nil {
					return err
				}
				i := next.Add(1) - 1
				if i >= int64(len(files)) {
					return nil
				}
				if err := processFile(w, files[i]); err != nil {
					return err
				}
			}
		})
	}
	return result(ctx, g.Wait())
}
