package parsers

import (
	"testing"

	"benchgrid/workload/strictjson"
	"benchgrid/workloads/events"
)

// FuzzDifferential feeds the same bytes to every adapter and fails on any
// disagreement with encoding/json (the std adapter) in verdict or
// contribution. Documents with a repeated member name are skipped: the
// contract leaves them unspecified.
func FuzzDifferential(f *testing.F) {
	for _, tc := range contractCases {
		if len(tc.data) < 4096 {
			f.Add([]byte(tc.data))
		}
	}
	f.Add([]byte(doc(push(`{"size":3}`), okEvent)))
	ps := parsersUnderTest(f)
	std, err := events.Lookup("std")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if hasDuplicateNames(data) {
			t.Skip("repeated member name: unspecified")
		}
		want := decodeWith(t, std, data)
		// The std adapter's verdict on validity must match the strict
		// validator's, the other reference.
		if strictErr := strictjson.Validate(data); strictErr != nil && want.err == nil {
			t.Fatalf("std accepts %q, which strictjson rejects: %v", data, strictErr)
		}
		for _, p := range ps {
			got := decodeWith(t, p, data)
			if (got.err == nil) != (want.err == nil) || !equalEvents(got.events, want.events) {
				t.Errorf("%s: Decode(%q) = %v, std = %v", p.Name(), data, got, want)
			}
		}
	})
}
