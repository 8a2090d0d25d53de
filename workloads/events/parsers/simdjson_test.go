package parsers

import (
	"strings"
	"testing"

	"github.com/minio/simdjson-go"
)

// TestSimdjsonFallback checks the files simdjson-go cannot decode as
// encoding/json does: good ones are decoded by decodeStd, never silently,
// and bad ones stay bad.
func TestSimdjsonFallback(t *testing.T) {
	if !simdjson.SupportedCPU() {
		t.Skip("simdjson-go cannot run on this CPU")
	}
	tests := []struct {
		data         string
		good         bool
		wantFallback string
	}{
		{doc(okEvent), true, ""},
		{doc(event("x", nest(10000-3, "1"))), true, ""}, // no nesting limit
		{doc(event("x", nest(10001-3, "1"))), false, ""},
		{doc(event("x", `1e400`)), true, simdjsonFallback},
		{doc(event("x", `"\ud800"`)), true, simdjsonFallback},
		{doc(event("x", `"\udc00\ud800"`)), true, simdjsonFallback},
		{doc(event("x", `"\ud800"`), `{}`), false, ""},
		{doc(event("x", `1e400`)) + "x", false, ""},
		// Escaped strings it reads are decoded from their source...
		{doc(event("repo", `{"name":"\ud800\u0041"}`)), true, ""},
		{doc(event("repo", `{"nam\u0065":"\u0041"}`)), true, simdjsonEscapedFallback},
		{doc(`{"t\u0079pe":"\ud800\u0041","actor":{"id":7},"repo":{"name":"r"},"created_at":"x"}`), true, simdjsonEscapedFallback},
		{doc(`{"t\u0079pe":"\ud800\u0041","actor":{"id":7},"repo":{"name":"r"}}`), false, simdjsonEscapedFallback},
	}
	for _, tc := range tests {
		got := decodeWith(t, simdjsonParser{}, []byte(tc.data))
		if (got.err == nil) != tc.good || got.fallback != tc.wantFallback {
			t.Errorf("Decode(%.60q) = %v (fallback %q), want good=%v (fallback %q)", tc.data, got, got.fallback, tc.good, tc.wantFallback)
		}
	}
}

// TestSimdjsonReuseAfterError checks that a decoder keeps working, and
// keeps its buffers, after simdjson-go has failed on a file.
func TestSimdjsonReuseAfterError(t *testing.T) {
	if !simdjson.SupportedCPU() {
		t.Skip("simdjson-go cannot run on this CPU")
	}
	large := doc(strings.Repeat(okEvent+",", 200) + okEvent) // parsed in two goroutines
	dec, err := simdjsonParser{}.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range []string{large, `{"events":[}`, large, doc(event("x", `"\ud800"`)), large, large[:len(large)/2], `{"events":[]}`, large} {
		got := decodeOnce(dec, []byte(data))
		want := decodeWith(t, stdParser{}, []byte(data))
		if (got.err == nil) != (want.err == nil) || !equalEvents(got.events, want.events) {
			t.Errorf("Decode(%.60q) = %v, want %v", data, got, want)
		}
	}
	d := dec.(*simdjsonDecoder)
	internal := *d.pj
	decodeOnce(dec, []byte(`{"events":[}`))
	decodeOnce(dec, []byte(large))
	if d.pj.Strings != internal.Strings {
		t.Errorf("Decode after an error did not reuse the parser's buffers")
	}
}
