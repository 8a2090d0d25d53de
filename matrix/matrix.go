package matrix

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"benchgrid/corpus"
	"benchgrid/processor"
	"benchgrid/strategies"
	"benchgrid/workload"
)

// A Matrix is a set of axes; every combination of their values is a Cell.
// An empty axis takes its default. It can be kept in a config file (see
// ReadMatrix) so that a study can be rerun.
type Matrix struct {
	Parsers    []string `json:"parsers,omitempty"`
	Strategies []string `json:"strategies,omitempty"`
	// Workers lists worker counts; 0 means GOMAXPROCS of the cell.
	Workers []int    `json:"workers,omitempty"`
	Reads   []string `json:"read,omitempty"`
	// Readers lists a pipeline's read-stage sizes; 0 means its worker
	// count. Other strategies ignore it.
	Readers []int `json:"readers,omitempty"`
	// Latencies lists simulated storage latencies, Go durations ("0",
	// "200us", "1ms"), each waited before every file's read (see
	// processor.Config.Latency); "" simulates none.
	Latencies []string `json:"latency,omitempty"`
	// Cache lists page-cache states: "warm", or "cold" (evicted before
	// every sample's timed pass); "" is warm, left out of the cell's name.
	Cache []string `json:"cache,omitempty"`
	// Tally lists the events workload's tally tables: "map", "intern"
	// (see TallyEnv); "" is map, left out of the cell's name.
	Tally []string `json:"tally,omitempty"`
	// Feed lists how the timed pass gets its files: "list" (listed
	// before the clock starts), "walk" or "stream" (the walk timed too;
	// see processor.Feed); "" is list, left out of the cell's name.
	Feed []string `json:"feed,omitempty"`
	// GOMAXPROCS lists values for the child's GOMAXPROCS; 0 means the
	// machine's default.
	GOMAXPROCS []int `json:"gomaxprocs,omitempty"`
	// GOGC and GOMEMLIMIT list values for those variables, as the Go
	// runtime reads them ("100", "off"; "512MiB"); "" leaves it unset.
	GOGC       []string `json:"gogc,omitempty"`
	GOMEMLIMIT []string `json:"gomemlimit,omitempty"`
	// Builds lists build variants; "" or "default" is the running binary.
	Builds []string `json:"builds,omitempty"`
	// Filter keeps only cells whose name matches this regular expression.
	Filter string `json:"filter,omitempty"`
	// Workload is the workload the cells run, whose adapters are the
	// parser axis's values; nil is workload.Default. It is not part of a
	// config file: the -workload and -query flags give it.
	Workload workload.Workload `json:"-"`
}

