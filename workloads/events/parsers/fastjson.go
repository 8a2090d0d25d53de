package parsers

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"benchgrid/workload/leniency"
	"benchgrid/workload/strictjson"
	"benchgrid/workloads/events"
)

func init() { events.Register(fastjsonParser{}) }

// fastjsonParser is github.com/valyala/fastjson, used as its author
// intends: one reused fastjson.Parser per worker, whose values alias the
// parser's own copy of the input, read with Object.Get.
type fastjsonParser struct{}

func (fastjsonParser) Name() string { return "fastjson" }

func (fastjsonParser) NewDecoder() (events.Decoder, error) { return &fastjsonDecoder{}, nil }

// fastjsonFallback is the Batch.Fallback reason for a document nested
// deeper than fastjson.MaxDepth.
const fastjsonFallback = "fastjson: nesting deeper than 300"

// fastjsonDecoder is one worker's fastjson state.
type fastjsonDecoder struct {
	p fastjson.Parser
	// raw receives a string value's source text (fastjson.Value.MarshalTo)
	// so that it can be decoded exactly; reused for every string.
	raw []byte
	// strs holds the strings of the current file that had to be decoded
	// here. It only grows during a Decode, so earlier strings stay valid
	// even when it moves; it is reset by the next Decode.
	strs []byte
}

// Decode parses data with fastjson and reads every event.
//
// fastjson checks the structure of a document (brackets, commas, colons,
// quotes, what follows the value, whitespace, which is exactly space, tab,
// LF and CR) but is lenient about what stands between the quotes and about
// scalar tokens, as its source (parser.go) and tests show:
//   - numbers are any run of [0-9.eE+-] (01, 1., .5, +1, 1.2.3, 1e), and
//     NaN and Inf in any case, with a sign or without;
//   - strings and member names may hold raw control characters and invalid
//     escapes (`\x`, `\u12`), which GetStringBytes keeps as they are;
//   - UTF-8 is not checked at all;
//   - a lone surrogate escape decodes to its own six characters (`\ud800`
//     stays `\ud800`), `\ud800\u0041` to U+FFFD alone (the A is lost):
//     not as encoding/json does.
//
// So the file is checked with utf8.Valid and checkTokens (strings and
// scalar tokens only: fastjson has checked the structure around them), and
// the strings the workload reads are decoded from their source text with
// strictjson.AppendUnescaped. That narrower check is exact given fastjson's
// verdict, and cheaper than a full strictjson.Validate: on the wrapped
// github_events.json (65 KB), 2 µs + 27 µs against 47 µs, with fastjson's
// own parse at 35 µs.
//
// fastjson also refuses documents nested deeper than fastjson.MaxDepth
// (300, counting a scalar as one more level) that encoding/json accepts up
// to 10,000 levels: those files are decoded by decodeStd, with b.Fallback
// saying so.
func (d *fastjsonDecoder) Decode(data []byte, b *events.Batch) error {
	d.strs = d.strs[:0]
	if !utf8.Valid(data) {
		return events.ErrInvalidUTF8
	}
	// ParseBytes copies data into the parser, which keeps the copy until
	// the next parse: values and strings alias that copy.
	root, err := d.p.ParseBytes(data)
	if err != nil {
		// fastjson accepts every valid JSON document but those nested too
		// deep, so any other error means a bad file. The depth error is
		// only recognised by its text; decodeStd then gives the exact
		// verdict whatever the document holds.
		if strings.Contains(err.Error(), "too big depth") {
			b.Fallback = fastjsonFallback
			return decodeStd(data, b)
		}
		return fmt.Errorf("fastjson: %w", err)
	}
	if err := leniency.CheckTokens(data); err != nil {
		return err
	}
	if root.Type() != fastjson.TypeObject {
		return errors.New("top level is not an object")
	}
	// Member names: Object.Get compares the source text of each name
	// first, then (when the name is not found) names unescaped by
	// fastjson. Its decoding differs from encoding/json only for surrogate
	// escapes, and any name holding one decodes, either way, to something
	// with a backslash or a non-ASCII character: never to one of the
	// workload's ASCII names. So Get matches exactly.
	list := root.Get("events")
	if list == nil || list.Type() != fastjson.TypeArray {
		return events.ErrEventsMissing
	}
	arr, _ := list.Array()
	for i, v := range arr {
		e, err := d.event(v)
		if err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
		b.Add(e)
	}
	return nil
}

