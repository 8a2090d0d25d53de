package harness

import (
	"context"
	"strings"
	"testing"

	"benchgrid/builds"
	"benchgrid/matrix"
)

// binaryBuilder is a Builder whose every variant is one binary.
type binaryBuilder string

func (b binaryBuilder) Build(context.Context, string, []matrix.Cell) (builds.BuiltVariant, error) {
	return builds.BuiltVariant{Binary: string(b), Settings: map[string]string{}}, nil
}

// TestBuildVariantsOldRevision checks that a rev= build whose binary does
// not answer _parsers (older than the child protocol) makes its cells
// unavailable instead of stopping the run, while the same failure of
// another variant, built from this code, still stops it.
func TestBuildVariantsOldRevision(t *testing.T) {
	cells := []matrix.Cell{{Parser: "std", Strategy: "pool"}, {Parser: "std", Strategy: "pool", Build: "rev=HEAD~1"}}
	r := &runner{opts: Options{Builder: binaryBuilder("/bin/false")}, cells: cells}
	built, unavailable, err := r.buildVariants(t.Context())
	if err != nil {
		t.Fatalf("buildVariants = %v, want the rev cells unavailable", err)
	}
	if len(built) != 1 || len(r.cells) != 1 || r.cells[0].Build != "" {
		t.Errorf("buildVariants built %v and kept %v, want the default build and cell only", built, r.cells)
	}
	if len(unavailable) != 1 || unavailable[0].What != "build=rev=HEAD~1" ||
		!strings.Contains(unavailable[0].Reason, "does not speak benchgrid's child protocol") {
		t.Errorf("buildVariants unavailable = %+v, want build=rev=HEAD~1 with the reason", unavailable)
	}

	r = &runner{opts: Options{Builder: binaryBuilder("/bin/false")}, cells: []matrix.Cell{{Parser: "std", Strategy: "pool", Build: "jsonv2"}}}
	if _, _, err := r.buildVariants(t.Context()); err == nil {
		t.Errorf("buildVariants(jsonv2 whose _parsers fails) = nil, want an error")
	}
}
