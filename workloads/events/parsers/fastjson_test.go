package parsers

import (
	"strings"
	"testing"

	"benchgrid/workloads/events"
)

// fsjCases are documents aimed at fastjson's and simdjson-go's leniencies
// and at the checks their adapters add. Each adapter must give the same
// verdict and events as encoding/json (the std adapter); good says which
// verdict that is, so that a case cannot silently test the wrong thing.
var fsjCases = []struct {
	name string
	data string
	good bool
}{
	// Numbers fastjson takes as any run of [0-9.eE+-], or NaN/Inf.
	{"leading zero", doc(event("x", `01`)), false},
	{"negative leading zero", doc(event("x", `-01`)), false},
	{"double zero", doc(event("x", `00`)), false},
	{"bare point", doc(event("x", `1.`)), false},
	{"point first", doc(event("x", `.5`)), false},
	{"plus", doc(event("x", `+1`)), false},
	{"two points", doc(event("x", `1.2.3`)), false},
	{"two exponents", doc(event("x", `1e5e5`)), false},
	{"plus inside", doc(event("x", `1+5`)), false},
	{"empty exponent", doc(event("x", `1e`)), false},
	{"signed empty exponent", doc(event("x", `1e+`)), false},
	{"exponent first", doc(event("x", `e5`)), false},
	{"minus alone", doc(event("x", `-`)), false},
	{"minus minus", doc(event("x", `--1`)), false},
	{"NaN", doc(event("x", `NaN`)), false},
	{"nan", doc(event("x", `nan`)), false},
	{"Inf", doc(event("x", `Inf`)), false},
	{"-inf", doc(event("x", `-inf`)), false},
	{"+Inf", doc(event("x", `+Inf`)), false},
	{"in array", doc(event("x", `[1,01]`)), false},
	{"last in object", doc(event("x", `{"a":1.}`)), false},
	// Numbers simdjson-go takes: a zero after the minus in a float.
	{"-01.5", doc(event("x", `-01.5`)), false},
	{"-00.5", doc(event("x", `-00.5`)), false},
	{"-01e5", doc(event("x", `-01e5`)), false},
	{"-0 then 21 digits", doc(event("x", `-0000000000000000000001`)), false},
	{"-01.5 in array", doc(event("x", `[-1.5,-01.5]`)), false},
	{"-01.5 first in array", doc(event("x", `[-01.5]`)), false},
	{"-01.5 after spaces", doc(event("x", "[1,\n\t -01.5]")), false},
	{"-01 in strings", doc(event("x", `["-01.5"," -01",":-01","[-01"]`)), true},
	// Valid numbers, some of which the parsers store unusually.
	{"valid numbers", doc(event("x", `[0,-0,0.5,-0.5,-0.0,1e5,1E+5,-1.5e-5,0e0,-0E-0,123456789]`)), true},
	{"beyond uint64", doc(event("x", `[99999999999999999999999,-99999999999999999999999]`)), true},
	{"beyond float64", doc(event("x", `1e400`)), true},
	{"below float64", doc(event("x", `[-1e400,1e-400]`)), true},
	{"negative floats", doc(event("x", `[-1.5,-1e-3,-2E2]`)), true},
	// Strings.
	{"raw control char", doc(event("x", "\"a\x01b\"")), false},
	{"raw newline", doc(event("x", "\"a\nb\"")), false},
	{"raw control char in name", doc(fsjMember("\"x\x1f\":1")), false},
	{"raw tab in long string", doc(event("x", "\""+strings.Repeat("abcdefgh", 5)+"\t\"")), false},
	{"invalid escape", doc(event("x", `"\x41"`)), false},
	{"escaped quote mark", doc(event("x", `"\'"`)), false},
	{"short unicode escape", doc(event("x", `"\u12"`)), false},
	{"non-hex unicode escape", doc(event("x", `"\u12g4"`)), false},
	{"capital U escape", doc(event("x", `"\U0041"`)), false},
	{"invalid escape in name", doc(fsjMember(`"\q":1`)), false},
	{"invalid escape in read string", doc(event("type", `"\a"`)), false},
	{"invalid UTF-8", doc(event("x", "\"\xff\"")), false},
	{"invalid UTF-8 in name", doc(fsjMember("\"\xc0\xaf\":1")), false},
	{"CESU-8 surrogate", doc(event("x", "\"\xed\xa0\x80\"")), false},
	{"cut UTF-8", doc(event("x", "\"\xe2\x9c\"")), false},
	{"escaped backslash before quote", doc(event("x", `"a\\"`)), true},
	{"all escapes", doc(event("x", `"\"\\\/\b\f\n\r\t\u0000\u00e9\uFFFF"`)), true},
	{"lone surrogate ignored", doc(event("x", `"\ud800"`)), true},
	{"lone surrogate then text ignored", doc(event("x", `"\ud800x"`)), true},
	{"low then high ignored", doc(event("x", `"\udc00\ud800"`)), true},
	{"high then escape ignored", doc(event("x", `"\ud800\n"`)), true},
	{"lone surrogate in ignored name", doc(fsjMember(`"\ud800":1`)), true},
	// Strings the workload reads, decoded as encoding/json does.
	{"high then letter", doc(event("repo", `{"name":"\ud800\u0041"}`)), true},
	{"high, pair", doc(event("repo", `{"name":"\ud800\ud800\udc00"}`)), true},
	{"lone low", doc(event("repo", `{"name":"\udc00"}`)), true},
	{"two lows", doc(event("repo", `{"name":"\udc00\udc00"}`)), true},
	{"high then high", doc(event("repo", `{"name":"\ud800\udbff"}`)), true},
	{"high then U+E000", doc(event("repo", `{"name":"\ud800\ue000"}`)), true},
	{"high then escape", doc(event("repo", `{"name":"\ud800\n"}`)), true},
	{"high at end", doc(event("repo", `{"name":"a\ud800"}`)), true},
	{"pair", doc(event("repo", `{"name":"\uD83D\uDE80"}`)), true},
	{"BMP escapes", doc(event("repo", `{"name":"a\u00e9\u4e2d\u0000b"}`)), true},
	{"spaced colon", doc(`{"type" : "\ud800\u0041", "actor" : {"id" : 7}, "repo" :` + "\n\t" + `{"name" : "\udc00"}, "created_at"` + "\r\n:\t" + `"\ud800"}`), true},
	{"escaped name and value", doc(`{"t\u0079pe":"\ud800\u0041","actor":{"id":7},"repo":{"nam\u0065":"\u00e9"},"created_at":"x"}`), true},
	{"escaped name, plain value", doc(`{"t\u0079pe":"W","actor":{"\u0069d":7},"repo":{"nam\u0065":"a/b"},"cr\u0065ated_at":"t"}`), true},
	{"escaped PushEvent", doc(`{"type":"Push\u0045vent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t","payload":{"size":5}}`), true},
	{"payload before type", doc(`{"payload":{"size":2},"type":"PushEvent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t"}`), true},
	{"escaped created_at", doc(event("created_at", `"2026\u002d03"`)), true},
	{"empty strings", doc(event("repo", `{"name":""}`)), true},
	// Whitespace and what surrounds the value (simdjson-go trims Unicode
	// spaces).
	{"vertical tab before", "\v" + doc(okEvent), false},
	{"form feed after", doc(okEvent) + "\f", false},
	{"NBSP after", doc(okEvent) + "\u00a0", false},
	{"NEL after", doc(okEvent) + "\u0085", false},
	{"ideographic space before", "\u3000" + doc(okEvent), false},
	{"BOM", "\ufeff" + doc(okEvent), false},
	{"NUL after", doc(okEvent) + "\x00", false},
	{"all JSON whitespace", "\t\r\n " + strings.ReplaceAll(doc(okEvent), ",", " ,\n\t") + "\r\n", true},
	{"vertical tab inside", strings.Replace(doc(okEvent), ",", ",\v", 1), false},
	{"top-level array", `[` + doc(okEvent) + `]`, false},
	{"top-level string", `"x"`, false},
	{"top-level number", `1`, false},
	{"empty", ``, false},
	{"unterminated", `{"events":[]`, false},
	{"unterminated string", `{"events":[],"x":"abc`, false},
	{"brace in string", `{"events":[],"x":"}"}`, true},
	// Integers the workload reads.
	{"actor.id -01", doc(event("actor", `{"id":-01}`)), false},
	{"actor.id 00", doc(event("actor", `{"id":00}`)), false},
	{"actor.id -0", doc(event("actor", `{"id":-0}`)), true},
	{"actor.id -0.0", doc(event("actor", `{"id":-0.0}`)), false},
	{"actor.id 1.0", doc(event("actor", `{"id":1.0}`)), false},
	{"actor.id 1e3", doc(event("actor", `{"id":1e3}`)), false},
	{"actor.id max uint64", doc(event("actor", `{"id":18446744073709551615}`)), false},
	{"actor.id above uint64", doc(event("actor", `{"id":18446744073709551616}`)), false},
	{"actor.id max int64", doc(event("actor", `{"id":9223372036854775807}`)), true},
	{"actor.id min int64", doc(event("actor", `{"id":-9223372036854775808}`)), true},
	{"actor.id below int64", doc(event("actor", `{"id":-9223372036854775809}`)), false},
	{"actor.id string", doc(event("actor", `{"id":"7"}`)), false},
	{"actor.id escaped string", doc(event("actor", `{"id":"\u0037"}`)), false},
	{"actor.id null", doc(event("actor", `{"id":null}`)), false},
	{"actor.id NaN", doc(event("actor", `{"id":NaN}`)), false},
	{"actor array", doc(event("actor", `[{"id":7}]`)), false},
	{"repo array", doc(event("repo", `[{"name":"a/b"}]`)), false},
	{"repo.name in array", doc(event("repo", `{"name":["a/b"]}`)), false},
	{"type object", doc(event("type", `{"a":"b"}`)), false},
	{"type array", doc(event("type", `["WatchEvent"]`)), false},
	{"type true", doc(event("type", `true`)), false},
	{"push size 01", doc(push(`{"size":01}`)), false},
	{"push size -01.5", doc(push(`{"size":-01.5}`)), false},
	{"push size in array", doc(push(`[{"size":1}]`)), false},
	{"push payload string", doc(push(`"{\"size\":1}"`)), false},
	{"push size max int64", doc(push(`{"size":9223372036854775807}`)), true},
	{"payload of non-push anything", doc(event("payload", `[1,"x",{"size":"y"}]`)), true},
	// Names match exactly.
	{"Type", doc(strings.Replace(okEvent, `"type"`, `"Type"`, 1)), false},
	{"long-s size", doc(push(`{"ſize":2}`)), false},
	{"name with escaped surrogate", doc(strings.Replace(okEvent, `"type"`, `"type\ud800"`, 1)), false},
	{"events escaped", `{"ev\u0065nts":[` + okEvent + `]}`, true},
	{"events after others", `{"a":{"events":1},"b":[{"events":2}],"events":[` + okEvent + `]}`, true},
	{"events inside only", `{"a":{"events":[]}}`, false},
	{"many events", doc(okEvent, okEvent, okEvent, okEvent), true},
	{"bad last event", doc(okEvent, okEvent, `{}`), false},
	// Nesting: fastjson stops at 300 levels (a scalar counts as one),
	// simdjson-go never does, encoding/json at 10,000.
	{"depth 299 and a scalar", doc(event("x", nest(299-3, "1"))), true},
	{"depth 300", doc(event("x", nest(300-4, "[]"))), true},
	{"depth 300 and a scalar", doc(event("x", nest(300-3, "1"))), true},
	{"depth 301", doc(event("x", nest(301-4, "[]"))), true},
	{"depth 10000", doc(event("x", nest(10000-4, "{}"))), true},
	{"depth 10001", doc(event("x", nest(10001-4, "{}"))), false},
	// The shortest document (and simdjson-go tape) nesting 10,001 levels.
	{"depth 10000, short", `{"events":[],"a":` + nest(9999, "") + `}`, true},
	{"depth 10001, short", `{"events":[],"a":` + nest(10000, "") + `}`, false},
	{"depth 100000", doc(event("x", nest(100000-3, "1"))), false},
	{"depth 10001 of objects", doc(event("x", strings.Repeat(`{"a":`, 10001-3)+"1"+strings.Repeat("}", 10001-3))), false},
	{"depth 10001 and a syntax error", doc(event("x", nest(10001-3, "1,"))), false},
}

