package parsers

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"github.com/bytedance/sonic"
	"github.com/bytedance/sonic/decoder"
	sonicutf8 "github.com/bytedance/sonic/utf8"

	"benchgrid/workload/leniency"
	"benchgrid/workload/strictjson"
	"benchgrid/workloads/events"
)

func init() { events.Register(sonicParser{}) }

// sonicParser is github.com/bytedance/sonic, used the fastest way that is
// still exact: its JIT-compiled decoder into typed structs whose leaves are
// raw JSON values (sonicRaw), which alias the input, so a file costs a few
// allocations whatever its size. The leaves are then read exactly as the
// contract says: integers with strictjson.ParseInt, strings with
// strictjson.AppendUnescaped when they hold an escape.
type sonicParser struct{}

func (sonicParser) Name() string { return "sonic" }

// sonicOptions are sonic's decoder options for the workload.
//   - OptionCaseSensitive: sonic matches member names case-insensitively
//     by default (ASCII folding only, unlike encoding/json); with it, only
//     the exact name, after unescaping, reaches a field.
//   - OptionValidateString: without it sonic accepts raw control
//     characters in strings and does not check escapes in skipped strings
//     at all (`"\x"` is accepted).
//
// NoValidateJSONSkip stays off: skipped members must be validated.
const sonicOptions = decoder.OptionCaseSensitive | decoder.OptionValidateString

// sonicPayloadOptions are the options for a PushEvent's payload, which
// the document's decoding has already validated whole (sonic validates a
// raw value as it skips it, and Decode has checked its UTF-8 and escapes):
// OptionNoValidateJSON lets sonic skip the members other than "size" by
// matching brackets, several times faster than validating them again, and
// without OptionValidateString it does not check the UTF-8 of the payload
// a third time. Member names are still matched exactly.
const sonicPayloadOptions = decoder.OptionCaseSensitive | decoder.OptionNoValidateJSON

// sonicSkipLimit is how deep sonic nests below the value it is skipping
// (MAX_RECURSE in its native code). Deeper documents, valid up to
// encoding/json's 10,000 levels, fail in sonic; they are decoded by
// decodeStd instead, with Batch.Fallback saying so.
const sonicSkipLimit = 4096

// sonicFallback is the Batch.Fallback reason for such a document.
const sonicFallback = "sonic: nesting deeper than its skip limit of 4096 levels"

var sonicSetup struct {
	once sync.Once
	err  error
	// tooDeep is the error code sonic gives a document nested beyond
	// sonicSkipLimit, found by decoding one (see sonicCalibrate).
	tooDeep any
}

// NewDecoder compiles sonic's decoders for the workload's types (sonic
// otherwise compiles them on first use, inside the first timed file) and
// learns how sonic reports a document nested too deep for it.
func (sonicParser) NewDecoder() (events.Decoder, error) {
	if sonic.APIKind != sonic.UseSonicJSON {
		// On other architectures and Go versions, sonic silently falls
		// back to encoding/json: that would not be sonic.
		return nil, fmt.Errorf("sonic: not supported on this platform or Go version: %w", events.ErrUnavailable)
	}
	sonicSetup.once.Do(func() {
		// decoder.Pretouch, not sonic.Pretouch: sonic's compiles the
		// encoder too, for each type and its pointer, which costs twice the
		// start-up of `process` and is never used.
		for _, t := range []reflect.Type{reflect.TypeFor[sonicDocument](), reflect.TypeFor[sonicPush]()} {
			if err := decoder.Pretouch(t); err != nil {
				sonicSetup.err = fmt.Errorf("sonic: compile %v: %w", t, err)
				return
			}
		}
		sonicSetup.tooDeep, sonicSetup.err = sonicCalibrate()
	})
	if sonicSetup.err != nil {
		return nil, sonicSetup.err
	}
	d := &sonicDecoder{dec: decoder.NewDecoder(""), payload: decoder.NewDecoder("")}
	d.dec.SetOptions(sonicOptions)
	d.payload.SetOptions(sonicPayloadOptions)
	return d, nil
}

