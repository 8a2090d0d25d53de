// Package query is the `query` workload of docs/query.md: a question its
// user writes down in a query file (JSON Pointers with types, and
// aggregates over them), asked of any corpus of JSON or NDJSON files,
// plain, gzip- or zstd-compressed, with its answer defined to the byte.
package query
