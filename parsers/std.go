package parsers

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
	"unsafe"

	"benchgrid/workload"
)

func init() { register(stdParser{}) }

// stdParser is encoding/json, used as most Go programs use it: Unmarshal
// into typed structs. It is also the reference that other adapters are
// checked against.
type stdParser struct{}

func (stdParser) Name() string { return "std" }

func (stdParser) NewDecoder() (workload.Decoder, error) { return stdDecoder{}, nil }

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
func (stdDecoder) Decode(data []byte, b *workload.Batch) error {
	return decodeStd(data, b)
}

// decodeStd is the std adapter's decoding, shared with adapters that fall
// back to it for a file their parser cannot handle (see Batch.Fallback).
func decodeStd(data []byte, b *workload.Batch) error {
	if !utf8.Valid(data) {
		return errors.New("invalid UTF-8")
	}
	var doc stdDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	if doc.Events == nil {
		return errors.New(`"events" is missing or not an array`)
	}
	for i := range *doc.Events {
		e, err := (*doc.Events)[i].event()
		if err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
		b.Add(e)
	}
	return nil
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
// with a ",string" tag; checking the literal itself is exact.
type stdInt struct {
	value int64
	set   bool
}

func (n *stdInt) parse(lit []byte, member string) error {
	v, err := workload.ParseInt(lit)
	if err != nil {
		return fmt.Errorf("%q: %w", member, err)
	}
	n.value, n.set = v, true
	return nil
}

// stdActorID and stdPushSize are stdInt naming their member in errors
// (encoding/json returns an Unmarshaler's error as it is).
type (
	stdActorID  struct{ stdInt }
	stdPushSize struct{ stdInt }
)

func (n *stdActorID) UnmarshalJSON(lit []byte) error { return n.parse(lit, "actor.id") }

func (n *stdPushSize) UnmarshalJSON(lit []byte) error { return n.parse(lit, "payload.size") }

// stdPayload keeps the payload's bytes, unparsed: only a PushEvent's
// payload is read, and a payload of any other event may be anything.
// The bytes alias the document, which outlives the decode.
type stdPayload struct{ raw []byte }

func (p *stdPayload) UnmarshalJSON(raw []byte) error {
	p.raw = raw
	return nil
}

func (e *stdEvent) event() (workload.Event, error) {
	switch {
	case e.Type == nil:
		return workload.Event{}, errors.New(`"type" is missing or not a string`)
	case e.Actor == nil || !e.Actor.ID.set:
		return workload.Event{}, errors.New(`"actor.id" is missing`)
	case e.Repo == nil || e.Repo.Name == nil:
		return workload.Event{}, errors.New(`"repo.name" is missing or not a string`)
	case e.CreatedAt == nil:
		return workload.Event{}, errors.New(`"created_at" is missing or not a string`)
	}
	ev := workload.Event{
		Type:      bytesOf(*e.Type),
		Repo:      bytesOf(*e.Repo.Name),
		CreatedAt: bytesOf(*e.CreatedAt),
		ActorID:   e.Actor.ID.value,
	}
	if *e.Type == workload.PushEvent {
		var push stdPush
		if e.Payload.raw == nil {
			return workload.Event{}, errors.New(`PushEvent without "payload"`)
		}
		if err := json.Unmarshal(e.Payload.raw, &push); err != nil {
			return workload.Event{}, fmt.Errorf("PushEvent payload: %w", err)
		}
		if !push.Size.set {
			return workload.Event{}, errors.New(`PushEvent without "payload.size"`)
		}
		ev.PushSize = push.Size.value
	}
	return ev, nil
}

// bytesOf returns s's bytes without copying. The workload only reads them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
