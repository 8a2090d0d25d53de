package parsers

import (
	"errors"
	"strings"
	"testing"

	"benchgrid/workloads/events"
)

// TestJSONv2Availability checks that jsonv2 is registered in every build
// and runs exactly in a GOEXPERIMENT=jsonv2 one, saying why elsewhere.
func TestJSONv2Availability(t *testing.T) {
	p, err := events.Lookup("jsonv2")
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.NewDecoder()
	switch {
	case jsonv2Built && err != nil:
		t.Errorf("jsonv2.NewDecoder() = %v in a GOEXPERIMENT=jsonv2 build, want a decoder", err)
	case !jsonv2Built && !errors.Is(err, events.ErrUnavailable):
		t.Errorf("jsonv2.NewDecoder() = %v, want an error wrapping ErrUnavailable", err)
	case !jsonv2Built && !strings.Contains(err.Error(), "GOEXPERIMENT=jsonv2"):
		t.Errorf("jsonv2.NewDecoder() = %v, want the reason to name GOEXPERIMENT=jsonv2", err)
	}
}

// jsonv2Cases are inputs where encoding/json/v2, with jsonv2Options, could
// differ from encoding/json, beyond the shared leniency cases of sonic and
// goccy (goccy's adapter has v2's model): duplicates, which the options
// allow, and the reuse of the events slice and of the string cache from
// one file to the next.
var jsonv2Cases = []struct {
	name string
	data string
}{
	{"duplicate type, last wins", doc(`{"type":"A","type":"WatchEvent","actor":{"id":7},"repo":{"name":"a/b"},"created_at":"c"}`)},
	{"duplicate events", `{"events":[` + okEvent + `],"events":[]}`},
	{"many events", doc(okEvent, okEvent, okEvent, push(`{"size":4}`), okEvent)},
	{"one event after many", doc(event("type", `"IssuesEvent"`))},
	{"push after a push-less event", doc(event("payload", `{"size":1.5}`), push(`{"size":2}`))},
	{"payload before type", doc(`{"payload":{"size":9},"type":"PushEvent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t"}`)},
	{"bad size before non-push type", doc(`{"payload":{"size":"x"},"type":"WatchEvent","actor":{"id":1},"repo":{"name":"r"},"created_at":"t"}`)},
	{"size object in payload", doc(push(`{"size":{"size":1}}`))},
	{"actor.id array", doc(event("actor", `{"id":[1]}`))},
	{"actor.id after escaped name", doc(event("actor", `{"i\u0064":12}`))},
	{"events whitespace then garbage", doc(okEvent) + " \n]"},
	{"top-level number", `12`},
	{"nothing after a value but spaces", doc(okEvent) + "   "},
	{"string cache: same strings again", doc(okEvent, okEvent)},
	{"long string beyond the cache", doc(event("repo", `{"name":"`+strings.Repeat("r", 300)+`"}`))},
}

// TestJSONv2LikeStd checks the jsonv2 adapter against encoding/json on the
// leniency cases, with a fresh decoder and with one reused across them all.
func TestJSONv2LikeStd(t *testing.T) {
	if !jsonv2Built {
		t.Skip("jsonv2 needs GOEXPERIMENT=jsonv2")
	}
	p, err := events.Lookup("jsonv2")
	if err != nil {
		t.Fatal(err)
	}
	dec, err := p.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	check := func(name, data string) {
		t.Helper()
		if hasDuplicateNames([]byte(data)) {
			// Unspecified by the contract, but these cases are good
			// whichever value wins, and v2 must not reject them.
			if got := decodeWith(t, p, []byte(data)); got.err != nil {
				t.Errorf("%s: Decode(%.80q) = %v, want good (duplicates are allowed)", name, data, got)
			}
			return
		}
		sonicLikeStd(t, p, name, []byte(data))
		want := decodeWith(t, stdParser{}, []byte(data))
		if got := decodeOnce(dec, []byte(data)); (got.err == nil) != (want.err == nil) || !equalEvents(got.events, want.events) {
			t.Errorf("%s: reused Decode(%.80q) = %v, want %v", name, data, got, want)
		}
	}
	for _, tc := range jsonv2Cases {
		check(tc.name, tc.data)
	}
	for _, tc := range goccyCases {
		check(tc.name, tc.data)
	}
	for _, tc := range sonicLeniencyCases {
		check(tc.name, tc.data)
	}
}
