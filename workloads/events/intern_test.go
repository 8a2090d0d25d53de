package events

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestInternTally checks that InternTally counts exactly what the maps
// count, on batches chosen to stress its tables: the empty name, actor 0
// and the extreme ids, more types than its linear list holds, many
// repositories (several arena chunks, a growing actor set), names reused
// from an input buffer that is overwritten after each batch, and merges of
// interned and plain tallies in either order.
func TestInternTally(t *testing.T) {
	type feed func(add func(size int64, b *Batch))
	buf := make([]byte, 0, 64)
	// reused returns an Event whose strings live in buf, which the next
	// call overwrites, as a parser's input buffer is reused.
	reused := func(typ, repo string, actor int64) Event {
		buf = append(buf[:0], typ...)
		buf = append(buf, repo...)
		return Event{Type: buf[:len(typ)], Repo: buf[len(typ):], CreatedAt: []byte("2026"), ActorID: actor}
	}
	tests := []struct {
		name string
		feed feed
	}{
		{"empty", func(func(int64, *Batch)) {}},
		{"edge values", func(add func(int64, *Batch)) {
			add(10, batchOf(ev("", "", "", 0, 0), ev("PushEvent", "", "b", math.MinInt64, 3), ev("", "a/b", "a", math.MaxInt64, 0)))
			add(0, batchOf())
			add(5, batchOf(ev("", "", "", 0, 0), ev("é😀\x00", "\x00", "\xff", -1, 0)))
		}},
		{"many types", func(add func(int64, *Batch)) {
			for i := range 100 {
				add(1, batchOf(ev(fmt.Sprintf("Type%d", i%70), "r", "", int64(i), 0), ev("Type1", "r", "", 1, 0)))
			}
		}},
		{"many repos", func(add func(int64, *Batch)) {
			for i := range 30000 {
				add(int64(i), batchOf(ev("PushEvent", fmt.Sprintf("org%d/%s", i%7919, bytes.Repeat([]byte("x"), i%50)), fmt.Sprint(i%977), int64(i*7919), 1)))
			}
		}},
		{"repeated repos", func(add func(int64, *Batch)) {
			// 5,000 names met 4 times each, spread over the table's growth.
			for i := range 20000 {
				add(1, batchOf(ev("PushEvent", fmt.Sprintf("o/r%d", (i*7919)%5000), "x", int64(i), 1)))
			}
		}},
		{"reused input", func(add func(int64, *Batch)) {
			for i := range 500 {
				add(1, batchOf(reused(fmt.Sprint("T", i%5), fmt.Sprint("o/", i%37), int64(i%101))))
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var plain, interned Tally
			interned.InternTally()
			halves := [2]Tally{}
			halves[1].InternTally()
			// Both interned, merged table into table (Outcome's case).
			internedHalves := [2]Tally{}
			internedHalves[0].InternTally()
			internedHalves[1].InternTally()
			n := 0
			tc.feed(func(size int64, b *Batch) {
				plain.AddGood(size, b)
				interned.AddGood(size, b)
				halves[n%2].AddGood(size, b)
				internedHalves[n%2].AddGood(size, b)
				n++
			})
			wantHalf := internedHalves[0].Result().Canonical()
			checkRepos(t, "InternTally", &interned, plain.Repos)
			want := plain.Result().Canonical()
			if got := interned.Result().Canonical(); !bytes.Equal(got, want) {
				t.Errorf("InternTally's result = %s, want %s", got, want)
			}
			// Counting on after a Result (which folds the tables) still adds up.
			var merged, merged2 Tally
			merged.Merge(&halves[0])
			merged.Merge(&halves[1])
			merged2.InternTally()
			merged2.Merge(&halves[1])
			merged2.Merge(&halves[0])
			var merged3 Tally
			merged3.Merge(&internedHalves[0])
			merged3.Merge(&internedHalves[1])
			checkRepos(t, "merged interned halves", &merged3, plain.Repos)
			if got := internedHalves[0].Result().Canonical(); !bytes.Equal(got, wantHalf) {
				t.Errorf("a merged tally's own result changed: %s, want %s", got, wantHalf)
			}
			for _, m := range []*Tally{&merged, &merged2, &merged3} {
				if got := m.Result().Canonical(); !bytes.Equal(got, want) {
					t.Errorf("merged halves = %s, want %s", got, want)
				}
			}
			late := batchOf(ev("Late", "late/repo", "9999", 42, 0))
			interned.AddGood(1, late)
			plain.AddGood(1, late)
			// A tally merged from, counting on, changes neither what it
			// was merged into nor its own sum.
			internedHalves[0].AddGood(1, late)
			if got := merged3.Result().Canonical(); !bytes.Equal(got, want) {
				t.Errorf("merged halves after one counted on = %s, want %s", got, want)
			}
			merged3.AddGood(1, late)
			var again Tally
			again.Merge(&internedHalves[0])
			again.Merge(&internedHalves[1])
			for name, m := range map[string]*Tally{"InternTally's": &interned, "the merged tally's": &merged3, "a merged-from tally's": &again} {
				if got, want := m.Result().Canonical(), plain.Result().Canonical(); !bytes.Equal(got, want) {
					t.Errorf("after a Result, %s result = %s, want %s", name, got, want)
				}
			}
		})
	}
}

// checkRepos checks that the interned tally tl holds each repository of
// want once, with its count, and no other.
func checkRepos(t *testing.T, what string, tl *Tally, want map[string]int64) {
	t.Helper()
	got := map[string]int64{}
	for name, n := range tl.fast.repos.all() {
		if _, dup := got[name]; dup {
			t.Errorf("%s counts repository %q twice", what, name)
		}
		got[name] = n
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s counts %d repositories, want %d (or other counts)", what, len(got), len(want))
	}
}

// BenchmarkTally measures AddGood with each table kind on batches shaped
// like the tiny corpus's: one or two events, names from a few thousand
// repositories.
func BenchmarkTally(b *testing.B) {
	var batches []*Batch
	types := []string{"PushEvent", "CreateEvent", "WatchEvent", "IssuesEvent", "ForkEvent"}
	for i := range 4096 {
		batches = append(batches, batchOf(ev(types[i%len(types)], fmt.Sprintf("org%d/repo-%d", i*31%997, i%4000), "2026-01-01T00:00:00Z", int64(i*7919%20000), 1)))
	}
	for _, mode := range TallyModes {
		b.Run("tally="+mode, func(b *testing.B) {
			var t Tally
			if mode == TallyIntern {
				t.InternTally()
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				t.AddGood(100, batches[i%len(batches)])
				i++
			}
		})
	}
}

// TestTopRepos checks Result's top ten against a sort of every
// repository, with many ties, fewer repositories than ten, and none.
func TestTopRepos(t *testing.T) {
	for _, tc := range []struct{ repos, maxCount int }{{0, 1}, {3, 2}, {10, 1}, {11, 1}, {500, 3}, {5000, 40}} {
		var tl Tally
		tl.init()
		var all []RepoCount
		for i := range tc.repos {
			name := fmt.Sprintf("r%d", (i*7919)%100003)
			n := int64(1 + (i*31)%tc.maxCount)
			tl.Repos[name] = n
			all = append(all, RepoCount{name, n})
		}
		sort.Slice(all, func(i, j int) bool { return ranksBefore(all[i], all[j]) })
		if len(all) > TopRepoCount {
			all = all[:TopRepoCount]
		}
		if got := tl.Result().TopRepos; !slices.Equal(got, all) {
			t.Errorf("TopRepos of %d repositories = %v, want %v", tc.repos, got, all)
		}
	}
}

// BenchmarkTallyPass measures a whole pass's counting as on the tiny
// corpus: 266,000 events of 20,000 repositories in random order, counted
// by two tallies (two workers), merged and turned into a Result. It
// reports the time per event.
func BenchmarkTallyPass(b *testing.B) {
	const events, repos = 266000, 20000
	types := []string{"PushEvent", "CreateEvent", "WatchEvent", "IssuesEvent", "ForkEvent", "PullRequestEvent"}
	rng := rand.New(rand.NewPCG(1, 2))
	batches := make([]*Batch, 0, events/2)
	for i := 0; i < events; i += 2 {
		var evs []Event
		for range 2 {
			r := rng.IntN(repos)
			evs = append(evs, ev(types[rng.IntN(len(types))], fmt.Sprintf("org%d/web-%d", r%9973, r), "2026-01-01T00:00:00Z", int64(rng.IntN(20000)), 1))
		}
		batches = append(batches, batchOf(evs...))
	}
	for _, mode := range TallyModes {
		b.Run("tally="+mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var w [2]Tally
				for i := range w {
					if mode == TallyIntern {
						w[i].InternTally()
					}
				}
				for i, bt := range batches {
					w[i%2].AddGood(100, bt)
				}
				var t Tally
				t.Merge(&w[0])
				t.Merge(&w[1])
				if r := t.Result(); r.Events != events {
					b.Fatalf("counted %d events, want %d", r.Events, events)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/events, "ns/event")
		})
	}
}