// sonicCalibrate decodes a valid document nested one level deeper than
// sonic can skip and returns the error code sonic gives it, so that Decode
// recognises that failure without depending on sonic's internal constants.
func sonicCalibrate() (any, error) {
	n := sonicSkipLimit + 1
	data := `{"events":[],"x":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`
	dec := decoder.NewDecoder(data)
	dec.SetOptions(sonicOptions)
	var doc sonicDocument
	err := dec.Decode(&doc)
	var se decoder.SyntaxError
	if !errors.As(err, &se) {
		// A sonic without the limit would decode it: nothing to fall back for.
		return nil, nil
	}
	return se.Code, nil
}

// sonicDecoder is one worker's sonic state: reused decoders and scratch
// space for unescaping.
type sonicDecoder struct {
	dec *decoder.Decoder
	// payload decodes PushEvents' payloads, with sonicPayloadOptions.
	payload *decoder.Decoder
	scratch []byte
	// doc and push are decoded into in place, zeroed before each use:
	// as locals they escape through sonic's `any` and cost an allocation
	// each per file and per PushEvent.
	doc  sonicDocument
	push sonicPush
	// events is the slice doc.Events decodes into (decodeReusing).
	events []sonicEvent
	evs    []sonicEvent // what doc.Events points to
}

type sonicDocument struct {
	Events *[]sonicEvent `json:"events"`
}

type sonicEvent struct {
	Type      sonicRaw   `json:"type"`
	Actor     sonicActor `json:"actor"`
	Repo      sonicRepo  `json:"repo"`
	CreatedAt sonicRaw   `json:"created_at"`
	Payload   sonicRaw   `json:"payload"`
}

type sonicActor struct {
	ID sonicRaw `json:"id"`
}

type sonicRepo struct {
	Name sonicRaw `json:"name"`
}

type sonicPush struct {
	Size sonicRaw `json:"size"`
}

// sonicRaw is a JSON value's bytes, validated by sonic as it skips them.
// sonic hands UnmarshalJSON a slice of the input itself, so keeping it
// costs nothing. sonic does not call it for null, leaving it nil: a null
// member reads as a missing one, which the contract treats alike for
// every member it reads.
type sonicRaw []byte

func (r *sonicRaw) UnmarshalJSON(b []byte) error {
	*r = b
	return nil
}

// Decode checks what sonic does not, decodes data into the typed structs,
// then reads each event.
//
// sonic is lenient in three ways, each closed here:
//   - Invalid UTF-8 is replaced with U+FFFD even with ValidateString:
//     sonic checks the input's UTF-8 before it decodes and, where it is
//     invalid, decodes a corrected copy instead. sonicValidUTF8 tells the
//     two apart from where the values it decoded lie, so that a good file
//     is not validated a second time; every bad file's UTF-8 is checked
//     before any other reason is given, as the contract's reasons have it.
//   - Its SIMD skipping of a long string (beyond one 32-byte block) does
//     not check escapes: `"<40 bytes>\x<40 bytes>"` in an ignored member
//     is accepted (bytedance/sonic#938). leniency.EscapesValid checks every
//     escape of the file instead: a pass at memchr speed, several times
//     cheaper than a full strictjson.Validate, and exact because sonic
//     validates everything else (grammar, control characters, numbers,
//     literals, what follows the value).
//   - It cannot skip values nested deeper than sonicSkipLimit; such a file
//     is decoded by decodeStd, with b.Fallback set.
func (d *sonicDecoder) Decode(data []byte, b *events.Batch) error {
	if err := leniency.EscapesValid(data); err != nil {
		return utf8First(data, err)
	}
	doc, err := d.decodeReusing(unsafe.String(unsafe.SliceData(data), len(data)))
	if err != nil {
		if d.isTooDeep(err) && sonicutf8.Validate(data) {
			b.Fallback = sonicFallback
			return decodeStd(data, b)
		}
		return utf8First(data, err)
	}
	if !sonicValidUTF8(data, doc) {
		return events.ErrInvalidUTF8
	}
	if doc.Events == nil {
		return events.ErrEventsMissing
	}
	for i := range *doc.Events {
		e, err := d.event(&(*doc.Events)[i], b)
		if err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
		b.Add(e)
	}
	return nil
}

