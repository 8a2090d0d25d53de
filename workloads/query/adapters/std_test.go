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
