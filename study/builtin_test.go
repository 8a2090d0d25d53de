package study

import (
	"benchgrid/workload"
	_ "benchgrid/workloads/builtin" // the tests run the built-in workloads
)

// testWorkload is the workload the tests study: the default.
var testWorkload = func() workload.Workload {
	w, err := workload.Open(workload.Default, nil)
	if err != nil {
		panic(err)
	}
	return w
}()