// utf8First returns err, the reason a file is bad, unless the file's
// UTF-8 is invalid too: then that is the reason, as the contract checks it
// first.
func utf8First(data []byte, err error) error {
	// sonic's SIMD validator, which TestSonicUTF8 holds to utf8.Valid's
	// verdicts: about twice as fast on these files.
	if !sonicutf8.Validate(data) {
		return events.ErrInvalidUTF8
	}
	return err
}

// sonicValidUTF8 reports whether data, which sonic has just decoded into
// doc without an error, is valid UTF-8. sonic has checked it already, with
// the validator utf8First uses, and where it was invalid decoded a
// corrected copy (TestSonicCorrectsUTF8 holds sonic to that): so with
// sonic's JIT decoder, a value it decoded that lies in data says data is
// valid. The converse does not hold for every decoder: sonic's other one
// (optdec, the only one on arm64, or SONIC_USE_OPTDEC=1 on amd64) hands
// UnmarshalJSON a copy of every raw value, so a value outside data says
// nothing and data is checked again, as is a document with no such value
// to look at (no events, or a first event with none of the members the
// workload reads).
func sonicValidUTF8(data []byte, doc *sonicDocument) bool {
	if doc.Events != nil && len(*doc.Events) > 0 {
		if raw := (*doc.Events)[0].anyRaw(); raw != nil && within(raw, data) {
			return true
		}
	}
	return sonicutf8.Validate(data)
}

// within reports whether s starts inside buf's memory.
func within(s, buf []byte) bool {
	off := uintptr(unsafe.Pointer(unsafe.SliceData(s))) - uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	return off < uintptr(len(buf))
}

// decodeReusing decodes src into d.doc with its events in d.events, the
// decoder's own slice, instead of a slice sonic allocates per file (and
// grows per file: several allocations for a batch of a few events).
//
// sonic decodes an array into a slice it is given by resetting its
// length and appending in place, without zeroing what it overwrites, and
// leaves the slice untouched when "events" is missing. So the slice is
// zeroed first — then sonic sees exactly the zeroed memory a slice of its
// own would be — and handed over with length 1: "events": [] replaces it
// with an empty one, a longer array sets its length, null makes it nil,
// and only a missing "events" (or an array whose first event has none of
// the members the workload reads: a bad file) leaves one zero event in
// it. That one ambiguous case is decoded again the plain way, with Events
// nil, so the verdict and its reason are exactly sonic's own.
func (d *sonicDecoder) decodeReusing(src string) (*sonicDocument, error) {
	// All of it, every time: a document with "events" twice may have
	// written past the length its last array leaves.
	clear(d.events[:cap(d.events)])
	if cap(d.events) == 0 {
		d.events = make([]sonicEvent, 0, sonicReuseEvents)
	}
	d.evs = d.events[:1]
	d.doc = sonicDocument{Events: &d.evs}
	err := d.decode(src, &d.doc)
	if err != nil || d.doc.Events == nil {
		return &d.doc, err
	}
	if got := d.evs; len(got) == 1 && unsafe.SliceData(got) == unsafe.SliceData(d.events) && got[0].isZero() {
		clear(d.events[:1])
		d.doc = sonicDocument{}
		err = d.decode(src, &d.doc)
	}
	return &d.doc, err
}

// sonicReuseEvents is the capacity of the reused events slice: enough for
// most batches (a few events), small enough to zero for every file. A
// longer batch is decoded into a slice sonic grows, and that is dropped.
const sonicReuseEvents = 16

func (e *sonicEvent) isZero() bool { return e.anyRaw() == nil }

