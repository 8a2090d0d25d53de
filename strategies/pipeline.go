package strategies

import (
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"benchgrid/corpus"
)

// Pipeline splits reading from processing: a read stage of Readers
// goroutines, each with its own Worker used only for Read, sends what it
// read over a bounded channel to a parse stage of Workers goroutines, each
// with its own Worker used only for Process. The parse stage releases each
// file's data on the Worker that read it (Release is safe on any
// goroutine), so buffers go back to the reader's pool.
//
// The third stage, merge, is the join: Run returns once both stages have
// drained, and the caller then merges the state of the Workers its Work
// made. Readers' Workers are made too and have processed nothing; merging
// them is harmless.
//
// The channel holds 2×Workers files, so at most Readers + 3×Workers reads
// are in memory at once, however far the readers could run ahead. Reading
// overlaps parsing, which helps when reads block (a cold cache, a slow
// disk); the cost is a channel hand-off per file between goroutines that
// may be on different cores, so the data is parsed out of another core's
// cache, and Readers + Workers Workers instead of Workers.
//
// The zero Pipeline has GOMAXPROCS readers and GOMAXPROCS workers.
type Pipeline struct {
	// Workers is the number of parse goroutines; ≤ 0 means GOMAXPROCS.
	Workers int
	// Readers is the number of read goroutines; ≤ 0 means Workers.
	Readers int
}

// A readFile is one file on its way from the read stage to the parse stage.
type readFile struct {
	f       corpus.File
	data    []byte
	readErr error
	reader  Worker // the Worker that read data, to release it
}

// release gives back r's data, if its read succeeded.
func (r readFile) release() {
	if r.readErr == nil {
		r.reader.Release(r.data)
	}
}

// Run reads files on p.Readers goroutines and processes them on p.Workers
// goroutines; see Strategy.
func (p Pipeline) Run(ctx context.Context, files []corpus.File, work Work) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	workers := workerCount(p.Workers, len(files))
	readers := workers
	if p.Readers > 0 {
		readers = workerCount(p.Readers, len(files))
	}
	g, gctx := errgroup.WithContext(ctx)
	read := make(chan readFile, 2*workers)

	// Read stage: readers claim files by index (no producer needed) and
	// close read once all of them have returned.
	var next atomic.Int64
	var reading sync.WaitGroup
	for range readers {
		reading.Add(1)
		g.Go(func() error {
			defer reading.Done()
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
				data, readErr := w.Read(files[i])
				r := readFile{f: files[i], data: data, readErr: readErr, reader: w}
				select {
				case read <- r:
				case <-gctx.Done():
					r.release()
					return gctx.Err()
				}
			}
		})
	}
	g.Go(func() error {
		reading.Wait()
		close(read)
		return nil
	})

	// Parse stage.
	for range workers {
		g.Go(func() error {
			w, err := newWorker(work)
			if err != nil {
				return err
			}
			for r := range read {
				if err := gctx.Err(); err != nil {
					r.release()
					return err
				}
				err := w.Process(r.f, r.data, r.readErr)
				r.release()
				if err != nil {
					return wrapProcess(r.f, err)
				}
			}
			return nil
		})
	}

	err := g.Wait()
	// The parse stage stops early on an error or a done ctx; what the read
	// stage had already sent is still owed a Release. read is closed: every
	// reader has returned.
	for r := range read {
		r.release()
	}
	return result(ctx, err)
}
