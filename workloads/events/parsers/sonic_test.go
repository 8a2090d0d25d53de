package parsers

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/bytedance/sonic/decoder"
	sonicutf8 "github.com/bytedance/sonic/utf8"

	"benchgrid/workloads/events"
)

// sonicLong is longer than one SIMD block, so that strings holding it are
// skipped by sonic's vectorised path, where bytedance/sonic#938 lives.
var sonicLong = strings.Repeat("abcdefgh", 10)

// sonicLeniencyCases are inputs where sonic or goccy, used naively, would
// disagree with encoding/json. Every one is checked against decodeStd
// (verdict and events) rather than a hard-coded answer.
var sonicLeniencyCases = []struct {
	name string
	data string
}{
	// Escapes: sonic's SIMD skipping misses them in long strings (#938).
	{"bad escape in short ignored string", doc(event("x", `"\x"`))},
	{"bad escape in long ignored string", doc(event("x", `"`+sonicLong+`\x`+sonicLong+`"`))},
	{"\\v in long ignored string", doc(event("x", `"`+sonicLong+`\v`+sonicLong+`"`))},
	{"\\0 in long ignored string", doc(event("x", `"`+sonicLong+`\0`+sonicLong+`"`))},
	{"bad hex in long ignored string", doc(event("x", `"`+sonicLong+`\u12G4`+sonicLong+`"`))},
	{"short hex at end of long string", doc(event("x", `"`+sonicLong+`\u12"`))},
	{"bad escape in long ignored key", doc(event("x", `{"`+sonicLong+`\x`+sonicLong+`":1}`))},
	{"bad escape in long ignored payload", doc(event("payload", `{"m":"`+sonicLong+`\q`+sonicLong+`"}`))},
	{"bad escape in long push payload", doc(push(`{"size":1,"m":"` + sonicLong + `\q` + sonicLong + `"}`))},
	{"bad escape in long type", doc(event("type", `"`+sonicLong+`\x`+sonicLong+`"`))},
	{"escaped backslash then x", doc(event("x", `"`+sonicLong+`\\x`+sonicLong+`"`))},
	{"escaped quote in long string", doc(event("x", `"`+sonicLong+`\"`+sonicLong+`\\"`))},
	{"good escapes in long strings", doc(event("type", `"`+sonicLong+`\n\u00e9\ud83d\ude80\/`+sonicLong+`"`))},
	{"backslash outside strings", doc(event("x", `\n`))},
	// Control characters, short and long, in every position.
	{"control char in short ignored string", doc(event("x", "\"a\x01b\""))},
	{"control char in long ignored string", doc(event("x", "\""+sonicLong+"\x1f"+sonicLong+"\""))},
	{"control char in long ignored key", doc(event("x", "{\""+sonicLong+"\n"+sonicLong+"\":1}"))},
	{"control char in type", doc(event("type", "\"a\tb\""))},
	{"control char in long repo.name", doc(event("repo", "{\"name\":\""+sonicLong+"\x00"+sonicLong+"\"}"))},
	{"DEL in long string", doc(event("x", "\""+sonicLong+"\x7f"+sonicLong+"\""))},
	// UTF-8: sonic and goccy replace invalid bytes with U+FFFD.
	{"invalid UTF-8 in type", doc(event("type", "\"\xff\""))},
	{"invalid UTF-8 in long ignored string", doc(event("x", "\""+sonicLong+"\xc3\x28"+sonicLong+"\""))},
	{"UTF-8 surrogate in key", doc(event("\xed\xa0\x80", "1"))},
	{"5-byte UTF-8", doc(event("x", "\"\xf8\x88\x80\x80\x80\""))},
	{"above U+10FFFF", doc(event("x", "\"\xf4\x90\x80\x80\""))},
	{"non-ASCII in long strings", doc(event("repo", `{"name":"`+sonicLong+`✓😀é`+sonicLong+`"}`))},
	// Wherever the bad UTF-8 is, whatever else is wrong: sonic decodes a
	// corrected copy, and the file's UTF-8 is the reason (sonicValidUTF8).
	{"invalid UTF-8 in a later event", doc(okEvent, event("x", "\"\xff\""))},
	{"invalid UTF-8 before events", `{"z":"` + "\xff" + `","events":[` + okEvent + `]}`},
	{"invalid UTF-8 after events", `{"events":[` + okEvent + `],"z":"` + "\xe2\x82" + `"}`},
	{"invalid UTF-8 with no events", `{"events":[],"z":"` + "\xff" + `"}`},
	{"invalid UTF-8 and no events member", `{"z":"` + "\xff" + `"}`},
	{"invalid UTF-8 and a bad first event", doc(event("type", ""), event("x", "\"\xff\""))},
	{"invalid UTF-8 and a bad escape", doc(event("x", `"\x"`), event("y", "\"\xff\""))},
	{"invalid UTF-8 and bad JSON", doc(event("x", "\"\xff\""), `{`)},
	{"invalid UTF-8 after the value", doc(okEvent) + " \xff"},
	{"invalid UTF-8 in a push payload", doc(push(`{"size":1,"m":"` + "\xff" + `"}`))},
	{"invalid UTF-8 in a long push payload", doc(push(`{"size":1,"m":"` + sonicLong + "\xc3\x28" + sonicLong + `"}`))},
	// A PushEvent's payload is validated once, with the document: its
	// second decoding does not validate (sonicPayloadOptions).
	{"control char in a push payload", doc(push(`{"size":1,"m":"a` + "\t" + `b"}`))},
	{"control char in a long push payload", doc(push(`{"size":1,"m":"` + sonicLong + "\x01" + sonicLong + `"}`))},
	{"leading zero in a push payload", doc(push(`{"size":1,"m":01}`))},
	{"trailing comma in a push payload", doc(push(`{"size":1,"m":[1,]}`))},
	{"bad literal in a push payload", doc(push(`{"size":1,"m":tru}`))},
	{"NaN in a push payload", doc(push(`{"size":1,"m":NaN}`))},
	{"missing colon in a push payload", doc(push(`{"size":1,"m":{"a" 1}}`))},
	{"brackets in strings before size", doc(push(`{"commits":[{"m":"]}\"["}],"size":3}`))},
	{"escaped quotes before size", doc(push(`{"m":"a\"],\"size\":9","n":"b\\","size":3}`))},
	{"size of a commit is not the size", doc(push(`{"commits":[{"size":9}],"distinct_size":8}`))},
	{"spaces in a push payload", doc(push(" { \"size\" : 3 , \"m\" : [ { } ] } "))},
	// Surrogate escapes decode as encoding/json does.
	{"lone high surrogate then pair", doc(event("type", `"\ud800\ud83d\ude80"`))},
	{"lone high then non-surrogate", doc(event("type", `"\ud800\u0041"`))},
	{"low then high", doc(event("type", `"\udc00\ud800"`))},
	{"lone surrogate at end", doc(event("repo", `{"name":"a\udbff"}`))},
	{"lone surrogate in ignored key", doc(event(`\ud800`, "1"))},
	{"lone surrogate in key beside type", doc(`{"type\ud800":"x","type":"T","actor":{"id":1},"repo":{"name":"r"},"created_at":"c"}`)},
	// Case folding: sonic folds ASCII, goccy's v1 API folds Unicode too.
	{"Kelvin sign in events", `{"eventK":[]}`},
	{"Kelvin sign beside events", `{"evenTs":[null],"events":[]}`},
	{"long s in created_at", doc(`{"type":"T","actor":{"id":1},"repo":{"name":"r"},"created_at":"c","ſreated_at":1}`)},
	{"upper-case ID only", doc(event("actor", `{"ID":1}`))},
	{"PAYLOAD of a push", doc(`{"type":"PushEvent","actor":{"id":1},"repo":{"name":"r"},"created_at":"c","PAYLOAD":{"size":1}}`)},
	{"escaped upper-case name", doc(`{"\u0054ype":"T","actor":{"id":1},"repo":{"name":"r"},"created_at":"c"}`)},
	{"escaped exact names", doc(`{"type":"T","\u0061ctor":{"\u0069\u0064":-1},"repo":{"n\u0061me":"r"},"created_at":"c"}`)},
	{"escaped size", doc(push(`{"s\u0069ze":4}`))},
	// Integers.
	{"id with exponent zero", doc(event("actor", `{"id":1e0}`))},
	{"id with plus exponent", doc(event("actor", `{"id":1E+2}`))},
	{"id -0.0", doc(event("actor", `{"id":-0.0}`))},
	{"id 20 digits", doc(event("actor", `{"id":10000000000000000000}`))},
	{"id 400 digits", doc(event("actor", `{"id":1`+strings.Repeat("0", 400)+`}`))},
	{"size min int64", doc(push(`{"size":-9223372036854775808}`))},
	{"size array", doc(push(`{"size":[1]}`))},
	{"id leading zero", doc(event("actor", `{"id":07}`))},
	// Shapes.
	{"event string", doc(`"x"`)},
	{"event true", doc(`true`)},
	{"repo array", doc(event("repo", `["a/b"]`))},
	{"repo string", doc(event("repo", `"a/b"`))},
	{"actor empty", doc(event("actor", `{}`))},
	{"payload string in push", doc(push(`"x"`))},
	{"payload number in non-push", doc(event("payload", `1`))},
	{"events twice nested", `{"x":{"events":[]}}`},
	{"huge number ignored", doc(event("x", `1e99999`))},
	{"whitespace everywhere", " {\n\t\"events\" :\r [ {\"type\" : \"T\" , \"actor\" : { \"id\" : 1 } , \"repo\" : { \"name\" : \"r\" } , \"created_at\" : \"c\" } ] } \n"},
	{"vertical tab before", "\v" + doc(okEvent)},
	{"NBSP after", doc(okEvent) + "\u00a0"},
	{"NUL inside", `{"events":[]` + "\x00" + `}`},
	{"unclosed", `{"events":[` + okEvent},
	{"comment", `{"events":[]/**/}`},
	// Depth: encoding/json's limit, and sonic's own around 4096.
	{"depth 10000 in ignored member", doc(event("x", nest(10000-3, "1")))},
	{"depth 10001 in ignored member", doc(event("x", nest(10001-3, "1")))},
	{"depth 10000 in payload", doc(event("payload", nest(10000-3, "1")))},
	{"depth 10000 in push payload", doc(push(`{"size":1,"c":` + nest(10000-4, "1") + `}`))},
	{"depth 10001 in push payload", doc(push(`{"size":1,"c":` + nest(10001-4, "1") + `}`))},
	{"depth 10000 at top", `{"events":[],"x":` + nest(10000-1, "") + `}`},
	{"depth 10001 at top", `{"events":[],"x":` + nest(10001-1, "") + `}`},
	{"depth 4096 below a member", `{"events":[],"x":` + nest(sonicSkipLimit, "") + `}`},
	{"depth 4097 below a member", `{"events":[],"x":` + nest(sonicSkipLimit+1, "") + `}`},
	{"deep and bad escape", `{"events":[],"x":` + nest(5000, `"\x"`) + `}`},
	{"deep and bad event", `{"events":[null],"x":` + nest(5000, ``) + `}`},
	{"deep objects", `{"events":[],"x":` + strings.Repeat(`{"a":`, 6000) + "1" + strings.Repeat("}", 6000) + `}`},
	{"deep objects with bad UTF-8", `{"events":[],"x":` + strings.Repeat(`{"a":`, 6000) + "\"\xff\"" + strings.Repeat("}", 6000) + `}`},
	{"deep unclosed", `{"events":[],"x":` + strings.Repeat("[", 6000) + `}`},
}

