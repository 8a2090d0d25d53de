package harness

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"benchgrid/builds"
	"benchgrid/matrix"
	"benchgrid/record"
)

// buildVariants builds every non-default variant the cells name, asks each
// binary which parsers it can run, and drops the cells that cannot run,
// returning the builds and why cells were dropped.
func (r *runner) buildVariants(ctx context.Context) ([]record.Build, []record.Unavailable, error) {
	built := []record.Build{{Name: "default", Settings: builds.BuildSettings()}}
	variants := map[string][]matrix.Cell{}
	for _, c := range r.cells {
		if !matrix.IsDefaultBuild(c.Build) {
			variants[c.Build] = append(variants[c.Build], c)
		}
	}
	if len(variants) == 0 {
		return built, nil, nil
	}
	var unavailable []record.Unavailable
	r.children.Binaries = map[string]string{}
	drop := map[string]string{} // "build/parser" or "build/" → reason
	for _, name := range slices.Sorted(maps.Keys(variants)) {
		if r.opts.Builder == nil {
			return nil, nil, fmt.Errorf("build %s: no builder for build variants", name)
		}
		r.logf("building variant %s", name)
		bv, err := r.opts.Builder.Build(ctx, name, variants[name])
		if errors.Is(err, builds.ErrVariantUnavailable) {
			unavailable = append(unavailable, record.Unavailable{What: "build=" + name, Reason: err.Error()})
			drop[name+"/"] = err.Error()
			r.logf("UNAVAILABLE build=%s: %v", name, err)
			continue
		}
		if err != nil {
			return nil, nil, err // Build's error names the variant
		}
		avail, err := builds.Parsers(ctx, bv.Binary, r.childWorkload())
		if err != nil && ctx.Err() == nil && isRev(name) {
			// Old code may predate the child protocol: its cells are
			// unavailable, the run goes on.
			reason := fmt.Sprintf("build %s does not speak benchgrid's child protocol: %v", name, err)
			unavailable = append(unavailable, record.Unavailable{What: "build=" + name, Reason: reason})
			drop[name+"/"] = reason
			r.logf("UNAVAILABLE build=%s: %s", name, reason)
			continue
		}
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
		r.children.Binaries[name] = bv.Binary
		built = append(built, record.Build{Name: name, Binary: bv.Binary, Settings: bv.Settings})
	}
	kept := r.cells[:0]
	for _, c := range r.cells {
		if matrix.IsDefaultBuild(c.Build) || drop[c.Build+"/"] == "" && drop[c.Build+"/"+c.Parser] == "" {
			kept = append(kept, c)
		}
	}
	r.cells = kept
	return built, unavailable, nil
}

// isRev reports whether the build variant is built from a git revision
// (rev=REV, alone or combined), whose binary may be older than this one.
func isRev(variant string) bool {
	spec, err := matrix.VariantOf(variant)
	return err == nil && spec.Rev != ""
}
