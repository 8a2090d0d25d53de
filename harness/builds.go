package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os/exec"
	"runtime/debug"
	"slices"

	"benchgrid/child"
	"benchgrid/matrix"
	"benchgrid/record"
)

// A Builder builds the binary of a build variant (GOEXPERIMENT=jsonv2,
// PGO, GOAMD64=v3, …) so that its cells run in children of that binary.
type Builder interface {
	// Build builds (or finds in its cache) the variant's benchgrid binary.
	// cells are the run's cells of that variant: a PGO build profiles
	// their configurations. An error wrapping ErrVariantUnavailable makes
	// the variant's cells unavailable, with the reason; any other error
	// stops the run.
	Build(ctx context.Context, variant string, cells []matrix.Cell) (BuiltVariant, error)
}

// A BuiltVariant is a built binary and how it was built.
type BuiltVariant struct {
	Binary string
	// Settings are the binary's debug.ReadBuildInfo settings
	// (GOEXPERIMENT, -pgo, GOAMD64, …) plus the variant's own notes.
	Settings map[string]string
}

// ErrVariantUnavailable marks a build variant that cannot be built or run
// here.
var ErrVariantUnavailable = errors.New("build variant unavailable")

// BuildSettings are this binary's build settings.
func BuildSettings() map[string]string {
	out := map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		out["go"] = info.GoVersion
		for _, s := range info.Settings {
			out[s.Key] = s.Value
		}
	}
	return out
}

// buildVariants builds every non-default variant the cells name, asks each
// binary which parsers it can run, and drops the cells that cannot run,
// returning the builds and why cells were dropped.
func (r *runner) buildVariants(ctx context.Context) ([]record.Build, []record.Unavailable, error) {
	builds := []record.Build{{Name: "default", Settings: BuildSettings()}}
	variants := map[string][]matrix.Cell{}
	for _, c := range r.cells {
		if !matrix.IsDefaultBuild(c.Build) {
			variants[c.Build] = append(variants[c.Build], c)
		}
	}
	if len(variants) == 0 {
		return builds, nil, nil
	}
	var unavailable []record.Unavailable
	r.binaries = map[string]string{}
	drop := map[string]string{} // "build/parser" or "build/" → reason
	for _, name := range slices.Sorted(maps.Keys(variants)) {
		if r.opts.Builder == nil {
			return nil, nil, fmt.Errorf("build %s: no builder for build variants", name)
		}
		r.logf("building variant %s", name)
		bv, err := r.opts.Builder.Build(ctx, name, variants[name])
		if errors.Is(err, ErrVariantUnavailable) {
			unavailable = append(unavailable, record.Unavailable{What: "build=" + name, Reason: err.Error()})
			drop[name+"/"] = err.Error()
			r.logf("UNAVAILABLE build=%s: %v", name, err)
			continue
		}
		if err != nil {
			return nil, nil, err // Build's error names the variant
		}
		avail, err := askParsers(ctx, bv.Binary)
		if err != nil {
			return nil, nil, fmt.Errorf("build %s: %w", name, err)
		}
		for _, c := range variants[name] {
			reason, known := avail[c.Parser]
			if !known {
				reason = "no such parser in this build"
			}
			if reason != "" && drop[name+"/"+c.Parser] == "" {
				drop[name+"/"+c.Parser] = reason
				unavailable = append(unavailable, record.Unavailable{What: "build=" + name + "/parser=" + c.Parser, Reason: reason})
			}
		}
		r.binaries[name] = bv.Binary
		builds = append(builds, record.Build{Name: name, Binary: bv.Binary, Settings: bv.Settings})
	}
	kept := r.cells[:0]
	for _, c := range r.cells {
		if matrix.IsDefaultBuild(c.Build) || drop[c.Build+"/"] == "" && drop[c.Build+"/"+c.Parser] == "" {
			kept = append(kept, c)
		}
	}
	r.cells = kept
	return builds, unavailable, nil
}

// askParsers runs `binary _parsers` and decodes its answer.
func askParsers(ctx context.Context, binary string) (map[string]string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, binary, child.ParsersSubcommand)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s _parsers: %v: %s", binary, err, lastLine(stderr.String()))
	}
	var avail map[string]string
	if err := json.Unmarshal(stdout.Bytes(), &avail); err != nil {
		return nil, fmt.Errorf("%s _parsers: %w", binary, err)
	}
	return avail, nil
}