// TestSonicCorrectsUTF8 holds sonic to what sonicValidUTF8 relies on: it
// decodes a document with invalid UTF-8, anywhere, from a corrected copy
// (and without an error), so that no value it decodes lies in the input;
// from a valid one, every value lies in the input.
func TestSonicCorrectsUTF8(t *testing.T) {
	if _, err := (sonicParser{}).NewDecoder(); errors.Is(err, events.ErrUnavailable) {
		t.Skip(err)
	}
	for _, tc := range []struct {
		data  string
		valid bool
	}{
		{doc(okEvent), true},
		{doc(okEvent, push(`{"size":1}`)), true},
		{doc(event("type", "\"\xff\"")), false},
		{doc(event("x", "\"\xff\"")), false},
		{doc(okEvent, event("x", "\""+sonicLong+"\xe2\x82"+sonicLong+"\"")), false},
		{`{"z":"` + "\xc0\xaf" + `","events":[` + okEvent + `]}`, false},
		{`{"events":[` + okEvent + `],"z":"` + "\xed\xa0\x80" + `"}`, false},
	} {
		data := []byte(tc.data)
		dec := decoder.NewDecoder(unsafe.String(unsafe.SliceData(data), len(data)))
		dec.SetOptions(sonicOptions)
		var d sonicDocument
		if err := dec.Decode(&d); err != nil || d.Events == nil || len(*d.Events) == 0 {
			t.Fatalf("sonic Decode(%q) = %v with %v, want no error and events", tc.data, err, d.Events)
		}
		for i, e := range *d.Events {
			for _, raw := range []sonicRaw{e.Type, e.Actor.ID, e.Repo.Name, e.CreatedAt} {
				// The adapter relies on one direction only: a value in the
				// input says the input is valid. The other is what makes
				// the check cheap, and only sonic's JIT decoder gives it.
				switch got := within(raw, data); {
				case got && !tc.valid:
					t.Errorf("sonic Decode(%q): event %d's value %q lies in an input that is not valid UTF-8", tc.data, i, raw)
				case !got && tc.valid && sonicJIT():
					t.Errorf("sonic Decode(%q): event %d's value %q is a copy, not in the input: the JIT decoder's UTF-8 shortcut is lost", tc.data, i, raw)
				}
			}
		}
	}
}

