package matrix

import "testing"

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
	}
	for _, tc := range tests {
		got, err := VariantOf(tc.name)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("VariantOf(%q) = %+v, %v; want %+v, ok=%v", tc.name, got, err, tc.want, tc.ok)
		}
	}
}
