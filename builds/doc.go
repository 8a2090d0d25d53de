// Package builds builds the binaries of build variants: benchgrid from its
// own sources with one knob changed (GOEXPERIMENT=jsonv2, PGO, GOAMD64=v3,
// nogreenteagc, see matrix.BuildVariants) or from a git revision of them
// (rev=HEAD~1), cached by a hash of the sources (or the commit), the flags
// and the PGO profile, and asks each binary which parsers it can run.
//
// It sits after packages matrix and child in benchgrid's flow and before
// harness, whose cells run in the binaries it builds.
package builds
