package strategies

import "fmt"

// A registration is one strategy's entry in the registry.
type registration struct {
	name string
	// usesWorkers is false when the strategy fixes its own concurrency.
	usesWorkers bool
	make        func(Options) Strategy
}

// registry lists the strategies in their conventional order: the baseline,
// the common designs, the naive control, then the variants.
var registry = []registration{
	{"sequential", false, func(Options) Strategy { return Sequential{} }},
	{"pool", true, func(o Options) Strategy { return Pool{Workers: o.Workers} }},
	{"pipeline", true, func(o Options) Strategy {
		//lint:ignore S1016 Pipeline(o) would stop compiling once Options gains a field Pipeline lacks.
		return Pipeline{Workers: o.Workers, Readers: o.Readers}
	}},
	{"perfile", false, func(Options) Strategy { return PerFile{} }},
	{"errgroup", true, func(o Options) Strategy { return Errgroup{Workers: o.Workers} }},
	{"atomic", true, func(o Options) Strategy { return Atomic{Workers: o.Workers} }},
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
// sequential, pool, pipeline, perfile, errgroup, atomic.
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
