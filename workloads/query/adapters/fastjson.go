package adapters

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"benchgrid/workload/leniency"
	"benchgrid/workloads/query"
)

func init() { query.Register(fastjsonAdapter{}) }

// fastjsonAdapter is github.com/valyala/fastjson, used as its author
// intends: one reused fastjson.Parser per worker, whose values alias the
// parser's own copy of the document, walked along the query's paths.
type fastjsonAdapter struct{}

func (fastjsonAdapter) Name() string { return "fastjson" }

// NewExtractor refuses a query with a member name holding a backslash or
// U+FFFD: fastjson decodes surrogate escapes in member names its own way
// (`"\ud800"` stays six characters; `\ud800\u0041` loses the A), so such a
// name could match a member encoding/json reads otherwise. Every other
// name matches exactly: a member name with a surrogate escape that
// fastjson decodes wrongly reads, either way, as a string with a backslash
// or U+FFFD, which is no such name.
func (fastjsonAdapter) NewExtractor(q *query.Query) (query.Extractor, error) {
	p := newPlan(q)
	for _, name := range p.names() {
		if fussyName(name) {
			return nil, unavailable("fastjson", "member name %q holds a backslash or U+FFFD, which fastjson's decoding of surrogate escapes in names cannot match exactly", name)
		}
	}
	x := &fastjsonExtractor{stdFallback: stdFallback{p: p}, slots: make([]*fastjson.Value, len(p.nodes))}
	for _, f := range q.Fields {
		x.countsNames = x.countsNames || f.Type == query.Length
	}
	return x, nil
}

// fastjsonExtractor is one worker's fastjson state.
type fastjsonExtractor struct {
	stdFallback
	parser fastjson.Parser
	raw    []byte // a scalar's source text (Value.MarshalTo), reused
	names  nameSet
	// slots holds, per plan node, the last member of its name found in
	// the object being walked: repeated names, the last one counts.
	slots []*fastjson.Value
	// countsNames says that the query has a length field: an object's
	// length counts its distinct member names, which fastjson decodes.
	countsNames bool
}

// Extract parses doc with fastjson and reads the query's fields.
//
// fastjson checks a document's structure (brackets, commas, colons,
// quotes, what follows the value, whitespace exactly space, tab, LF and
// CR) and is lenient about the rest, as the events adapter found:
//   - UTF-8 is not checked: utf8.Valid first;
//   - numbers are any run of [0-9.eE+-] (01, 1., +1), and NaN and Inf;
//     strings and names may hold raw control characters and invalid
//     escapes: checkTokens after the parse, which checks exactly the
//     strings and scalar tokens around the structure fastjson checked;
//   - surrogate escapes decode its own way: strings are read from their
//     source text (MarshalTo) with strictjson.AppendUnescaped, names on a
//     path are safe by NewExtractor's check, and names that an object's
//     length counts (a lone \ud800 kept as six characters, \ud800\u0041
//     read as one U+FFFD) are exact only when every surrogate escape is
//     paired: a document with an unpaired one, under a query with a
//     length field, is decoded by encoding/json, with Fallback saying so;
//   - Object.Get takes the first of repeated names: objects are walked
//     with Visit, keeping the last.
//
// fastjson refuses documents nested deeper than 300 levels, which are
// valid up to 10,000: a document it refuses that strictjson finds valid
// is decoded by encoding/json, with Fallback saying so.
func (x *fastjsonExtractor) Extract(doc []byte, r *query.Records) error {
	x.reason = ""
	if !utf8.Valid(doc) {
		return query.ErrInvalidUTF8
	}
	root, err := x.parser.ParseBytes(doc)
	if err != nil {
		return x.retry(doc, r, fmt.Errorf("fastjson: %w", err), "fastjson refuses a valid document (nesting deeper than 300)")
	}
	if err := leniency.CheckTokens(doc); err != nil {
		return err
	}
	if x.countsNames && !leniency.PairedSurrogates(doc) {
		x.reason = "fastjson decodes unpaired surrogate escapes in member names its own way"
		return x.extract(doc, r)
	}
	if !x.p.q.HasRecords {
		x.fill(x.p.rec, root, r.Add(), r)
		return nil
	}
	v := root
	for _, tok := range x.p.q.Records {
		if v = x.child(v, tok); v == nil {
			return errRecords
		}
	}
	list := v.GetArray()
	if list == nil {
		// GetArray is nil for an empty array too; the source text tells.
		if x.raw = v.MarshalTo(x.raw[:0]); x.raw[0] != '[' {
			return errRecords
		}
	}
	for _, e := range list {
		x.fill(x.p.rec, e, r.Add(), r)
	}
	return nil
}

// child returns the value tok leads to from v, or nil.
func (x *fastjsonExtractor) child(v *fastjson.Value, tok query.Token) *fastjson.Value {
	if o := v.GetObject(); o != nil {
		var last *fastjson.Value
		o.Visit(func(key []byte, v *fastjson.Value) {
			if string(key) == tok.Name {
				last = v
			}
		})
		return last
	}
	if a := v.GetArray(); tok.Index >= 0 && tok.Index < len(a) {
		return a[tok.Index]
	}
	return nil
}

// fill reads the fields at and below n from v into row.
func (x *fastjsonExtractor) fill(n *node, v *fastjson.Value, row []query.Value, r *query.Records) {
	for _, f := range n.fields {
		row[f] = x.value(v, x.p.types[f], r)
	}
	if len(n.kids) == 0 {
		return
	}
	if o := v.GetObject(); o != nil {
		for _, k := range n.kids {
			x.slots[k.n.id] = nil
		}
		o.Visit(func(key []byte, v *fastjson.Value) {
			if c := n.kidNamed(key); c != nil {
				x.slots[c.id] = v
			}
		})
		for _, k := range n.kids {
			if v := x.slots[k.n.id]; v != nil {
				x.fill(k.n, v, row, r)
			}
		}
		return
	}
	if a := v.GetArray(); a != nil {
		for _, k := range n.kids {
			if k.index >= 0 && k.index < len(a) {
				x.fill(k.n, a[k.index], row, r)
			}
		}
	}
}

// value reads v as a field of type t. Type is never called on a string
// (it unescapes in place, fastjson's way): containers are told by
// GetObject and GetArray, scalars by their source text.
func (x *fastjsonExtractor) value(v *fastjson.Value, t query.Type, r *query.Records) query.Value {
	if o := v.GetObject(); o != nil {
		if t != query.Length {
			return query.Value{Kind: query.Mismatch}
		}
		x.names.reset()
		o.Visit(func(key []byte, _ *fastjson.Value) { x.names.add(key) })
		return query.Value{Kind: query.Found, Int: int64(x.names.distinct())}
	}
	if a := v.GetArray(); a != nil {
		if t != query.Length {
			return query.Value{Kind: query.Mismatch}
		}
		return query.Value{Kind: query.Found, Int: int64(len(a))}
	}
	x.raw = v.MarshalTo(x.raw[:0])
	if t == query.String && x.raw[0] == '"' && bytes.IndexByte(x.raw, '\\') < 0 {
		// Nothing to unescape: fastjson's own bytes, valid until the
		// next parse, are the string.
		s, _ := v.StringBytes()
		return query.Value{Kind: query.Found, Str: s}
	}
	return rawValue(x.raw, t, false, r, &x.names)
}
