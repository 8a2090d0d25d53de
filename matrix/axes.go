package matrix

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"benchgrid/corpus"
	"benchgrid/processor"
	"benchgrid/record"
	"benchgrid/strategies"
	"benchgrid/workload"
)

// An Axis is one dimension of a matrix, declared once in Axes: its names
// (in benchmark names and results, in flags, in config files), its help,
// its default, how its values are checked, how a cell carries and labels
// its value, and how the value reaches a child (an environment variable,
// or the child's processing Config). Matrix expansion, cell names, the
// flags of run and study, the config file, the record's axes and the
// study's candidates all iterate over Axes, so adding an axis is one entry
// here plus the storage and the code that does what it says.
type Axis struct {
	// Key names the axis in benchmark names and results ("parser").
	Key string
	// Flag is its flag in run and study ("parsers").
	Flag string
	// ConfigKey is its key in a matrix config file ("parsers").
	ConfigKey string
	// Usage is the flag's help.
	Usage string
	// Env is the environment variable that carries the value to a child
	// ("GOGC"), or "" when the value is part of the child's Spec (its
	// Config, or for cache and feed Spec.Cache and Spec.Feed).
	Env string
	// Unset is the label of a cell that leaves the axis at its default
	// ("100" for gogc, "off" for gomemlimit).
	Unset string
	// Optional axes appear in a cell's name and record only when the cell
	// sets them, so that names stay as they were for matrices that do not
	// use them.
	Optional bool
	// Suffix marks the axis that is the name's -N suffix, as GOMAXPROCS is
	// in `go test -bench`, rather than a key=value element.
	Suffix bool

	// values gets the matrix's values as strings; setValues parses and
	// replaces them (an error names the bad value).
	values    func(m *Matrix) []string
	setValues func(m *Matrix, vs []string) error
	// defaults are the values of an axis the matrix leaves empty, for
	// the matrix's workload (nil when not known: then an axis whose
	// defaults depend on it has none).
	defaults func(w workload.Workload) []string
	// check validates one value for the matrix's workload.
	check func(w workload.Workload, v string) error
	// set stores a checked value in a cell; label is the cell's value as
	// names and results show it ("" for an optional axis it leaves
	// unset).
	set   func(c *Cell, v string)
	label func(c Cell) string
	// value is the value c sets, as the matrix would list it (the
	// default's spelling when c leaves the axis unset).
	value func(c Cell) string
	// normalize clears the value of a cell whose strategy ignores the
	// axis, so that the matrix has one such cell, not one per value.
	normalize func(c *Cell)
}

// The keys of the axes that roles name (see RunRoles).
const (
	KeyParser   = "parser"
	KeyStrategy = "strategy"
)

