package parsers

import (
	"errors"
	"fmt"
	"unicode/utf8"
	"unsafe"

	"github.com/minio/simdjson-go"

	"benchgrid/workload/leniency"
	"benchgrid/workload/strictjson"
	"benchgrid/workloads/events"
)

func init() { events.Register(simdjsonParser{}) }

// simdjsonParser is github.com/minio/simdjson-go, used as its author
// intends: one reused *simdjson.ParsedJson (tape and buffers) per worker,
// strings left in the input (WithCopyStrings(false)) wherever they need no
// unescaping, and reused Iter and Object values to walk the tape.
type simdjsonParser struct{}

func (simdjsonParser) Name() string { return "simdjson" }

// NewDecoder fails when the CPU lacks what simdjson-go's assembly needs.
func (simdjsonParser) NewDecoder() (events.Decoder, error) {
	if !simdjson.SupportedCPU() {
		return nil, fmt.Errorf("simdjson: the CPU lacks AVX2 or CLMUL: %w", events.ErrUnavailable)
	}
	return &simdjsonDecoder{}, nil
}

// simdjsonFallback is the Batch.Fallback reason for a valid document that
// simdjson-go rejects: it refuses lone surrogate escapes (`"\ud800"`) and
// numbers beyond float64 (`1e400`), both valid JSON.
const simdjsonFallback = "simdjson: rejects valid JSON (a lone surrogate escape or a number beyond float64)"

// simdjsonEscapedFallback is the Batch.Fallback reason for a document where
// a string the workload reads holds an escape under a member name that
// holds one too (see simdjsonDecoder.str).
const simdjsonEscapedFallback = "simdjson: escaped string under an escaped member name"

// simdjsonDecoder is one worker's simdjson-go state.
type simdjsonDecoder struct {
	pj *simdjson.ParsedJson
	// Reused tape cursors: none of them allocates.
	root, events, member, inner simdjson.Iter
	doc, eventObj, innerObj     simdjson.Object
	arr                         simdjson.Array
	// strs holds the strings of the current file that had to be decoded
	// here. It only grows during a Decode, so earlier strings stay valid
	// even when it moves; it is reset by the next Decode.
	strs []byte
}

// errSimdjsonFallback asks Decode to decode the file with decodeStd.
var errSimdjsonFallback = errors.New("fallback")

// Decode parses data with simdjson-go and reads every event.
//
// simdjson-go checks the structure, the escapes and control characters in
// strings, and the literals. It is lenient in ways found by reading its
// source (stage2_build_tape_amd64.go, parse_number.go) and by testing:
//   - UTF-8 is not checked;
//   - it trims the input with bytes.TrimSpace, so a \v, \f, U+0085 or
//     U+00A0 before or after the value passes;
//   - it takes -01.5, -00.5 or -01e5 (a zero after the minus, then a digit,
//     in a number it parses as a float);
//   - it has no nesting limit at all (100,000 levels pass);
//   - it decodes surrogate escapes its own way: `\ud800\u0041` becomes
//     U+2441, `\udc00` CESU-8 bytes, where encoding/json gives U+FFFD.
//
// Each is closed here: utf8.Valid; the first and last non-whitespace bytes
// must be the top-level object's braces; the tape is checked for depth
// and for negative floats, which send the file through checkTokens; the
// strings the workload reads are decoded from their source text with
// strictjson.AppendUnescaped when they hold an escape.
//
// It is also strict where encoding/json is not: it rejects lone surrogate
// escapes and numbers beyond float64. A file simdjson-go rejects is
// therefore decoded by decodeStd, whose verdict is exact: a bad file stays
// bad (with encoding/json's reason), and a good one is decoded with
// b.Fallback saying why.
func (d *simdjsonDecoder) Decode(data []byte, b *events.Batch) error {
	d.strs = d.strs[:0]
	if !utf8.Valid(data) {
		return events.ErrInvalidUTF8
	}
	if err := simdjsonEnds(data); err != nil {
		return err
	}
	if err := d.parse(data); err != nil {
		if err := decodeStd(data, b); err != nil {
			return err
		}
		b.Fallback = simdjsonFallback
		return nil
	}
	if err := leniency.SimdjsonTape(d.pj.Tape, data); err != nil {
		return err
	}
	err := d.read(b)
	if errors.Is(err, errSimdjsonFallback) {
		b.Reset()
		b.Fallback = simdjsonEscapedFallback
		return decodeStd(data, b)
	}
	return err
}

// simdjsonOptions are made once: a call's own option would be a closure
// allocated per file.
var simdjsonOptions = []simdjson.ParserOption{simdjson.WithCopyStrings(false)}

