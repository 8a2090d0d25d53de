//go:build !goexperiment.jsonv2

package adapters

import "benchgrid/workloads/query"

// The jsonv2 adapter (jsonv2.go) needs encoding/json/v2, which exists only
// in a build with GOEXPERIMENT=jsonv2. Any other build still registers the
// name, so that a matrix naming jsonv2 lists it as unavailable, with the
// reason, instead of failing or silently skipping it.
func init() { query.Register(jsonv2Stub{}) }

// jsonv2Built reports whether this build has the real jsonv2 adapter.
const jsonv2Built = false

type jsonv2Stub struct{}

func (jsonv2Stub) Name() string { return "jsonv2" }

func (jsonv2Stub) NewExtractor(*query.Query) (query.Extractor, error) {
	return nil, unavailable("jsonv2", "needs a build with GOEXPERIMENT=jsonv2 (the jsonv2 build variant)")
}
