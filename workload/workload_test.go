package workload

import (
	"strings"
	"testing"
)

// TestRegisterNames: a workload's name becomes part of flags, file names
// and benchmark names, so Register refuses names that would break them.
func TestRegisterNames(t *testing.T) {
	open := func([]byte) (Workload, error) { return nil, nil }
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"test-ok.1", true},
		{"", false},
		{"Upper", false},
		{"ünicode", false},
		{"a/b", false},
		{"a b", false},
		{"-dash", false},
	} {
		func() {
			defer func() {
				r := recover()
				if (r == nil) != tc.ok {
					t.Errorf("Register(%q): panic %v, want ok %v", tc.name, r, tc.ok)
				}
				if r != nil && tc.name != "" && !strings.Contains(r.(string), "invalid name") {
					t.Errorf("Register(%q): %v", tc.name, r)
				}
			}()
			Register(Definition{Name: tc.name, Open: open})
		}()
	}
	if _, err := Lookup("test-ok.1"); err != nil {
		t.Errorf("Lookup after Register: %v", err)
	}
}
