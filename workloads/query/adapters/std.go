// Package adapters holds one adapter per JSON parser for the query
// workload (docs/query.md), each registered with package query under a
// short name: std, sonic, fastjson, simdjson, goccy and jsonv2 (the
// read-only floor, none, is package query's own). Every adapter meets the
// contract exactly; where a parser is lenient its adapter adds exactly
// the checks needed and says so in a comment, and a parser that cannot
// serve a query fails wrapping query.ErrUnavailable, never falling back
// silently.
package adapters

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"benchgrid/workload/strictjson"
	"benchgrid/workloads/query"
)

func init() { query.Register(stdAdapter{}) }

// stdAdapter is encoding/json, the reference: the way an expert uses it
// for a schema known only at run time. At start-up it builds, with
// reflect.StructOf, one struct type per object on the query's paths,
// with a field per member name the paths take there; documents are
// unmarshalled into reused values of those types.
//
// encoding/json validates a whole input (RFC 8259, nesting up to 10,000
// levels) before it decodes any of it, and reads a lone surrogate escape
// as U+FFFD, as the contract does. Its leniencies, and what closes each:
//
//   - It replaces invalid UTF-8 with U+FFFD instead of failing: every
//     document is checked with utf8.Valid first (rule 1).
//   - It matches member names case-insensitively (with Unicode folding:
//     "ſ" matches "s"). Before the fields of each struct come decoys, one
//     per member name, tagged with another spelling of it that folds the
//     same: encoding/json prefers an exact match and otherwise takes the
//     first field whose folded name matches, so every inexact spelling
//     lands in a decoy, which keeps nothing. A name that cannot be a tag
//     (an empty name, a quote, a comma, an emoji, …), or whose folded
//     spellings none can be, makes its object decode into a map instead,
//     whose keys are exact.
//   - Decoding a repeated member into a struct merges the two values,
//     where the contract takes the last one whole. So no struct nests
//     another: every field is a capture, which keeps the bytes of the
//     member's (last) value, and an object or array on a path is decoded
//     from its captured bytes on its own, after its parent.
//   - It would take 1.0 or 1e3 into an int64 field only to fail, "3" with
//     a string option, and a number into a string field never: every
//     field is a capture and its type is decided from the bytes (an
//     integer by strictjson.ParseInt).
type stdAdapter struct{}

func (stdAdapter) Name() string { return "std" }

func (stdAdapter) NewExtractor(q *query.Query) (query.Extractor, error) {
	e := &stdExtractor{q: q, root: newStdNode()}
	for i, f := range q.Fields {
		n := e.root
		for _, tok := range f.Path {
			n = n.child(tok)
		}
		n.leaves = append(n.leaves, i)
	}
	if q.HasRecords {
		e.chain = newStdNode()
		n := e.chain
		for _, tok := range q.Records {
			n = n.child(tok)
		}
	}
	if err := e.root.build(); err != nil {
		return nil, err
	}
	if e.chain != nil {
		if err := e.chain.build(); err != nil {
			return nil, err
		}
	}
	// The records are decoded as one slice of the record's struct when
	// a record's fields are all members of it; otherwise as captures,
	// each record then decoded on its own.
	if r := e.root; len(r.leaves) == 0 && r.indexes == 0 && len(r.children) > 0 && r.typ != nil {
		e.records = reflect.New(reflect.SliceOf(r.typ))
	}
	return e, nil
}

// stdExtractor is one worker's reused decoding state.
type stdExtractor struct {
	q     *query.Query
	root  *stdNode // the record's paths
	chain *stdNode // the records pointer's path, when the query has one
	// records, when set, points to a reused []T of the root's struct.
	records reflect.Value
	elems   []stdCapture // the records as captures otherwise
	arena   []byte       // unescaped strings of the current document
	skips   []stdSkip    // for counting an array's elements
	names   map[string]stdSkip
}

