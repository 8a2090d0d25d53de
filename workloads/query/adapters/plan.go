// Package adapters holds the query workload's parser adapters: one per
// JSON parser, each pulling a query's fields out of every document the way
// an expert would for a schema known only at run time, and each exact to
// docs/query.md (the Extractor contract of package query).
//
// It sits beside package query in benchgrid's flow: it knows the model
// (query.Query, query.Records) and the parsers, nothing of files,
// strategies or timing.
package adapters

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"benchgrid/workload"
	"benchgrid/workload/strictjson"
	"benchgrid/workloads/query"
)

// This file holds what every adapter shares: the query compiled into a
// trie of path tokens (a plan), the reading of a field's value from a
// valid JSON value's bytes, and the scanner that walks such bytes.

// A node is one place in the trie of a query's paths: the fields whose
// path ends here, and the tokens that go on from here.
type node struct {
	id     int
	fields []int // indices into Query.Fields
	kids   []kid
	// sub lists every field at or below this node: the values to reset
	// when a later member of the same name replaces this one.
	sub []int
	// maxIndex is the largest index token among kids, -1 when none.
	maxIndex int
	// chain marks the nodes on the records pointer (the document's root
	// included), records the one it points to.
	chain, records bool
}

// A kid is a token that goes on from a node: a member name, and the
// array index the same token denotes (or -1).
type kid struct {
	name  string
	index int
	n     *node
}

// kidAt returns the kid whose token is index i, or nil.
func (n *node) kidAt(i int) *node {
	if i > n.maxIndex {
		return nil
	}
	for j := range n.kids {
		if n.kids[j].index == i {
			return n.kids[j].n
		}
	}
	return nil
}

// kidNamed returns the kid named name, or nil.
func (n *node) kidNamed(name []byte) *node {
	for j := range n.kids {
		if n.kids[j].name == string(name) {
			return n.kids[j].n
		}
	}
	return nil
}

// A plan is a query compiled for the adapters.
type plan struct {
	q     *query.Query
	types []query.Type
	// doc is the document's root. With records, a chain of nodes leads
	// from it to the records node; rec is the root of a record's trie
	// (doc itself without records).
	doc, rec *node
	nodes    []*node
}

func newPlan(q *query.Query) *plan {
	p := &plan{q: q}
	p.doc = p.newNode()
	p.rec = p.doc
	if q.HasRecords {
		p.doc.chain = true
		at := p.doc
		for _, tok := range q.Records {
			at = p.child(at, tok)
			at.chain = true
		}
		at.records = true
		p.rec = p.newNode()
	}
	for i, f := range q.Fields {
		p.types = append(p.types, f.Type)
		at := p.rec
		at.sub = append(at.sub, i)
		for _, tok := range f.Path {
			at = p.child(at, tok)
			at.sub = append(at.sub, i)
		}
		at.fields = append(at.fields, i)
	}
	return p
}

func (p *plan) newNode() *node {
	n := &node{id: len(p.nodes), maxIndex: -1}
	p.nodes = append(p.nodes, n)
	return n
}

// child returns at's kid for tok, adding it when new.
func (p *plan) child(at *node, tok query.Token) *node {
	for _, k := range at.kids {
		if k.name == tok.Name {
			return k.n
		}
	}
	n := p.newNode()
	at.kids = append(at.kids, kid{name: tok.Name, index: tok.Index, n: n})
	at.maxIndex = max(at.maxIndex, tok.Index)
	return n
}

// names lists every member name of the query's pointers.
func (p *plan) names() []string {
	var out []string
	for _, n := range p.nodes {
		for _, k := range n.kids {
			out = append(out, k.name)
		}
	}
	return out
}

// reset sets every field at or below n to Absent in row.
func reset(n *node, row []query.Value) {
	if row == nil {
		return
	}
	for _, f := range n.sub {
		row[f] = query.Value{}
	}
}

// errRecords is rule 2.
var errRecords = query.ErrRecordsNotArray

