// Package parsers holds one adapter per JSON parser for the events
// workload, each registered under a short name used in flags, result names
// and file names alike: std, sonic, fastjson, simdjson, goccy, and the
// read-only pseudo-parser none.
//
// Every adapter meets docs/events.md exactly. Where a parser is
// lenient, its adapter adds exactly the checks needed, with a comment saying
// why; a parser that cannot run on this machine fails with an error wrapping
// workload.ErrUnavailable, never falling back to another parser.
//
// It sits after package workload in benchgrid's flow and knows nothing
// about concurrency or timing.
package parsers

import (
	"fmt"
	"slices"
	"sort"

	"benchgrid/workload"
)

var registry = map[string]workload.Parser{}

// register adds p under its name; it is called from the adapters' init
// functions.
func register(p workload.Parser) {
	if _, dup := registry[p.Name()]; dup {
		panic("parsers: duplicate adapter " + p.Name())
	}
	registry[p.Name()] = p
}

// Lookup returns the adapter registered as name.
func Lookup(name string) (workload.Parser, error) {
	p, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown parser %q (have %v)", name, Names())
	}
	return p, nil
}

// Names lists the registered adapters: the real parsers in their
// conventional order, std first, then none.
func Names() []string {
	order := []string{"std", "sonic", "fastjson", "simdjson", "goccy", "jsonv2", "none"}
	names := make([]string, 0, len(registry))
	for name := range registry {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := slices.Index(order, names[i]), slices.Index(order, names[j])
		if a < 0 {
			a = len(order)
		}
		if b < 0 {
			b = len(order)
		}
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})
	return names
}

// Register adds an adapter defined outside this package: a test's
// deliberately wrong adapter, or an experiment. It panics when the name is
// taken.
func Register(p workload.Parser) { register(p) }