// TestSonicDuplicates pins what the sonic adapter makes of repeated member
// names. The contract leaves them unspecified, and the adapters differ
// (the differential tests skip them); sonic's own answer is the last
// member's whole value, a payload replaced rather than merged, and this
// keeps a change to how it reads payloads from changing it unseen.
func TestSonicDuplicates(t *testing.T) {
	p := sonicParser{}
	if _, err := p.NewDecoder(); errors.Is(err, events.ErrUnavailable) {
		t.Skip(err)
	}
	const head = `{"type":"PushEvent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t",`
	pushed := func(size int64) []ownedEvent { return []ownedEvent{{"PushEvent", "r", "t", 1, size}} }
	for _, tc := range []struct {
		name string
		data string
		want []ownedEvent // nil: bad
	}{
		{"size twice", doc(push(`{"size":1,"size":2}`)), pushed(2)},
		{"size then a string", doc(push(`{"size":1,"size":"x"}`)), nil},
		{"a string then size", doc(push(`{"size":"x","size":1}`)), pushed(1)},
		{"size then null", doc(push(`{"size":1,"size":null}`)), nil},
		{"escaped size then size", doc(push(`{"s\u0069ze":1,"size":2}`)), pushed(2)},
		{"payload twice", doc(head + `"payload":{"size":1},"payload":{"size":2}}`), pushed(2)},
		{"payload then an empty one", doc(head + `"payload":{"size":1},"payload":{}}`), nil},
		{"payload then null", doc(head + `"payload":{"size":1},"payload":null}`), nil},
		{"payload then an array", doc(head + `"payload":{"size":1},"payload":[]}`), nil},
		{"null then payload", doc(head + `"payload":null,"payload":{"size":1}}`), pushed(1)},
		{"a string then payload", doc(head + `"payload":"x","payload":{"size":1}}`), pushed(1)},
		{"payload then an escaped one", doc(head + `"payload":{"size":1},"p\u0061yload":{"size":3}}`), pushed(3)},
		{"type PushEvent last", doc(`{"type":"WatchEvent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t","payload":{"size":1},"type":"PushEvent"}`), pushed(1)},
		{"type PushEvent first", doc(head + `"payload":{"size":1},"type":"WatchEvent"}`), []ownedEvent{{"WatchEvent", "r", "t", 1, 0}}},
		{"type then null", doc(`{"type":"PushEvent","type":null,"actor":{"id":1},"repo":{"name":"r"},"created_at":"t","payload":{"size":1}}`), nil},
		{"events twice", `{"events":[` + push(`{"size":1}`) + `],"events":[` + push(`{"size":2}`) + `]}`, pushed(2)},
		{"events then empty", `{"events":[` + push(`{"size":1}`) + `],"events":[]}`, []ownedEvent{}},
	} {
		got := decodeWith(t, p, []byte(tc.data))
		if tc.want == nil {
			if got.err == nil {
				t.Errorf("%s: Decode(%q) = %v, want bad", tc.name, tc.data, got)
			}
		} else if got.err != nil || !equalEvents(got.events, tc.want) {
			t.Errorf("%s: Decode(%q) = %v, want good: %+v", tc.name, tc.data, got, tc.want)
		}
	}
}

