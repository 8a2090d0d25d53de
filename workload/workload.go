// Package workload says what benchgrid measures: a Workload is a question
// asked of every input file of a corpus, whose answer is defined to the
// byte, so that every parser × strategy configuration can be held to the
// same answer. Workloads are registered by name, beside parsers and
// strategies: `events` (docs/events.md), `query` (docs/query.md), or a
// user's own (docs/own-workload.md).
//
// A Workload offers parser adapters; a Pass is one run of one adapter over
// a corpus; each goroutine of the pass counts the files it processes on its
// own Counter, and the pass merges the counters into an Outcome. The
// harness, the child protocol, results and reports know workloads only
// through this package.
//
// It sits after package corpus in benchgrid's flow and knows nothing about
// concurrency or timing.
package workload

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"sync"
)

// A Workload is one question asked of every input of a corpus.
type Workload interface {
	// Name is the workload's registered name: "events", "query", or a
	// user's.
	Name() string
	// IsInput reports whether a regular file of this base name is one of
	// the workload's inputs; other files are not visited.
	IsInput(name string) bool
	// Parsers describes the workload's adapters in their conventional
	// order: the reference first, the read-only floor last.
	Parsers() []Parser
	// NewPass prepares one pass of the adapter named parser. It fails for
	// an unknown name, and with an error wrapping ErrUnavailable when the
	// adapter cannot run in this binary or cannot serve this workload's
	// configuration (naming the reason).
	NewPass(parser string) (Pass, error)
}

// A Parser describes one of a workload's adapters.
type Parser struct {
	// Name is the adapter's short name, used in flags, result names and
	// file names alike.
	Name string
	// Text is a one-line description for help texts and reports.
	Text string
	// Roles are the parts the adapter plays in a run.
	Roles []Role
	// Build is the build variant the adapter exists in, or "" when every
	// build has it (jsonv2 needs GOEXPERIMENT=jsonv2).
	Build string
	// ReadOnly says that the adapter only reads inputs and computes no
	// answer: the floor every configuration is measured against.
	ReadOnly bool
}

// A Role is a part an adapter plays in a run. A role is played by one
// adapter at most.
type Role string

// The roles.
const (
	// RoleReference computes, with the reference strategy, the answer
	// every configuration is checked against.
	RoleReference Role = "reference"
	// RoleBaseline is the naive program's adapter, which improvements are
	// measured from.
	RoleBaseline Role = "baseline"
	// RoleFloor only reads: its cells are the I/O floor of the others.
	RoleFloor Role = "floor"
	// RoleVersus is the level a report compares the other adapters
	// against.
	RoleVersus Role = "versus"
)

// A Pass is one run of one adapter over a corpus.
type Pass interface {
	// NewCounter makes the state of one goroutine: a reused parser,
	// scratch buffers and a tally of its own. A Counter is used by one
	// goroutine at a time.
	NewCounter() (Counter, error)
	// Outcome merges the counters this pass made, once every goroutine
	// using them has finished.
	Outcome(counters []Counter) *Outcome
}

// A Counter counts the inputs one goroutine processes.
type Counter interface {
	// Count counts one input whose bytes were read: data is all of it
	// (its on-disk size is len(data)) and stays valid only during the
	// call. A bad input is counted as bad, never returned.
	Count(path string, data []byte)
	// Unreadable counts an input of size bytes that could not be read
	// because of the input (never because the program ran out of a
	// resource: that fails the pass before it gets here).
	Unreadable(path string, size int64, err error)
}

// An Outcome is what a pass counted over a corpus.
type Outcome struct {
	// Files, BadFiles and Bytes count inputs, inputs that were bad or
	// unreadable, and the inputs' on-disk bytes.
	Files, BadFiles, Bytes int64
	// Documents and BadDocuments count the units the workload judges
	// good or bad, as the guard rail against a corpus that does not fit
	// the workload weighs them: files for events; documents (NDJSON
	// lines) for query, with a file that could not be read or
	// decompressed as one bad unit.
	// A read-only pass counts Documents when it can tell them without
	// parsing, and no BadDocuments.
	Documents, BadDocuments int64
	// Canonical is the answer's canonical bytes, one line ending in a
	// newline; nil for a read-only adapter, which computes no answer.
	Canonical []byte
	// Summary is a short human description of the answer, for messages.
	Summary string
	// Bad lists bad inputs or documents with their reasons: all of them,
	// or only some (events lists them in the order they were met, query
	// the first by path and line); BadReasons has the counts.
	Bad []BadInput
	// BadReasons counts bad documents (and files) by reason.
	BadReasons map[string]int64
	// Fallbacks counts documents (for events, files) an adapter decoded
	// another way, by reason
	// (say, beyond its parser's nesting limit): a fallback is never
	// silent.
	Fallbacks map[string]int64
}

// A BadInput is a bad input or document, with the reason it was bad.
type BadInput struct {
	// Path is the input's path, with ":LINE" for one line of a file of
	// several documents.
	Path   string
	Reason string
}

