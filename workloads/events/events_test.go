package events

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func batchOf(events ...Event) *Batch {
	b := &Batch{}
	for _, e := range events {
		b.Add(e)
	}
	return b
}

func ev(typ, repo, created string, actor, size int64) Event {
	return Event{Type: []byte(typ), Repo: []byte(repo), CreatedAt: []byte(created), ActorID: actor, PushSize: size}
}

// TestCanonical pins the canonical bytes, including every escaping rule,
// the by_type order and top_repos ties, in a golden file.
func TestCanonical(t *testing.T) {
	var a, b Tally
	a.AddGood(100, batchOf(
		ev("PushEvent", "z/z", "2026-03-01T00:00:00Z", 1, 3),
		ev("PushEvent", "a/b", "2026-03-02T00:00:00Z", 2, 2),
		ev("ForkEvent", "a/b", "2026-01-01T00:00:00Z", 1, 0),
	))
	a.AddBad("x.json", 10, os.ErrInvalid, nil)
	b.AddGood(50, batchOf(
		ev("Tricky \"quote\" \\ / <>&\u2028\u2029\x7f\x00\x1f\b\f\n\r\t é😀", "c/d", "", -5, 0),
		ev("", "", "2026-03-02T00:00:00Z", 0, 0),
	))
	for i := range 12 {
		b.AddGood(1, batchOf(ev("WatchEvent", "r/"+strconv.Itoa(i%11), "", 9, 0)))
	}
	a.Merge(&b)
	got := a.Result().Canonical()
	golden := filepath.Join("testdata", "canonical.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Canonical() =\n%s\nwant\n%s", got, want)
	}
}

// TestMergeOrder checks that the result does not depend on how files were
// split between workers or merged.
func TestMergeOrder(t *testing.T) {
	batches := []*Batch{
		batchOf(ev("A", "r1", "3", 1, 0), ev("B", "r2", "1", 2, 0)),
		batchOf(ev("PushEvent", "r1", "2", 1, 4)),
		batchOf(ev("A", "r3", "9", 3, 0)),
	}
	var one Tally
	for _, b := range batches {
		one.AddGood(10, b)
	}
	var x, y, z, merged Tally
	x.AddGood(10, batches[2])
	y.AddGood(10, batches[0])
	z.AddGood(10, batches[1])
	merged.Merge(&z)
	merged.Merge(&x)
	merged.Merge(&y)
	if a, b := one.Result().Canonical(), merged.Result().Canonical(); !bytes.Equal(a, b) {
		t.Errorf("merged result = %s, want %s", b, a)
	}
}

func TestEmptyResult(t *testing.T) {
	var tally Tally
	got := string(tally.Result().Canonical())
	want := `{"files":0,"bad_files":0,"bytes":0,"events":0,"push_commits":0,"distinct_actors":0,"max_created_at":"","by_type":{},"top_repos":[]}` + "\n"
	if got != want {
		t.Errorf("empty Canonical() = %s, want %s", got, want)
	}
}
