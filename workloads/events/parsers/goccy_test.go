package parsers

import "testing"

// goccyCases are the inputs where goccy/go-json's APIs differ from the
// contract: its v1 API folds case (Unicode folds included) and replaces
// invalid UTF-8; its v2 API rejects lone surrogate escapes unless
// AllowInvalidUTF8, which also lets raw invalid UTF-8 through. The shared
// sonicLeniencyCases cover the rest.
var goccyCases = []struct {
	name string
	data string
}{
	{"lone surrogate", doc(event("type", `"\ud800"`))},
	{"lone low surrogate in repo", doc(event("repo", `{"name":"x\udfffy"}`))},
	{"two high surrogates then low", doc(event("type", `"\ud800\ud800\udc00"`))},
	{"high surrogate then escape", doc(event("created_at", `"\ud800\\"`))},
	{"lone surrogate in ignored string", doc(event("x", `"\udead"`))},
	{"lone surrogate in push size name", doc(push(`{"size\ud800":1,"size":2}`))},
	{"invalid UTF-8 next to a lone surrogate", doc(event("type", "\"\\ud800\xff\""))},
	{"raw invalid UTF-8 in type", doc(event("type", "\"a\xe2\x82\""))},
	{"Kelvin sign in payload size", doc(push(`{"siKe":1}`))},
	{"upper-case ACTOR", doc(`{"type":"T","ACTOR":{"id":1},"repo":{"name":"r"},"created_at":"c"}`)},
	{"upper-case Repo beside repo", doc(`{"type":"T","actor":{"id":1},"Repo":5,"repo":{"name":"r"},"created_at":"c"}`)},
	{"created-at with a dash", doc(`{"type":"T","actor":{"id":1},"repo":{"name":"r"},"created-at":"c"}`)},
	{"createdat without underscore", doc(`{"type":"T","actor":{"id":1},"repo":{"name":"r"},"createdat":"c"}`)},
	{"type as string option", doc(event("actor", `{"id":"1"}`))},
	{"id true", doc(event("actor", `{"id":true}`))},
	{"events empty object", `{"events":{}}`},
	{"top-level empty string", `""`},
	{"payload raw kept for push", doc(push(`{"commits":[{"m":"\u00e9"}],"size":3}`), okEvent)},
}

func TestGoccyLeniencies(t *testing.T) {
	p := goccyParser{}
	for _, tc := range goccyCases {
		sonicLikeStd(t, p, tc.name, []byte(tc.data))
	}
	if _, err := (sonicParser{}).NewDecoder(); err == nil {
		for _, tc := range goccyCases {
			sonicLikeStd(t, sonicParser{}, tc.name, []byte(tc.data))
		}
	}
}