// A stdCapture keeps the bytes of a member's value, unparsed. The bytes
// alias the input of json.Unmarshal (its decodeState hands an Unmarshaler
// a subslice of its input), so they live as long as the document. For a
// member given more than once, the last value is kept. null is captured
// too: encoding/json calls UnmarshalJSON with it.
type stdCapture struct{ raw []byte }

func (c *stdCapture) UnmarshalJSON(raw []byte) error {
	c.raw = raw
	return nil
}

// stdSkip takes any value and keeps nothing: decoys, and the elements or
// members being counted.
type stdSkip struct{}

func (*stdSkip) UnmarshalJSON([]byte) error { return nil }

var (
	captureType = reflect.TypeFor[stdCapture]()
	skipType    = reflect.TypeFor[stdSkip]()
)

// A stdNode is a value on the query's paths: the fields whose path ends
// there, and the tokens applied to it.
type stdNode struct {
	leaves   []int // indices of the fields whose path ends here
	children []stdChild
	indexes  int // children whose token can index an array

	// An object is decoded into a reused struct of type typ at ptr, or,
	// when a name cannot be a tag, into the map m.
	typ  reflect.Type
	ptr  reflect.Value
	base unsafe.Pointer
	m    map[string]stdCapture
	// An array is decoded into elems.
	elems []stdCapture
	// open is what the value was when last decoded: '{', '[' or 0.
	open byte
}

type stdChild struct {
	tok  query.Token
	node *stdNode
	off  uintptr // the capture's offset in the struct
}

func newStdNode() *stdNode { return &stdNode{} }

func (n *stdNode) child(tok query.Token) *stdNode {
	for _, c := range n.children {
		if c.tok.Name == tok.Name {
			return c.node
		}
	}
	c := stdChild{tok: tok, node: newStdNode()}
	if tok.Index >= 0 {
		n.indexes++
	}
	n.children = append(n.children, c)
	return c.node
}

// build makes the struct types of n and the nodes below it.
func (n *stdNode) build() error {
	for _, c := range n.children {
		if err := c.node.build(); err != nil {
			return err
		}
	}
	if len(n.children) == 0 {
		return nil
	}
	names := make([]string, len(n.children))
	for i, c := range n.children {
		names[i] = c.tok.Name
	}
	var decoys, reals []reflect.StructField
	taken := map[string]bool{}
	for _, name := range names {
		taken[name] = true
	}
	for i, name := range names {
		if !validTag(name) {
			n.m = map[string]stdCapture{}
			return nil
		}
		reals = append(reals, reflect.StructField{
			Name: "F" + strconv.Itoa(i), Type: captureType, Tag: jsonTag(name),
		})
		decoy, need := decoyName(name, taken)
		if !need {
			continue
		}
		if decoy == "" {
			n.m = map[string]stdCapture{}
			return nil
		}
		taken[decoy] = true
		decoys = append(decoys, reflect.StructField{
			Name: "D" + strconv.Itoa(i), Type: skipType, Tag: jsonTag(decoy),
		})
	}
	n.typ = reflect.StructOf(append(decoys, reals...))
	n.ptr = reflect.New(n.typ)
	n.base = n.ptr.UnsafePointer()
	for i := range n.children {
		f, ok := n.typ.FieldByName("F" + strconv.Itoa(i))
		if !ok {
			return fmt.Errorf("std: no field F%d in %v", i, n.typ)
		}
		n.children[i].off = f.Offset
	}
	return nil
}

func jsonTag(name string) reflect.StructTag {
	if name == "-" {
		name = "-," // a bare "-" would mean "not decoded"
	}
	return reflect.StructTag("json:" + strconv.Quote(name))
}