// fsjMember returns okEvent with member (`"name":value`) added first.
func fsjMember(member string) string {
	return "{" + member + "," + okEvent[1:]
}

// fsjLikeStd checks that p decodes data as std does, with a fresh decoder
// and with the reused dec, and returns p's verdict.
func fsjLikeStd(t *testing.T, p events.Parser, dec events.Decoder, name string, data []byte) decoded {
	t.Helper()
	want := decodeWith(t, stdParser{}, data)
	for _, got := range []decoded{decodeWith(t, p, data), decodeOnce(dec, data)} {
		if (got.err == nil) != (want.err == nil) || !equalEvents(got.events, want.events) {
			t.Errorf("%s: %s: Decode(%.80q) = %v, want %v", p.Name(), name, data, got, want)
		}
	}
	return want
}

// fsjParsers returns the adapters under test here that can run.
func fsjParsers(t testing.TB) []events.Parser {
	return runnable(t, fastjsonParser{}, simdjsonParser{})
}

func TestFastjsonSimdjsonLikeStd(t *testing.T) {
	for _, p := range fsjParsers(t) {
		dec, _ := p.NewDecoder()
		for _, tc := range fsjCases {
			if hasDuplicateNames([]byte(tc.data)) {
				t.Fatalf("%s: repeated member name", tc.name)
			}
			want := fsjLikeStd(t, p, dec, tc.name, []byte(tc.data))
			if (want.err == nil) != tc.good {
				t.Errorf("std: %s: Decode(%.80q) = %v, want good=%v", tc.name, tc.data, want, tc.good)
			}
		}
	}
}

