package study

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"benchgrid/corpus"
	"benchgrid/matrix"
	"benchgrid/record"
	"benchgrid/strategies"
	"benchgrid/workload"
)

// Knob classes: what kind of change a candidate is.
const (
	ClassParser   = "parser"
	ClassStrategy = "strategy"
	ClassIO       = "io"
	ClassGC       = "gc"
	ClassBuild    = "build"
)

// Axes a change sets: keys of matrix.Axes that the study's own
// reasoning needs (the build, for variants and PGO).
const (
	axisBuild = "build"
)

// PGOVariant is the build variant of profile-guided optimization.
const PGOVariant = "pgo"

// Naive is the study's baseline for w: the naive program of the baseline
// roles (encoding/json on a goroutine per file), every other axis at its
// default.
func Naive(w workload.Workload) matrix.Cell { return matrix.BaselineCell(w) }

// Candidates is the default list of changes, each measured alone against
// the baseline and then on top of every configuration the study adopts,
// taken from the registries: every parser but the baseline's and the
// reading floor (one that exists only in a build variant, with that
// build), every strategy but the baseline's, every other read mode, the
// interned tally, three GC settings and the build variants. PGO is not among them: the study
// tries it last, on the final configuration.
//
// Nor is the feed axis (matrix.Cell.Feed): feed=walk, feed=stream and
// their -dtype forms time the corpus's listing too, which every other
// configuration lists before its clock starts, so each would be measured
// against a baseline that leaves the walk out and lose by the walk's
// time, whatever streaming or the d_type walk is worth. Both are compared
// with their fair baseline, feed=walk, in a run (`benchgrid run -feed
// walk,stream,walk-dtype,stream-dtype`), not adopted by the study.
func Candidates(w workload.Workload) []record.StudyChange {
	var out []record.StudyChange
	one := func(class, axis, value string) {
		out = append(out, record.StudyChange{Name: axis + "=" + value, Class: class,
			Settings: []record.StudySetting{{Axis: axis, Value: value}}})
	}
	naive := Naive(w)
	var variantParsers []workload.Parser
	for _, p := range w.Parsers() {
		if p.Name == naive.Parser || p.ReadOnly {
			continue
		}
		if p.Build != "" {
			variantParsers = append(variantParsers, p)
			continue
		}
		one(ClassParser, matrix.KeyParser, p.Name)
	}
	for _, p := range variantParsers { // after the others, as before
		out = append(out, record.StudyChange{Name: matrix.KeyParser + "=" + p.Name + "+" + axisBuild + "=" + p.Build, Class: ClassParser,
			Settings: []record.StudySetting{{Axis: matrix.KeyParser, Value: p.Name}, {Axis: axisBuild, Value: p.Build}}})
	}
	for _, s := range strategies.Names() {
		if s != naive.Strategy {
			one(ClassStrategy, matrix.KeyStrategy, s)
		}
	}
	for _, r := range corpus.ReadModes {
		if r != naive.Read {
			one(ClassIO, "read", string(r))
		}
	}
	one(ClassParser, "tally", matrix.TallyIntern)
	// A GC change sets both variables, so that switching from one GC
	// setting to another never leaves the other's memory limit behind.
	gc := func(name, gogc, limit string) {
		out = append(out, record.StudyChange{Name: name, Class: ClassGC, Settings: []record.StudySetting{
			{Axis: "gogc", Value: gogc}, {Axis: "gomemlimit", Value: limit}}})
	}
	gc("gogc=200", "200", "")
	gc("gogc=400", "400", "")
	gc("gogc=off+gomemlimit=1GiB", "off", "1GiB")
	for _, b := range matrix.BuildVariants {
		if !isDefaultBuild(b) && b != PGOVariant {
			one(ClassBuild, axisBuild, b)
		}
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
		Settings: []record.StudySetting{{Axis: axisBuild, Value: v}}}
}

func isDefaultBuild(b string) bool { return b == "" || b == "default" }

// needsBuild reports whether ch asks for a build variant.
func needsBuild(ch record.StudyChange) bool {
	for _, s := range ch.Settings {
		if s.Axis == axisBuild && !isDefaultBuild(s.Value) {
			return true
		}
	}
	return false
}

// Apply returns c with ch's settings: a setting on an axis c already sets
// replaces its value ("switch the axis to this value"). The result is not
// checked; see Check.
func Apply(c matrix.Cell, ch record.StudyChange) (matrix.Cell, error) {
	for _, s := range ch.Settings {
		if err := c.Set(s.Axis, s.Value); err != nil {
			return c, fmt.Errorf("change %s: %w", ch.Name, err)
		}
	}
	return c, nil
}

// Check says why configuration c cannot be measured, or returns nil. The
// jsonv2 parser exists only in a build with GOEXPERIMENT=jsonv2, and build
// variants do not combine, so parser=jsonv2 rules out every other variant.
// Parsers and strategies of the default build must be registered in this
// binary (w's); a variant's binary is asked when it is built.
func Check(w workload.Workload, c matrix.Cell) error {
	p, err := workload.FindParser(w, c.Parser)
	if err != nil {
		return err
	}
	if b := p.Build; b != "" && !slices.Contains(strings.Split(c.Build, "+"), b) {
		return fmt.Errorf("parser=%s needs build=%s, and build=%s does not include it", c.Parser, b, c.Build)
	}
	if _, err := strategies.Lookup(c.Strategy, strategies.Options{}); err != nil {
		return err
	}
	if _, err := corpus.ParseReadMode(string(c.Read)); err != nil {
		return err
	}
	return nil
}

// ConfigOf describes c as study.json records it, with every default
// spelled out.
func ConfigOf(c matrix.Cell) record.StudyConfig {
	return record.StudyConfig{
		Name: c.Name(), Parser: c.Parser, Strategy: c.Strategy, Read: string(c.Read),
		GOGC: c.GOGCLabel(), GOMEMLIMIT: c.GOMEMLIMITLabel(), Build: c.BuildLabel(),
	}
}

// Preset is the matrix of the single configuration c: written as
// preset.json, `benchgrid run -config preset.json` measures c again.
// Axes at their defaults are left out.
func Preset(c matrix.Cell) matrix.Matrix { return matrix.OneCell(c) }

// presetJSON encodes Preset(c) as preset.json holds it.
func presetJSON(c matrix.Cell) ([]byte, error) {
	data, err := json.MarshalIndent(Preset(c), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode preset: %w", err)
	}
	return append(data, '\n'), nil
}
