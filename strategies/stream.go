package strategies

import (
	"context"
	"runtime"

	"golang.org/x/sync/errgroup"

	"benchgrid/corpus"
)

// A Feed produces the files of a streaming run while it runs (a walk that
// lists a corpus as it goes): it hands each next slice of files to emit,
// which it must not touch again, stops when emit returns an error, and
// returns the first error it met or was given.
type Feed func(ctx context.Context, emit func([]corpus.File) error) error

// A Streamer is a Strategy with a streaming form: RunFeed processes the
// files a Feed produces while the Feed is still producing them, under the
// contract of Strategy. Atomic, Pool and Batch are Streamers; a strategy
// that schedules otherwise (a pipeline's stages, a goroutine per file, one
// worker) has no streaming form.
type Streamer interface {
	Strategy
	RunFeed(ctx context.Context, feed Feed, work Work) error
}

// StreamNames lists the registered strategies that are Streamers, in the
// registry's order.
func StreamNames() []string {
	var names []string
	for _, r := range registry {
		if _, ok := r.make(Options{}).(Streamer); ok {
			names = append(names, r.name)
		}
	}
	return names
}

// RunFeed is Atomic's streaming form; see stream.
func (a Atomic) RunFeed(ctx context.Context, feed Feed, work Work) error {
	return stream(ctx, a.Workers, 0, 0, feed, work)
}

// RunFeed is Pool's streaming form, which is Atomic's: workers that each
// take the next chunk as soon as they are free; see stream.
func (p Pool) RunFeed(ctx context.Context, feed Feed, work Work) error {
	return stream(ctx, p.Workers, 0, 0, feed, work)
}

// RunFeed is Batch's streaming form: each worker reads the files it takes
// b.Size at a time, as Batch does; see stream.
func (b Batch) RunFeed(ctx context.Context, feed Feed, work Work) error {
	return stream(ctx, b.Workers, b.batchSize(), b.batchBytes(), feed, work)
}

// streamChunk is how many files a streaming worker takes at a time: few
// enough that the last directory's files still spread over the workers,
// enough that the channel is touched once per chunk and not per file.
const streamChunk = 64

// stream processes the files feed produces while feed is still producing
// them: feed runs on a goroutine of its own and hands its files, in
// chunks, to workers goroutines (≤ 0 means GOMAXPROCS), each with its own
// Worker, that each take the next chunk as soon as they are free. With
// batch > 0, a worker reads a chunk batch files (and at most budget
// bytes) at a time and processes them as Batch does (processBatch);
// otherwise it reads and processes one file after another. Every file is
// read, processed and released as a Strategy does; what changes is that
// the producing of the files overlaps their processing.
//
// stream returns feed's error, or the first error from NewWorker or
// Process, or ctx.Err() once ctx is done, after every goroutine it started
// has returned.
func stream(ctx context.Context, workers, batch int, budget int64, feed Feed, work Work) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunk := max(streamChunk, batch)
	g, gctx := errgroup.WithContext(ctx)
	chunks := make(chan []corpus.File, 2*workers)
	g.Go(func() error {
		defer close(chunks)
		return feed(gctx, func(files []corpus.File) error {
			for len(files) > 0 {
				k := min(len(files), chunk)
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
	for range workers {
		g.Go(func() error {
			w, err := newWorker(work)
			if err != nil {
				return err
			}
			var sc *batchScratch
			if batch > 0 {
				sc = newBatchScratch(batch)
			}
			for files := range chunks {
				// Let the feed run: with a worker per core busy, a feed
				// woken by room in the channel would otherwise wait for
				// the runtime to preempt a worker (10 ms), and the
				// workers would drain the channel first. Measured on the
				// tiny corpus of 200,000 files: 450 preemption signals a
				// pass became 68, with less wall time.
				runtime.Gosched()
				if batch > 0 {
					for len(files) > 0 {
						k := min(len(files), batch)
						if err := gctx.Err(); err != nil {
							return err
						}
						if err := processBatch(gctx, w, files[:k], budget, sc); err != nil {
							return err
						}
						files = files[k:]
					}
					continue
				}
				for _, f := range files {
					if err := gctx.Err(); err != nil {
						return err
					}
					if err := processFile(w, f); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	return result(ctx, g.Wait())
}
