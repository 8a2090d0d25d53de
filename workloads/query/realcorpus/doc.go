// Package realcorpus builds corpora of many small JSON and NDJSON files
// from real documents that ship with Go itself — the test data of
// encoding/json ($GOROOT/src/encoding/json/internal/jsontest/testdata):
// tweets, a concert hall's catalogue, a source tree's history, a patient's
// medical records, a country's coastline and strings in every script —
// split the way real data sets come (one document per file, many per
// NDJSON file, gzip- and zstd-compressed), with a query file for each
// source (docs/query.md) and a record of where every document comes from.
//
// It is upstream of the query workload rather than part of it: it writes
// files that the workload reads (their names are its inputs', its query
// files follow docs/query.md), imports nothing of benchgrid's, and knows
// nothing of parsers, strategies or timing.
// `benchgrid corpus real` is its command; docs/real-corpora.md describes
// each source, layout and query.
package realcorpus
