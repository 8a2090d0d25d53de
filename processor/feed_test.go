package processor

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"benchgrid/corpus"
	"benchgrid/workloads/events/gen"
)

// TestRunCorpus: every feed processes the listed files and prints the
// list's answer, with every strategy that can run it; FeedStream refuses
// a strategy without a streaming form, and an unknown feed is an error.
func TestRunCorpus(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	files, want := referenceOutcome(t, gen.GenOptions{Dir: dir, Files: 600, Seed: 11, Bad: 10})
	ref, err := New(Config{Parser: "std", Strategy: "sequential"})
	if err != nil {
		t.Fatal(err)
	}
	for _, strategy := range []string{"sequential", "pool", "pipeline", "perfile", "errgroup", "atomic", "batch"} {
		p, err := New(Config{Parser: "std", Strategy: strategy, Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range Feeds {
			reason := FeedUnavailable(f, strategy)
			if streams := slices.Contains(StreamStrategies, strategy); (reason == "") != (!f.Streams() || streams) {
				t.Errorf("FeedUnavailable(%s, %s) = %q", f, strategy, reason)
			}
			got, err := p.RunCorpus(t.Context(), f, dir, files)
			if reason != "" {
				if err == nil || !strings.Contains(err.Error(), "no streaming form") {
					t.Errorf("%s, feed %s: %v, want a refusal (%s)", strategy, f, err, reason)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s, feed %s: %v", strategy, f, err)
				continue
			}
			if got.Files != want.Files || got.Bytes != want.Bytes || got.BadFiles != want.BadFiles || !bytes.Equal(got.Canonical, want.Canonical) {
				t.Errorf("%s, feed %s: %d files, %d bytes, %d bad, %q; want %d, %d, %d, %q",
					strategy, f, got.Files, got.Bytes, got.BadFiles, got.Canonical, want.Files, want.Bytes, want.BadFiles, want.Canonical)
			}
		}
	}
	if _, err := ref.RunCorpus(t.Context(), "trickle", dir, files); err == nil || !strings.Contains(err.Error(), `unknown feed "trickle"`) {
		t.Errorf("RunCorpus(trickle) = %v, want an unknown feed", err)
	}
	if f, err := ParseFeed(""); err != nil || f != FeedList {
		t.Errorf(`ParseFeed("") = %q, %v; want list`, f, err)
	}
}

// TestWalkOf: WalkOf hands over its files in order, corpus.StreamBatch at
// a time, and stops at emit's error.
func TestWalkOf(t *testing.T) {
	files := make([]corpus.File, 2*corpus.StreamBatch+3)
	for i := range files {
		files[i].Path = strings.Repeat("x", i%7)
	}
	var got []corpus.File
	var sizes []int
	if err := WalkOf(files)(t.Context(), func(fs []corpus.File) error {
		got, sizes = append(got, fs...), append(sizes, len(fs))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, files) || !slices.Equal(sizes, []int{corpus.StreamBatch, corpus.StreamBatch, 3}) {
		t.Errorf("WalkOf handed over %d files in %v, want %d in batches of %d", len(got), sizes, len(files), corpus.StreamBatch)
	}
	calls := 0
	stop := errors.New("stop")
	if err := WalkOf(files)(t.Context(), func([]corpus.File) error { calls++; return stop }); err != stop || calls != 1 {
		t.Errorf("WalkOf after emit's error: %v after %d calls, want stop after 1", err, calls)
	}
}
