package strategies

import (
	"fmt"
	"slices"
)

// A Role is a part a registered strategy plays in a run.
type Role string

// The roles. A role is played by one strategy at most.
const (
	// RoleReference computes, with the reference parser, the answer every
	// configuration is checked against.
	RoleReference Role = "reference"
	// RoleBaseline is the naive program's strategy, which improvements
	// are measured from.
	RoleBaseline Role = "baseline"
	// RoleVersus is the level a report compares the other strategies
	// against.
	RoleVersus Role = "versus"
)

// A registration is one strategy's entry in the registry.
type registration struct {
	name        string
	description string
	// usesWorkers is false when the strategy fixes its own concurrency;
	// usesReaders is true when it reads Options.Readers.
	usesWorkers, usesReaders bool
	// fixedWorkers names the concurrency of a strategy that fixes its
	// own: "1", or "files" for a goroutine per file.
	fixedWorkers string
	roles        []Role
	make         func(Options) Strategy
}

// registry lists the strategies in their conventional order: the baseline,
// the common designs, the naive control, then the variants.
var registry = []registration{
	{name: "sequential", description: "one goroutine, one file after another",
		fixedWorkers: "1", roles: []Role{RoleReference},
		make: func(Options) Strategy { return Sequential{} }},
	{name: "pool", description: "a fixed pool of workers fed by a channel of files",
		usesWorkers: true, roles: []Role{RoleVersus},
		make: func(o Options) Strategy { return Pool{Workers: o.Workers} }},
	{name: "pipeline", description: "a read stage of Readers goroutines feeding Workers parsers through a channel",
		usesWorkers: true, usesReaders: true,
		make: func(o Options) Strategy {
			//lint:ignore S1016 Pipeline(o) would stop compiling once Options gains a field Pipeline lacks.
			return Pipeline{Workers: o.Workers, Readers: o.Readers}
		}},
	{name: "perfile", description: "a goroutine per file, all started at once (the naive program)",
		fixedWorkers: "files", roles: []Role{RoleBaseline},
		make: func(Options) Strategy { return PerFile{} }},
	{name: "errgroup", description: "workers under golang.org/x/sync/errgroup with a limit",
		usesWorkers: true,
		make:        func(o Options) Strategy { return Errgroup{Workers: o.Workers} }},
	{name: "atomic", description: "workers taking the next file index from an atomic counter",
		usesWorkers: true,
		make:        func(o Options) Strategy { return Atomic{Workers: o.Workers} }},
	{name: "batch", description: "atomic's workers claiming 32 files at a time and reading them in one batch (with read=uring, one io_uring submission)",
		usesWorkers: true,
		make:        func(o Options) Strategy { return Batch{Workers: o.Workers} }},
}

// WithRole returns the name of the strategy that plays role, or "".
func WithRole(role Role) string {
	for _, r := range registry {
		if slices.Contains(r.roles, role) {
			return r.name
		}
	}
	return ""
}

// Describe returns the one-line description of the strategy registered as
// name, or "".
func Describe(name string) string {
	r, _ := lookup(name)
	return r.description
}

// FixedWorkers names the concurrency of the strategy registered as name
// when it fixes its own ("1" for sequential, "files" for perfile, which
// starts a goroutine per file), or "" when it takes Options.Workers.
func FixedWorkers(name string) string {
	r, _ := lookup(name)
	return r.fixedWorkers
}

// UsesReaders reports whether the strategy registered as name depends on
// Options.Readers (a pipeline's read stage). It is false for unknown
// names.
func UsesReaders(name string) bool {
	r, ok := lookup(name)
	return ok && r.usesReaders
}

// lookup finds the registration of name.
func lookup(name string) (registration, bool) {
	for _, r := range registry {
		if r.name == name {
			return r, true
		}
	}
	return registration{}, false
}

// Lookup returns the strategy registered as name, configured by opts.
func Lookup(name string, opts Options) (Strategy, error) {
	r, ok := lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown strategy %q (have %v)", name, Names())
	}
	if opts.Workers < 0 || opts.Readers < 0 {
		return nil, fmt.Errorf("strategy %s: negative workers (%d) or readers (%d)", name, opts.Workers, opts.Readers)
	}
	return r.make(opts), nil
}

// Names lists the registered strategies in their conventional order:
// sequential, pool, pipeline, perfile, errgroup, atomic, batch.
func Names() []string {
	names := make([]string, len(registry))
	for i, r := range registry {
		names[i] = r.name
	}
	return names
}

// UsesWorkers reports whether the strategy registered as name depends on
// Options.Workers. Sequential always has one worker and PerFile one per
// file, so a matrix that varies the worker count needs only one cell for
// each of them. It is false for unknown names.
func UsesWorkers(name string) bool {
	r, ok := lookup(name)
	return ok && r.usesWorkers
}
