package strategies

import (
	"context"
	"fmt"
	"runtime"

	"benchgrid/corpus"
)

// workerCount resolves a Workers option for a run over files: n ≤ 0 means
// GOMAXPROCS, and a run never starts more workers than it has files, since
// an idle worker would only cost a NewWorker call.
func workerCount(n, files int) int {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return min(n, files)
}

// newWorker makes a Worker, saying which step failed.
func newWorker(work Work) (Worker, error) {
	w, err := work.NewWorker()
	if err != nil {
		return nil, fmt.Errorf("new worker: %w", err)
	}
	return w, nil
}

// processFile reads f on w, processes it and releases the data. The data is
// released even when Process fails, so that no read is ever leaked.
func processFile(w Worker, f corpus.File) error {
	data, readErr := w.Read(f)
	err := w.Process(f, data, readErr)
	if readErr == nil {
		w.Release(data)
	}
	if err != nil {
		return wrapProcess(f, err)
	}
	return nil
}

// wrapProcess says which file an error from Process came from.
func wrapProcess(f corpus.File, err error) error {
	return fmt.Errorf("process %s: %w", f.Path, err)
}

// result is what Run returns once all its goroutines have returned: the
// first error if any, else the caller's ctx.Err(), so that a run whose ctx
// was cancelled as its last file finished is not reported as a success.
func result(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	return ctx.Err()
}
