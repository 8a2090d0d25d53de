package strategies

import (
	"context"

	"golang.org/x/sync/errgroup"

	"benchgrid/corpus"
)

// PerFile starts one goroutine per file, all at once, each making its own
// Worker with work.NewWorker: what a naive program does with `go` in a loop.
//
// Nothing bounds the concurrency: a large corpus means as many live
// goroutines (and their stacks), as many Workers made and thrown away (so no
// parser or buffer is ever reused), as many files open and read at once as
// the scheduler lets run, and more Workers for the caller to merge. It is
// the control that shows what the other strategies save. The goroutines are
// still joined, and a done ctx stops both the spawning and the goroutines
// not yet started on their file.
//
// Each Worker that is a Finisher is finished as soon as its file is done,
// so a Worker's own resources (a directory kept open by an openat read
// mode, say) are not held by every file's Worker until the run ends.
//
// PerFile ignores Options.Workers.
type PerFile struct{}

// Run processes every file on its own goroutine; see Strategy.
func (PerFile) Run(ctx context.Context, files []corpus.File, work Work) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, f := range files {
		if gctx.Err() != nil {
			break // the goroutines already started report why
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			w, err := newWorker(work)
			if err != nil {
				return err
			}
			err = processFile(w, f)
			if fw, ok := w.(Finisher); ok {
				fw.Finish() // its file is released: nothing of it is held past here
			}
			return err
		})
	}
	return result(ctx, g.Wait())
}
