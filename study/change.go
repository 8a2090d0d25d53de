package study

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"benchgrid/corpus"
	"benchgrid/harness"
	"benchgrid/parsers"
	"benchgrid/record"
	"benchgrid/strategies"
)

// Knob classes: what kind of change a candidate is.
const (
	ClassParser   = "parser"
	ClassStrategy = "strategy"
	ClassIO       = "io"
	ClassGC       = "gc"
	ClassBuild    = "build"
)

// Axes a change can set: the fields of a harness.Cell a study varies.
const (
	AxisParser     = "parser"
	AxisStrategy   = "strategy"
	AxisRead       = "read"
	AxisGOGC       = "gogc"
	AxisGOMEMLIMIT = "gomemlimit"
	AxisBuild      = "build"
)

// PGOVariant is the build variant of profile-guided optimization.
const PGOVariant = "pgo"

// Naive is the study's baseline: the naive program, encoding/json on a
// goroutine per file, each file read with os.ReadFile, the runtime's
// default GC and the default build.
func Naive() harness.Cell {
	return harness.Cell{Parser: "std", Strategy: "perfile", Read: corpus.ReadFile, Build: "default"}
}

// Candidates is the default list of changes, each measured alone against
// the baseline and then on top of every configuration the study adopts:
// every other parser (jsonv2 only with its build), every other strategy,
// every other read mode, three GC settings and the build variants. PGO is
// not among them: the study tries it last, on the final configuration.
func Candidates() []record.StudyChange {
	var out []record.StudyChange
	one := func(class, axis, value string) {
		out = append(out, record.StudyChange{Name: axis + "=" + value, Class: class,
			Settings: []record.StudySetting{{Axis: axis, Value: value}}})
	}
	for _, p := range []string{"sonic", "fastjson", "simdjson", "goccy"} {
		one(ClassParser, AxisParser, p)
	}
	out = append(out, record.StudyChange{Name: "parser=jsonv2+build=jsonv2", Class: ClassParser,
		Settings: []record.StudySetting{{Axis: AxisParser, Value: "jsonv2"}, {Axis: AxisBuild, Value: "jsonv2"}}})
	for _, s := range []string{"sequential", "pool", "pipeline", "errgroup", "atomic"} {
		one(ClassStrategy, AxisStrategy, s)
	}
	for _, r := range []corpus.ReadMode{corpus.ReadReuse, corpus.ReadMmap} {
		one(ClassIO, AxisRead, string(r))
	}
	// A GC change sets both variables, so that switching from one GC
	// setting to another never leaves the other's memory limit behind.
	gc := func(name, gogc, limit string) {
		out = append(out, record.StudyChange{Name: name, Class: ClassGC, Settings: []record.StudySetting{
			{Axis: AxisGOGC, Value: gogc}, {Axis: AxisGOMEMLIMIT, Value: limit}}})
	}
	gc("gogc=200", "200", "")
	gc("gogc=400", "400", "")
	gc("gogc=off+gomemlimit=1GiB", "off", "1GiB")
	for _, b := range []string{"jsonv2", "goamd64v3", "nogreenteagc"} {
		one(ClassBuild, AxisBuild, b)
	}
	return out
}

// pgoChange is the PGO round's change on top of a configuration built as
// build: the variant "pgo", or "<build>+pgo" for another variant.
func pgoChange(build string) record.StudyChange {
	v := PGOVariant
	if !isDefaultBuild(build) {
		v = build + "+" + PGOVariant
	}
	return record.StudyChange{Name: "build=" + v, Class: ClassBuild,
		Settings: []record.StudySetting{{Axis: AxisBuild, Value: v}}}
}

func isDefaultBuild(b string) bool { return b == "" || b == "default" }

// needsBuild reports whether ch asks for a build variant.
func needsBuild(ch record.StudyChange) bool {
	for _, s := range ch.Settings {
		if s.Axis == AxisBuild && !isDefaultBuild(s.Value) {
			return true
		}
	}
	return false
}

// Apply returns c with ch's settings: a setting on an axis c already sets
// replaces its value ("switch the axis to this value"). The result is not
// checked; see Check.
func Apply(c harness.Cell, ch record.StudyChange) (harness.Cell, error) {
	for _, s := range ch.Settings {
		switch s.Axis {
		case AxisParser:
			c.Parser = s.Value
		case AxisStrategy:
			c.Strategy = s.Value
		case AxisRead:
			c.Read = corpus.ReadMode(s.Value)
		case AxisGOGC:
			c.GOGC = s.Value
		case AxisGOMEMLIMIT:
			c.GOMEMLIMIT = s.Value
		case AxisBuild:
			c.Build = s.Value
			if c.Build == "" {
				c.Build = "default"
			}
		default:
			return c, fmt.Errorf("change %s: unknown axis %q", ch.Name, s.Axis)
		}
	}
	return c, nil
}

// Check says why configuration c cannot be measured, or returns nil. The
// jsonv2 parser exists only in a build with GOEXPERIMENT=jsonv2, and build
// variants do not combine, so parser=jsonv2 rules out every other variant.
// Parsers and strategies of the default build must be registered in this
// binary; a variant's binary is asked when it is built.
func Check(c harness.Cell) error {
	if c.Parser == "jsonv2" && !slices.Contains(strings.Split(c.Build, "+"), "jsonv2") {
		return fmt.Errorf("parser=jsonv2 needs build=jsonv2, and build=%s does not include it", c.Build)
	}
	if _, err := strategies.Lookup(c.Strategy, strategies.Options{}); err != nil {
		return err
	}
	if _, err := corpus.ParseReadMode(string(c.Read)); err != nil {
		return err
	}
	if isDefaultBuild(c.Build) {
		if _, err := parsers.Lookup(c.Parser); err != nil {
			return fmt.Errorf("not in this binary: %w", err)
		}
	}
	return nil
}

// ConfigOf describes c as study.json records it, with every default
// spelled out.
func ConfigOf(c harness.Cell) record.StudyConfig {
	return record.StudyConfig{
		Name: c.Name(), Parser: c.Parser, Strategy: c.Strategy, Read: string(c.Read),
		GOGC: c.GOGCLabel(), GOMEMLIMIT: c.GOMEMLIMITLabel(), Build: c.BuildLabel(),
	}
}

// Preset is the matrix of the single configuration c: written as
// preset.json, `benchgrid run -config preset.json` measures c again.
// Axes at their defaults are left out.
func Preset(c harness.Cell) harness.Matrix {
	m := harness.Matrix{
		Parsers:    []string{c.Parser},
		Strategies: []string{c.Strategy},
		Reads:      []string{string(c.Read)},
	}
	if c.Workers > 0 {
		m.Workers = []int{c.Workers}
	}
	if c.GOMAXPROCS > 0 {
		m.GOMAXPROCS = []int{c.GOMAXPROCS}
	}
	if c.GOGCLabel() != "100" {
		m.GOGC = []string{c.GOGC}
	}
	if c.GOMEMLIMITLabel() != "off" {
		m.GOMEMLIMIT = []string{c.GOMEMLIMIT}
	}
	if !isDefaultBuild(c.Build) {
		m.Builds = []string{c.Build}
	}
	return m
}

// presetJSON encodes Preset(c) as preset.json holds it.
func presetJSON(c harness.Cell) ([]byte, error) {
	data, err := json.MarshalIndent(Preset(c), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode preset: %w", err)
	}
	return append(data, '\n'), nil
}
