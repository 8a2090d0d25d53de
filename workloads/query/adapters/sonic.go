package adapters

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/bytedance/sonic"
	"github.com/bytedance/sonic/decoder"

	"benchgrid/workload/leniency"
	"benchgrid/workloads/query"
)

func init() { query.Register(sonicAdapter{}) }

// sonicAdapter is github.com/bytedance/sonic, used through its
// JIT-compiled struct decoder: at start-up every object on the query's
// paths gets a struct type made with reflect.StructOf, one field per
// member name that goes on from it, tagged with the name, whose type
// (sonicRaw) keeps the member's raw bytes, which alias the document.
// sonic skips every other member at SIMD speed and matches names with its
// compiled lookup; the leaves are then read exactly (strictjson.ParseInt,
// strictjson.AppendUnescaped).
//
// What struct decoding cannot express is done around it:
//   - repeated member names: sonic decodes each occurrence into the same
//     struct, merging them (`"a":{"b":1},"a":{"c":2}` gives b and c),
//     where the last one must count. So a path is decoded one object at a
//     time: an object's struct holds each member's last raw bytes, and
//     only those are decoded further. An object on a path is thus skipped
//     once by its parent's decoding and decoded once itself; the records
//     array likewise, its elements then decoded in one go into a slice of
//     the record's struct type.
//   - array indices: read from the raw array by this package's scanner.
//   - records that are not all objects (sonic refuses to decode, say, a
//     number into a struct), and fields whose path is the record itself:
//     each record is then decoded alone, from the raw elements.
type sonicAdapter struct{}

func (sonicAdapter) Name() string { return "sonic" }

// sonicOptions are sonic's decoder options for the workload.
//   - OptionCaseSensitive: sonic matches member names case-insensitively
//     by default (ASCII folding only); with it only the exact name, after
//     unescaping, reaches a field.
//   - OptionValidateString: without it sonic accepts raw control
//     characters in strings and does not check escapes in skipped strings.
//
// NoValidateJSONSkip stays off: skipped members must be validated.
const sonicOptions = decoder.OptionCaseSensitive | decoder.OptionValidateString

// sonicRaw is a JSON value's bytes, validated by sonic as it skips them, a
// slice of the document itself. sonic calls UnmarshalJSON for null too
// (the field is not a pointer), and for every occurrence of a repeated
// name, so the last one stays.
type sonicRaw []byte

// UnmarshalJSON keeps b, which sonic takes from the document.
func (r *sonicRaw) UnmarshalJSON(b []byte) error {
	*r = b
	return nil
}

// sonicObject is the struct made for one object node: a reused value, and
// its fields seen as a slice (a struct of k sonicRaw fields is laid out as
// [k]sonicRaw).
type sonicObject struct {
	iface  any
	fields []sonicRaw
}

// NewExtractor compiles the query's struct types and has sonic compile its
// decoders for them (it otherwise does so inside the first timed
// document). It fails when sonic would fall back to encoding/json on this
// platform, or when a member name cannot be a struct tag.
func (sonicAdapter) NewExtractor(q *query.Query) (query.Extractor, error) {
	if sonic.APIKind != sonic.UseSonicJSON {
		return nil, unavailable("sonic", "not supported on this platform or Go version (sonic would be encoding/json)")
	}
	p := newPlan(q)
	x := &sonicExtractor{stdFallback: stdFallback{p: p}, objs: make([]sonicObject, len(p.nodes)), dec: decoder.NewDecoder("")}
	x.dec.SetOptions(sonicOptions)
	types := make([]reflect.Type, len(p.nodes))
	for _, n := range p.nodes {
		if len(n.kids) == 0 {
			continue
		}
		var fields []reflect.StructField
		for i, k := range n.kids {
			tag, ok := sonicTag(k.name)
			if !ok {
				return nil, unavailable("sonic", "member name %q cannot be a struct tag", k.name)
			}
			fields = append(fields, reflect.StructField{Name: fmt.Sprint("F", i), Type: reflect.TypeFor[sonicRaw](), Tag: reflect.StructTag(`json:"` + tag + `"`)})
		}
		t := reflect.StructOf(fields)
		if err := sonic.Pretouch(t); err != nil {
			return nil, fmt.Errorf("sonic: compile %v: %w", t, err)
		}
		types[n.id] = t
		v := reflect.New(t)
		x.objs[n.id] = sonicObject{iface: v.Interface(), fields: unsafe.Slice((*sonicRaw)(v.UnsafePointer()), len(fields))}
	}
	if t := types[p.rec.id]; t != nil && q.HasRecords && len(p.rec.fields) == 0 {
		x.recType = t
		x.recs = reflect.New(reflect.SliceOf(t))
		if err := sonic.Pretouch(x.recs.Type().Elem()); err != nil {
			return nil, fmt.Errorf("sonic: compile %v: %w", x.recs.Type(), err)
		}
		x.recsIface = x.recs.Interface()
	}
	return x, nil
}