// sonicLikeStd checks that p gives data decodeStd's verdict and events.
func sonicLikeStd(t *testing.T, p events.Parser, name string, data []byte) {
	t.Helper()
	want := decodeWith(t, stdParser{}, data)
	got := decodeWith(t, p, data)
	if (got.err == nil) != (want.err == nil) || !equalEvents(got.events, want.events) {
		t.Errorf("%s: %s: Decode(%.100q) = %v, want %v", p.Name(), name, data, got, want)
	}
}

// sonicParsersUnderTest are the adapters of sonic.go and goccy.go that can
// run here.
func sonicParsersUnderTest(t *testing.T) []events.Parser {
	return runnable(t, sonicParser{}, goccyParser{})
}

func TestSonicGoccyLeniencies(t *testing.T) {
	for _, p := range sonicParsersUnderTest(t) {
		for _, tc := range sonicLeniencyCases {
			sonicLikeStd(t, p, tc.name, []byte(tc.data))
		}
	}
}

// TestSonicFallback checks that only documents nested beyond sonic's skip
// limit are decoded by decodeStd, and that they say so.
func TestSonicFallback(t *testing.T) {
	p := sonicParser{}
	if _, err := p.NewDecoder(); errors.Is(err, events.ErrUnavailable) {
		t.Skip(err)
	}
	if !sonicJIT() {
		t.Skip("sonic's optdec decoder nests to a limit of its own; sonicSkipLimit is the JIT decoder's")
	}
	for _, tc := range []struct {
		data     string
		fallback bool
	}{
		{doc(okEvent), false},
		{`{"events":[],"x":` + nest(sonicSkipLimit, "") + `}`, false},
		{`{"events":[],"x":` + nest(sonicSkipLimit+1, "") + `}`, true},
		{doc(event("x", nest(9000, "1"))), true},
		{doc(event("x", nest(20000, "1"))), true}, // bad, but decodeStd said so
		{`{"events":[],"x":` + nest(5000, `"\x"`) + `}`, false},
	} {
		got := decodeWith(t, p, []byte(tc.data))
		if (got.fallback != "") != tc.fallback {
			t.Errorf("Decode(%.60q) fallback = %q, want fallback %v", tc.data, got.fallback, tc.fallback)
		}
		if got.fallback != "" && got.fallback != sonicFallback {
			t.Errorf("Decode(%.60q) fallback = %q, want %q", tc.data, got.fallback, sonicFallback)
		}
	}
}

