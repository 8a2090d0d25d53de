package adapters

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/minio/simdjson-go"

	"benchgrid/workload/leniency"
	"benchgrid/workloads/query"
)

func init() { query.Register(simdjsonAdapter{}) }

// simdjsonAdapter is github.com/minio/simdjson-go, used as its author
// intends: one reused *simdjson.ParsedJson (tape and buffers) per worker,
// strings left in the document (WithCopyStrings(false)) wherever they need
// no unescaping, and the tape walked along the query's paths with Iter
// and Object values. As in the events adapter, a document over 8 KiB is
// parsed by two goroutines (stage 1 and stage 2 overlap): simdjson-go
// v0.4.5 has no option to turn that off, and its one-goroutine path is
// the one it takes below that size.
type simdjsonAdapter struct{}

func (simdjsonAdapter) Name() string { return "simdjson" }

// NewExtractor fails when the CPU lacks what simdjson-go's assembly needs.
func (simdjsonAdapter) NewExtractor(q *query.Query) (query.Extractor, error) {
	if !simdjson.SupportedCPU() {
		return nil, unavailable("simdjson", "the CPU lacks AVX2 or CLMUL")
	}
	p := newPlan(q)
	return &simdjsonExtractor{
		stdFallback: stdFallback{p: p},
		slots:       make([]simdjson.Iter, len(p.nodes)),
		kinds:       make([]simdjson.Type, len(p.nodes)),
		objs:        make([]simdjson.Object, len(p.nodes)),
		arrs:        make([]simdjson.Array, len(p.nodes)+1),
		elems:       make([]simdjson.Iter, len(p.nodes)+1),
	}, nil
}

// simdjsonExtractor is one worker's simdjson-go state.
type simdjsonExtractor struct {
	stdFallback
	pj    *simdjson.ParsedJson
	root  simdjson.Iter
	tmp   simdjson.Iter
	names nameSet
	// slots and kinds hold, per plan node, the last member of its name
	// found in the object being walked (TypeNone when none).
	slots []simdjson.Iter
	kinds []simdjson.Type
	// objs, arrs and elems are each node's scratch for walking its
	// object or array (the last of arrs and elems, the records array's):
	// locals whose address the walk takes would escape, an allocation per
	// value walked.
	objs  []simdjson.Object
	arrs  []simdjson.Array
	elems []simdjson.Iter
}

// errSimdjsonTape is a tape simdjson-go built that the walk cannot read.
var errSimdjsonTape = errors.New("simdjson: unexpected tape")

// Extract parses doc with simdjson-go and reads the query's fields.
//
// simdjson-go checks structure, escapes, control characters in strings
// and literals. Its leniencies, found by the events adapter, each closed
// here:
//   - UTF-8 is not checked: utf8.Valid first;
//   - it trims the input with bytes.TrimSpace, so a \v, \f, U+0085 or
//     U+00A0 before or after the value passes: leniency.SimdjsonEnds;
//   - it takes -01.5, -00.5 or -01e5, and has no nesting limit:
//     leniency.SimdjsonTape walks the tape for depth and for negative floats,
//     which send the document through leniency.CheckTokens;
//   - it takes an invalid \u escape such as `"\u 0000"` (found by the
//     differential fuzz test; the events adapter shares the gap):
//     leniency.EscapesValid, a pass over the document's backslashes;
//   - it decodes unpaired surrogate escapes its own way (`\ud800\u0041`
//     to U+2441), in strings and member names alike: a document holding
//     one (leniency.PairedSurrogates, a pass over its backslashes) is decoded by
//     encoding/json. Every other escape it decodes as encoding/json does,
//     so its strings and names are then exact.
//
// It is also strict where the contract is not: it refuses lone surrogate
// escapes, numbers beyond float64 (1e400) and scalars at the top level. A
// document it refuses that strictjson finds valid is decoded by
// encoding/json, with Fallback saying so.
func (x *simdjsonExtractor) Extract(doc []byte, r *query.Records) error {
	x.reason = ""
	if !utf8.Valid(doc) {
		return query.ErrInvalidUTF8
	}
	if _, _, err := leniency.SimdjsonEnds(doc); err != nil {
		return err
	}
	if err := x.parse(doc); err != nil {
		return x.retry(doc, r, fmt.Errorf("simdjson: %w", err), "simdjson refuses a valid document (a lone surrogate escape, a number beyond float64 or a scalar at the top)")
	}
	if err := leniency.SimdjsonTape(x.pj.Tape, doc); err != nil {
		return err
	}
	if err := leniency.EscapesValid(doc); err != nil {
		return err
	}
	if !leniency.PairedSurrogates(doc) {
		x.reason = "simdjson decodes unpaired surrogate escapes its own way"
		return x.extract(doc, r)
	}
	x.root = x.pj.Iter()
	if x.root.Advance() != simdjson.TypeRoot {
		return errSimdjsonTape
	}
	t, _, err := x.root.Root(&x.root)
	if err != nil {
		return fmt.Errorf("simdjson: %w", err)
	}
	if !x.p.q.HasRecords {
		x.fill(x.p.rec, &x.root, t, r.Add(), r)
		return nil
	}
	it := x.root
	for _, tok := range x.p.q.Records {
		if t = x.child(&it, t, tok); t == simdjson.TypeNone {
			return errRecords
		}
	}
	if t != simdjson.TypeArray {
		return errRecords
	}
	last := len(x.arrs) - 1
	arr := &x.arrs[last]
	if _, err := it.Array(arr); err != nil {
		return fmt.Errorf("simdjson: %w", err)
	}
	elems := &x.elems[last]
	*elems = arr.Iter()
	for {
		t := elems.Advance()
		if t == simdjson.TypeNone {
			return nil
		}
		e := &x.slots[x.p.rec.id]
		*e = *elems
		x.fill(x.p.rec, e, t, r.Add(), r)
	}
}

