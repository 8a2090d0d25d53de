package processor

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"benchgrid/corpus"
	"benchgrid/workload"
)

// A Feed is how a measured pass gets its files, and so what the pass
// includes: the matrix's feed axis, which a child applies to its timed
// and profiling passes (see RunCorpus).
type Feed string

// The feeds. All three process exactly the inputs that
// corpus.ListSkipping lists (unreadable folders skipped), so they print
// the same answer; they differ in whether the walk is inside the pass
// and whether it overlaps the processing.
const (
	// FeedList processes a list made before the pass: the walk is not
	// part of it. "" means FeedList.
	FeedList Feed = "list"
	// FeedWalk lists the corpus and then processes the list, both inside
	// the pass: the baseline that FeedStream is compared with.
	FeedWalk Feed = "walk"
	// FeedStream processes the files while the walk hands them over
	// (RunWalk), both inside the pass: the strategy's streaming form,
	// which only StreamStrategies have.
	FeedStream Feed = "stream"
)

// Feeds lists every feed, the default first.
var Feeds = []Feed{FeedList, FeedWalk, FeedStream}

// ParseFeed returns the feed called name; "" is FeedList.
func ParseFeed(name string) (Feed, error) {
	if name == "" {
		return FeedList, nil
	}
	if slices.Contains(Feeds, Feed(name)) {
		return Feed(name), nil
	}
	return "", fmt.Errorf("unknown feed %q (have %s)", name, feedNames())
}

// feedNames lists Feeds, comma-separated.
func feedNames() string {
	var names []string
	for _, f := range Feeds {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// FeedUnavailable says why strategy cannot run with feed f, or returns "":
// FeedStream needs a strategy with a streaming form (StreamStrategies).
// Such a configuration is never run another way.
func FeedUnavailable(f Feed, strategy string) string {
	if f == FeedStream && !slices.Contains(StreamStrategies, strategy) {
		return fmt.Sprintf("strategy %s has no streaming form (have %s)", strategy, strings.Join(StreamStrategies, ", "))
	}
	return ""
}

// RunCorpus is one pass over the corpus at root as feed f has it: Run
// over listed (which must be corpus.ListSkipping's list of root for the
// processor's workload) for FeedList; for FeedWalk, the same listing,
// made again, then Run over it; for FeedStream, RunWalk over a
// corpus.WalkWith walk in the lstat mode, whose files are that listing's.
// Folders the walk skips are not reported: the caller's own listing met
// them.
func (p *Processor) RunCorpus(ctx context.Context, f Feed, root string, listed []corpus.File) (*workload.Outcome, error) {
	isInput := p.cfg.Workload.IsInput
	switch f {
	case FeedList, "":
		return p.Run(ctx, listed)
	case FeedWalk:
		files, _, err := corpus.ListSkipping(ctx, root, isInput)
		if err != nil {
			return nil, err
		}
		return p.Run(ctx, files)
	case FeedStream:
		return p.RunWalk(ctx, func(ctx context.Context, emit func([]corpus.File) error) error {
			_, err := corpus.WalkWith(ctx, root, corpus.ListOptions{IsInput: isInput, Walk: corpus.WalkLstat}, emit)
			return err
		})
	}
	_, err := ParseFeed(string(f))
	return nil, err
}

// WalkOf is a Walk that hands over files, corpus.StreamBatch at a time,
// as if a walk had found them: a streamed pass over a list made already
// (a child's warm-up over a share of the corpus).
func WalkOf(files []corpus.File) Walk {
	return func(ctx context.Context, emit func([]corpus.File) error) error {
		for chunk := range slices.Chunk(files, corpus.StreamBatch) {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := emit(slices.Clip(chunk)); err != nil {
				return err
			}
		}
		return nil
	}
}
