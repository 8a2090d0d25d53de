// This file is the registry of the events adapters, which package
// parsers fills from its init functions.

package events

import (
	"benchgrid/workload"
	"fmt"
	"slices"
	"sort"
)

var registry = map[string]Parser{}

// A description is what the registry says of an adapter besides the
// adapter itself: a line for help texts and reports, its roles, and the
// build variant it needs when it exists only there.
type description struct {
	name, text string
	roles      []workload.Role
	build      string
}

// descriptions lists the known adapters in their conventional order, std
// first and the floor last. An adapter registered from elsewhere (a test's,
// an experiment) sorts after them by name, with no description.
var descriptions = []description{
	{name: "std", text: "encoding/json, the standard library's decoder", roles: []workload.Role{workload.RoleReference, workload.RoleBaseline, workload.RoleVersus}},
	{name: "sonic", text: "github.com/bytedance/sonic, JIT-compiled decoding"},
	{name: "fastjson", text: "github.com/valyala/fastjson, a reused parser with lazy lookups"},
	{name: "simdjson", text: "github.com/minio/simdjson-go, a SIMD tape parser"},
	{name: "goccy", text: "github.com/goccy/go-json, reflection-free decoding"},
	{name: "jsonv2", text: "encoding/json/v2 (GOEXPERIMENT=jsonv2)", build: "jsonv2"},
	{name: "none", text: "no parsing: only reads each file, the I/O floor", roles: []workload.Role{workload.RoleFloor}},
}

func describe(name string) (description, bool) {
	i := slices.IndexFunc(descriptions, func(d description) bool { return d.name == name })
	if i < 0 {
		return description{}, false
	}
	return descriptions[i], true
}

// WithRole returns the name of the parser that plays role, or "".
func WithRole(role workload.Role) string {
	for _, d := range descriptions {
		if slices.Contains(d.roles, role) {
			return d.name
		}
	}
	return ""
}

// Describe returns the one-line description of the adapter registered as
// name, or "".
func Describe(name string) string {
	d, _ := describe(name)
	return d.text
}

// NeedsBuild returns the build variant the adapter name exists in, or ""
// when every build has it.
func NeedsBuild(name string) string {
	d, _ := describe(name)
	return d.build
}

// register adds p under its name; it is called from the adapters' init
// functions.
func register(p Parser) {
	if _, dup := registry[p.Name()]; dup {
		panic("parsers: duplicate adapter " + p.Name())
	}
	registry[p.Name()] = p
}

// Lookup returns the adapter registered as name.
func Lookup(name string) (Parser, error) {
	p, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown parser %q (have %v)", name, Names())
	}
	return p, nil
}

// Names lists the registered adapters: the real parsers in their
// conventional order, std first, then none.
func Names() []string {
	names := make([]string, 0, len(registry))
	for name := range registry {
		names = append(names, name)
	}
	index := func(name string) int {
		return slices.IndexFunc(descriptions, func(d description) bool { return d.name == name })
	}
	order := descriptions
	sort.Slice(names, func(i, j int) bool {
		a, b := index(names[i]), index(names[j])
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
func Register(p Parser) { register(p) }