// sonicTag returns the struct tag name that matches exactly name: sonic
// reads tags as encoding/json does, where only letters, digits and some
// punctuation make a name, "" means the Go field's name and "-" skipping.
func sonicTag(name string) (string, bool) {
	if name == "" {
		return "", false
	}
	for _, c := range name {
		if !strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c) && !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return "", false
		}
	}
	if name == "-" {
		return "-,", true
	}
	return name, true
}

// sonicExtractor is one worker's sonic state: a reused decoder, a struct
// value per object node, and the records' slice.
type sonicExtractor struct {
	stdFallback
	dec   *decoder.Decoder
	objs  []sonicObject
	names nameSet
	// recs points to the []T the records array is decoded into, T being
	// the record's struct type (nil when records are decoded one by one).
	recType   reflect.Type
	recs      reflect.Value
	recsIface any
	top       sonicRaw
}

// Extract checks what sonic does not, then decodes doc along the query's
// paths.
//
// sonic is lenient in two ways the events adapter found, each closed here:
//   - invalid UTF-8 is replaced with U+FFFD even with ValidateString:
//     utf8.Valid first;
//   - its SIMD skipping of a long string (beyond one 32-byte block) does
//     not check escapes (bytedance/sonic#938): escapesValid checks every
//     escape of the document, at memchr speed, exact because sonic checks
//     everything else.
//
// It cannot skip values nested deeper than 4096 levels, valid up to
// 10,000: a document it refuses that strictjson finds valid is decoded by
// encoding/json, with Fallback saying so.
func (x *sonicExtractor) Extract(doc []byte, r *query.Records) error {
	x.reason = ""
	if !utf8.Valid(doc) {
		return query.ErrInvalidUTF8
	}
	if err := leniency.EscapesValid(doc); err != nil {
		return err
	}
	err := x.extract(doc, r)
	if err != nil && !errors.Is(err, errRecords) {
		return x.retry(doc, r, err, "sonic refuses a document strictjson finds valid")
	}
	return err
}

func (x *sonicExtractor) extract(doc []byte, r *query.Records) error {
	// The whole document is decoded first, validating it: into the root
	// object's struct when the paths go on from an object, else as one
	// raw value.
	root := x.p.doc
	var fields []sonicRaw
	if c := firstByte(doc); c == '{' && len(root.kids) > 0 {
		var err error
		if fields, err = x.object(root, doc); err != nil {
			return err
		}
	} else if err := x.decode(doc, &x.top); err != nil {
		return err
	}
	raw := sonicRaw(trimSpace(doc))
	if !x.p.q.HasRecords {
		x.fill(root, raw, fields, r.Add(), r)
		return nil
	}
	for _, tok := range x.p.q.Records {
		var err error
		if raw, err = x.child(root, raw, fields, tok); err != nil {
			return err
		}
		if raw == nil {
			return errRecords
		}
		root, fields = root.kidNamed([]byte(tok.Name)), nil
	}
	if raw[0] != '[' {
		return errRecords
	}
	return x.records(raw, r)
}

// child returns the raw value tok leads to from raw (the value of node n,
// whose struct is already decoded when fields is not nil), or nil.
func (x *sonicExtractor) child(n *node, raw sonicRaw, fields []sonicRaw, tok query.Token) (sonicRaw, error) {
	switch raw[0] {
	case '{':
		if fields == nil {
			var err error
			if fields, err = x.object(n, raw); err != nil {
				return nil, err
			}
		}
		return fields[0], nil // a chain node has one kid
	case '[':
		if tok.Index >= 0 {
			return rawNth(raw, tok.Index), nil
		}
	}
	return nil, nil
}

