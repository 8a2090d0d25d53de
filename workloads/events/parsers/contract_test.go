package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"benchgrid/workloads/events"
)

// decoded is an adapter's verdict on one document, with owned copies of
// the events it contributed.
type decoded struct {
	err      error
	events   []ownedEvent
	fallback string
}

type ownedEvent struct {
	Type, Repo, CreatedAt string
	ActorID, PushSize     int64
}

func (d decoded) String() string {
	if d.err != nil {
		return "bad: " + d.err.Error()
	}
	return fmt.Sprintf("good: %+v", d.events)
}

// decodeWith runs one fresh decoder of p over data.
func decodeWith(t testing.TB, p events.Parser, data []byte) decoded {
	t.Helper()
	dec, err := p.NewDecoder()
	if err != nil {
		t.Fatalf("%s: NewDecoder: %v", p.Name(), err)
	}
	return decodeOnce(dec, data)
}

func decodeOnce(dec events.Decoder, data []byte) decoded {
	var b events.Batch
	// Decode from a private copy, so an adapter that writes into its
	// input cannot affect the next one.
	if err := dec.Decode(bytes.Clone(data), &b); err != nil {
		return decoded{err: err, fallback: b.Fallback}
	}
	d := decoded{fallback: b.Fallback, events: []ownedEvent{}}
	for _, e := range b.Events {
		d.events = append(d.events, ownedEvent{string(e.Type), string(e.Repo), string(e.CreatedAt), e.ActorID, e.PushSize})
	}
	return d
}

// parsersUnderTest lists every registered adapter that computes a result
// and can run here.
func parsersUnderTest(t testing.TB) []events.Parser {
	var ps []events.Parser
	for _, name := range events.Names() {
		p, err := events.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if !events.IsReadOnly(p) {
			ps = append(ps, p)
		}
	}
	return runnable(t, ps...)
}

// runnable returns those of ps that can run here, logging the others. An
// adapter that fails to start for another reason fails the test.
func runnable(t testing.TB, ps ...events.Parser) []events.Parser {
	var ok []events.Parser
	for _, p := range ps {
		if _, err := p.NewDecoder(); errors.Is(err, events.ErrUnavailable) {
			t.Logf("%s cannot run here: %v", p.Name(), err)
			continue
		} else if err != nil {
			t.Fatalf("%s: NewDecoder: %v", p.Name(), err)
		}
		ok = append(ok, p)
	}
	return ok
}

const okEvent = `{"type":"WatchEvent","actor":{"id":7},"repo":{"name":"a/b"},"created_at":"2026-03-01T00:00:00Z"}`

// doc wraps events in a batch document.
func doc(events ...string) string {
	return `{"batch":1,"events":[` + strings.Join(events, ",") + `]}`
}

