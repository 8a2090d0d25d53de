package record

import (
	"encoding/json"
	"slices"
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

func TestProfileKinds(t *testing.T) {
	tests := []struct {
		kind                ProfileKind
		file                string
		onePass, fromLookup bool
	}{
		{ProfileCPU, "cpu.pprof", false, false},
		{ProfileAllocs, "allocs.pprof", false, true},
		{ProfileMutex, "mutex.pprof", false, true},
		{ProfileBlock, "block.pprof", false, true},
		{ProfileTrace, "trace.out", true, false},
	}
	for _, tc := range tests {
		if got := tc.kind.FileName(); got != tc.file {
			t.Errorf("ProfileKind(%q).FileName() = %q, want %q", tc.kind, got, tc.file)
		}
		if got := tc.kind.OnePass(); got != tc.onePass {
			t.Errorf("ProfileKind(%q).OnePass() = %v, want %v", tc.kind, got, tc.onePass)
		}
		if got := tc.kind.Lookup(); got != tc.fromLookup {
			t.Errorf("ProfileKind(%q).Lookup() = %v, want %v", tc.kind, got, tc.fromLookup)
		}
	}
	if len(tests) != len(ProfileKinds) {
		t.Errorf("ProfileKinds = %v: the test covers %d kinds", ProfileKinds, len(tests))
	}
}

func TestParseProfileKinds(t *testing.T) {
	got, err := ParseProfileKinds([]string{"trace", "cpu", "allocs"})
	if want := []ProfileKind{ProfileTrace, ProfileCPU, ProfileAllocs}; err != nil || !slices.Equal(got, want) {
		t.Errorf("ParseProfileKinds(trace,cpu,allocs) = %v, %v; want %v", got, err, want)
	}
	if got, err := ParseProfileKinds(nil); err != nil || got != nil {
		t.Errorf("ParseProfileKinds(nil) = %v, %v; want none", got, err)
	}
	_, err = ParseProfileKinds([]string{"cpu", "frob"})
	if want := `unknown profile "frob" (have cpu,allocs,mutex,block,trace)`; err == nil || err.Error() != want {
		t.Errorf("ParseProfileKinds(cpu,frob) error = %v, want %s", err, want)
	}
}

// TestKindsJSON: the kinds are plain strings in results.json.
func TestKindsJSON(t *testing.T) {
	c := Cell{
		Failures: []Failure{{Round: 1, Kind: FailTimeout, Reason: "r"}},
		Profiles: []Profile{{Kind: ProfileTrace, Path: "profiles/x/trace.out", Passes: 1}},
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
