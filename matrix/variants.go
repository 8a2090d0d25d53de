package matrix

import (
	"fmt"
	"strings"
	"unicode"
)

// BuildVariants lists the build variants a matrix's build axis may name,
// "default" first. Each is benchgrid built from this module's sources with
// one knob changed, so that its cells differ from the default build's by
// that knob alone (see BuildVariantDocs):
//
//   - default: the running binary, not rebuilt.
//   - jsonv2: GOEXPERIMENT=jsonv2. encoding/json is reimplemented on
//     encoding/json/v2 (so the std adapter measures v1's API on v2's
//     engine), and the jsonv2 adapter, which uses encoding/json/v2
//     itself, exists only in this build.
//   - pgo: profile-guided optimization, `go build -pgo=FILE`, from
//     the builder's PGO profile or, without one, a CPU profile of the variant's
//     own cells taken by its profiler.
//   - goamd64v3: GOAMD64=v3 (AVX2, BMI1/2, FMA, LZCNT, MOVBE…); only on an
//     amd64 CPU that has those features.
//   - nogreenteagc: GOEXPERIMENT=nogreenteagc, the garbage collector that
//     preceded Go 1.26's default Green Tea collector, as a control.
//
// Every variant but pgo is built with -pgo=off, so that a default.pgo
// never slips in.
//
// Besides these, rev=REV builds benchgrid from a git revision of its
// source tree (a commit, HEAD~1, a tag, a branch) instead of the working
// tree, so that old and new code run interleaved in one run: see
// RevVariant. It combines with the others ("rev=v1.2+pgo"), and is
// labelled as given: build=rev=HEAD~1 is a cell name's part that
// benchfmt and benchstat read as key "build", value "rev=HEAD~1" (a value
// runs to the next '/', so '=' and '~' are fine in it; '/' is not, and
// is refused).
var BuildVariants = []string{"default", "jsonv2", "pgo", "goamd64v3", "nogreenteagc"}

// BuildVariantDocs describes each of BuildVariants in one line, for help
// texts and reports.
var BuildVariantDocs = map[string]string{
	"default":      "the running binary, not rebuilt",
	"jsonv2":       "GOEXPERIMENT=jsonv2: encoding/json on the v2 engine, plus the jsonv2 adapter (encoding/json/v2)",
	"pgo":          "go build -pgo=FILE, from -pgo-profile or a CPU profile of the variant's own cells",
	"goamd64v3":    "GOAMD64=v3: AVX2, BMI1/2, FMA, LZCNT, MOVBE (amd64 CPUs that have them)",
	"nogreenteagc": "GOEXPERIMENT=nogreenteagc: the garbage collector before Green Tea, as a control",
}

// CheckBuildVariant returns an error, naming the known variants, when name
// is not one of BuildVariants, a rev=REV variant, or a combination of them
// joined by "+" ("jsonv2+pgo": PGO on top of the jsonv2 build). "" is the
// default build.
func CheckBuildVariant(name string) error {
	_, err := VariantOf(name)
	return err
}

// VariantOf returns what the variant name, or a "+" combination of
// variants, changes in a build.
func VariantOf(name string) (Variant, error) {
	if name == "" || name == "default" {
		return Variant{}, nil
	}
	var spec Variant
	seen := map[string]bool{}
	for part := range strings.SplitSeq(name, "+") {
		if rev, ok := strings.CutPrefix(part, RevVariant); ok {
			if spec.Rev != "" {
				return Variant{}, fmt.Errorf("build variant %q: more than one %sREV", name, RevVariant)
			}
			if err := checkRev(rev); err != nil {
				return Variant{}, fmt.Errorf("build variant %q: %w", name, err)
			}
			spec.Rev = rev
			continue
		}
		one, ok := variants[part]
		if !ok || seen[part] {
			return Variant{}, fmt.Errorf("unknown build variant %q (have %s, %sREV, or several joined by +)", name, strings.Join(BuildVariants, ", "), RevVariant)
		}
		seen[part] = true
		if one.GOEXPERIMENT != "" {
			if spec.GOEXPERIMENT != "" {
				spec.GOEXPERIMENT += ","
			}
			spec.GOEXPERIMENT += one.GOEXPERIMENT
		}
		if one.GOAMD64 != "" {
			spec.GOAMD64 = one.GOAMD64
		}
		spec.PGO = spec.PGO || one.PGO
	}
	return spec, nil
}

// A Variant is how a build variant differs from a plain `go build`.
type Variant struct {
	GOEXPERIMENT string // set exactly ("" for none)
	GOAMD64      string // when set; inherited otherwise
	PGO          bool   // built with a profile instead of -pgo=off
	Rev          string // the git revision built instead of the working tree ("" for the working tree)
}

// RevVariant is the prefix of a build variant that names a git revision
// of benchgrid's source tree: rev=HEAD~1, rev=v1.2, rev=0123abcd.
const RevVariant = "rev="

// checkRev says why rev cannot name a revision in a rev=REV variant. Git
// takes more than this allows, but a revision also goes into cell names,
// bench.txt and flags: whitespace would end a benchmark name, '/' would
// split the cell's build=… part in two, ',' would split the -build list,
// and a leading '-' would read as an option of git.
func checkRev(rev string) error {
	switch {
	case rev == "":
		return fmt.Errorf("%sREV needs a revision (a commit, HEAD~1, a tag, a branch)", RevVariant)
	case strings.HasPrefix(rev, "-"):
		return fmt.Errorf("revision %q starts with '-'", rev)
	case strings.ContainsFunc(rev, unicode.IsSpace):
		return fmt.Errorf("revision %q contains whitespace", rev)
	case strings.ContainsAny(rev, "/,"):
		return fmt.Errorf("revision %q contains '/' or ',', which would split the cell's name or the list of builds: name its commit instead (git rev-parse %s)", rev, rev)
	}
	return nil
}

var variants = map[string]Variant{
	"jsonv2":       {GOEXPERIMENT: "jsonv2"},
	"pgo":          {PGO: true},
	"goamd64v3":    {GOAMD64: "v3"},
	"nogreenteagc": {GOEXPERIMENT: "nogreenteagc"},
}

// IsDefaultBuild reports whether b names the default build: the running
// binary.
func IsDefaultBuild(b string) bool { return b == "" || b == "default" }
