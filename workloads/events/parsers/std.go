package parsers

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
	"unsafe"

	"benchgrid/workload/strictjson"
	"benchgrid/workloads/events"
)

func init() { events.Register(stdParser{}) }

// stdParser is encoding/json, used as most Go programs use it: Unmarshal
// into typed structs. It is also the reference that other adapters are
// checked against.
type stdParser struct{}

func (stdParser) Name() string { return "std" }

func (stdParser) NewDecoder() (events.Decoder, error) { return stdDecoder{}, nil }

type stdDecoder struct{}

// Decode unmarshals data into typed structs. encoding/json validates the
// whole grammar and enforces the 10,000-level nesting limit before it
// decodes anything; two leniencies need covering:
//   - It replaces invalid UTF-8 with U+FFFD instead of failing, so the
//     file is checked with utf8.Valid first.
//   - It matches member names case-insensitively (with Unicode folding, so
//     "ſize" matches size). Every struct below puts a decoy field, tagged
//     with the upper-case spelling, before each real one: encoding/json
//     prefers an exact match and otherwise takes the first field whose
//     folded name matches, so every non-exact spelling lands in the
//     ignored decoy and only the exact name reaches the real field.
func (stdDecoder) Decode(data []byte, b *events.Batch) error {
	return decodeStd(data, b)
}

// decodeStd is the std adapter's decoding, shared with adapters that fall
// back to it for a file their parser cannot handle (see Batch.Fallback).
func decodeStd(data []byte, b *events.Batch) error {
	if !utf8.Valid(data) {
		return events.ErrInvalidUTF8
	}
	var doc stdDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	if doc.Events == nil {
		return events.ErrEventsMissing
	}
	return addEvents(*doc.Events, b)
}

// stdFold is a decoy field's type: it takes any value and keeps nothing.
type stdFold struct{}

func (*stdFold) UnmarshalJSON([]byte) error { return nil }

type stdDocument struct {
	FoldEvents stdFold     `json:"EVENTS"`
	Events     *[]stdEvent `json:"events"`
}

type stdEvent struct {
	FoldType      stdFold `json:"TYPE"`
	FoldActor     stdFold `json:"ACTOR"`
	FoldRepo      stdFold `json:"REPO"`
	FoldCreatedAt stdFold `json:"CREATED_AT"`
	FoldPayload   stdFold `json:"PAYLOAD"`

	Type      *string    `json:"type"`
	Actor     *stdActor  `json:"actor"`
	Repo      *stdRepo   `json:"repo"`
	CreatedAt *string    `json:"created_at"`
	Payload   stdPayload `json:"payload"`
}

type stdActor struct {
	FoldID stdFold    `json:"ID"`
	ID     stdActorID `json:"id"`
}

type stdRepo struct {
	FoldName stdFold `json:"NAME"`
	Name     *string `json:"name"`
}

type stdPush struct {
	FoldSize stdFold     `json:"SIZE"`
	Size     stdPushSize `json:"size"`
}

// stdInt is the contract's integer. encoding/json would take 1.0 or 1e3
// into a float and reject them only for int fields, and would take "3"
// with a ",string" tag; checking the literal itself is exact. A literal
// that is not one fails the decoding at once (encoding/json returns an
// Unmarshaler's error as it is): actor.id always matters, and a payload is
// decoded only once it is known to be a PushEvent's.
type stdInt struct{ optInt }

func (n *stdInt) parse(lit []byte) error {
	v, err := strictjson.ParseInt(lit)
	if err != nil {
		return err
	}
	n.value, n.set = v, true
	return nil
}

// stdActorID and stdPushSize are stdInt as actor.id and payload.size.
type (
	stdActorID  struct{ stdInt }
	stdPushSize struct{ stdInt }
)

func (n *stdActorID) UnmarshalJSON(lit []byte) error {
	if err := n.parse(lit); err != nil {
		return fmt.Errorf(`"actor.id": %w`, err)
	}
	return nil
}

func (n *stdPushSize) UnmarshalJSON(lit []byte) error { return n.parse(lit) }

// stdPayload keeps the payload's bytes, unparsed: only a PushEvent's
// payload is read, and a payload of any other event may be anything.
// The bytes alias the document, which outlives the decode.
type stdPayload struct{ raw []byte }

func (p *stdPayload) UnmarshalJSON(raw []byte) error {
	p.raw = raw
	return nil
}

// kind is the payload's kind, as pushSize wants it: its first byte, 0
// when there is none.
func (p *stdPayload) kind() byte {
	if len(p.raw) == 0 {
		return 0
	}
	return p.raw[0]
}

// id is actor.id, nil when it is missing.
func (a *stdActor) id() *int64 {
	if a == nil {
		return nil
	}
	return a.ID.ptr()
}

// name is repo.name, nil when it is missing.
func (r *stdRepo) name() *string {
	if r == nil {
		return nil
	}
	return r.Name
}

func (e *stdEvent) event() (events.Event, error) {
	ev, err := typedEvent(e.Type, e.Actor.id(), e.Repo.name(), e.CreatedAt)
	if err != nil || *e.Type != events.PushEvent {
		return ev, err
	}
	// Only a PushEvent's payload is decoded, and only an object: the
	// payload of any other event may be anything. The object is valid
	// JSON and the decoy takes any value, so only the size can fail it.
	var push stdPush
	kind := e.Payload.kind()
	if kind == '{' {
		if err := json.Unmarshal(e.Payload.raw, &push); err != nil {
			return events.Event{}, fmt.Errorf(`PushEvent "payload.size": %w`, err)
		}
	}
	if ev.PushSize, err = pushSize(kind, push.Size.ptr(), nil); err != nil {
		return events.Event{}, err
	}
	return ev, nil
}

// bytesOf returns s's bytes without copying. The workload only reads them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