// Axes are the matrix's axes in the order results and reports list them.
// Cell names take the key=value elements in this order.
var Axes = []Axis{
	{
		Key: KeyParser, Flag: "parsers", ConfigKey: "parsers",
		Usage:     "comma-separated parsers (default: all)",
		values:    func(m *Matrix) []string { return m.Parsers },
		setValues: func(m *Matrix, vs []string) error { m.Parsers = vs; return nil },
		defaults: func(w workload.Workload) []string {
			if w == nil {
				return nil
			}
			return workload.ParserNames(w)
		},
		check: func(w workload.Workload, v string) error {
			if w == nil {
				return errors.New("no workload")
			}
			_, err := workload.FindParser(w, v)
			return err
		},
		set:   func(c *Cell, v string) { c.Parser = v },
		value: func(c Cell) string { return c.Parser },
		label: func(c Cell) string { return c.Parser },
	},
	{
		Key: KeyStrategy, Flag: "strategies", ConfigKey: "strategies",
		Usage:     "comma-separated strategies (default: all)",
		values:    func(m *Matrix) []string { return m.Strategies },
		setValues: func(m *Matrix, vs []string) error { m.Strategies = vs; return nil },
		defaults:  func(workload.Workload) []string { return strategies.Names() },
		check: func(_ workload.Workload, v string) error {
			_, err := strategies.Lookup(v, strategies.Options{})
			return err
		},
		set:   func(c *Cell, v string) { c.Strategy = v },
		value: func(c Cell) string { return c.Strategy },
		label: func(c Cell) string { return c.Strategy },
	},
	{
		Key: "workers", Flag: "workers", ConfigKey: "workers",
		Usage:     "comma-separated worker counts (default: GOMAXPROCS)",
		values:    func(m *Matrix) []string { return itoas(m.Workers) },
		setValues: func(m *Matrix, vs []string) error { return atois(&m.Workers, vs) },
		defaults:  func(workload.Workload) []string { return []string{"0"} },
		check:     ignoreWorkload(checkCount("GOMAXPROCS")),
		set:       func(c *Cell, v string) { c.Workers, _ = strconv.Atoi(v) },
		value:     func(c Cell) string { return strconv.Itoa(c.Workers) },
		label:     Cell.WorkersLabel,
		normalize: func(c *Cell) {
			if !strategies.UsesWorkers(c.Strategy) {
				c.Workers = 0
			}
		},
	},
	{
		Key: "read", Flag: "read", ConfigKey: "read",
		Usage:     "comma-separated read modes: readfile, reuse, mmap, sized, openat, openat-raw, uring (default: readfile)",
		values:    func(m *Matrix) []string { return m.Reads },
		setValues: func(m *Matrix, vs []string) error { m.Reads = vs; return nil },
		defaults:  func(workload.Workload) []string { return []string{string(corpus.ReadFile)} },
		check:     ignoreWorkload(func(v string) error { _, err := corpus.ParseReadMode(v); return err }),
		set:       func(c *Cell, v string) { c.Read = corpus.ReadMode(v) },
		value:     func(c Cell) string { return string(c.Read) },
		label:     func(c Cell) string { return string(c.Read) },
	},
	{
		Key: "readers", Flag: "readers", ConfigKey: "readers", Optional: true,
		Usage:     "comma-separated read-stage sizes of the pipeline strategy (default: its worker count)",
		values:    func(m *Matrix) []string { return itoas(m.Readers) },
		setValues: func(m *Matrix, vs []string) error { return atois(&m.Readers, vs) },
		defaults:  func(workload.Workload) []string { return []string{"0"} },
		check:     ignoreWorkload(checkCount("the worker count")),
		set:       func(c *Cell, v string) { c.Readers, _ = strconv.Atoi(v) },
		value:     func(c Cell) string { return strconv.Itoa(c.Readers) },
		label: func(c Cell) string {
			if c.Readers == 0 {
				return ""
			}
			return strconv.Itoa(c.Readers)
		},
		normalize: func(c *Cell) {
			if !strategies.UsesReaders(c.Strategy) {
				c.Readers = 0
			}
		},
	},
	{
		Key: "latency", Flag: "latency", ConfigKey: "latency", Optional: true,
		Usage:     "comma-separated simulated storage latencies, waited before each file's read (Go durations: 0,200us,1ms; default: none)",
		values:    func(m *Matrix) []string { return m.Latencies },
		setValues: func(m *Matrix, vs []string) error { m.Latencies = vs; return nil },
		defaults:  func(workload.Workload) []string { return []string{""} },
		check:     ignoreWorkload(checkLatency),
		set:       func(c *Cell, v string) { c.Latency = LatencyLabel(v) },
		value:     func(c Cell) string { return c.Latency },
		label:     func(c Cell) string { return c.Latency },
	},
	{
		Key: "cache", Flag: "cache", ConfigKey: "cache", Optional: true,
		Usage:     "comma-separated page-cache states: warm, cold (the corpus evicted before each timed pass) (default: warm)",
		values:    func(m *Matrix) []string { return m.Cache },
		setValues: func(m *Matrix, vs []string) error { m.Cache = vs; return nil },
		defaults:  func(workload.Workload) []string { return []string{""} },
		check:     ignoreWorkload(corpus.CheckCacheMode),
		set:       func(c *Cell, v string) { c.Cache = v },
		value:     func(c Cell) string { return c.Cache },
		label:     func(c Cell) string { return c.Cache },
	},
	{
		Key: "feed", Flag: "feed", ConfigKey: "feed", Optional: true,
		Usage: "comma-separated feeds of the timed pass: list (the corpus listed before the clock starts), walk (listed inside the timed pass, then processed), " +
			"stream (the walk handed to the workers as it goes: strategies " + strings.Join(processor.StreamStrategies, ", ") + "), walk-dtype and stream-dtype (the same with the d_type walk, which lstats only entries of unknown type); " +
			"the walk and stream feeds time the walk, so compare them with each other, not with list (default: list)",
		values:    func(m *Matrix) []string { return m.Feed },
		setValues: func(m *Matrix, vs []string) error { m.Feed = vs; return nil },
		defaults:  func(workload.Workload) []string { return []string{""} },
		check:     ignoreWorkload(func(v string) error { _, err := processor.ParseFeed(v); return err }),
		set: func(c *Cell, v string) {
			if v == string(processor.FeedList) {
				v = "" // the default, left out of the name
			}
			c.Feed = v
		},
		value: func(c Cell) string { return c.Feed },
		label: func(c Cell) string { return c.Feed },
	},
	{
		Key: "tally", Flag: "tally", ConfigKey: "tally", Env: TallyEnv, Optional: true,
		Usage:     "comma-separated tally tables of the events workload: map, intern (names counted without an allocation or a second lookup) (default: map)",
		values:    func(m *Matrix) []string { return m.Tally },
		setValues: func(m *Matrix, vs []string) error { m.Tally = vs; return nil },
		defaults:  func(workload.Workload) []string { return []string{""} },
		check:     ignoreWorkload(checkTally),
		set: func(c *Cell, v string) {
			if v == TallyMap {
				v = "" // the default, left out of the name
			}
			c.Tally = v
		},
		value: func(c Cell) string { return c.Tally },
		label: func(c Cell) string { return c.Tally },
	},
	{
		Key: "gogc", Flag: "gogc", ConfigKey: "gogc", Env: "GOGC", Unset: "100",
		Usage:     "comma-separated GOGC values for the children (e.g. 100,400,off)",
		values:    func(m *Matrix) []string { return m.GOGC },
		setValues: func(m *Matrix, vs []string) error { m.GOGC = vs; return nil },
		defaults:  func(workload.Workload) []string { return []string{""} },
		check:     ignoreWorkload(checkGOGC),
		set:       func(c *Cell, v string) { c.GOGC = v },
		value:     func(c Cell) string { return c.GOGC },
		label:     Cell.GOGCLabel,
	},
	{
		Key: "gomemlimit", Flag: "gomemlimit", ConfigKey: "gomemlimit", Env: "GOMEMLIMIT", Unset: "off",
		Usage:     "comma-separated GOMEMLIMIT values for the children (e.g. 1GiB)",
		values:    func(m *Matrix) []string { return m.GOMEMLIMIT },
		setValues: func(m *Matrix, vs []string) error { m.GOMEMLIMIT = vs; return nil },
		defaults:  func(workload.Workload) []string { return []string{""} },
		check:     ignoreWorkload(checkGOMEMLIMIT),
		set:       func(c *Cell, v string) { c.GOMEMLIMIT = v },
		value:     func(c Cell) string { return c.GOMEMLIMIT },
		label:     Cell.GOMEMLIMITLabel,
	},
	{
		Key: "gomaxprocs", Flag: "gomaxprocs", ConfigKey: "gomaxprocs", Env: "GOMAXPROCS", Suffix: true,
		Usage:     "comma-separated GOMAXPROCS values for the children",
		values:    func(m *Matrix) []string { return itoas(m.GOMAXPROCS) },
		setValues: func(m *Matrix, vs []string) error { return atois(&m.GOMAXPROCS, vs) },
		defaults:  func(workload.Workload) []string { return []string{"0"} },
		check:     ignoreWorkload(checkCount("the default")),
		set:       func(c *Cell, v string) { c.GOMAXPROCS, _ = strconv.Atoi(v) },
		value:     func(c Cell) string { return strconv.Itoa(c.GOMAXPROCS) },
		label:     func(c Cell) string { return strconv.Itoa(c.Procs()) },
	},
	{
		Key: "build", Flag: "build", ConfigKey: "builds", Unset: "default",
		Usage:     "comma-separated build variants: " + strings.Join(BuildVariants, ", ") + ", " + RevVariant + "REV (a git revision) (default: default)",
		values:    func(m *Matrix) []string { return m.Builds },
		setValues: func(m *Matrix, vs []string) error { m.Builds = vs; return nil },
		defaults:  func(workload.Workload) []string { return []string{"default"} },
		check:     ignoreWorkload(CheckBuildVariant),
		set:       func(c *Cell, v string) { c.Build = cmp.Or(v, "default") },
		value:     func(c Cell) string { return c.BuildLabel() },
		label:     Cell.BuildLabel,
	},
}