// records reads every element of the records array raw.
func (x *sonicExtractor) records(raw sonicRaw, r *query.Records) error {
	rec := x.p.rec
	if x.recType != nil {
		// In one go, into the reused slice, cleared first: sonic decodes
		// into an element without zeroing it.
		s := x.recs.Elem()
		s.SetLen(s.Cap())
		s.Clear()
		s.SetLen(0)
		err := x.decode(raw, x.recsIface)
		if err == nil {
			s = x.recs.Elem()
			size, base := x.recType.Size(), s.UnsafePointer()
			for i := range s.Len() {
				fields := unsafe.Slice((*sonicRaw)(unsafe.Add(base, uintptr(i)*size)), len(rec.kids))
				x.fill(rec, nil, fields, r.Add(), r)
			}
			return nil
		}
		if !isMismatch(err) {
			return err
		}
		// Not every record is an object: one by one.
		r.Values = r.Values[:0]
	}
	var err error
	n := 0
	rawElems(raw, func(_ int, elem []byte) bool {
		n++
		if r.Width == 0 {
			return true
		}
		var fields []sonicRaw
		if elem[0] == '{' && len(rec.kids) > 0 {
			if fields, err = x.object(rec, elem); err != nil {
				return false
			}
		}
		x.fill(rec, elem, fields, r.Add(), r)
		return true
	})
	if r.Width == 0 {
		for range n {
			r.Add()
		}
	}
	return err
}

// fill reads the fields at and below n from raw into row. When n's struct
// is already decoded, fields holds its members (and raw may be nil, when
// n has no fields of its own).
func (x *sonicExtractor) fill(n *node, raw sonicRaw, fields []sonicRaw, row []query.Value, r *query.Records) {
	for _, f := range n.fields {
		row[f] = rawValue(raw, x.p.types[f], true, r, &x.names)
	}
	if len(n.kids) == 0 {
		return
	}
	if fields == nil {
		switch raw[0] {
		case '{':
			var err error
			if fields, err = x.object(n, raw); err != nil {
				return // cannot happen: sonic has validated raw
			}
		case '[':
			if n.maxIndex >= 0 {
				rawElems(raw, func(i int, elem []byte) bool {
					if c := n.kidAt(i); c != nil {
						x.fill(c, elem, nil, row, r)
					}
					return i < n.maxIndex
				})
			}
			return
		default:
			return
		}
	}
	for i, k := range n.kids {
		if fields[i] != nil {
			x.fill(k.n, fields[i], nil, row, r)
		}
	}
}

// object decodes the object raw into n's struct and returns its members.
func (x *sonicExtractor) object(n *node, raw []byte) ([]sonicRaw, error) {
	o := &x.objs[n.id]
	clear(o.fields)
	if err := x.decode(raw, o.iface); err != nil {
		return nil, err
	}
	return o.fields, nil
}

// decode runs sonic over the whole of src, which must hold one value.
func (x *sonicExtractor) decode(src []byte, v any) error {
	x.dec.Reset(unsafe.String(unsafe.SliceData(src), len(src)))
	err := x.dec.Decode(v)
	if err == nil {
		err = x.dec.CheckTrailings()
	}
	if err != nil {
		return sonicError(err)
	}
	return nil
}

// isMismatch reports whether err is sonic's error for a value of the
// wrong kind (its decoders return it as a value or a pointer).
func isMismatch(err error) bool {
	var p *decoder.MismatchTypeError
	var v decoder.MismatchTypeError
	return errors.As(err, &p) || errors.As(err, &v)
}

// sonicErr is a sonic error with a one-line message: sonic's own messages
// quote a multi-line excerpt of the input.
type sonicErr struct {
	msg string
	err error
}

func (e *sonicErr) Error() string { return e.msg }
func (e *sonicErr) Unwrap() error { return e.err }

func sonicError(err error) error {
	var se decoder.SyntaxError
	if errors.As(err, &se) {
		return &sonicErr{fmt.Sprintf("sonic: invalid JSON at offset %d: %s", se.Pos, se.Message()), err}
	}
	return fmt.Errorf("sonic: %w", err)
}

// firstByte is doc's first byte after JSON whitespace, or 0.
func firstByte(doc []byte) byte {
	i := rawSpace(doc, 0)
	if i == len(doc) {
		return 0
	}
	return doc[i]
}

// trimSpace is doc without the JSON whitespace around it.
func trimSpace(doc []byte) []byte {
	i, j := rawSpace(doc, 0), len(doc)
	for j > i && isSpace(doc[j-1]) {
		j--
	}
	return doc[i:j]
}
