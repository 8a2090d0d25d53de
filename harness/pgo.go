package harness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"benchgrid/child"
	"benchgrid/matrix"

	"github.com/google/pprof/profile"
)

// ProfileConfigs takes a CPU profile of each cell's configuration in the
// binary of opts.ChildCommand (by default this one; PGOProfiler points it
// at the build PGO is added to), each in a fresh child over the corpus for at least
// opts.ProfileMinCPU of CPU time, merges them with pprof's profile.Merge,
// and writes the merged profile to path: the input of a PGO build
// (`go build -pgo=path`).
func ProfileConfigs(ctx context.Context, opts Options, cells []matrix.Cell, path string) error {
	r := &runner{opts: opts.withDefaults()}
	if err := r.opts.setChildCommand(); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".pgo-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var profiles []*profile.Profile
	for i, c := range cells {
		c.Build = "default" // run by opts.ChildCommand, whatever the cell's build
		dir := filepath.Join(tmp, fmt.Sprint(i))
		res, fail := r.child(ctx, c, child.Spec{
			Corpus: opts.Corpus, Config: c.Config(), WarmupFiles: r.opts.WarmupFiles,
			Profiles: []string{"cpu"}, ProfileDir: dir, MinCPU: r.opts.ProfileMinCPU,
		})
		if fail != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("profile %s for PGO: %s: %s", c.FullName(), fail.Kind, fail.Reason)
		}
		for _, p := range res.Profiles {
			f, err := os.Open(p.Path)
			if err != nil {
				return err
			}
			prof, err := profile.Parse(f)
			f.Close()
			if err != nil {
				return fmt.Errorf("profile %s for PGO: %w", c.FullName(), err)
			}
			profiles = append(profiles, prof)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	merged, err := profile.Merge(profiles)
	if err != nil {
		return fmt.Errorf("merge PGO profiles: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := merged.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