// TestFastjsonFallback checks the files fastjson is too shallow for: good
// ones are decoded by decodeStd, never silently.
func TestFastjsonFallback(t *testing.T) {
	tests := []struct {
		data         string
		good         bool
		wantFallback string
	}{
		// The document nests 3 levels, nest(n, …) n more, and fastjson
		// counts a scalar as one more level.
		{doc(event("x", nest(299-3, "1"))), true, ""},
		{doc(event("x", nest(300-4, "[]"))), true, ""},
		{doc(event("x", nest(300-3, "1"))), true, fastjsonFallback},
		{doc(event("x", nest(301-4, "[]"))), true, fastjsonFallback},
		{doc(event("x", nest(301-3, "1"))), true, fastjsonFallback},
		{doc(event("x", nest(10000-3, "1"))), true, fastjsonFallback},
		{doc(event("x", nest(10001-3, "1"))), false, fastjsonFallback},
		{doc(event("x", `01`)), false, ""},
	}
	for _, tc := range tests {
		got := decodeWith(t, fastjsonParser{}, []byte(tc.data))
		if (got.err == nil) != tc.good || got.fallback != tc.wantFallback {
			t.Errorf("Decode(%.60q) = %v (fallback %q), want good=%v (fallback %q)", tc.data, got, got.fallback, tc.good, tc.wantFallback)
		}
	}
}

// TestFastjsonSimdjsonAllocs checks that decoding allocates nothing per
// event once a decoder is warm.
func TestFastjsonSimdjsonAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	data := gitHubEvents(t)
	// simdjson-go runs its two stages in two goroutines for inputs above
	// 8 KiB: a few allocations per file, none per event.
	maxAllocs := map[string]float64{"fastjson": 0, "simdjson": 8}
	for _, p := range fsjParsers(t) {
		dec, _ := p.NewDecoder()
		var b events.Batch
		// fastjson's value cache settles over a few files: a value whose
		// slot moved while it was filled regrows on the next parse.
		for range 5 {
			b.Reset()
			if err := dec.Decode(data, &b); err != nil {
				t.Fatal(err)
			}
		}
		allocs := testing.AllocsPerRun(20, func() {
			b.Reset()
			if err := dec.Decode(data, &b); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > maxAllocs[p.Name()] {
			t.Errorf("%s: Decode(github_events) = %v allocations, want at most %v", p.Name(), allocs, maxAllocs[p.Name()])
		}
	}
}
