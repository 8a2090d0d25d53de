package strategies

import (
	"context"

	"golang.org/x/sync/errgroup"

	"benchgrid/corpus"
)

// Errgroup starts one goroutine per file through an errgroup.Group whose
// limit keeps at most Workers of them alive; the loop that starts them
// blocks while the limit is reached. Each goroutine borrows a Worker from a
// pool of Workers slots and gives it back when done, so per-goroutine state
// is reused across files rather than made per file, and no more than
// Workers Workers are ever made (lazily, on first need).
//
// This is the idiomatic bounded fan-out. Compared with Pool it costs a
// goroutine start and exit per file, a semaphore send and receive, and a
// channel receive and send to borrow the Worker; in exchange the code holds
// no long-lived workers.
//
// The zero Errgroup has a limit of GOMAXPROCS.
type Errgroup struct {
	// Workers is the limit on live goroutines; ≤ 0 means GOMAXPROCS.
	Workers int
}

// Run processes every file on its own goroutine, e.Workers at a time; see
// Strategy.
func (e Errgroup) Run(ctx context.Context, files []corpus.File, work Work) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n := workerCount(e.Workers, len(files))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(n)
	// One slot per goroutine the limit allows. A goroutine gives its slot
	// back before errgroup frees its place under the limit, so borrowing
	// and giving back never block. A nil slot is a Worker not made yet.
	workers := make(chan Worker, n)
	for range n {
		workers <- nil
	}
	for _, f := range files {
		if gctx.Err() != nil {
			break // the goroutines already started report why
		}
		g.Go(func() (err error) {
			if err := gctx.Err(); err != nil {
				return err
			}
			w := <-workers
			defer func() { workers <- w }()
			if w == nil {
				if w, err = newWorker(work); err != nil {
					return err
				}
			}
			return processFile(w, f)
		})
	}
	return result(ctx, g.Wait())
}