// parse runs simdjson-go over data, reusing the decoder's tape.
func (d *simdjsonDecoder) parse(data []byte) error {
	var saved simdjson.ParsedJson
	if d.pj != nil {
		// A failed Parse leaves the reused ParsedJson detached from its
		// internal buffers (about 100 KiB), which the next Parse would
		// then allocate again: keep a copy to restore.
		saved = *d.pj
	}
	pj, err := simdjson.Parse(data, d.pj, simdjsonOptions...)
	if err != nil {
		if d.pj != nil {
			*d.pj = saved
		}
		return err
	}
	d.pj = pj
	return nil
}

// simdjsonEnds checks that data, but for JSON whitespace around it, begins
// with '{' and ends with '}': simdjson-go trims any Unicode space
// (bytes.TrimSpace; leniency.SimdjsonEnds), and the top level must be an
// object anyway.
func simdjsonEnds(data []byte) error {
	i, j, err := leniency.SimdjsonEnds(data)
	switch {
	case err != nil:
		return err
	case data[i] != '{':
		return &leniency.TokenError{Offset: i, Msg: fmt.Sprintf("top level is not an object: unexpected %q", data[i])}
	case data[j] != '}':
		return &leniency.TokenError{Offset: j, Msg: fmt.Sprintf("unexpected %q after the top-level value", data[j])}
	}
	return nil
}

// read reads the events off the tape.
func (d *simdjsonDecoder) read(b *events.Batch) error {
	d.root = d.pj.Iter()
	if d.root.Advance() != simdjson.TypeRoot {
		return errors.New("simdjson: no root on the tape")
	}
	typ, _, err := d.root.Root(&d.root)
	if err != nil {
		return fmt.Errorf("simdjson: %w", err)
	}
	if typ != simdjson.TypeObject {
		return errors.New("top level is not an object")
	}
	if _, err := d.root.Object(&d.doc); err != nil {
		return fmt.Errorf("simdjson: %w", err)
	}
	found := false
	for {
		// Member names are compared as simdjson-go decodes them. It
		// decodes every escape but surrogates as encoding/json does, and a
		// name holding a surrogate escape decodes, either way, to
		// something with a non-ASCII byte: never to one of the workload's
		// ASCII names (checked on 28 million surrogate escape pairs).
		name, t, err := d.doc.NextElementBytes(&d.events)
		if err != nil {
			return fmt.Errorf("simdjson: %w", err)
		}
		if t == simdjson.TypeNone {
			break
		}
		if string(name) == "events" {
			if t != simdjson.TypeArray {
				return events.ErrEventsMissing
			}
			found = true
			break
		}
	}
	if !found {
		return events.ErrEventsMissing
	}
	if _, err := d.events.Array(&d.arr); err != nil {
		return fmt.Errorf("simdjson: %w", err)
	}
	it := d.arr.Iter()
	for i := 0; ; i++ {
		t := it.Advance()
		if t == simdjson.TypeNone {
			return nil
		}
		if t != simdjson.TypeObject {
			return fmt.Errorf("event %d: not an object but %v", i, t)
		}
		e, err := d.readEvent(&it)
		if err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
		b.Add(e)
	}
}

// readEvent reads the event object at it, in one pass over its members.
func (d *simdjsonDecoder) readEvent(it *simdjson.Iter) (events.Event, error) {
	var e events.Event
	if _, err := it.Object(&d.eventObj); err != nil {
		return e, fmt.Errorf("simdjson: %w", err)
	}
	var haveType, haveActor, haveRepo, haveCreated, havePayload bool
	var payload simdjson.Iter
	for {
		name, t, err := d.eventObj.NextElementBytes(&d.member)
		if err != nil {
			return e, fmt.Errorf("simdjson: %w", err)
		}
		if t == simdjson.TypeNone {
			break
		}
		switch string(name) {
		case "type":
			if e.Type, err = d.str(name, t, &d.member); err != nil {
				return e, memberError(err, events.ErrTypeMissing, `"type"`)
			}
			haveType = true
		case "actor":
			if e.ActorID, err = d.intMember(t, &d.member, "id"); err != nil {
				return e, memberError(err, events.ErrActorIDMissing, `"actor.id"`)
			}
			haveActor = true
		case "repo":
			if e.Repo, err = d.strMember(t, &d.member, "name"); err != nil {
				return e, memberError(err, events.ErrRepoNameMissing, `"repo.name"`)
			}
			haveRepo = true
		case "created_at":
			if e.CreatedAt, err = d.str(name, t, &d.member); err != nil {
				return e, memberError(err, events.ErrCreatedAtMissing, `"created_at"`)
			}
			haveCreated = true
		case "payload":
			// Only read once the type is known, which may come later.
			payload, havePayload = d.member, true
		}
	}
	switch {
	case !haveType:
		return e, events.ErrTypeMissing
	case !haveActor:
		return e, events.ErrActorIDMissing
	case !haveRepo:
		return e, events.ErrRepoNameMissing
	case !haveCreated:
		return e, events.ErrCreatedAtMissing
	}
	if string(e.Type) == events.PushEvent {
		if !havePayload {
			return e, events.ErrPayloadMissing
		}
		t := payload.Type()
		if t != simdjson.TypeObject {
			return e, events.ErrPayloadNotObject
		}
		var err error
		if e.PushSize, err = d.intMember(t, &payload, "size"); err != nil {
			return e, memberError(err, events.ErrPushSizeMissing, `PushEvent "payload.size"`)
		}
	}
	return e, nil
}