// event returns an event with one member replaced (or removed when value is "").
func event(member, value string) string {
	fields := []struct{ k, v string }{
		{"type", `"WatchEvent"`},
		{"actor", `{"id":7,"login":"x"}`},
		{"repo", `{"id":1,"name":"a/b"}`},
		{"created_at", `"2026-03-01T00:00:00Z"`},
	}
	var parts []string
	replaced := false
	for _, f := range fields {
		if f.k == member {
			replaced = true
			if value != "" {
				parts = append(parts, fmt.Sprintf("%q:%s", f.k, value))
			}
			continue
		}
		parts = append(parts, fmt.Sprintf("%q:%s", f.k, f.v))
	}
	if !replaced {
		parts = append(parts, fmt.Sprintf("%q:%s", member, value))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func push(payload string) string {
	return `{"type":"PushEvent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t","payload":` + payload + `}`
}

var watch = ownedEvent{"WatchEvent", "a/b", "2026-03-01T00:00:00Z", 7, 0}

func with(f func(e *ownedEvent)) []ownedEvent {
	e := watch
	f(&e)
	return []ownedEvent{e}
}

func nest(depth int, inner string) string {
	return strings.Repeat("[", depth) + inner + strings.Repeat("]", depth)
}

// contractCases are docs/events.md's rules, one row each. want is nil for a
// bad file.
var contractCases = []struct {
	name string
	data string
	want []ownedEvent
}{
	// Rule 1: valid JSON and UTF-8, whitespace, depth.
	{"minimal good", doc(okEvent), []ownedEvent{watch}},
	{"no events", `{"events":[]}`, []ownedEvent{}},
	{"whitespace around", " \t\r\n" + doc(okEvent) + "\r\n\t ", []ownedEvent{watch}},
	{"empty file", ``, nil},
	{"whitespace only", " \n\t", nil},
	{"BOM", "\xef\xbb\xbf" + doc(okEvent), nil},
	{"NUL after", doc(okEvent) + "\x00", nil},
	{"form feed after", doc(okEvent) + "\f", nil},
	{"trailing garbage", doc(okEvent) + "x", nil},
	{"two values", doc(okEvent) + doc(okEvent), nil},
	{"truncated", doc(okEvent)[:40], nil},
	{"trailing comma in array", `{"events":[` + okEvent + `,]}`, nil},
	{"trailing comma in object", `{"events":[],}`, nil},
	{"single quotes", `{'events':[]}`, nil},
	{"unquoted key", `{events:[]}`, nil},
	{"invalid UTF-8 in ignored string", doc(event("x", "\"\xff\"")), nil},
	{"overlong UTF-8", doc(event("x", "\"\xc0\xaf\"")), nil},
	{"UTF-8 surrogate", doc(event("x", "\"\xed\xa0\x80\"")), nil},
	{"cut UTF-8 sequence", doc(event("x", "\"\xe2\x9c\"")), nil},
	{"raw control char in string", doc(event("x", "\"a\x01b\"")), nil},
	{"raw tab in string", doc(event("x", "\"a\tb\"")), nil},
	{"raw DEL in string is fine", doc(event("x", "\"a\x7fb\"")), []ownedEvent{watch}},
	{"invalid escape", doc(event("x", `"\x41"`)), nil},
	{"short unicode escape", doc(event("x", `"\u12"`)), nil},
	{"leading zero", doc(event("x", `01`)), nil},
	{"NaN", doc(event("x", `NaN`)), nil},
	{"Infinity", doc(event("x", `-Infinity`)), nil},
	{"plus sign", doc(event("x", `+1`)), nil},
	{"bare decimal point", doc(event("x", `1.`)), nil},
	{"hex number", doc(event("x", `0x10`)), nil},
	{"bad literal", doc(event("x", `tru`)), nil},
	{"capital literal", doc(event("x", `True`)), nil},
	{"all value kinds ignored", doc(event("x", `[1,-2.5e+3,"s",true,false,null,{"a":{}},[]]`)), []ownedEvent{watch}},
	{"depth 10000", doc(event("x", nest(10000-3, "1"))), []ownedEvent{watch}},
	{"depth 10001", doc(event("x", nest(10001-3, "1"))), nil},
	{"depth 400", doc(event("x", nest(400, "{}"))), []ownedEvent{watch}},
	// Rule 2: top level.
	{"top-level array", `[` + okEvent + `]`, nil},
	{"top-level null", `null`, nil},
	{"top-level string", `"events"`, nil},
	{"events missing", `{"batch":1}`, nil},
	{"events null", `{"events":null}`, nil},
	{"events object", `{"events":{}}`, nil},
	{"events string", `{"events":"[]"}`, nil},
	{"Events capitalised", `{"Events":[]}`, nil},
	{"events escaped name", `{"ev\u0065nts":[` + okEvent + `]}`, []ownedEvent{watch}},
	// Rule 3: every event.
	{"null event", doc(okEvent, `null`), nil},
	{"array event", doc(`[]`), nil},
	{"number event", doc(`1`), nil},
	{"type missing", doc(event("type", "")), nil},
	{"type number", doc(event("type", `5`)), nil},
	{"type null", doc(event("type", `null`)), nil},
	{"Type instead of type", doc(`{"Type":"WatchEvent","actor":{"id":7},"repo":{"name":"a/b"},"created_at":"2026-03-01T00:00:00Z"}`), nil},
	{"TYPE instead of type", doc(`{"TYPE":"WatchEvent","actor":{"id":7},"repo":{"name":"a/b"},"created_at":"2026-03-01T00:00:00Z"}`), nil},
	{"Type beside type", doc(`{"Type":"X","type":"WatchEvent","actor":{"id":7},"repo":{"name":"a/b"},"created_at":"2026-03-01T00:00:00Z"}`), []ownedEvent{watch}},
	{"type beside Type", doc(`{"type":"WatchEvent","Type":"X","actor":{"id":7},"repo":{"name":"a/b"},"created_at":"2026-03-01T00:00:00Z"}`), []ownedEvent{watch}},
	{"escaped member name", doc(`{"t\u0079pe":"WatchEvent","actor":{"\u0069d":7},"repo":{"nam\u0065":"a/b"},"cr\u0065ated_at":"2026-03-01T00:00:00Z"}`), []ownedEvent{watch}},
	{"empty type and repo", doc(`{"type":"","actor":{"id":7},"repo":{"name":""},"created_at":""}`), []ownedEvent{{"", "", "", 7, 0}}},
	{"actor missing", doc(event("actor", "")), nil},
	{"actor null", doc(event("actor", `null`)), nil},
	{"actor array", doc(event("actor", `[7]`)), nil},
	{"actor.id missing", doc(event("actor", `{"login":"x"}`)), nil},
	{"actor.ID", doc(event("actor", `{"ID":7}`)), nil},
	{"actor.Id beside id", doc(event("actor", `{"Id":8,"id":7}`)), []ownedEvent{watch}},
	{"actor.id null", doc(event("actor", `{"id":null}`)), nil},
	{"actor.id 1.5", doc(event("actor", `{"id":1.5}`)), nil},
	{"actor.id 1.0", doc(event("actor", `{"id":1.0}`)), nil},
	{"actor.id 1e3", doc(event("actor", `{"id":1e3}`)), nil},
	{"actor.id 1E3", doc(event("actor", `{"id":1E3}`)), nil},
	{"actor.id string", doc(event("actor", `{"id":"583231"}`)), nil},
	{"actor.id true", doc(event("actor", `{"id":true}`)), nil},
	{"actor.id object", doc(event("actor", `{"id":{}}`)), nil},
	{"actor.id max int64", doc(event("actor", `{"id":9223372036854775807}`)), with(func(e *ownedEvent) { e.ActorID = 9223372036854775807 })},
	{"actor.id min int64", doc(event("actor", `{"id":-9223372036854775808}`)), with(func(e *ownedEvent) { e.ActorID = -9223372036854775808 })},
	{"actor.id above int64", doc(event("actor", `{"id":9223372036854775808}`)), nil},
	{"actor.id below int64", doc(event("actor", `{"id":-9223372036854775809}`)), nil},
	{"actor.id far above int64", doc(event("actor", `{"id":184467440737095516150}`)), nil},
	{"actor.id -0", doc(event("actor", `{"id":-0}`)), with(func(e *ownedEvent) { e.ActorID = 0 })},
	{"actor.id negative", doc(event("actor", `{"id":-42}`)), with(func(e *ownedEvent) { e.ActorID = -42 })},
	{"repo missing", doc(event("repo", "")), nil},
	{"repo null", doc(event("repo", `null`)), nil},
	{"repo.name null", doc(event("repo", `{"name":null}`)), nil},
	{"repo.name number", doc(event("repo", `{"name":1}`)), nil},
	{"repo.Name", doc(event("repo", `{"Name":"a/b"}`)), nil},
	{"repo NAMe beside name", doc(event("repo", `{"name":"a/b","NAMe":"z"}`)), []ownedEvent{watch}},
	{"long-s eventſ beside events", `{"eventſ":[null],"events":[` + okEvent + `]}`, []ownedEvent{watch}},
	{"long-s eventſ alone", `{"eventſ":[]}`, nil},
	{"created_at missing", doc(event("created_at", "")), nil},
	{"created_at number", doc(event("created_at", `20260301`)), nil},
	// Strings decode as encoding/json does.
	{"escapes in strings", doc(event("repo", `{"name":"a\"b\\c\/d\b\f\n\r\t\u00e9\u4e2d"}`)), with(func(e *ownedEvent) { e.Repo = "a\"b\\c/d\b\f\n\r\té中" })},
	{"surrogate pair", doc(event("repo", `{"name":"\ud83d\ude80"}`)), with(func(e *ownedEvent) { e.Repo = "🚀" })},
	{"lone high surrogate", doc(event("repo", `{"name":"a\ud800b"}`)), with(func(e *ownedEvent) { e.Repo = "a\uFFFDb" })},
	{"lone low surrogate", doc(event("repo", `{"name":"\udc00"}`)), with(func(e *ownedEvent) { e.Repo = "\uFFFD" })},
	{"high high surrogate", doc(event("repo", `{"name":"\ud800\ud800"}`)), with(func(e *ownedEvent) { e.Repo = "\uFFFD\uFFFD" })},
	{"high then escape", doc(event("repo", `{"name":"\ud800\n"}`)), with(func(e *ownedEvent) { e.Repo = "\uFFFD\n" })},
	{"lone surrogate in type", doc(event("type", `"\ud834"`)), with(func(e *ownedEvent) { e.Type = "\uFFFD" })},
	{"raw non-ASCII", doc(event("type", `"ßẞ✓😀"`)), with(func(e *ownedEvent) { e.Type = "ßẞ✓😀" })},
	{"U+2028 raw", doc(event("type", "\"a\u2028b\"")), with(func(e *ownedEvent) { e.Type = "a\u2028b" })},
	{"escaped NUL", doc(event("type", `"a\u0000b"`)), with(func(e *ownedEvent) { e.Type = "a\x00b" })},
	// Rule 4: PushEvent.
	{"push with size", doc(push(`{"size":3,"commits":[]}`)), []ownedEvent{{"PushEvent", "r", "t", 1, 3}}},
	{"push size 0", doc(push(`{"size":0}`)), []ownedEvent{{"PushEvent", "r", "t", 1, 0}}},
	{"push size negative", doc(push(`{"size":-2}`)), []ownedEvent{{"PushEvent", "r", "t", 1, -2}}},
	{"push without size", doc(push(`{"distinct_size":3}`)), nil},
	{"push size 2.0", doc(push(`{"size":2.0}`)), nil},
	{"push size string", doc(push(`{"size":"2"}`)), nil},
	{"push size null", doc(push(`{"size":null}`)), nil},
	{"push Size", doc(push(`{"Size":2}`)), nil},
	{"push long-s size", doc(push(`{"ſize":2}`)), nil},
	{"push long-s beside size", doc(push(`{"ſize":9,"size":2}`)), []ownedEvent{{"PushEvent", "r", "t", 1, 2}}},
	{"push payload null", doc(push(`null`)), nil},
	{"push payload array", doc(push(`[]`)), nil},
	{"push without payload", doc(`{"type":"PushEvent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t"}`), nil},
	{"pushevent lower case is not push", doc(`{"type":"pushevent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t"}`), []ownedEvent{{"pushevent", "r", "t", 1, 0}}},
	{"escaped PushEvent type", doc(`{"type":"Push\u0045vent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t","payload":{"size":5}}`), []ownedEvent{{"PushEvent", "r", "t", 1, 5}}},
	{"payload before type", doc(`{"payload":{"size":2},"type":"PushEvent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t"}`), []ownedEvent{{"PushEvent", "r", "t", 1, 2}}},
	{"escaped payload name", doc(`{"type":"PushEvent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t","p\u0061yload":{"size":4}}`), []ownedEvent{{"PushEvent", "r", "t", 1, 4}}},
	{"push size after commits", doc(push(`{"commits":[{"sha":"a","message":"x]}\"{[","size":9}],"size":3,"distinct_size":2}`)), []ownedEvent{{"PushEvent", "r", "t", 1, 3}}},
	{"push size deep in commits only", doc(push(`{"commits":[{"size":9}]}`)), nil},
	{"push payload nested deep", doc(push(`{"c":` + nest(2000, "1") + `,"size":6}`)), []ownedEvent{{"PushEvent", "r", "t", 1, 6}}},
	{"push payload invalid inside", doc(push(`{"size":1,"c":[1,]}`)), nil},
	{"push payload bad escape inside", doc(push(`{"size":1,"c":"\x"}`)), nil},
	{"non-push payload anything", doc(event("payload", `"x"`), event("payload", `null`), event("payload", `{"size":1.5}`)), []ownedEvent{watch, watch, watch}},
	// A bad event anywhere makes the whole file bad.
	{"good then bad event", doc(okEvent, okEvent, event("type", "")), nil},
}

// TestContract checks every adapter against every rule of docs/events.md.
func TestContract(t *testing.T) {
	for _, p := range parsersUnderTest(t) {
		t.Run(p.Name(), func(t *testing.T) {
			for _, tc := range contractCases {
				got := decodeWith(t, p, []byte(tc.data))
				if tc.want == nil {
					if got.err == nil {
						t.Errorf("%s: Decode(%.80q) = %v, want bad", tc.name, tc.data, got)
					}
					continue
				}
				if got.err != nil || !equalEvents(got.events, tc.want) {
					t.Errorf("%s: Decode(%.80q) = %v, want good: %+v", tc.name, tc.data, got, tc.want)
				}
			}
		})
	}
}

// reasonCases are bad files for which every adapter gives the contract's
// own reason (workload/reasons.go), not its library's words.
var reasonCases = []struct {
	name string
	data string
	want error
}{
	{"invalid UTF-8", doc(event("x", "\"\xff\"")), events.ErrInvalidUTF8},
	{"events missing", `{"batch":1}`, events.ErrEventsMissing},
	{"type missing", doc(event("type", "")), events.ErrTypeMissing},
	{"type null", doc(event("type", `null`)), events.ErrTypeMissing},
	{"actor missing", doc(event("actor", "")), events.ErrActorIDMissing},
	{"actor.id missing", doc(event("actor", `{"login":"x"}`)), events.ErrActorIDMissing},
	{"repo missing", doc(event("repo", "")), events.ErrRepoNameMissing},
	{"repo.name missing", doc(event("repo", `{"id":1}`)), events.ErrRepoNameMissing},
	{"created_at missing", doc(event("created_at", "")), events.ErrCreatedAtMissing},
	{"push without payload", doc(`{"type":"PushEvent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t"}`), events.ErrPayloadMissing},
	{"push without size", doc(push(`{"distinct_size":3}`)), events.ErrPushSizeMissing},
	{"good then bad event", doc(okEvent, okEvent, event("type", "")), events.ErrTypeMissing},
}

// TestReasons checks that every adapter words the reasons the contract
// owns alike.
func TestReasons(t *testing.T) {
	for _, p := range parsersUnderTest(t) {
		t.Run(p.Name(), func(t *testing.T) {
			for _, tc := range reasonCases {
				if got := decodeWith(t, p, []byte(tc.data)); !errors.Is(got.err, tc.want) {
					t.Errorf("%s: Decode(%.80q) = %v, want %v", tc.name, tc.data, got, tc.want)
				}
			}
		})
	}
}

func equalEvents(a, b []ownedEvent) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDecoderReuse checks that a decoder reused across files (as every
// worker does) gives the same answers as fresh ones, in any order.
func TestDecoderReuse(t *testing.T) {
	for _, p := range parsersUnderTest(t) {
		t.Run(p.Name(), func(t *testing.T) {
			dec, err := p.NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			for round := 0; round < 2; round++ {
				for _, tc := range contractCases {
					fresh := decodeWith(t, p, []byte(tc.data))
					reused := decodeOnce(dec, []byte(tc.data))
					if (fresh.err == nil) != (reused.err == nil) || !equalEvents(fresh.events, reused.events) {
						t.Errorf("%s: reused Decode(%.60q) = %v, fresh = %v", tc.name, tc.data, reused, fresh)
					}
				}
			}
		})
	}
}

// hasDuplicateNames reports whether some object in data repeats a member
// name. The contract leaves such documents unspecified (parsers differ on
// which value wins), so differential tests skip them.
func hasDuplicateNames(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object  bool
		wantKey bool
		names   map[string]bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.wantKey {
			if name, ok := tok.(string); ok {
				if top.names[name] {
					return true
				}
				top.names[name] = true
				top.wantKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, wantKey: true, names: map[string]bool{}})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value ended: the enclosing object wants a name next.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantKey = true
		}
	}
}
