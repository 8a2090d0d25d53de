package adapters

import "benchgrid/workloads/query"

// all lists this package's adapters in registration order, until package
// query has its registry (query.Register), which they will join instead.
var all []query.Adapter

func register(a query.Adapter) { all = append(all, a) }

// All returns this package's adapters: sonic, fastjson, simdjson, goccy
// and jsonv2 (unavailable outside a GOEXPERIMENT=jsonv2 build).
func All() []query.Adapter { return append([]query.Adapter(nil), all...) }
