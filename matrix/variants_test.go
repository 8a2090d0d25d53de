package matrix

import (
	"strings"
	"testing"
)

func TestVariantCombinations(t *testing.T) {
	tests := []struct {
		name string
		want Variant
		ok   bool
	}{
		{"jsonv2+pgo", Variant{GOEXPERIMENT: "jsonv2", PGO: true}, true},
		{"jsonv2+nogreenteagc", Variant{GOEXPERIMENT: "jsonv2,nogreenteagc"}, true},
		{"goamd64v3+pgo", Variant{GOAMD64: "v3", PGO: true}, true},
		{"pgo+pgo", Variant{}, false},
		{"jsonv2+", Variant{}, false},
		{"default+pgo", Variant{}, false},
		{"rev=HEAD~1", Variant{Rev: "HEAD~1"}, true},
		{"rev=v1.2", Variant{Rev: "v1.2"}, true},
		{"rev=0123abcd+pgo", Variant{Rev: "0123abcd", PGO: true}, true},
		{"jsonv2+rev=HEAD^", Variant{GOEXPERIMENT: "jsonv2", Rev: "HEAD^"}, true},
		{"rev=", Variant{}, false},
		{"rev=-x", Variant{}, false},
		{"rev=a b", Variant{}, false},
		{"rev=feature/x", Variant{}, false},
		{"rev=HEAD+rev=HEAD~1", Variant{}, false},
		{"rev", Variant{}, false},
	}
	for _, tc := range tests {
		got, err := VariantOf(tc.name)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("VariantOf(%q) = %+v, %v; want %+v, ok=%v", tc.name, got, err, tc.want, tc.ok)
		}
	}
}

func TestCheckRevMessages(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"rev=", "needs a revision"},
		{"rev=--all", "starts with '-'"},
		{"rev=HEAD\t", "contains whitespace"},
		{"rev=origin/main", "name its commit instead (git rev-parse origin/main)"},
		{"rev=a+rev=b", "more than one rev=REV"},
		{"jsonv3", "rev=REV"},
	} {
		if err := CheckBuildVariant(tc.name); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckBuildVariant(%q) = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}