// ReadMatrix reads a matrix from a JSON config file. Reading is strict, so
// that a typo never silently changes a study: an unknown key, a key given
// twice, a null (for the whole document, a key or an item) and an invalid
// value are errors naming the file and the key.
func ReadMatrix(path string) (Matrix, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Matrix{}, err
	}
	// encoding/json keeps the last of two equal keys and decodes null as
	// "leave the default": check for both before decoding.
	if err := checkStrictJSON(json.NewDecoder(bytes.NewReader(data)), ""); err != nil {
		if err == io.EOF { // what Token says for a file that stops short
			err = io.ErrUnexpectedEOF
		}
		return Matrix{}, fmt.Errorf("%s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Matrix
	if err := dec.Decode(&m); err != nil {
		return Matrix{}, fmt.Errorf("%s: %w", path, err)
	}
	if dec.More() {
		return Matrix{}, fmt.Errorf("%s: more than one JSON value", path)
	}
	if err := m.Check(); err != nil {
		return Matrix{}, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// checkStrictJSON reads one JSON value from dec and returns an error for
// a null or an object with a key given twice anywhere in it. where names
// the value in errors: "" for the document, `key "parsers"`, `key
// "parsers", item 2`.
func checkStrictJSON(dec *json.Decoder, where string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	in := func(inner string) string {
		if where == "" {
			return inner
		}
		return where + ", " + inner
	}
	switch tok {
	case nil:
		if where == "" {
			return errors.New("the document is null")
		}
		return fmt.Errorf("%s is null (leave the key out for its default)", where)
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			keyTok, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := keyTok.(string) // object keys are always strings
			if seen[key] {
				return fmt.Errorf("%s appears twice", in(fmt.Sprintf("key %q", key)))
			}
			seen[key] = true
			if err := checkStrictJSON(dec, in(fmt.Sprintf("key %q", key))); err != nil {
				return err
			}
		}
		_, err = dec.Token() // '}'
		return err
	case json.Delim('['):
		for i := 1; dec.More(); i++ {
			if err := checkStrictJSON(dec, in(fmt.Sprintf("item %d", i))); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ']'
		return err
	}
	return nil
}

// A Cell is one configuration of a matrix.
type Cell struct {
	Parser   string
	Strategy string
	// Workers is the worker count given to the strategy (0: GOMAXPROCS).
	Workers int
	Read    corpus.ReadMode
	Readers int // a pipeline's read stage (0: Workers); others ignore it
	// Latency is the simulated storage latency per file as labelled
	// (LatencyLabel: "0", "200µs", "1ms"), or "" for none, which leaves
	// it out of the name.
	Latency    string
	GOMAXPROCS int // 0: the machine's default
	GOGC       string
	GOMEMLIMIT string
	Build      string // "default" or a build variant
	// Cache is the page cache's state at the timed pass: "warm", "cold"
	// or "" (warm, and left out of the name).
	Cache string
	// Tally is the events workload's tally tables, "intern", or "" (the
	// maps, left out of the name).
	Tally string
	// Feed is how the timed pass gets its files, "walk" or "stream"
	// (processor.FeedWalk, processor.FeedStream), or "" (the list made
	// before the clock, processor.FeedList, left out of the name).
	Feed string
}

// Procs is the GOMAXPROCS the cell's child runs with.
func (c Cell) Procs() int {
	if c.GOMAXPROCS > 0 {
		return c.GOMAXPROCS
	}
	return defaultProcs()
}

// defaultProcs is the GOMAXPROCS a child gets by default: the runtime's
// own default, which follows a cgroup CPU quota. This process's is that
// default unless GOMAXPROCS is set in its environment (children never
// inherit it); then the CPU count is the best guess, and every child's
// actual GOMAXPROCS is checked against its label anyway.
func defaultProcs() int {
	if os.Getenv("GOMAXPROCS") == "" {
		return runtime.GOMAXPROCS(0)
	}
	return runtime.NumCPU()
}

// WorkersLabel is the cell's worker count as named in results: the actual
// count, or the strategy's fixed one (strategies.FixedWorkers): "1" for
// sequential and "files" for perfile, which starts a
// goroutine per file.
func (c Cell) WorkersLabel() string {
	switch {
	case strategies.FixedWorkers(c.Strategy) != "":
		return strategies.FixedWorkers(c.Strategy)
	case c.Workers > 0:
		return strconv.Itoa(c.Workers)
	default:
		return strconv.Itoa(c.Procs())
	}
}

// Name is the cell's benchmark name after "BenchmarkEvents/": every axis
// as key=value, so that `benchstat -col /parser -row /strategy` works on
// bench.txt with no extra step. GOMAXPROCS is the name's -N suffix, as in
// `go test -bench`, and is not part of Name.
func (c Cell) Name() string {
	var b strings.Builder
	for _, a := range Axes {
		if !a.inName(c) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(a.Key + "=" + a.label(c))
	}
	return b.String()
}

// GOGCLabel is the cell's GOGC as results name it: "100", the runtime's
// default, when unset.
func (c Cell) GOGCLabel() string { return cmp.Or(c.GOGC, "100") }

// GOMEMLIMITLabel is the cell's GOMEMLIMIT as results name it: "off", the
// runtime's default, when unset.
func (c Cell) GOMEMLIMITLabel() string { return cmp.Or(c.GOMEMLIMIT, "off") }

// BuildLabel is the cell's build variant: "default" when unset.
func (c Cell) BuildLabel() string { return cmp.Or(c.Build, "default") }

// FullName is the cell's name with GOMAXPROCS, unique within a matrix.
func (c Cell) FullName() string { return fmt.Sprintf("%s-%d", c.Name(), c.Procs()) }

// Env returns the environment variables the cell's child runs with: one
// for each axis carried by a variable that the cell sets.
func (c Cell) Env() []string {
	var env []string
	for _, a := range Axes {
		if a.Env == "" {
			continue
		}
		if !a.IsDefault(c) {
			env = append(env, a.Env+"="+a.value(c))
		}
	}
	return env
}

// Config is the processing configuration of the cell.
func (c Cell) Config() processor.Config {
	latency, _ := time.ParseDuration(cmp.Or(c.Latency, "0")) // checked; "0" when unset
	return processor.Config{Parser: c.Parser, Strategy: c.Strategy, Workers: c.Workers, Readers: c.Readers, Read: c.Read, Latency: latency}
}

// MaxCombinations is the most combinations of axis values Cells makes: a
// few lines of config (ten values on each of six axes) would otherwise
// ask for a million cells, seconds of expansion before a run that would
// take years. A run of that many cells at one sample each is already
// days.
const MaxCombinations = 100_000

// combinations is how many combinations of axis values m, with its
// defaults filled in, makes; past limit it stops counting and returns a
// number above limit, so that the product never overflows.
func (m *Matrix) combinations(limit int) int {
	n := 1
	for _, key := range expansionOrder {
		a, _ := AxisByKey(key)
		if n *= len(a.values(m)); n > limit {
			return n
		}
	}
	return n
}

// Cells expands the matrix into its cells, nested in expansionOrder,
// without duplicates: an axis that a cell's strategy ignores (sequential
// runs one worker, perfile a goroutine per file, only pipeline has
// readers) takes its default there, so that such a cell appears once per
// combination of the other axes. A matrix of more than MaxCombinations
// combinations is an error.
func (m Matrix) Cells() ([]Cell, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	m = m.withDefaults()
	var filter *regexp.Regexp
	if m.Filter != "" {
		filter = regexp.MustCompile(m.Filter) // Check compiled it
	}
	if m.combinations(MaxCombinations) > MaxCombinations {
		return nil, fmt.Errorf("the matrix's axes make more than %d combinations: list fewer values (a filter applies only after they are made)", MaxCombinations)
	}
	order := make([]Axis, len(expansionOrder))
	for i, key := range expansionOrder {
		order[i], _ = AxisByKey(key)
	}
	var cells []Cell
	seen := map[string]bool{}
	var expand func(depth int, c Cell)
	expand = func(depth int, c Cell) {
		if depth == len(order) {
			for _, a := range Axes {
				if a.normalize != nil {
					a.normalize(&c)
				}
			}
			name := c.FullName()
			if seen[name] || filter != nil && !filter.MatchString(name) {
				return
			}
			seen[name] = true
			cells = append(cells, c)
			return
		}
		for _, v := range order[depth].values(&m) {
			order[depth].set(&c, v)
			expand(depth+1, c)
		}
	}
	expand(0, Cell{})
	if len(cells) == 0 {
		return nil, fmt.Errorf("the matrix has no cells (filter %q)", m.Filter)
	}
	return cells, nil
}

// An AxisError is an invalid value on one axis of a matrix.
type AxisError struct {
	Axis string // the axis's key in a config file: "parsers", "gogc", …
	Err  error
}

func (e *AxisError) Error() string { return e.Axis + ": " + e.Err.Error() }

// Unwrap returns the error about the value.
func (e *AxisError) Unwrap() error { return e.Err }

// Check returns an *AxisError for the first invalid value of m, without
// expanding it: an unknown parser, strategy, read mode or build variant, a
// negative count, a latency that is not a duration of 0 or more, a GOGC or
// GOMEMLIMIT the runtime would not take, or a filter that is not a regular
// expression.
func (m Matrix) Check() error {
	w, err := m.workload()
	if err != nil {
		return err
	}
	for _, a := range Axes {
		for _, v := range a.values(&m) {
			if err := a.check(w, v); err != nil {
				return &AxisError{Axis: a.ConfigKey, Err: err}
			}
		}
	}
	if m.Filter != "" {
		if _, err := regexp.Compile(m.Filter); err != nil {
			return &AxisError{Axis: "filter", Err: err}
		}
	}
	return nil
}

// workload returns m.Workload, or the default workload when it is nil.
func (m Matrix) workload() (workload.Workload, error) {
	if m.Workload != nil {
		return m.Workload, nil
	}
	return workload.Open(workload.Default, nil)
}

// withDefaults fills every empty axis with its default.
func (m Matrix) withDefaults() Matrix {
	w, _ := m.workload() // checked by Check
	for _, a := range Axes {
		if len(a.values(&m)) == 0 {
			_ = a.setValues(&m, a.defaults(w)) // defaults always parse
		}
	}
	return m
}

// SplitList splits a comma-separated flag value, trimming spaces and
// dropping empty items.
func SplitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// checkGOGC accepts what the runtime accepts for GOGC: "off" or a
// non-negative percentage. The runtime silently ignores anything else,
// which would mislabel a cell.
func checkGOGC(v string) error {
	if v == "" || v == "off" {
		return nil
	}
	if n, err := strconv.Atoi(v); err != nil || n < 0 {
		return fmt.Errorf("%q: want off or a non-negative percentage", v)
	}
	return nil
}

var memLimitPattern = regexp.MustCompile(`^[0-9]+(B|KiB|MiB|GiB|TiB)?$`)

// checkGOMEMLIMIT accepts what the runtime accepts for GOMEMLIMIT: "off"
// or a byte count with an optional B, KiB, MiB, GiB or TiB suffix. The
// runtime dies at start-up on anything else.
func checkGOMEMLIMIT(v string) error {
	if v == "" || v == "off" || memLimitPattern.MatchString(v) {
		return nil
	}
	return fmt.Errorf("%q: want off or bytes with an optional B, KiB, MiB, GiB or TiB suffix", v)
}
