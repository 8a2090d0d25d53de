package child

import (
	"bytes"
	"cmp"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"benchgrid/processor"
	"benchgrid/workloads/events/gen"
)

// TestFeedInSpec: a list cell's spec leaves the feed out, so that a
// binary built before the axis (an older rev= build, whose decoding is
// strict) still runs it; a walk or stream cell's spec names it, and that
// binary refuses it rather than time the list.
func TestFeedInSpec(t *testing.T) {
	for feed, want := range map[string]string{"": "", "walk": `"feed":"walk"`, "stream": `"feed":"stream"`} {
		data, err := json.Marshal(Spec{Corpus: "c", Feed: feed})
		if err != nil {
			t.Fatal(err)
		}
		if has := strings.Contains(string(data), `"feed"`); has != (want != "") || !strings.Contains(string(data), want) {
			t.Errorf("spec of feed %q = %s, want %s", feed, data, cmp.Or(want, "no feed"))
		}
	}
}

// TestFeeds: a walk and a stream spec, timed or profiled, read the same
// files and bytes and print the same answer as the list's, and echo the
// feed they applied ("" for list, as cells name it); a stream spec of a
// strategy without a streaming form, and an unknown feed, fail the child
// before it measures anything.
func TestFeeds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	if _, err := gen.Generate(t.Context(), gen.GenOptions{Dir: dir, Files: 700, Seed: 13, Bad: 20}); err != nil {
		t.Fatal(err)
	}
	run := func(spec Spec) (*Result, error) {
		t.Helper()
		data, _ := json.Marshal(spec)
		var out bytes.Buffer
		if err := Main(t.Context(), bytes.NewReader(data), &out); err != nil {
			return nil, err
		}
		var res Result
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("Main(%+v) wrote %q: %v", spec, out.String(), err)
		}
		return &res, nil
	}
	config := func(strategy string) processor.Config {
		return processor.Config{Parser: "std", Strategy: strategy, Workers: 3}
	}
	want, err := run(Spec{Corpus: dir, Config: config("sequential")})
	if err != nil {
		t.Fatal(err)
	}
	if want.Sample.Files != 720 || want.Digest == "" {
		t.Fatalf("the list's sample: %d files, digest %q", want.Sample.Files, want.Digest)
	}
	tests := []struct {
		feed, strategy string
		profile        bool
		echo           string
	}{
		{feed: "list", strategy: "atomic", echo: ""},
		{feed: "walk", strategy: "atomic", echo: "walk"},
		{feed: "walk", strategy: "pipeline", echo: "walk"},
		{feed: "walk", strategy: "perfile", echo: "walk"},
		{feed: "stream", strategy: "atomic", echo: "stream"},
		{feed: "stream", strategy: "pool", echo: "stream"},
		{feed: "stream", strategy: "batch", echo: "stream"},
		{feed: "walk", strategy: "atomic", profile: true, echo: "walk"},
		{feed: "stream", strategy: "batch", profile: true, echo: "stream"},
		{feed: "walk-dtype", strategy: "batch", echo: "walk-dtype"},
		{feed: "stream-dtype", strategy: "atomic", echo: "stream-dtype"},
		{feed: "stream-dtype", strategy: "batch", echo: "stream-dtype"},
	}
	for _, tc := range tests {
		spec := Spec{Corpus: dir, Config: config(tc.strategy), Feed: tc.feed, WarmupFiles: 20}
		if tc.profile {
			spec.Profiles, spec.ProfileDir, spec.MaxPasses = []string{"cpu"}, t.TempDir(), 2
		}
		got, err := run(spec)
		if err != nil {
			t.Errorf("feed %s, %s (profile %v): %v", tc.feed, tc.strategy, tc.profile, err)
			continue
		}
		if got.Sample.Files != want.Sample.Files || got.Sample.Bytes != want.Sample.Bytes || got.BadFiles != want.BadFiles ||
			got.Digest != want.Digest || got.Canonical != want.Canonical {
			t.Errorf("feed %s, %s (profile %v): %d files, %d bytes, %d bad, digest %s; the list's %d, %d, %d, %s",
				tc.feed, tc.strategy, tc.profile, got.Sample.Files, got.Sample.Bytes, got.BadFiles, got.Digest,
				want.Sample.Files, want.Sample.Bytes, want.BadFiles, want.Digest)
		}
		if got.Feed != tc.echo {
			t.Errorf("feed %s, %s: echoed feed %q, want %q", tc.feed, tc.strategy, got.Feed, tc.echo)
		}
		if tc.profile && (got.Passes < 1 || len(got.Profiles) != 1) {
			t.Errorf("feed %s, %s profiled: %d passes, profiles %v", tc.feed, tc.strategy, got.Passes, got.Profiles)
		}
	}

	for _, tc := range []struct{ feed, strategy, errorHas string }{
		{"stream", "pipeline", "feed stream: strategy pipeline has no streaming form (have pool, atomic, batch)"},
		{"stream-dtype", "perfile", "feed stream-dtype: strategy perfile has no streaming form (have pool, atomic, batch)"},
		{"stream", "sequential", "strategy sequential has no streaming form"},
		{"trickle", "atomic", `unknown feed "trickle" (have list, walk, stream, walk-dtype, stream-dtype)`},
	} {
		_, err := run(Spec{Corpus: dir, Config: config(tc.strategy), Feed: tc.feed})
		if err == nil || !strings.Contains(err.Error(), tc.errorHas) {
			t.Errorf("feed %s, %s: %v, want an error containing %q", tc.feed, tc.strategy, err, tc.errorHas)
		}
	}
}
