package adapters

import (
	"testing"

	"benchgrid/workloads/query"
	"benchgrid/workloads/query/querytest"
)

func TestStdContract(t *testing.T) {
	a, err := query.Lookup("std")
	if err != nil {
		t.Fatal(err)
	}
	querytest.Run(t, a)
}

// TestQueryContract runs the contract's table (querytest) over every
// adapter that parses, as TestStdContract does over the reference.
func TestQueryContract(t *testing.T) {
	for _, a := range allAdapters() {
		t.Run(a.Name(), func(t *testing.T) {
			if _, err := a.NewExtractor(&query.Query{}); err != nil {
				t.Skipf("%s: %v", a.Name(), err)
			}
			querytest.Run(t, a)
		})
	}
}