// simdjsonOptions are made once: a call's own option would be a closure
// allocated per document.
var simdjsonOptions = []simdjson.ParserOption{simdjson.WithCopyStrings(false)}

// parse runs simdjson-go over doc, reusing the extractor's tape.
func (x *simdjsonExtractor) parse(doc []byte) error {
	var saved simdjson.ParsedJson
	if x.pj != nil {
		// A failed Parse leaves the reused ParsedJson detached from its
		// internal buffers, which the next Parse would allocate again.
		saved = *x.pj
	}
	pj, err := simdjson.Parse(doc, x.pj, simdjsonOptions...)
	if err != nil {
		if x.pj != nil {
			*x.pj = saved
		}
		return err
	}
	x.pj = pj
	return nil
}

// child moves it (of type t) to the value tok leads to and returns its
// type, or TypeNone. Of repeated names, the last one counts.
func (x *simdjsonExtractor) child(it *simdjson.Iter, t simdjson.Type, tok query.Token) simdjson.Type {
	switch t {
	case simdjson.TypeObject:
		var obj simdjson.Object
		if _, err := it.Object(&obj); err != nil {
			return simdjson.TypeNone
		}
		found := simdjson.TypeNone
		for {
			name, tt, err := obj.NextElementBytes(&x.tmp)
			if err != nil || tt == simdjson.TypeNone {
				break
			}
			if string(name) == tok.Name {
				*it, found = x.tmp, tt
			}
		}
		return found
	case simdjson.TypeArray:
		if tok.Index < 0 {
			return simdjson.TypeNone
		}
		var arr simdjson.Array
		if _, err := it.Array(&arr); err != nil {
			return simdjson.TypeNone
		}
		elems := arr.Iter()
		for i := 0; ; i++ {
			tt := elems.Advance()
			if tt == simdjson.TypeNone {
				return tt
			}
			if i == tok.Index {
				*it = elems
				return tt
			}
		}
	}
	return simdjson.TypeNone
}

// fill reads the fields at and below n from it (of type t) into row.
func (x *simdjsonExtractor) fill(n *node, it *simdjson.Iter, t simdjson.Type, row []query.Value, r *query.Records) {
	for _, f := range n.fields {
		row[f] = x.value(it, t, x.p.types[f])
	}
	if len(n.kids) == 0 {
		return
	}
	switch t {
	case simdjson.TypeObject:
		obj := &x.objs[n.id]
		if _, err := it.Object(obj); err != nil {
			return
		}
		for _, k := range n.kids {
			x.kinds[k.n.id] = simdjson.TypeNone
		}
		for {
			name, tt, err := obj.NextElementBytes(&x.tmp)
			if err != nil || tt == simdjson.TypeNone {
				break
			}
			if c := n.kidNamed(name); c != nil {
				x.slots[c.id], x.kinds[c.id] = x.tmp, tt
			}
		}
		for _, k := range n.kids {
			if tt := x.kinds[k.n.id]; tt != simdjson.TypeNone {
				x.fill(k.n, &x.slots[k.n.id], tt, row, r)
			}
		}
	case simdjson.TypeArray:
		if n.maxIndex < 0 {
			return
		}
		arr := &x.arrs[n.id]
		if _, err := it.Array(arr); err != nil {
			return
		}
		elems := &x.elems[n.id]
		*elems = arr.Iter()
		for i := 0; i <= n.maxIndex; i++ {
			tt := elems.Advance()
			if tt == simdjson.TypeNone {
				return
			}
			if c := n.kidAt(i); c != nil {
				x.slots[c.id] = *elems
				x.fill(c, &x.slots[c.id], tt, row, r)
			}
		}
	}
}

// value reads the value at it (of type t) as a field of type ft. The tape
// tags as TypeInt exactly the literals without fraction or exponent that
// fit int64 (-0 included); other numbers are TypeUint or TypeFloat.
func (x *simdjsonExtractor) value(it *simdjson.Iter, t simdjson.Type, ft query.Type) query.Value {
	switch {
	case t == simdjson.TypeNull:
		return query.Value{Kind: query.Null}
	case t == simdjson.TypeString && ft == query.String:
		// In the document when it has no escape, else in the tape's
		// string buffer: valid until the next parse either way.
		if s, err := it.StringBytes(); err == nil {
			if s == nil {
				s = []byte{}
			}
			return query.Value{Kind: query.Found, Str: s}
		}
	case t == simdjson.TypeInt && ft == query.Int:
		if v, err := it.Int(); err == nil {
			return query.Value{Kind: query.Found, Int: v}
		}
	case t == simdjson.TypeBool && ft == query.Bool:
		if v, err := it.Bool(); err == nil && v {
			return query.Value{Kind: query.Found, Int: 1}
		}
		return query.Value{Kind: query.Found}
	case t == simdjson.TypeArray && ft == query.Length:
		var arr simdjson.Array
		if _, err := it.Array(&arr); err == nil {
			elems := arr.Iter()
			n := 0
			for elems.Advance() != simdjson.TypeNone {
				n++
			}
			return query.Value{Kind: query.Found, Int: int64(n)}
		}
	case t == simdjson.TypeObject && ft == query.Length:
		var obj simdjson.Object
		if _, err := it.Object(&obj); err == nil {
			x.names.reset()
			for {
				name, tt, err := obj.NextElementBytes(&x.tmp)
				if err != nil || tt == simdjson.TypeNone {
					break
				}
				x.names.add(name)
			}
			return query.Value{Kind: query.Found, Int: int64(x.names.distinct())}
		}
	}
	return query.Value{Kind: query.Mismatch}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
