package query

import (
	"benchgrid/workload"
	"fmt"
	"slices"
	"sort"
	"sync"
)

// A Role is a part a registered adapter plays in a run: workload.Role.
type Role = workload.Role

// The roles, workload's.
const (
	RoleReference = workload.RoleReference
	RoleBaseline  = workload.RoleBaseline
	RoleFloor     = workload.RoleFloor
	RoleVersus    = workload.RoleVersus
)

// A description is what the registry says of an adapter besides the
// adapter itself.
type description struct {
	name, text string
	roles      []Role
	build      string
}

// descriptions lists the known adapters in their conventional order, std
// first and the floor last. An adapter registered from elsewhere sorts
// after them by name, with no description.
var descriptions = []description{
	{name: "std", text: "encoding/json into structs built at start-up with reflect.StructOf", roles: []Role{RoleReference, RoleBaseline, RoleVersus}},
	{name: "sonic", text: "github.com/bytedance/sonic, JIT-compiled decoding"},
	{name: "fastjson", text: "github.com/valyala/fastjson, a reused parser with lazy lookups"},
	{name: "simdjson", text: "github.com/minio/simdjson-go, a SIMD tape parser"},
	{name: "goccy", text: "github.com/goccy/go-json, reflection-free decoding"},
	{name: "jsonv2", text: "encoding/json/v2 (GOEXPERIMENT=jsonv2)", build: "jsonv2"},
	{name: "none", text: "no parsing: reads, decompresses and splits into documents, the I/O floor", roles: []Role{RoleFloor}},
}

var (
	mu       sync.RWMutex
	registry = map[string]Adapter{}
)

func describe(name string) description {
	i := slices.IndexFunc(descriptions, func(d description) bool { return d.name == name })
	if i < 0 {
		return description{}
	}
	return descriptions[i]
}

// Register adds an adapter under its name; adapters call it from their
// init functions. It panics when the name is taken.
func Register(a Adapter) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[a.Name()]; dup {
		panic("query: duplicate adapter " + a.Name())
	}
	registry[a.Name()] = a
}

// Lookup returns the adapter registered as name.
func Lookup(name string) (Adapter, error) {
	mu.RLock()
	a, ok := registry[name]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown query adapter %q (have %v)", name, Names())
	}
	return a, nil
}

// Names lists the registered adapters in their conventional order: std,
// sonic, fastjson, simdjson, goccy, jsonv2, none, then any others by name.
func Names() []string {
	mu.RLock()
	names := make([]string, 0, len(registry))
	for name := range registry {
		names = append(names, name)
	}
	mu.RUnlock()
	index := func(name string) int {
		if i := slices.IndexFunc(descriptions, func(d description) bool { return d.name == name }); i >= 0 {
			return i
		}
		return len(descriptions)
	}
	sort.Slice(names, func(i, j int) bool {
		if a, b := index(names[i]), index(names[j]); a != b {
			return a < b
		}
		return names[i] < names[j]
	})
	return names
}

// Describe returns the one-line description of the adapter name, or "".
func Describe(name string) string { return describe(name).text }

// NeedsBuild returns the build variant the adapter name exists in, or ""
// when every build has it.
func NeedsBuild(name string) string { return describe(name).build }

// Roles returns the roles the adapter name plays.
func Roles(name string) []Role { return slices.Clone(describe(name).roles) }

// WithRole returns the name of the adapter that plays role, or "".
func WithRole(role Role) string {
	for _, d := range descriptions {
		if slices.Contains(d.roles, role) {
			return d.name
		}
	}
	return ""
}

// IsReadOnly reports whether a is a read-only floor: an adapter with a
// ReadOnly method that says so, whose NewExtractor returns a nil
// Extractor (NewTally's floor).
func IsReadOnly(a Adapter) bool {
	r, ok := a.(interface{ ReadOnly() bool })
	return ok && r.ReadOnly()
}

func init() { Register(noneAdapter{}) }

// noneAdapter is the I/O floor, `none`: its Extractor is nil, so a Tally
// made with it reads, decompresses and splits each input into documents
// and parses nothing. Every configuration is measured as a multiple of it.
type noneAdapter struct{}

func (noneAdapter) Name() string { return "none" }

// ReadOnly says that none parses nothing.
func (noneAdapter) ReadOnly() bool { return true }

// NewExtractor returns nil: NewTally(q, nil) is the floor.
func (noneAdapter) NewExtractor(*Query) (Extractor, error) { return nil, nil }
