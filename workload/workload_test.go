package workload

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func TestParseInt(t *testing.T) {
	tests := []struct {
		lit  string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"7", 7, true},
		{"-42", -42, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false},
		{"99999999999999999999999", 0, false},
		{"01", 0, false},
		{"-01", 0, false},
		{"1.0", 0, false},
		{"1e3", 0, false},
		{"1E3", 0, false},
		{`"3"`, 0, false},
		{"-", 0, false},
		{"", 0, false},
		{"+1", 0, false},
		{"null", 0, false},
		{"true", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseInt([]byte(tc.lit))
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseInt(%q) = %d, %v, want %d, ok=%v", tc.lit, got, err, tc.want, tc.ok)
		}
	}
}

// FuzzParseInt checks ParseInt against strconv on literals that are
// integers by the JSON grammar.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-0", "12", "-9223372036854775808", "1.0", "01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, lit string) {
		got, err := ParseInt([]byte(lit))
		isJSONInt := json.Valid([]byte(lit)) && lit != "" && !bytes.ContainsAny([]byte(lit), ".eE\"tfn[{ \t\r\n")
		want, werr := strconv.ParseInt(lit, 10, 64)
		ok := isJSONInt && werr == nil
		if (err == nil) != ok || err == nil && got != want {
			t.Fatalf("ParseInt(%q) = %d, %v; strconv = %d, %v; JSON integer: %v", lit, got, err, want, werr, isJSONInt)
		}
	})
}

// FuzzAppendUnescaped checks that strings decode exactly as encoding/json
// decodes them.
func FuzzAppendUnescaped(f *testing.F) {
	for _, s := range []string{`a\"b`, `\ud83d\ude80`, `\ud800`, `\udc00\ud800x`, `\ud800\u0041`, `\u00e9\n\t\/`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		quoted := []byte(`"` + raw + `"`)
		if !json.Valid(quoted) || !utf8.ValidString(raw) {
			return
		}
		var want string
		if err := json.Unmarshal(quoted, &want); err != nil {
			t.Fatal(err)
		}
		got, err := AppendUnescaped(nil, []byte(raw))
		if err != nil || string(got) != want {
			t.Fatalf("AppendUnescaped(%q) = %q, %v, want %q", raw, got, err, want)
		}
	})
}

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