// intMember reads the integer member key of the object at it (of type t),
// or returns errAbsent when it is not an object or has no such member.
func (d *simdjsonDecoder) intMember(t simdjson.Type, it *simdjson.Iter, key string) (int64, error) {
	if t != simdjson.TypeObject {
		return 0, errAbsent
	}
	_, v, vt, err := d.find(it, key)
	if err != nil {
		return 0, err
	}
	// simdjson-go tags as an integer exactly the literals without
	// fraction or exponent that fit int64 (parse_number.go); -0 is one,
	// and leading zeros are refused. Any other number is a float or uint.
	if vt != simdjson.TypeInt {
		return 0, fmt.Errorf("%w: a %v", strictjson.ErrNotInteger, vt)
	}
	return v.Int()
}

// strMember reads the string member key of the object at it (of type t),
// or returns errAbsent when it is not an object or has no such string
// member.
func (d *simdjsonDecoder) strMember(t simdjson.Type, it *simdjson.Iter, key string) ([]byte, error) {
	if t != simdjson.TypeObject {
		return nil, errAbsent
	}
	name, v, vt, err := d.find(it, key)
	if err != nil {
		return nil, err
	}
	return d.str(name, vt, v)
}

// find returns the name (as simdjson-go has it) and the value of the first
// member named key in the object at it, or errAbsent when there is none.
// It is the first, not the last as in encoding/json: the contract leaves
// repeated names unspecified.
func (d *simdjsonDecoder) find(it *simdjson.Iter, key string) ([]byte, *simdjson.Iter, simdjson.Type, error) {
	if _, err := it.Object(&d.innerObj); err != nil {
		return nil, nil, 0, fmt.Errorf("simdjson: %w", err)
	}
	for {
		name, t, err := d.innerObj.NextElementBytes(&d.inner)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("simdjson: %w", err)
		}
		if t == simdjson.TypeNone {
			return nil, nil, 0, errAbsent
		}
		if string(name) == key {
			return name, &d.inner, t, nil
		}
	}
}

// str returns the decoded content of the string at it (of type t), the
// value of the member called name, exactly as encoding/json decodes it.
//
// A string without escapes stays in the input: simdjson-go's bytes are
// the source text itself. A string with an escape was decoded by
// simdjson-go into its own buffer, wrongly for surrogates, and its source
// position is not on the tape; but it follows its member name, whose
// position is known when the name is in the input: `name" : "value"`.
// Under a name that holds an escape too (in practice never), the file is
// decoded by decodeStd. It returns errAbsent when the value is not a
// string.
func (d *simdjsonDecoder) str(name []byte, t simdjson.Type, it *simdjson.Iter) ([]byte, error) {
	if t != simdjson.TypeString {
		return nil, errAbsent
	}
	s, err := it.StringBytes()
	if err != nil {
		return nil, fmt.Errorf("simdjson: %w", err)
	}
	msg := d.pj.Message
	if len(s) == 0 || leniency.Within(msg, s) {
		return s, nil
	}
	if len(name) == 0 || !leniency.Within(msg, name) {
		return nil, errSimdjsonFallback
	}
	// From the closing quote of the name: whitespace, ':', whitespace,
	// then the value's opening quote.
	i := int(uintptr(unsafe.Pointer(unsafe.SliceData(name)))-uintptr(unsafe.Pointer(unsafe.SliceData(msg)))) + len(name) + 1
	for i < len(msg) && (isSpace(msg[i]) || msg[i] == ':') {
		i++
	}
	if i >= len(msg) || msg[i] != '"' {
		return nil, errors.New("simdjson: string value not found after its member name")
	}
	end, err := leniency.CheckString(msg, i)
	if err != nil {
		return nil, err
	}
	start := len(d.strs)
	if d.strs, err = strictjson.AppendUnescaped(d.strs, msg[i+1:end-1]); err != nil {
		return nil, err
	}
	return d.strs[start:len(d.strs):len(d.strs)], nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
