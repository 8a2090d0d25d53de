package parsers

import (
	"fmt"
	"unicode/utf8"

	"github.com/goccy/go-json/jsontext"
	json "github.com/goccy/go-json/v2"

	"benchgrid/workloads/events"
)

func init() { events.Register(goccyParser{}) }

// goccyParser is github.com/goccy/go-json, used through its
// encoding/json/v2 API (github.com/goccy/go-json/v2), whose defaults are
// the contract's: member names match exactly and case-sensitively (the
// v1-compatible API folds case, Unicode folds included, as encoding/json
// does), the grammar is checked strictly everywhere, skipped values
// included, nesting is limited to 10,000 levels, and integers are
// decoded only from integer literals. It is also the faster of the two
// APIs on this workload (see the package's benchmarks).
type goccyParser struct{}

func (goccyParser) Name() string { return "goccy" }

func (goccyParser) NewDecoder() (events.Decoder, error) { return goccyDecoder{}, nil }

// goccyOptions relax two v2 defaults that are stricter than the contract:
//   - AllowInvalidUTF8: v2 rejects a lone surrogate escape such as
//     `\ud800`, which the contract (like encoding/json) accepts and
//     decodes to U+FFFD; the option does exactly that. It also lets raw
//     invalid UTF-8 through as U+FFFD, so Decode checks utf8.Valid first.
//   - AllowDuplicateNames: the contract leaves repeated names unspecified,
//     and tracking names costs v2 about a third of its speed.
var goccyOptions = json.JoinOptions(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))

type goccyDecoder struct{}

type goccyDocument struct {
	Events *[]goccyEvent `json:"events"`
}

// goccyEvent reads every member the contract needs through a pointer, so
// that a missing or null member stays nil. Of the payload, only what a
// PushEvent needs is kept (see goccyPayload); any other event's payload
// may be anything.
type goccyEvent struct {
	Type      *string      `json:"type"`
	Actor     goccyActor   `json:"actor"`
	Repo      goccyRepo    `json:"repo"`
	CreatedAt *string      `json:"created_at"`
	Payload   goccyPayload `json:"payload"`
}

type goccyActor struct {
	ID *int64 `json:"id"`
}

type goccyRepo struct {
	Name *string `json:"name"`
}

// goccyPayload is what a payload holds of interest: its kind and its size
// member. It is read for every event, as the payload goes by: the payload
// may come before the type, so whether it is a PushEvent's is not known
// yet, and a payload kept raw (jsontext.Value) would be copied out of
// goccy's reused input buffer, a copy of most of the file.
type goccyPayload struct {
	kind    jsontext.Kind // 0 when absent
	size    *int64        // nil when absent
	sizeErr error
}

// UnmarshalJSONFrom reads the payload from dec. It fails only on the
// syntax errors of dec, never on a payload's shape, which matters only for
// a PushEvent's. An object's bytes are only valid until dec reads on, so
// its size is decoded at once, by a nested decoding: faster than reading
// the payload token by token.
func (p *goccyPayload) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	p.kind = dec.PeekKind()
	if p.kind != '{' {
		return dec.SkipValue()
	}
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	var push goccyPush
	if p.sizeErr = json.UnmarshalOf(v, &push, goccyOptions); p.sizeErr == nil && push.Size != nil {
		p.size = push.Size
	}
	return nil
}

type goccyPush struct {
	Size *int64 `json:"size"`
}

// Decode checks UTF-8 (see goccyOptions), then decodes data into the typed
// structs and reads each event. v2 decodes an int64 only from a literal of
// the contract's integer form that fits (1.0, 1e3, "3" and 2^63 are
// errors; -0 is 0), so no literal needs a second look.
func (goccyDecoder) Decode(data []byte, b *events.Batch) error {
	if !utf8.Valid(data) {
		return events.ErrInvalidUTF8
	}
	var doc goccyDocument
	if err := json.UnmarshalOf(data, &doc, goccyOptions); err != nil {
		return fmt.Errorf("goccy: %w", err)
	}
	if doc.Events == nil {
		return events.ErrEventsMissing
	}
	return addEvents(*doc.Events, b)
}

func (e *goccyEvent) event() (events.Event, error) {
	ev, err := typedEvent(e.Type, e.Actor.ID, e.Repo.Name, e.CreatedAt)
	if err != nil || *e.Type != events.PushEvent {
		return ev, err
	}
	if ev.PushSize, err = pushSize(byte(e.Payload.kind), e.Payload.size, e.Payload.sizeErr); err != nil {
		return events.Event{}, err
	}
	return ev, nil
}
