package study

import (
	"context"
	"errors"
	"fmt"

	"benchgrid/builds"
	"benchgrid/harness"
	"benchgrid/matrix"
	"benchgrid/record"
)

// Harness is the Measurer of a real study: each measurement is one
// harness.Run of an explicit cell list, whose run folder is named after
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
	o.Cells, o.Count, o.Profiles, o.RunName = cells, count, profiles, name
	if o.Seed != 0 {
		o.Seed += h.runs
	}
	h.runs++
	if o.Builder != nil {
		o.Builder = lenientBuilder{o.Builder}
	}
	dir, run, err := harness.Run(ctx, o)
	if err != nil {
		return run, dir, fmt.Errorf("run %s: %w", name, err)
	}
	return run, dir, nil
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
