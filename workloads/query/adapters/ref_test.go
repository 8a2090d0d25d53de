package adapters

import "benchgrid/workloads/query"

// refAdapter is the fallback as an adapter of its own, the reference of
// this package's tests until package query has its std adapter.
type refAdapter struct{}

func (refAdapter) Name() string { return "ref" }

func (refAdapter) NewExtractor(q *query.Query) (query.Extractor, error) {
	return &refExtractor{stdFallback{p: newPlan(q)}}, nil
}

type refExtractor struct{ stdFallback }

func (x *refExtractor) Extract(doc []byte, r *query.Records) error { return x.extract(doc, r) }