// rawValue reads a field of type t from raw, the bytes of one valid JSON
// value. A string aliases raw when it holds no escape and inDoc says raw
// outlives the call; otherwise it is decoded (or copied) into r's memory.
// names is scratch space for counting an object's distinct member names.
func rawValue(raw []byte, t query.Type, inDoc bool, r *query.Records, names *nameSet) query.Value {
	switch c := raw[0]; {
	case c == 'n':
		return query.Value{Kind: query.Null}
	case t == query.String && c == '"':
		s := raw[1 : len(raw)-1]
		if bytes.IndexByte(s, '\\') >= 0 {
			names.buf, _ = strictjson.AppendUnescaped(names.buf[:0], s)
			return query.Value{Kind: query.Found, Str: r.Keep(names.buf)}
		}
		if !inDoc {
			s = r.Keep(s)
		}
		return query.Value{Kind: query.Found, Str: s}
	case t == query.Int && (c == '-' || '0' <= c && c <= '9'):
		if v, err := strictjson.ParseInt(raw); err == nil {
			return query.Value{Kind: query.Found, Int: v}
		}
	case t == query.Bool && c == 't':
		return query.Value{Kind: query.Found, Int: 1}
	case t == query.Bool && c == 'f':
		return query.Value{Kind: query.Found}
	case t == query.Length && c == '[':
		return query.Value{Kind: query.Found, Int: int64(rawCount(raw))}
	case t == query.Length && c == '{':
		names.reset()
		rawMembers(raw, func(name, _ []byte) bool {
			names.addRaw(name)
			return true
		})
		return query.Value{Kind: query.Found, Int: int64(names.distinct())}
	}
	return query.Value{Kind: query.Mismatch}
}

// A nameSet counts an object's distinct member names (duplicates count
// once: the last one is the member) without allocating for small objects.
type nameSet struct {
	buf   []byte // unescaped names, end to end
	ends  []int
	big   map[string]struct{}
	bytes []byte // scratch for unescaping
}

func (s *nameSet) reset() { s.buf, s.ends = s.buf[:0], s.ends[:0] }

// addRaw adds a name as it stands between its quotes in the source.
func (s *nameSet) addRaw(raw []byte) {
	if bytes.IndexByte(raw, '\\') >= 0 {
		s.bytes, _ = strictjson.AppendUnescaped(s.bytes[:0], raw)
		raw = s.bytes
	}
	s.add(raw)
}

// add adds an unescaped name.
func (s *nameSet) add(name []byte) {
	s.buf = append(s.buf, name...)
	s.ends = append(s.ends, len(s.buf))
}

func (s *nameSet) name(i int) []byte {
	start := 0
	if i > 0 {
		start = s.ends[i-1]
	}
	return s.buf[start:s.ends[i]]
}

// distinct is the number of distinct names added since reset.
func (s *nameSet) distinct() int {
	n := len(s.ends)
	if n <= 16 {
		d := 0
	outer:
		for i := range n {
			for j := i + 1; j < n; j++ {
				if bytes.Equal(s.name(i), s.name(j)) {
					continue outer
				}
			}
			d++
		}
		return d
	}
	if s.big == nil {
		s.big = make(map[string]struct{})
	}
	clear(s.big)
	for i := range n {
		s.big[string(s.name(i))] = struct{}{}
	}
	return len(s.big)
}

// The scanner below walks bytes already known to be one valid JSON value
// (the parser has checked them): it finds where values end, nothing more.

