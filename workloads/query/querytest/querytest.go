// Package querytest is the query workload's contract (docs/query.md) as a
// table of cases that every adapter's test runs: documents with the
// records an adapter must extract from them (or the verdict that they are
// bad), and sets of input files with the canonical line they must give.
//
//	func TestContract(t *testing.T) { querytest.Run(t, myAdapter{}) }
package querytest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"benchgrid/workloads/query"
)

// A DocCase is one document under one query: the records an adapter's
// Extractor must add, or that it must find the document bad (rules 1 and
// 2; rule 3 is the tally's, so a wrong type is a mismatch in Want).
type DocCase struct {
	Name  string
	Query string // the query file
	Doc   string
	// Bad is true when Extract must fail (rule 1 or 2).
	Bad bool
	// Want is each record as Format writes it, when Bad is false.
	Want []string
}

// A File is one input: its name (which says its kind) and its bytes.
type File struct {
	Name string
	Data string
}

// A FileCase is a set of inputs under one query and the canonical line
// (without its newline) a Tally of them must give, in any order and any
// split among tallies.
type FileCase struct {
	Name  string
	Query string
	Files []File
	Want  string
}

// Format writes record i of r as the cases' Want does: the values in the
// order of q's fields between braces, each a Go-quoted string, an integer,
// true or false, or absent, null, mismatch.
func Format(q *query.Query, r *query.Records, i int) string {
	var b strings.Builder
	b.WriteByte('{')
	for f := range q.Fields {
		if f > 0 {
			b.WriteByte(' ')
		}
		v := r.Values[i*r.Width+f]
		switch {
		case v.Kind != query.Found:
			b.WriteString(v.Kind.String())
		case q.Fields[f].Type == query.String:
			b.WriteString(strconv.Quote(string(v.Str)))
		case q.Fields[f].Type == query.Bool:
			b.WriteString(strconv.FormatBool(v.Int != 0))
		default:
			b.WriteString(strconv.FormatInt(v.Int, 10))
		}
	}
	b.WriteByte('}')
	return b.String()
}

// Run runs every DocCase and FileCase against a. A query a cannot serve
// (NewExtractor's error wraps query.ErrUnavailable) skips its cases, and
// says so. Each query's cases share one Extractor and run twice, in order
// and in reverse, so that state left by one document shows in another.
func Run(t *testing.T, a query.Adapter) {
	t.Run("documents", func(t *testing.T) { RunDocs(t, a) })
	t.Run("files", func(t *testing.T) { RunFiles(t, a) })
}

// RunDocs runs the DocCases against a.
func RunDocs(t *testing.T, a query.Adapter) {
	cases := DocCases()
	var queries []string
	for _, c := range cases {
		if !slices.Contains(queries, c.Query) {
			queries = append(queries, c.Query)
		}
	}
	for qi, qtext := range queries {
		q, err := query.Parse([]byte(qtext))
		if err != nil {
			t.Fatalf("query %d: %v\n%s", qi, err, qtext)
		}
		ex, err := a.NewExtractor(q)
		if errors.Is(err, query.ErrUnavailable) {
			t.Logf("%s cannot serve query %s: %v", a.Name(), qtext, err)
			continue
		}
		if err != nil {
			t.Fatalf("%s.NewExtractor(%s): %v", a.Name(), qtext, err)
		}
		var mine []DocCase
		for _, c := range cases {
			if c.Query == qtext {
				mine = append(mine, c)
			}
		}
		r := &query.Records{Width: len(q.Fields)}
		for pass, order := range [][]DocCase{mine, reversed(mine)} {
			for _, c := range order {
				r.Reset()
				err := ex.Extract([]byte(c.Doc), r)
				var got []string
				for i := range r.Len() {
					got = append(got, Format(q, r, i))
				}
				switch {
				case c.Bad && err == nil:
					t.Errorf("%s (pass %d): Extract(%.80q) = %v, want an error (bad document)", c.Name, pass, c.Doc, got)
				case !c.Bad && err != nil:
					t.Errorf("%s (pass %d): Extract(%.80q): %v, want %v", c.Name, pass, c.Doc, err, c.Want)
				case !c.Bad && !slices.Equal(got, c.Want):
					t.Errorf("%s (pass %d): Extract(%.80q) =\n\t%v, want\n\t%v", c.Name, pass, c.Doc, got, c.Want)
				}
			}
		}
	}
}

func reversed[T any](s []T) []T {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

// RunFiles runs the FileCases against a: all files in one Tally in
// order, and each file in a Tally of its own, merged in reverse order.
func RunFiles(t *testing.T, a query.Adapter) {
	for _, c := range FileCases() {
		t.Run(c.Name, func(t *testing.T) {
			q, err := query.Parse([]byte(c.Query))
			if err != nil {
				t.Fatalf("query: %v\n%s", err, c.Query)
			}
			newTally := func() *query.Tally {
				ex, err := a.NewExtractor(q)
				if errors.Is(err, query.ErrUnavailable) {
					t.Skipf("%s cannot serve the query: %v", a.Name(), err)
				}
				if err != nil {
					t.Fatalf("NewExtractor: %v", err)
				}
				return query.NewTally(q, ex)
			}
			one := newTally()
			for _, f := range c.Files {
				one.File(f.Name, []byte(f.Data))
			}
			if got := strings.TrimSuffix(string(one.Canonical()), "\n"); got != c.Want {
				t.Errorf("one tally:\ngot  %s\nwant %s", got, c.Want)
			}
			var total query.Tally // the zero Tally takes the query of the first merged
			if len(c.Files) == 0 {
				total.Merge(newTally())
			}
			for _, f := range reversed(c.Files) {
				each := newTally()
				each.File(f.Name, []byte(f.Data))
				total.Merge(each)
			}
			if got := strings.TrimSuffix(string(total.Canonical()), "\n"); got != c.Want {
				t.Errorf("a tally per file, merged in reverse:\ngot  %s\nwant %s", got, c.Want)
			}
		})
	}
}

// Gzip returns the gzip members of parts, one after another.
func Gzip(parts ...string) string {
	var out bytes.Buffer
	for _, p := range parts {
		w := gzip.NewWriter(&out)
		if _, err := w.Write([]byte(p)); err != nil {
			panic(err)
		}
		if err := w.Close(); err != nil {
			panic(err)
		}
	}
	return out.String()
}

// Zstd returns the Zstandard frames of parts, one after another.
func Zstd(parts ...string) string {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		panic(err)
	}
	defer enc.Close()
	var out []byte
	for _, p := range parts {
		out = enc.EncodeAll([]byte(p), out)
	}
	return string(out)
}

// ZstdSkippable returns a skippable frame holding data.
func ZstdSkippable(data string) string {
	b := []byte{0x5A, 0x2A, 0x4D, 0x18}
	n := len(data)
	b = append(b, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	return string(b) + data
}

// deep is a valid document nested n levels.
func deep(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// pad returns s followed by spaces up to n bytes.
func pad(s string, n int) string {
	if len(s) > n {
		panic(fmt.Sprintf("pad: %d bytes already", len(s)))
	}
	return s + strings.Repeat(" ", n-len(s))
}
