// Package builtin registers benchgrid's own workloads and their parser
// adapters: import it for its side effects wherever workloads are looked
// up by name (the command line, and tests of the packages downstream of
// workload).
package builtin

import (
	// The events workload (docs/events.md) and its adapters.
	_ "benchgrid/workloads/events/parsers"
	// The query workload (docs/query.md) and its adapters.
	_ "benchgrid/workloads/query/adapters"
)
