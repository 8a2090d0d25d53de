package builds

import (
	"errors"
	"testing"
)

func TestMainPackage(t *testing.T) {
	for _, tc := range []struct {
		module, path string
		want         string
		unavailable  bool
	}{
		{"benchgrid", "benchgrid/cmd/benchgrid", "./cmd/benchgrid", false},
		{"benchgrid", "benchgrid/examples/ndjsonsum", "./examples/ndjsonsum", false},
		{"benchgrid", "benchgrid", ".", false},
		{"benchgrid", "benchgrid/builds.test", DefaultPackage, false},
		{"", "", DefaultPackage, false},
		{"example.com/mine", "example.com/mine/cmd/mine", "", true},
	} {
		got, err := mainPackage(tc.module, tc.path)
		if got != tc.want || errors.Is(err, ErrVariantUnavailable) != tc.unavailable {
			t.Errorf("mainPackage(%q, %q) = %q, %v; want %q, unavailable %v", tc.module, tc.path, got, err, tc.want, tc.unavailable)
		}
	}
	if got, err := MainPackage(); got != DefaultPackage || err != nil { // a test binary
		t.Errorf("MainPackage() in a test = %q, %v; want %q", got, err, DefaultPackage)
	}
}
