package matrix

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"benchgrid/record"
)

// TestFeedAxis: feed, added through the axis table, names its cells
// feed=walk and feed=stream after the I/O axes, leaves list (given or
// not) out of the name so that existing names stay as they were, does
// not fold for any strategy (a stream cell of a strategy without a
// streaming form is the harness's to report, never dropped here), and is
// recorded, kept in a one-cell matrix and read from a config file.
func TestFeedAxis(t *testing.T) {
	base := Matrix{Parsers: []string{"std"}, Strategies: []string{"atomic", "pipeline"}, Workers: []int{2}}
	tests := []struct {
		feed     []string
		want     []string
		errorHas string
	}{
		{feed: nil, want: []string{
			"parser=std/strategy=atomic/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default",
			"parser=std/strategy=pipeline/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default",
		}},
		{feed: []string{"list"}, want: []string{
			"parser=std/strategy=atomic/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default",
			"parser=std/strategy=pipeline/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default",
		}},
		{feed: []string{"list", "walk", "stream"}, want: []string{
			"parser=std/strategy=atomic/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default",
			"parser=std/strategy=pipeline/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default",
			"parser=std/strategy=atomic/workers=2/read=readfile/feed=walk/gogc=100/gomemlimit=off/build=default",
			"parser=std/strategy=pipeline/workers=2/read=readfile/feed=walk/gogc=100/gomemlimit=off/build=default",
			"parser=std/strategy=atomic/workers=2/read=readfile/feed=stream/gogc=100/gomemlimit=off/build=default",
			"parser=std/strategy=pipeline/workers=2/read=readfile/feed=stream/gogc=100/gomemlimit=off/build=default",
		}},
		{feed: []string{"trickle"}, errorHas: `feed: unknown feed "trickle" (have list, walk, stream, walk-dtype, stream-dtype)`},
	}
	for _, tc := range tests {
		m := base
		m.Feed = tc.feed
		if tc.errorHas != "" {
			if _, err := m.Cells(); err == nil || !strings.Contains(err.Error(), tc.errorHas) {
				t.Errorf("Cells(feed %q) = %v, want an error containing %q", tc.feed, err, tc.errorHas)
			}
			continue
		}
		if names := cellNames(t, m); !slices.Equal(names, tc.want) {
			t.Errorf("Cells(feed %q) =\n%s\nwant\n%s", tc.feed, strings.Join(names, "\n"), strings.Join(tc.want, "\n"))
		}
	}

	stream := Cell{Parser: "std", Strategy: "atomic", Feed: "stream"}
	if v, ok := record.Value(stream.RecordAxes(), "feed"); !ok || v != "stream" {
		t.Errorf("RecordAxes of a stream cell = %v, want feed=stream", stream.RecordAxes())
	}
	if slices.ContainsFunc((Cell{Parser: "std"}).RecordAxes(), func(a record.AxisValue) bool { return a.Key == "feed" }) {
		t.Errorf("a list cell records feed")
	}
	if one := OneCell(stream); !slices.Equal(one.Feed, []string{"stream"}) {
		t.Errorf("OneCell(stream).Feed = %q, want [stream]", one.Feed)
	}
	if env := stream.Env(); len(env) != 0 {
		t.Errorf("Env of a stream cell = %q: the feed travels in the child's spec", env)
	}
	var c Cell
	if err := c.Set("feed", "list"); err != nil || c.Feed != "" {
		t.Errorf("Set(feed, list) = %v, Feed %q; want the default, unset", err, c.Feed)
	}

	path := filepath.Join(t.TempDir(), "m.json")
	if err := os.WriteFile(path, []byte(`{"parsers": ["std"], "strategies": ["atomic"], "feed": ["walk", "stream"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ReadMatrix(path)
	if err != nil || !slices.Equal(m.Feed, []string{"walk", "stream"}) {
		t.Errorf("ReadMatrix(feed walk, stream) = %q, %v", m.Feed, err)
	}
	if err := os.WriteFile(path, []byte(`{"feed": ["drip"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadMatrix(path); err == nil || !strings.Contains(err.Error(), `feed: unknown feed "drip"`) {
		t.Errorf("ReadMatrix(feed drip) = %v, want an error naming the feed", err)
	}
}
