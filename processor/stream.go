package processor

import (
	"context"
	"fmt"

	"benchgrid/strategies"
	"benchgrid/workload"
)

// StreamStrategies are the strategies that RunWalk can run: those with a
// streaming form (strategies.Streamer).
var StreamStrategies = strategies.StreamNames()

// A Walk lists a corpus while it runs, handing each next slice of inputs
// to emit as corpus.WalkWith does, and returns the first error: the Feed
// of the strategy's streaming form.
type Walk = strategies.Feed

// RunWalk is Run over the files that walk lists, processed while the walk
// goes on instead of after it, in the strategy's streaming form
// (strategies.Streamer): the walk runs on a goroutine of its own and
// hands its files, in chunks, to Config.Workers workers (0: GOMAXPROCS)
// that each take the next chunk as soon as they are free, as the atomic
// and pool strategies do with a list (batch's read each chunk in
// batches). The files are the same and the
// answer does not depend on their order; what changes is that the walk
// overlaps the reading and parsing. Only a Config whose Strategy is one
// of StreamStrategies can run this way; RunWalk refuses the others rather
// than run them as something else.
//
// RunWalk returns the walk's error, or the first error from processing a
// file, or ctx.Err() once ctx is done, after every goroutine has returned.
func (p *Processor) RunWalk(ctx context.Context, walk Walk) (*workload.Outcome, error) {
	st, ok := p.strategy.(strategies.Streamer)
	if !ok {
		return nil, fmt.Errorf("streaming from the walk: %s", FeedUnavailable(FeedStream, p.cfg.Strategy))
	}
	return p.run(ctx, func(j *job) error {
		return st.RunFeed(ctx, walk, strategies.WorkFunc(j.newWorker))
	})
}
