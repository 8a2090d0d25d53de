//go:build goexperiment.jsonv2

package parsers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"encoding/json/jsontext"
	json "encoding/json/v2"

	"benchgrid/workload/strictjson"
	"benchgrid/workloads/events"
)

func init() { events.Register(jsonv2Parser{}) }

// jsonv2Built reports whether this build has the real jsonv2 adapter.
const jsonv2Built = true

// jsonv2Parser is encoding/json/v2, the standard library's next JSON API,
// present only in a build with GOEXPERIMENT=jsonv2 (the jsonv2 build
// variant; elsewhere jsonv2_stub.go registers it as unavailable). Its
// defaults are the contract's: member names match exactly and
// case-sensitively, the grammar is checked strictly everywhere, skipped
// values included, nesting is limited to 10,000 levels, and invalid UTF-8
// is an error. It is goccy's v2 clone's model, so the two adapters have the
// same shape and compare the libraries, not the adapters.
type jsonv2Parser struct{}

func (jsonv2Parser) Name() string { return "jsonv2" }

func (jsonv2Parser) NewDecoder() (events.Decoder, error) {
	return &jsonv2Decoder{dec: jsontext.NewDecoder(&bytes.Buffer{}, jsonv2Options)}, nil
}

// jsonv2Options relax two v2 defaults that are stricter than the contract:
//   - AllowInvalidUTF8: v2 rejects a lone surrogate escape such as
//     `\ud800`, which the contract (like encoding/json) accepts and
//     decodes to U+FFFD; the option does exactly that. It also lets raw
//     invalid UTF-8 through as U+FFFD, so Decode checks utf8.Valid first.
//   - AllowDuplicateNames: the contract leaves repeated names unspecified,
//     and tracking every object's names is a large share of v2's work.
var jsonv2Options = json.JoinOptions(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))

// jsonv2Decoder is one worker's state, reused across its files:
//   - the jsontext.Decoder, whose string cache interns the short strings
//     that recur from file to file (event types, repository names); reset
//     on a bytes.Buffer, it parses the file's bytes in place, uncopied;
//   - the events slice, whose capacity v2 reuses (zeroing each element).
type jsonv2Decoder struct {
	dec *jsontext.Decoder
	in  bytes.Buffer
	doc jsonv2Document
}

type jsonv2Document struct {
	Events jsonv2Events `json:"events"`
}

// jsonv2Events is the events array, decoded into a slice kept across
// files. It records whether the member was present, which a plain slice
// cannot tell apart from an empty array or null.
type jsonv2Events struct {
	set  bool
	list []jsonv2Event
}

// UnmarshalJSONFrom decodes the array in place; anything else (null
// included) makes the file bad.
func (e *jsonv2Events) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if k := dec.PeekKind(); k != '[' {
		if k == 0 { // a syntax error: let ReadValue report it
			_, err := dec.ReadValue()
			return err
		}
		return fmt.Errorf(`"events" is %v, not an array`, k)
	}
	e.set = true
	return json.UnmarshalDecode(dec, &e.list)
}

// jsonv2Event reads each string member the contract needs through a
// pointer, so that a missing member stays nil (v2 rejects a string member
// of another kind, and decodes null as a nil pointer). Of the payload, only
// what a PushEvent needs is kept (see jsonv2Payload); any other event's
// payload may be anything.
type jsonv2Event struct {
	Type      *string       `json:"type"`
	Actor     jsonv2Actor   `json:"actor"`
	Repo      jsonv2Repo    `json:"repo"`
	CreatedAt *string       `json:"created_at"`
	Payload   jsonv2Payload `json:"payload"`
}

type jsonv2Actor struct {
	ID jsonv2Int `json:"id"`
}

type jsonv2Repo struct {
	Name *string `json:"name"`
}

// jsonv2Int is the contract's integer, checked on the literal itself with
// strictjson.ParseInt. A literal that is not one is recorded, not returned:
// a payload's size matters only for a PushEvent, and whether the payload
// is a PushEvent's may not be known yet (the type may come later).
type jsonv2Int struct {
	optInt
	err error
}

// UnmarshalJSONFrom reads one value, failing only on a syntax error.
func (n *jsonv2Int) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	n.value, n.err = strictjson.ParseInt(v)
	n.set = n.err == nil
	return nil
}

// jsonv2Payload is what a payload holds of interest: its kind and its size
// member, decoded straight from the stream as the payload goes by.
type jsonv2Payload struct {
	kind jsontext.Kind // 0 when absent
	push jsonv2Push
}

type jsonv2Push struct {
	Size jsonv2Int `json:"size"`
}

// UnmarshalJSONFrom reads the payload from dec. It fails only on the
// syntax errors of dec, never on a payload's shape, which matters only for
// a PushEvent's.
func (p *jsonv2Payload) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	p.kind = dec.PeekKind()
	if p.kind != '{' {
		return dec.SkipValue()
	}
	return json.UnmarshalDecode(dec, &p.push)
}

// Decode checks UTF-8 (see jsonv2Options), then decodes data into the
// typed structs from the worker's reused jsontext.Decoder and reads each
// event. UnmarshalDecode reads one value; the trailing ReadToken makes
// anything but whitespace after it (garbage, a second value) an error, as
// json.Unmarshal would.
func (d *jsonv2Decoder) Decode(data []byte, b *events.Batch) error {
	if !utf8.Valid(data) {
		return events.ErrInvalidUTF8
	}
	d.in = *bytes.NewBuffer(data)
	d.dec.Reset(&d.in, jsonv2Options)
	d.doc.Events.set = false
	d.doc.Events.list = d.doc.Events.list[:0]
	err := json.UnmarshalDecode(d.dec, &d.doc)
	if err == nil {
		if _, err = d.dec.ReadToken(); err == io.EOF {
			err = nil
		} else if err == nil {
			err = errors.New("more than one JSON value")
		}
	}
	d.in = bytes.Buffer{} // do not pin the file
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("jsonv2: %w", err)
	}
	if !d.doc.Events.set {
		return events.ErrEventsMissing
	}
	return addEvents(d.doc.Events.list, b)
}

func (e *jsonv2Event) event() (events.Event, error) {
	ev, err := typedEvent(e.Type, e.Actor.ID.ptr(), e.Repo.Name, e.CreatedAt)
	if err == events.ErrActorIDMissing && e.Actor.ID.err != nil {
		// An actor.id that is there but no integer was recorded, not
		// returned (see jsonv2Int): typedEvent sees no value.
		err = fmt.Errorf(`"actor.id": %w`, e.Actor.ID.err)
	}
	if err != nil || *e.Type != events.PushEvent {
		return ev, err
	}
	if ev.PushSize, err = pushSize(byte(e.Payload.kind), e.Payload.push.Size.ptr(), e.Payload.push.Size.err); err != nil {
		return events.Event{}, err
	}
	return ev, nil
}