// anyRaw returns one of the values sonic decoded into e, nil when there is
// none.
func (e *sonicEvent) anyRaw() sonicRaw {
	for _, r := range [...]sonicRaw{e.Type, e.Actor.ID, e.Repo.Name, e.CreatedAt, e.Payload} {
		if r != nil {
			return r
		}
	}
	return nil
}

// decode runs d's document decoder over the whole of src.
func (d *sonicDecoder) decode(src string, v any) error { return sonicDecode(d.dec, src, v) }

// sonicDecode runs dec over the whole of src, which must hold one value.
func sonicDecode(dec *decoder.Decoder, src string, v any) error {
	dec.Reset(src)
	err := dec.Decode(v)
	if err == nil {
		err = dec.CheckTrailings()
	}
	if err != nil {
		return sonicError(err)
	}
	return nil
}

func (d *sonicDecoder) isTooDeep(err error) bool {
	var se decoder.SyntaxError
	return sonicSetup.tooDeep != nil && errors.As(err, &se) && any(se.Code) == sonicSetup.tooDeep
}

func (d *sonicDecoder) event(e *sonicEvent, b *events.Batch) (events.Event, error) {
	var ev events.Event
	var err error
	if ev.Type, err = d.str(e.Type, b); err != nil {
		return ev, memberError(err, events.ErrTypeMissing, `"type"`)
	}
	if e.Actor.ID == nil {
		return ev, events.ErrActorIDMissing
	}
	if ev.ActorID, err = strictjson.ParseInt(e.Actor.ID); err != nil {
		return ev, fmt.Errorf(`"actor.id": %w`, err)
	}
	if ev.Repo, err = d.str(e.Repo.Name, b); err != nil {
		return ev, memberError(err, events.ErrRepoNameMissing, `"repo.name"`)
	}
	if ev.CreatedAt, err = d.str(e.CreatedAt, b); err != nil {
		return ev, memberError(err, events.ErrCreatedAtMissing, `"created_at"`)
	}
	if string(ev.Type) == events.PushEvent {
		if e.Payload == nil {
			return ev, events.ErrPayloadMissing
		}
		// Only a PushEvent's payload is read: decoding every payload
		// into a struct would fail on other events' payloads, which may
		// be anything. It is decoded a second time, but without being
		// validated again (sonicPayloadOptions).
		d.push = sonicPush{}
		push := &d.push
		if err := sonicDecode(d.payload, unsafe.String(unsafe.SliceData(e.Payload), len(e.Payload)), push); err != nil {
			return ev, fmt.Errorf("PushEvent payload: %w", err)
		}
		if push.Size == nil {
			return ev, events.ErrPushSizeMissing
		}
		if ev.PushSize, err = strictjson.ParseInt(push.Size); err != nil {
			return ev, fmt.Errorf(`PushEvent "payload.size": %w`, err)
		}
	}
	return ev, nil
}

// str returns the decoded content of raw, a JSON string: its bytes in the
// input when it has no escape, else a copy decoded as encoding/json does.
// It returns errAbsent when raw is missing or not a string.
func (d *sonicDecoder) str(raw sonicRaw, b *events.Batch) ([]byte, error) {
	if len(raw) < 2 || raw[0] != '"' {
		return nil, errAbsent
	}
	s := raw[1 : len(raw)-1]
	for _, c := range s {
		if c == '\\' {
			var err error
			d.scratch, err = strictjson.AppendUnescaped(d.scratch[:0], s)
			if err != nil {
				return nil, err
			}
			return b.Keep(d.scratch), nil
		}
	}
	return s, nil
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
	var me decoder.MismatchTypeError
	switch {
	case errors.As(err, &se):
		return &sonicErr{fmt.Sprintf("sonic: invalid JSON at offset %d: %s", se.Pos, se.Message()), err}
	case errors.As(err, &me):
		return &sonicErr{fmt.Sprintf("sonic: cannot decode the value at offset %d into %v", me.Pos, me.Type), err}
	}
	return fmt.Errorf("sonic: %w", err)
}