// rawSkip returns the offset just after the value starting at raw[i].
func rawSkip(raw []byte, i int) int {
	switch raw[i] {
	case '"':
		return rawString(raw, i)
	case '{', '[':
		depth := 0
		for {
			switch raw[i] {
			case '"':
				i = rawString(raw, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
	default:
		for i < len(raw) {
			switch raw[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// rawString returns the offset just after the string whose opening quote
// is at raw[i].
func rawString(raw []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(raw[i:], '"')
		i += j
		k := i
		for k > 0 && raw[k-1] == '\\' {
			k--
		}
		if (i-k)%2 == 0 {
			return i + 1
		}
		i++
	}
}

func rawSpace(raw []byte, i int) int {
	for i < len(raw) {
		switch raw[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// rawElems calls f with each element of the array raw, in order, until f
// returns false.
func rawElems(raw []byte, f func(i int, elem []byte) bool) {
	at := rawSpace(raw, 1)
	if raw[at] == ']' {
		return
	}
	for n := 0; ; n++ {
		end := rawSkip(raw, at)
		if !f(n, raw[at:end]) {
			return
		}
		at = rawSpace(raw, end)
		if raw[at] == ']' {
			return
		}
		at = rawSpace(raw, at+1) // past the comma
	}
}

// rawCount is the number of elements of the array raw.
func rawCount(raw []byte) int {
	n := 0
	rawElems(raw, func(int, []byte) bool { n++; return true })
	return n
}

// rawNth returns element i of the array raw, or nil.
func rawNth(raw []byte, i int) []byte {
	var out []byte
	rawElems(raw, func(n int, elem []byte) bool {
		if n == i {
			out = elem
			return false
		}
		return true
	})
	return out
}

// rawMembers calls f with each member of the object raw (its name as it
// stands between the quotes, and its value), until f returns false.
func rawMembers(raw []byte, f func(name, value []byte) bool) {
	at := rawSpace(raw, 1)
	if raw[at] == '}' {
		return
	}
	for {
		end := rawString(raw, at)
		name := raw[at+1 : end-1]
		at = rawSpace(raw, end)
		at = rawSpace(raw, at+1) // past the colon
		end = rawSkip(raw, at)
		if !f(name, raw[at:end]) {
			return
		}
		at = rawSpace(raw, end)
		if raw[at] == '}' {
			return
		}
		at = rawSpace(raw, at+1)
	}
}

// unavailable returns the error for a query a parser cannot serve.
func unavailable(parser, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %w", parser, fmt.Sprintf(format, args...), workload.ErrUnavailable)
}

// fussyName reports whether a member name could be matched wrongly by a
// parser that decodes surrogate escapes in names its own way (fastjson,
// simdjson-go): only names holding a backslash or U+FFFD can be (see
// fastjson.go).
func fussyName(name string) bool {
	return strings.ContainsRune(name, '\\') || strings.ContainsRune(name, utf8.RuneError)
}

// A rawWalker reads fields from raw JSON bytes with this package's
// scanner: for the rare node that is both a field and a container on
// another field's path, in the adapters that stream.
type rawWalker struct {
	types []query.Type
	names nameSet
	slots [][]byte // per node: the last member of its name
	key   []byte
}

func newRawWalker(p *plan) *rawWalker {
	return &rawWalker{types: p.types, slots: make([][]byte, len(p.nodes))}
}

// fill reads the fields at and below n from raw into row; inDoc says
// whether raw lies in the document.
func (w *rawWalker) fill(n *node, raw []byte, inDoc bool, row []query.Value, r *query.Records) {
	for _, f := range n.fields {
		row[f] = rawValue(raw, w.types[f], inDoc, r, &w.names)
	}
	if len(n.kids) == 0 {
		return
	}
	switch raw[0] {
	case '{':
		for _, k := range n.kids {
			w.slots[k.n.id] = nil
		}
		rawMembers(raw, func(name, v []byte) bool {
			if bytes.IndexByte(name, '\\') >= 0 {
				w.key, _ = strictjson.AppendUnescaped(w.key[:0], name)
				name = w.key
			}
			if c := n.kidNamed(name); c != nil {
				w.slots[c.id] = v
			}
			return true
		})
		for _, k := range n.kids {
			if v := w.slots[k.n.id]; v != nil {
				w.fill(k.n, v, inDoc, row, r)
			}
		}
	case '[':
		if n.maxIndex >= 0 {
			rawElems(raw, func(i int, elem []byte) bool {
				if c := n.kidAt(i); c != nil {
					w.fill(c, elem, inDoc, row, r)
				}
				return i < n.maxIndex
			})
		}
	}
}