// event reads one element of "events".
func (d *fastjsonDecoder) event(v *fastjson.Value) (events.Event, error) {
	if v.Type() != fastjson.TypeObject {
		return events.Event{}, fmt.Errorf("not an object but %s", v.Type())
	}
	var e events.Event
	var err error
	if e.Type, err = d.str(v.Get("type")); err != nil {
		return e, memberError(err, events.ErrTypeMissing, `"type"`)
	}
	if e.ActorID, err = d.int(v.Get("actor", "id")); err != nil {
		return e, memberError(err, events.ErrActorIDMissing, `"actor.id"`)
	}
	// A path Get finds nothing in a scalar, and nothing in an array for a
	// key that is not a number.
	if e.Repo, err = d.str(v.Get("repo", "name")); err != nil {
		return e, memberError(err, events.ErrRepoNameMissing, `"repo.name"`)
	}
	if e.CreatedAt, err = d.str(v.Get("created_at")); err != nil {
		return e, memberError(err, events.ErrCreatedAtMissing, `"created_at"`)
	}
	if string(e.Type) == events.PushEvent {
		payload := v.Get("payload")
		if payload == nil {
			return e, events.ErrPayloadMissing
		}
		if payload.Type() != fastjson.TypeObject {
			return e, events.ErrPayloadNotObject
		}
		if e.PushSize, err = d.int(payload.Get("size")); err != nil {
			return e, memberError(err, events.ErrPushSizeMissing, `PushEvent "payload.size"`)
		}
	}
	return e, nil
}

// int reads v as the contract's integer, or returns errAbsent when v is
// missing. For a number, MarshalTo gives the literal as it stands in the
// source, which checkTokens has found to be a valid JSON number.
func (d *fastjsonDecoder) int(v *fastjson.Value) (int64, error) {
	if v == nil {
		return 0, errAbsent
	}
	if v.Type() != fastjson.TypeNumber {
		return 0, fmt.Errorf("%w: a %s", strictjson.ErrNotInteger, v.Type())
	}
	d.raw = v.MarshalTo(d.raw[:0])
	return strictjson.ParseInt(d.raw)
}

// str returns the decoded content of the string v, exactly as
// encoding/json decodes it, or errAbsent when v is missing or not a
// string. The content aliases the parser's copy of the input unless it
// holds an escape.
func (d *fastjsonDecoder) str(v *fastjson.Value) ([]byte, error) {
	if v == nil {
		return nil, errAbsent
	}
	// Type must not be called before the source text is read: for a
	// string it unescapes in place (fastjson's way, see Decode). GetObject
	// and GetArray look at the type without that side effect, and spare
	// MarshalTo a whole container.
	if v.GetObject() != nil || v.GetArray() != nil {
		return nil, errAbsent
	}
	// For a string not yet unescaped, MarshalTo gives its source text.
	d.raw = v.MarshalTo(d.raw[:0])
	if len(d.raw) < 2 || d.raw[0] != '"' {
		return nil, errAbsent
	}
	raw := d.raw[1 : len(d.raw)-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		// Nothing to unescape: fastjson returns its own bytes as they are.
		return v.StringBytes()
	}
	start := len(d.strs)
	var err error
	if d.strs, err = strictjson.AppendUnescaped(d.strs, raw); err != nil {
		return nil, err
	}
	return d.strs[start:len(d.strs):len(d.strs)], nil
}