// ErrUnavailable marks an adapter that cannot run in this binary or cannot
// serve a workload's configuration; errors from NewPass wrap it.
var ErrUnavailable = errors.New("parser unavailable")

// A Definition registers a workload.
type Definition struct {
	// Name is the workload's name, as `-workload` takes it.
	Name string
	// Text is a one-line description.
	Text string
	// ConfigFlag names the flag that gives the workload its configuration
	// ("query" for -query FILE), or "" when it takes none.
	ConfigFlag string
	// Open makes the workload from its configuration: the bytes of the
	// file ConfigFlag names, or nil. Its errors are usage errors naming
	// the problem.
	Open func(config []byte) (Workload, error)
}

var (
	mu          sync.Mutex
	definitions = map[string]Definition{}
)

// Register adds a workload definition; it panics when the name is taken,
// is not a valid name (lower-case letters, digits, '.', '_' and '-',
// starting with a letter or digit: it is part of flags, file names and
// bench.txt's benchmark names), or the definition is incomplete.
func Register(d Definition) {
	mu.Lock()
	defer mu.Unlock()
	if !simpleName.MatchString(d.Name) {
		panic(fmt.Sprintf("workload: invalid name %q (want lower-case letters, digits, '.', '_' or '-')", d.Name))
	}
	if d.Open == nil {
		panic("workload: incomplete definition")
	}
	if _, dup := definitions[d.Name]; dup {
		panic("workload: duplicate workload " + d.Name)
	}
	definitions[d.Name] = d
}

// Default is the workload a command runs when none is named: the built-in
// events workload.
const Default = "events"

// Lookup returns the definition registered as name.
func Lookup(name string) (Definition, error) {
	mu.Lock()
	defer mu.Unlock()
	d, ok := definitions[name]
	if !ok {
		return Definition{}, fmt.Errorf("unknown workload %q (have %v)", name, names())
	}
	return d, nil
}

// Names lists the registered workloads, sorted.
func Names() []string {
	mu.Lock()
	defer mu.Unlock()
	return names()
}

func names() []string {
	out := make([]string, 0, len(definitions))
	for n := range definitions {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Open looks up the workload registered as name and opens it with config.
func Open(name string, config []byte) (Workload, error) {
	d, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	if d.ConfigFlag == "" && len(config) > 0 {
		return nil, fmt.Errorf("workload %s takes no configuration", name)
	}
	if d.ConfigFlag != "" && len(config) == 0 {
		return nil, fmt.Errorf("workload %s needs -%s FILE", name, d.ConfigFlag)
	}
	w, err := d.Open(config)
	if err != nil {
		return nil, fmt.Errorf("workload %s: %w", name, err)
	}
	return w, nil
}

// WithRole returns the name of w's adapter that plays role, or "".
func WithRole(w Workload, role Role) string {
	for _, p := range w.Parsers() {
		if slices.Contains(p.Roles, role) {
			return p.Name
		}
	}
	return ""
}

// ParserNames lists w's adapters in their conventional order.
func ParserNames(w Workload) []string {
	ps := w.Parsers()
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

// FindParser returns the description of w's adapter named name.
func FindParser(w Workload, name string) (Parser, error) {
	for _, p := range w.Parsers() {
		if p.Name == name {
			return p, nil
		}
	}
	return Parser{}, fmt.Errorf("unknown parser %q for workload %s (have %v)", name, w.Name(), ParserNames(w))
}

// A Spec names a workload and its configuration, as a child process's
// spec and a results file carry it.
type Spec struct {
	Name string `json:"name"`
	// Config is the configuration file's bytes (a query file), or nil.
	Config []byte `json:"config,omitempty"`
}

// Open opens the workload s names; an empty name is Default.
func (s Spec) Open() (Workload, error) {
	name := s.Name
	if name == "" {
		name = Default
	}
	return Open(name, s.Config)
}

// IsDefault reports whether s is the default workload with no
// configuration.
func (s Spec) IsDefault() bool { return (s.Name == "" || s.Name == Default) && len(s.Config) == 0 }

// A ReasonCount is one reason bad documents were bad, with how many were.
type ReasonCount struct {
	Reason string `json:"reason"`
	Count  int64  `json:"count"`
}

// CommonReasons groups reasons that differ only in their numbers (an
// event's index, an offset: "event 3: …" and "event 7: …" are one
// reason, "event N: …") and returns the n most common, most first, ties
// in bytewise order.
func CommonReasons(reasons map[string]int64, n int) []ReasonCount {
	grouped := map[string]int64{}
	for r, c := range reasons {
		grouped[digitRuns.ReplaceAllString(r, "N")] += c
	}
	out := make([]ReasonCount, 0, len(grouped))
	for r, c := range grouped {
		out = append(out, ReasonCount{Reason: r, Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Reason < out[j].Reason
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

var digitRuns = regexp.MustCompile(`[0-9]+`)