// TestSonicUTF8 holds sonic's UTF-8 validator, which the sonic adapter
// uses for the contract's UTF-8 rule, to utf8.Valid's verdicts: every
// kind of bad sequence, at every offset around its SIMD blocks, and
// random bytes.
func TestSonicUTF8(t *testing.T) {
	seqs := [][]byte{
		[]byte("a"), []byte("é"), []byte("€"), []byte("😀"), []byte("\U0010FFFF"),
		{0x80}, {0xbf}, {0xc0, 0x80}, {0xc1, 0xbf}, {0xe0, 0x80, 0x80}, {0xe0, 0x9f, 0xbf}, // stray continuation, overlong
		{0xed, 0xa0, 0x80}, {0xed, 0xbf, 0xbf}, // encoded surrogates
		{0xf0, 0x80, 0x80, 0x80}, {0xf4, 0x90, 0x80, 0x80}, {0xf5, 0x80, 0x80, 0x80}, {0xff}, {0xfe}, // overlong, beyond U+10FFFF
		{0xc3}, {0xe2, 0x82}, {0xf0, 0x9f, 0x98}, // truncated
		{0xc3, 0x28}, {0xe2, 0x28, 0xa1}, {0xf0, 0x28, 0x8c, 0xbc}, // bad continuation
		{0x00}, {0x7f},
	}
	check := func(b []byte) {
		t.Helper()
		if got, want := sonicutf8.Validate(b), utf8.Valid(b); got != want {
			t.Errorf("sonic utf8.Validate(%q) = %v, utf8.Valid = %v", b, got, want)
		}
	}
	for _, seq := range seqs {
		for _, pre := range []int{0, 1, 15, 16, 31, 32, 33, 63, 64, 65, 100} {
			for _, post := range []int{0, 1, 31, 32, 64} {
				b := append(append(bytes.Repeat([]byte("x"), pre), seq...), bytes.Repeat([]byte("é"), post/2)...)
				check(b)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, rng.IntN(200))
		for i := range b {
			switch rng.IntN(4) {
			case 0:
				b[i] = byte(rng.IntN(256))
			case 1:
				b[i] = 0x80 | byte(rng.IntN(64))
			default:
				b[i] = byte(rng.IntN(128))
			}
		}
		check(b)
	}
}

// TestSonicReuse runs one sonic decoder over a sequence of documents
// chosen to leave its reused events slice dirty for the next one (a
// missing "events", a first event with no member the workload reads,
// "events" twice with the longer array first, a batch longer than the
// reused slice, null, []) and checks each verdict, reason and event
// against a fresh decoder's.
func TestSonicReuse(t *testing.T) {
	ev := func(typ string) string {
		return `{"type":"` + typ + `","actor":{"id":1},"repo":{"name":"a/b"},"created_at":"2026","payload":{"size":2}}`
	}
	many := strings.Repeat(ev("PushEvent")+",", 40) + ev("X")
	docs := []string{
		`{"events":[` + ev("A") + `,` + ev("B") + `,` + ev("C") + `]}`,
		`{}`,
		`{"events":[{}]}`,
		`{"events":[{"x":1},` + ev("A") + `]}`,
		`{"events":[` + ev("A") + `,` + ev("B") + `,` + ev("C") + `],"events":[` + ev("D") + `]}`,
		`{"events":[{"actor":{"id":1}},{"actor":{"id":1}},{"actor":{"id":1}}]}`,
		`{"events":[` + many + `]}`,
		`{"events":[{"type":"T"},{"repo":{"name":"r"}}]}`,
		`{"events":null}`,
		`{"events":[]}`,
		`{"events":[` + ev("A") + `],"events":null}`,
		`{"events":[` + ev("A") + `,{"type":"A","actor":{"id":1},"repo":{"name":"a/b"}}]}`,
		`{"events":[` + ev("PushEvent") + `]}`,
		`{"events":[1]}`,
		`{"events":[` + ev("A") + `,` + ev("B") + `]}`,
	}
	reused, err := sonicParser{}.NewDecoder()
	if err != nil {
		t.Skip(err)
	}
	describe := func(dec events.Decoder, doc string) string {
		var b events.Batch
		if err := dec.Decode([]byte(doc), &b); err != nil {
			return "bad: " + err.Error()
		}
		var out []string
		for _, e := range b.Events {
			out = append(out, fmt.Sprintf("%s|%d|%s|%s|%d", e.Type, e.ActorID, e.Repo, e.CreatedAt, e.PushSize))
		}
		return strings.Join(out, ";")
	}
	for round := range 2 {
		for i, doc := range docs {
			fresh, _ := sonicParser{}.NewDecoder()
			if got, want := describe(reused, doc), describe(fresh, doc); got != want {
				t.Errorf("round %d, document %d: reused decoder = %q, fresh = %q", round, i, got, want)
			}
		}
	}
}

// sonicJIT reports whether sonic decodes with its JIT decoder here, rather
// than optdec (the only one on arm64, and on amd64 with SONIC_USE_OPTDEC=1;
// the Makefile's test runs this package both ways).
func sonicJIT() bool {
	return runtime.GOARCH == "amd64" && os.Getenv("SONIC_USE_OPTDEC") != "1"
}
