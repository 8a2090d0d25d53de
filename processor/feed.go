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
	// FeedWalkTypes is FeedWalk with the d_type walk (corpus.WalkTypes):
	// it lstats only entries of unknown type, so its files' sizes are
	// unknown until they are read. Compared with FeedWalk, it is what the
	// walk mode is worth.
	FeedWalkTypes Feed = "walk-dtype"
	// FeedStreamTypes is FeedStream with the d_type walk: the fastest
	// feed of `benchgrid process -walk dtype -stream`.
	FeedStreamTypes Feed = "stream-dtype"
)

// Feeds lists every feed, the default first.
var Feeds = []Feed{FeedList, FeedWalk, FeedStream, FeedWalkTypes, FeedStreamTypes}

// Streams reports whether f hands the walk's files to the workers as it
// goes (a strategy's streaming form).
func (f Feed) Streams() bool { return f == FeedStream || f == FeedStreamTypes }

// walkMode is the walk f lists the corpus with inside the pass.
func (f Feed) walkMode() corpus.WalkMode {
	if f == FeedWalkTypes || f == FeedStreamTypes {
		return corpus.WalkTypes
	}
	return corpus.WalkLstat
}

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
// a streaming feed needs a strategy with a streaming form
// (StreamStrategies). Such a configuration is never run another way.
func FeedUnavailable(f Feed, strategy string) string {
	if f.Streams() && !slices.Contains(StreamStrategies, strategy) {
		return fmt.Sprintf("strategy %s has no streaming form (have %s)", strategy, strings.Join(StreamStrategies, ", "))
	}
	return ""
}

// RunCorpus is one pass over the corpus at root as feed f has it: Run
// over listed (which must be corpus.ListSkipping's list of root for the
// processor's workload) for FeedList; for FeedWalk and FeedWalkTypes, the
// same listing, made again in the feed's walk mode, then Run over it; for
// FeedStream and FeedStreamTypes, RunWalk over a corpus.WalkWith walk in
// the feed's mode. Every walk mode lists that listing's files (the d_type
// walk without their sizes). Folders the walk skips are not reported:
// the caller's own listing met them.
func (p *Processor) RunCorpus(ctx context.Context, f Feed, root string, listed []corpus.File) (*workload.Outcome, error) {
	opts := corpus.ListOptions{IsInput: p.cfg.Workload.IsInput, Walk: f.walkMode()}
	switch f {
	case FeedList, "":
		return p.Run(ctx, listed)
	case FeedWalk, FeedWalkTypes:
		files, _, err := corpus.ListWith(ctx, root, opts)
		if err != nil {
			return nil, err
		}
		return p.Run(ctx, files)
	case FeedStream, FeedStreamTypes:
		return p.RunWalk(ctx, func(ctx context.Context, emit func([]corpus.File) error) error {
			_, err := corpus.WalkWith(ctx, root, opts, emit)
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
