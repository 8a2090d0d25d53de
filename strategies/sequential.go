package strategies

import (
	"context"

	"benchgrid/corpus"
)

// Sequential processes the files in order on the calling goroutine with a
// single Worker. It is the baseline every concurrent strategy is measured
// against: no goroutines, no channels, no synchronisation, so its only cost
// is the work itself, and it uses one core.
type Sequential struct{}

// Run processes files one after another; see Strategy.
func (Sequential) Run(ctx context.Context, files []corpus.File, work Work) error {
	if err := ctx.Err(); err != nil || len(files) == 0 {
		return err
	}
	w, err := newWorker(work)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := processFile(w, f); err != nil {
			return err
		}
	}
	return ctx.Err()
}
