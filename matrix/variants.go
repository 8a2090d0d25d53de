package matrix

import (
	"fmt"
	"strings"
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
// is not one of BuildVariants or a combination of them joined by "+"
// ("jsonv2+pgo": PGO on top of the jsonv2 build). "" is the default build.
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
		one, ok := variants[part]
		if !ok || seen[part] {
			return Variant{}, fmt.Errorf("unknown build variant %q (have %s, or several joined by +)", name, strings.Join(BuildVariants, ", "))
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