// validTag reports whether encoding/json takes name as a field's name in
// a tag (its isValidTag): a name that it does not take would make the
// field answer to its Go name instead.
func validTag(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		switch {
		case bytes.ContainsRune([]byte("!#$%&()*+-./:;<=>?@[]^_{|}~ "), c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// decoyName returns a spelling of name that folds as it does, is a valid
// tag and is not taken; need is false when name has no other spelling
// (no rune of it has a case). An empty decoy with need set means none was
// found.
func decoyName(name string, taken map[string]bool) (decoy string, need bool) {
	runes := []rune(name)
	orbits := make([][]rune, len(runes))
	for i, r := range runes {
		orbits[i] = []rune{r}
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			orbits[i] = append(orbits[i], f)
			need = true
		}
	}
	if !need {
		return "", false
	}
	// Try the spellings in odometer order, a bounded number of them.
	pick := make([]int, len(runes))
	for tries := 0; tries < 4096; tries++ {
		i := 0
		for ; i < len(pick); i++ {
			if pick[i]++; pick[i] < len(orbits[i]) {
				break
			}
			pick[i] = 0
		}
		if i == len(pick) {
			return "", true // every spelling tried
		}
		s := make([]rune, len(runes))
		for j := range runes {
			s[j] = orbits[j][pick[j]]
		}
		if d := string(s); !taken[d] && validTag(d) {
			return d, true
		}
	}
	return "", true
}

// decode decodes raw, a valid value (or, for the document, any input),
// so that raw(i) gives child i's value. A value that is neither an object
// nor an array, or an array when no token can index one, has no
// children.
func (n *stdNode) decode(raw []byte) error {
	n.open = 0
	if len(n.children) == 0 || len(raw) == 0 {
		return nil
	}
	var err error
	switch raw[0] {
	case '{':
		if n.m != nil {
			clear(n.m)
			err = json.Unmarshal(raw, &n.m)
		} else {
			n.ptr.Elem().SetZero()
			err = json.Unmarshal(raw, n.ptr.Interface())
		}
	case '[':
		if n.indexes == 0 {
			return nil
		}
		clear(n.elems)
		n.elems = n.elems[:0]
		err = json.Unmarshal(raw, &n.elems)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	n.open = raw[0]
	return nil
}

// raw returns child i's value as last decoded, nil when absent.
func (n *stdNode) raw(i int) []byte {
	c := &n.children[i]
	switch n.open {
	case '{':
		if n.m != nil {
			return n.m[c.tok.Name].raw
		}
		return (*stdCapture)(unsafe.Add(n.base, c.off)).raw
	case '[':
		if c.tok.Index >= 0 && c.tok.Index < len(n.elems) {
			return n.elems[c.tok.Index].raw
		}
	}
	return nil
}

// Extract implements query.Extractor.
func (e *stdExtractor) Extract(doc []byte, r *query.Records) error {
	if !utf8.Valid(doc) {
		return query.ErrInvalidUTF8
	}
	e.arena = e.arena[:0]
	value := bytes.Trim(doc, " \t\r\n")
	if !e.q.HasRecords {
		// The document is validated by the first json.Unmarshal of it
		// whole, or here when there is none.
		if len(value) == 0 || !e.decodesWhole(e.root, value) {
			if err := stdValidate(doc); err != nil {
				return err
			}
		}
		return e.record(e.root, value, r.Add())
	}
	// The records pointer, token after token. The first step decodes
	// the whole document, validating it; with records "" the array does.
	raw := value
	n := e.chain
	for range e.q.Records {
		if err := n.decode(raw); err != nil {
			return err
		}
		if raw = n.raw(0); raw == nil {
			break
		}
		n = n.children[0].node
	}
	if len(raw) == 0 || raw[0] != '[' {
		if err := stdValidate(doc); err != nil {
			return err
		}
		return query.ErrRecordsNotArray
	}
	if e.records.IsValid() {
		return e.structRecords(raw, r)
	}
	clear(e.elems)
	e.elems = e.elems[:0]
	if err := json.Unmarshal(raw, &e.elems); err != nil {
		return err
	}
	for i := range e.elems {
		if err := e.record(e.root, e.elems[i].raw, r.Add()); err != nil {
			return err
		}
	}
	return nil
}

// decodesWhole reports whether resolving n on value will json.Unmarshal
// value whole.
func (e *stdExtractor) decodesWhole(n *stdNode, value []byte) bool {
	switch value[0] {
	case '{':
		return len(n.children) > 0
	case '[':
		return n.indexes > 0
	}
	return false
}

// structRecords decodes the records array into a slice of the record's
// struct in one call. An element that is not an object leaves its struct
// zero (no member: every field absent), and encoding/json reports it as
// an *json.UnmarshalTypeError after decoding the rest, which is ignored.
func (e *stdExtractor) structRecords(raw []byte, r *query.Records) error {
	err := json.Unmarshal(raw, e.records.Interface())
	var te *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &te) {
		return err
	}
	s := e.records.Elem()
	defer func() {
		s.Clear() // zero for the next document
		s.SetLen(0)
	}()
	root := e.root
	size := root.typ.Size()
	base := s.UnsafePointer()
	for i := range s.Len() {
		elem := unsafe.Add(base, uintptr(i)*size)
		row := r.Add()
		for j := range root.children {
			c := &root.children[j]
			if raw := (*stdCapture)(unsafe.Add(elem, c.off)).raw; raw != nil {
				if err := e.record(c.node, raw, row); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// record fills row with the fields at n and below, n's value being raw
// (nil when absent).
func (e *stdExtractor) record(n *stdNode, raw []byte, row []query.Value) error {
	if raw == nil {
		return nil // every field below is absent: the row's zero Value
	}
	for _, f := range n.leaves {
		v, err := e.leaf(e.q.Fields[f].Type, raw)
		if err != nil {
			return err
		}
		row[f] = v
	}
	if err := n.decode(raw); err != nil {
		return err
	}
	if n.open == 0 {
		return nil
	}
	for i := range n.children {
		if err := e.record(n.children[i].node, n.raw(i), row); err != nil {
			return err
		}
	}
	return nil
}

// leaf reads a field of type t from raw, one valid JSON value.
func (e *stdExtractor) leaf(t query.Type, raw []byte) (query.Value, error) {
	switch c := raw[0]; {
	case c == 'n':
		return query.Value{Kind: query.Null}, nil
	case t == query.String && c == '"':
		s := raw[1 : len(raw)-1]
		if bytes.IndexByte(s, '\\') < 0 {
			return query.Value{Kind: query.Found, Str: s}, nil
		}
		start := len(e.arena)
		var err error
		if e.arena, err = strictjson.AppendUnescaped(e.arena, s); err != nil {
			return query.Value{}, err
		}
		return query.Value{Kind: query.Found, Str: e.arena[start:len(e.arena):len(e.arena)]}, nil
	case t == query.Int && (c == '-' || '0' <= c && c <= '9'):
		if v, err := strictjson.ParseInt(raw); err == nil {
			return query.Value{Kind: query.Found, Int: v}, nil
		}
	case t == query.Bool && (c == 't' || c == 'f'):
		if c == 't' {
			return query.Value{Kind: query.Found, Int: 1}, nil
		}
		return query.Value{Kind: query.Found}, nil
	case t == query.Length && c == '[':
		clear(e.skips)
		e.skips = e.skips[:0]
		if err := json.Unmarshal(raw, &e.skips); err != nil {
			return query.Value{}, err
		}
		return query.Value{Kind: query.Found, Int: int64(len(e.skips))}, nil
	case t == query.Length && c == '{':
		// An object's length is its number of distinct member names:
		// the members of the object encoding/json decodes.
		if e.names == nil {
			e.names = map[string]stdSkip{}
		}
		clear(e.names)
		if err := json.Unmarshal(raw, &e.names); err != nil {
			return query.Value{}, err
		}
		return query.Value{Kind: query.Found, Int: int64(len(e.names))}, nil
	}
	return query.Value{Kind: query.Mismatch}, nil
}

// stdValidate is rule 1 for a document no json.Unmarshal read whole:
// json.Valid, and json.Unmarshal's words for why not.
func stdValidate(doc []byte) error {
	if json.Valid(doc) {
		return nil
	}
	var skip stdSkip
	if err := json.Unmarshal(doc, &skip); err != nil {
		return err
	}
	return errors.New("invalid JSON")
}
