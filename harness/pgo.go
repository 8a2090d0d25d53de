package harness

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"benchgrid/child"
	"benchgrid/matrix"
	"benchgrid/record"
	"benchgrid/workload"

	"github.com/google/pprof/profile"
)

// A PGOProfiler takes the CPU profiles that a PGO build is built from:
// each cell's configuration in a fresh child over the corpus, for at least
// MinCPU of CPU time, merged with pprof's profile.Merge.
type PGOProfiler struct {
	// Children starts the children; Profile points its Command at the
	// binary of the build PGO is added to.
	Children Children
	// Corpus is the corpus folder; WarmupFiles the children's warm-up (0:
	// child.WarmupShare); MinCPU the CPU time each profile gathers (0:
	// DefaultProfileMinCPU).
	Corpus      string
	WarmupFiles int
	MinCPU      time.Duration
	// Workload is the workload the cells run, as a child's spec names it
	// (nil: the default).
	Workload *workload.Spec
	// Dir is where Profile writes the merged profiles.
	Dir string
}

// PGOProfiler returns the profiler for the PGO builds of the run o
// describes, writing its profiles in dir.
func (o Options) PGOProfiler(dir string) PGOProfiler {
	var w *workload.Spec
	if !o.Workload.IsDefault() {
		w = &o.Workload
	}
	return PGOProfiler{Children: o.Children(), Corpus: o.Corpus, WarmupFiles: o.WarmupFiles, MinCPU: o.ProfileMinCPU, Workload: w, Dir: dir}
}

// Profile profiles cells in binary (this one when "") and returns the
// path of the merged profile, a new file in p.Dir: a
// builds.GoBuilder.Profiler.
func (p PGOProfiler) Profile(ctx context.Context, binary string, cells []matrix.Cell) (string, error) {
	if err := os.MkdirAll(p.Dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(p.Dir, "pgo-*.pprof")
	if err != nil {
		return "", err
	}
	path := f.Name()
	f.Close()
	if binary != "" {
		p.Children.Command = []string{binary, child.Subcommand}
	}
	if err := p.ProfileConfigs(ctx, cells, path); err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

// ProfileConfigs profiles each cell's configuration in p.Children's
// command, whatever the cell's build, and writes the merged profile to
// path: the input of `go build -pgo=path`.
func (p PGOProfiler) ProfileConfigs(ctx context.Context, cells []matrix.Cell, path string) error {
	children, err := p.Children.withDefaults()
	if err != nil {
		return err
	}
	children.Binaries = nil
	minCPU := cmp.Or(p.MinCPU, DefaultProfileMinCPU)
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".pgo-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var profiles []*profile.Profile
	for i, c := range cells {
		dir := filepath.Join(tmp, fmt.Sprint(i))
		// Fed as the cell's timed pass is, with the cell's page cache: a
		// stream cell's profile is of streamed passes, a cold cell's of
		// cold ones (the corpus evicted before each).
		res, fail := children.Run(ctx, c, child.Spec{
			Corpus: p.Corpus, Workload: p.Workload, Config: c.Config(), WarmupFiles: p.WarmupFiles, Feed: c.Feed, Cache: c.Cache,
			Profiles: []string{string(record.ProfileCPU)}, ProfileDir: dir, MinCPU: minCPU,
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