// expansionOrder is the nesting of Matrix.Cells' loops, outermost first:
// cells come out in this order, and so do bench.txt's lines.
var expansionOrder = []string{"build", "gomaxprocs", "gogc", "gomemlimit", "tally", "read", "readers", "latency", "cache", "feed", "strategy", "workers", "parser"}

// AxisByKey returns the axis named key.
func AxisByKey(key string) (Axis, bool) {
	i := slices.IndexFunc(Axes, func(a Axis) bool { return a.Key == key })
	if i < 0 {
		return Axis{}, false
	}
	return Axes[i], true
}

// axisByConfigKey returns the axis whose config-file key is key.
func axisByConfigKey(key string) (Axis, bool) {
	i := slices.IndexFunc(Axes, func(a Axis) bool { return a.ConfigKey == key })
	if i < 0 {
		return Axis{}, false
	}
	return Axes[i], true
}

// FlagOf returns the flag of the axis whose config-file key is configKey
// (the Axis of an AxisError), or "".
func FlagOf(configKey string) string {
	a, _ := axisByConfigKey(configKey)
	return a.Flag
}

// Values returns the matrix's values on a, as strings.
func (a Axis) Values(m *Matrix) []string { return a.values(m) }

// SetValues replaces the matrix's values on a with vs, parsed from
// strings (a flag's items); an error names the bad value.
func (a Axis) SetValues(m *Matrix, vs []string) error { return a.setValues(m, vs) }

