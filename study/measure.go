package study

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"benchgrid/builds"
	"benchgrid/harness"
	"benchgrid/matrix"
	"benchgrid/record"
)

// Harness is the Measurer of a real study: each measurement is one
// harness.Run of an explicit cell list, whose run folder is renamed after
// the step (step-1, …, final) inside Options.OutDir, the study folder.
type Harness struct {
	// Options is the template of every run: corpus, timeout, builder,
	// progress. Cells, Count and Profiles are set per run; a non-zero
	// Seed is offset by the run's number, so each run has its own order
	// and the study can be repeated.
	Options harness.Options
	runs    uint64
}

// Measure runs cells, interleaved, as the run folder OutDir/name. A build
// variant that fails to build makes its cells unavailable rather than
// stopping the study.
func (h *Harness) Measure(ctx context.Context, name string, cells []matrix.Cell, count int, profiles []string) (*record.Run, string, error) {
	o := h.Options
	o.Matrix = matrix.Matrix{}
	o.Cells, o.Count, o.Profiles = cells, count, profiles
	if o.Seed != 0 {
		o.Seed += h.runs
	}
	h.runs++
	if o.Builder != nil {
		o.Builder = lenientBuilder{o.Builder}
	}
	dir, run, err := harness.Run(ctx, o)
	if dir != "" {
		renamed := rename(o.OutDir, dir, name)
		if err != nil && renamed != dir {
			err = &movedError{err: err, msg: strings.ReplaceAll(err.Error(), dir, renamed)}
		}
		dir = renamed
	}
	if err != nil {
		return run, dir, fmt.Errorf("run %s: %w", name, err)
	}
	return run, dir, nil
}

// movedError is a run's error whose message names the run folder by its
// new name.
type movedError struct {
	err error
	msg string
}

func (e *movedError) Error() string { return e.msg }
func (e *movedError) Unwrap() error { return e.err }

// rename moves the harness's timestamped run folder to outDir/name and
// drops the "latest" link the harness pointed at it; if the name is taken
// the folder keeps its own.
func rename(outDir, dir, name string) string {
	to := filepath.Join(outDir, name)
	if _, err := os.Lstat(to); err == nil {
		return dir
	}
	if err := os.Rename(dir, to); err != nil {
		return dir
	}
	latest := filepath.Join(outDir, "latest")
	if target, err := os.Readlink(latest); err == nil && target == filepath.Base(dir) {
		os.Remove(latest)
	}
	return to
}

// lenientBuilder turns a build failure into an unavailable variant: in a
// study, one candidate that cannot be built is a finding, not the end.
type lenientBuilder struct{ builds.Builder }

func (b lenientBuilder) Build(ctx context.Context, variant string, cells []matrix.Cell) (builds.BuiltVariant, error) {
	bv, err := b.Builder.Build(ctx, variant, cells)
	if err != nil && ctx.Err() == nil && !errors.Is(err, builds.ErrVariantUnavailable) {
		err = fmt.Errorf("%w: %w", builds.ErrVariantUnavailable, err)
	}
	return bv, err
}
