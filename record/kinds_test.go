package record

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestFailureKindLost(t *testing.T) {
	tests := []struct {
		kind FailureKind
		want bool
	}{
		{FailCrash, true},
		{FailTimeout, true},
		{FailError, true},
		{FailResource, true},
		{FailMismatch, false},
		{"from-a-newer-version", true},
	}
	for _, tc := range tests {
		if got := tc.kind.Lost(); got != tc.want {
			t.Errorf("FailureKind(%q).Lost() = %v, want %v", tc.kind, got, tc.want)
		}
	}
}

// TestKindsJSON: the kinds are plain strings in results.json.
func TestKindsJSON(t *testing.T) {
	c := Cell{
		Failures: []Failure{{Round: 1, Kind: FailTimeout, Reason: "r"}},
		Profiles: []Profile{{Kind: "trace", Path: "profiles/x/trace.out", Passes: 1}},
	}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"failures":[{"round":1,"kind":"timeout","reason":"r"}]`, `"profiles":[{"kind":"trace","path":"profiles/x/trace.out","passes":1}]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("json.Marshal(cell) = %s, want %s in it", data, want)
		}
	}
}