// Check validates one value of the axis.
func (a Axis) Check(w workload.Workload, v string) error { return a.check(w, v) }

// Label returns c's value on the axis as names and results show it.
func (a Axis) Label(c Cell) string { return a.label(c) }

// Set sets the value of the axis key on c. The value is not checked (a
// build variant's binary may know values this one does not): see
// Axis.Check. A count that does not parse is set as 0.
func (c *Cell) Set(key, value string) error {
	a, ok := AxisByKey(key)
	if !ok {
		return fmt.Errorf("unknown axis %q", key)
	}
	a.set(c, value)
	return nil
}

// inName reports whether c shows the axis as a key=value element of its
// name.
func (a Axis) inName(c Cell) bool {
	return !a.Suffix && (!a.Optional || a.label(c) != "")
}

// RecordAxes are c's axes as results record them: every axis of Axes in
// order, an optional one only when c sets it, with the labels of names.
func (c Cell) RecordAxes() []record.AxisValue {
	var out []record.AxisValue
	for _, a := range Axes {
		if a.Optional && a.label(c) == "" {
			continue
		}
		out = append(out, record.AxisValue{Key: a.Key, Value: a.label(c)})
	}
	return out
}

// itoas formats counts as an axis's string values.
func itoas(ns []int) []string {
	var out []string
	for _, n := range ns {
		out = append(out, strconv.Itoa(n))
	}
	return out
}

// atois parses an axis's string values as counts into dst.
func atois(dst *[]int, vs []string) error {
	var out []int
	for _, v := range vs {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		out = append(out, n)
	}
	*dst = out
	return nil
}

// checkCount accepts a count of 0 (which means zero) or more.
func checkCount(zero string) func(v string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		if n < 0 {
			return fmt.Errorf("%d: want 0 (%s) or more", n, zero)
		}
		return nil
	}
}

// checkLatency accepts a Go duration of 0 or more ("0", "200us", "1ms"),
// or "" (none).
func checkLatency(v string) error {
	if v == "" {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q: want a duration such as 0, 200us or 1ms", v)
	}
	if d < 0 {
		return fmt.Errorf("%q: want a duration of 0 or more", v)
	}
	return nil
}

// LatencyLabel is a latency as names and results show it: "0", or the
// duration as time.Duration.String spells it ("200µs" for "200us",
// "1ms" for "1000us"); "" (none) and a value that is not a duration stay
// as they are.
func LatencyLabel(v string) string {
	d, err := time.ParseDuration(v)
	switch {
	case v == "" || err != nil:
		return v
	case d == 0:
		return "0"
	}
	return d.String()
}

// IsDefault reports whether c leaves the axis at its default: a matrix
// that does not list the axis gives c the same value.
func (a Axis) IsDefault(c Cell) bool {
	d := a.defaults(nil)
	return len(d) == 1 && d[0] == a.value(c)
}

// Value returns the value c sets on the axis, as a matrix lists it.
func (a Axis) Value(c Cell) string { return a.value(c) }

// OneCell returns the matrix of the single cell c: the axes c leaves at
// their defaults are left out.
func OneCell(c Cell) Matrix {
	var m Matrix
	for _, a := range Axes {
		if !a.IsDefault(c) {
			_ = a.setValues(&m, []string{a.value(c)}) // a cell's values parse
		}
	}
	return m
}

// ignoreWorkload adapts the check of an axis whose values do not depend on
// the workload.
func ignoreWorkload(check func(v string) error) func(workload.Workload, string) error {
	return func(_ workload.Workload, v string) error { return check(v) }
}

// TallyEnv is the environment variable of the tally axis, which the events
// workload reads (events.TallyEnv: the matrix does not import workloads);
// TallyMap and TallyIntern are its values.
const (
	TallyEnv    = "BENCHGRID_TALLY"
	TallyMap    = "map"
	TallyIntern = "intern"
)

// checkTally accepts the tally axis's values.
func checkTally(v string) error {
	if v == "" || v == TallyMap || v == TallyIntern {
		return nil
	}
	return fmt.Errorf("unknown tally %q (have %s, %s)", v, TallyMap, TallyIntern)
}
