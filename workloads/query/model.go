package query

// This file is the query workload's model as parser adapters see it: a
// parsed Query, the Value an adapter finds at a field's path, the Records
// of one document, and the Extractor interface each adapter implements.
// It is the contract between this package and package adapters; keep it
// stable.

// A Type is a field's type (docs/query.md's table of field types).
type Type uint8

// The field types.
const (
	String Type = iota + 1 // a JSON string: its unescaped bytes
	Int                    // an integer that fits int64: no fraction, no exponent; -0 is 0
	Bool                   // true or false
	Length                 // an array or an object: its number of elements or members
)

// A Token is one reference token of a JSON Pointer, unescaped (~1 is /,
// ~0 is ~).
type Token struct {
	// Name is the member name the token matches, exactly and
	// case-sensitively.
	Name string
	// Index is the array index the token denotes, or -1 when the token is
	// not a decimal index without leading zeros: then it resolves to
	// absent when applied to an array.
	Index int
}

// A Pointer is a parsed JSON Pointer (RFC 6901). The empty Pointer ("") is
// the value itself.
type Pointer []Token

// A Field is one named value read from every record.
type Field struct {
	Name     string
	Path     Pointer // from the record
	Type     Type
	Optional bool
}

// A Query is a parsed and validated query file.
type Query struct {
	// HasRecords says whether the query file has `records`; Records is
	// then the pointer, from the document's root, to the array whose
	// elements are the records. Without it the document is one record.
	HasRecords bool
	Records    Pointer
	Fields     []Field
	Aggregates []Aggregate
}

// A Kind is what an adapter found at a field's path in one record.
type Kind uint8

// The kinds of value.
const (
	// Absent: the path does not resolve (a missing member, an index past
	// the end, a token that is not an index applied to an array, any
	// token applied to a scalar).
	Absent Kind = iota
	// Null: the path resolves to JSON null.
	Null
	// Found: the path resolves to a value of the field's type; Value.Str
	// or Value.Int holds it.
	Found
	// Mismatch: the path resolves to a value that is not null and not of
	// the field's type (1.0 or "3" for an int, a number for a string, an
	// integer outside int64).
	Mismatch
)

// A Value is what an adapter found at one field's path in one record.
type Value struct {
	Kind Kind
	// Str is a String field's unescaped bytes (lone surrogate escapes read
	// as U+FFFD). It may alias the document or the extractor's memory
	// until the extractor's next call, or Records' memory (Records.Keep).
	Str []byte
	// Int is an Int field's value, a Length field's count, or 1 for true
	// and 0 for false for a Bool field.
	Int int64
}

// Records holds one document's records while it is being extracted: a
// row of len(Query.Fields) Values per record, record after record. A
// document's records are committed to a tally only once the whole
// document is known to be good.
type Records struct {
	// Width is the number of fields per record; set by the tally.
	Width  int
	count  int // records when Width is 0
	Values []Value
	arena  []byte
}

// Reset empties r, keeping its memory.
func (r *Records) Reset() {
	r.count = 0
	r.Values = r.Values[:0]
	r.arena = r.arena[:0]
}

// Len is the number of records in r.
func (r *Records) Len() int {
	if r.Width == 0 {
		return r.count
	}
	return len(r.Values) / r.Width
}

// Add appends one record and returns its row of Width values, all
// Absent, for the adapter to fill in the order of Query.Fields.
func (r *Records) Add() []Value {
	if r.Width == 0 {
		r.count++
		return nil
	}
	n := len(r.Values)
	r.Values = append(r.Values, make([]Value, r.Width)...)
	return r.Values[n : n+r.Width : n+r.Width]
}

// Keep copies s into r's own memory and returns the copy, for strings whose
// backing memory will not outlive the extractor's next step.
func (r *Records) Keep(s []byte) []byte {
	if cap(r.arena)-len(r.arena) < len(s) {
		r.arena = make([]byte, 0, max(2*cap(r.arena), len(s), 4096))
	}
	start := len(r.arena)
	r.arena = append(r.arena, s...)
	return r.arena[start:len(r.arena):len(r.arena)]
}

// An Extractor reads the records of documents for one worker at a time.
// An adapter makes one per worker and reuses it for every document.
type Extractor interface {
	// Extract adds the records of one document to r, which is empty on
	// entry, filling each record's field values. doc is one document's
	// bytes: a whole .json file, or one NDJSON line without its LF
	// (possibly ending in CR, which is whitespace). It returns a non-nil
	// reason when the document is bad by docs/query.md's rule 1 (not valid JSON
	// and UTF-8 exactly as docs/events.md's rule 1 says) or rule 2 (records
	// absent or not an array); whatever it added to r is then discarded.
	// Rule 3 (types, required fields) is the tally's check over the
	// Values, so an adapter reports a wrong type as Mismatch, not as an
	// error.
	//
	// Duplicate member names: where an object has a member name more than
	// once, the last one counts (as encoding/json decodes): benchgrid's
	// reading where the contract is silent (docs/query.md).
	Extract(doc []byte, r *Records) error
}

// An Adapter is one JSON parser's way of serving queries.
type Adapter interface {
	// Name is the adapter's registered name: std, sonic, fastjson, …
	Name() string
	// NewExtractor returns the state one worker uses for every document
	// it reads under q. It fails wrapping ErrUnavailable when the
	// parser cannot run on this machine, or cannot serve q (a path form it
	// cannot express), naming the reason.
	NewExtractor(q *Query) (Extractor, error)
}

// An Op is an aggregate's operation.
type Op string

// The aggregate operations.
const (
	CountBy  Op = "count_by"
	Distinct Op = "distinct"
	Sum      Op = "sum"
	Min      Op = "min"
	Max      Op = "max"
	Top      Op = "top"
)

// An Aggregate is one member of the result's `aggregates`.
type Aggregate struct {
	Op    Op
	Field int // index into Query.Fields
	N     int // for Top: how many values; 0 otherwise
}

// A Fallbacker is an Extractor that decodes, with encoding/json, a valid
// document its parser cannot take (nesting beyond the parser's limit, a
// lone surrogate escape simdjson-go refuses, …): never silently, since
// Fallback says so and the tally counts it, as events' Batch.Fallback is.
type Fallbacker interface {
	Extractor
	// Fallback returns why the last Extract decoded its document another
	// way, or "" when the parser did.
	Fallback() string
}
