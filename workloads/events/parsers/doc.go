// Package parsers holds one adapter per JSON parser for the events
// workload, each registered under a short name used in flags, result names
// and file names alike: std, sonic, fastjson, simdjson, goccy, and the
// read-only pseudo-parser none.
//
// Every adapter meets docs/events.md exactly. Where a parser is
// lenient, its adapter adds exactly the checks needed, with a comment saying
// why; a parser that cannot run on this machine fails with an error wrapping
// events.ErrUnavailable, never falling back to another parser.
//
// It sits after package events in benchgrid's flow and knows nothing
// about concurrency or timing.
package parsers
