package record

import "fmt"

// Validate returns an error naming the first impossible value in r, by
// its results.json field ("cells[3].samples[2].wall_ns: negative (-5)"),
// or nil. Impossible are: an unknown schema version; a count below 1; a
// negative count, size or time anywhere, a sample without wall time, and a
// resident fraction outside 0 to 1; a round whose order names no cell;
// and, in a complete run, a cell with neither a sample nor a failure (an
// interrupted run may stop before a cell's first sample).
func (r *Run) Validate() error {
	if r.Version != SchemaVersion {
		return fmt.Errorf("version: unknown schema version %d (want %d)", r.Version, SchemaVersion)
	}
	if r.Count < 1 {
		return fmt.Errorf("count: %d, want at least 1", r.Count)
	}
	if err := nonNegative(field{"env.num_cpu", int64(r.Env.NumCPU)}); err != nil {
		return err
	}
	if a := r.Adaptive; a != nil {
		if !(a.TargetCI > 0 && a.TargetCI < 1) {
			return fmt.Errorf("adaptive.target_ci: %v, want a fraction in (0, 1)", a.TargetCI)
		}
		if err := nonNegative(field{"budget_ns", a.BudgetNs}, field{"min_rounds", int64(a.MinRounds)}, field{"max_rounds", int64(a.MaxRounds)}); err != nil {
			return fmt.Errorf("adaptive.%w", err)
		}
	}
	co := r.Corpus
	if err := nonNegative(field{"files", co.Files}, field{"bytes", co.Bytes}, field{"bad_files", co.BadFiles},
		field{"size_p50", co.SizeP50}, field{"size_p90", co.SizeP90}, field{"size_p99", co.SizeP99}, field{"size_max", co.SizeMax}); err != nil {
		return fmt.Errorf("corpus.%w", err)
	}
	for i := range r.Cells {
		if err := r.Cells[i].validate(r.Complete); err != nil {
			return fmt.Errorf("cells[%d].%w", i, err)
		}
	}
	for i, rd := range r.Rounds {
		if err := nonNegative(field{"index", int64(rd.Index)}, field{"waited_idle_ns", rd.WaitedIdleNs}); err != nil {
			return fmt.Errorf("rounds[%d].%w", i, err)
		}
		for k, ci := range rd.Order {
			if ci < 0 || ci >= len(r.Cells) {
				return fmt.Errorf("rounds[%d].order[%d]: cell index %d out of range (%d cells)", i, k, ci, len(r.Cells))
			}
		}
	}
	return nil
}

// validate checks a cell; its errors start with the field name, for
// Validate to prefix with the cell's index.
func (c *Cell) validate(complete bool) error {
	if err := nonNegative(field{"gomaxprocs", int64(c.GOMAXPROCS)}, field{"rounds", int64(c.Rounds)}); err != nil {
		return err
	}
	if complete && len(c.Samples) == 0 && len(c.Failures) == 0 {
		return fmt.Errorf("samples: none, and no failure either, in a complete run")
	}
	for j, s := range c.Samples {
		if err := s.validate(); err != nil {
			return fmt.Errorf("samples[%d].%w", j, err)
		}
	}
	for j, f := range c.Failures {
		if err := nonNegative(field{"round", int64(f.Round)}); err != nil {
			return fmt.Errorf("failures[%d].%w", j, err)
		}
	}
	for j, p := range c.Profiles {
		if err := nonNegative(field{"passes", int64(p.Passes)}); err != nil {
			return fmt.Errorf("profiles[%d].%w", j, err)
		}
	}
	for j, fb := range c.Fallback {
		if err := nonNegative(field{"files", fb.Files}); err != nil {
			return fmt.Errorf("fallbacks[%d].%w", j, err)
		}
	}
	return nil
}

// validate checks a sample: every count, size and time is at least 0, and
// the wall time of a pass over a corpus is more than 0.
func (s Sample) validate() error {
	if s.WallNs == 0 {
		return fmt.Errorf("wall_ns: zero")
	}
	if !(s.Resident >= 0 && s.Resident <= 1) {
		return fmt.Errorf("resident: %v, want a fraction from 0 to 1", s.Resident)
	}
	return nonNegative(field{"round", int64(s.Round)}, field{"wall_ns", s.WallNs}, field{"user_ns", s.UserNs}, field{"sys_ns", s.SysNs},
		field{"alloc_bytes", s.AllocBytes}, field{"alloc_objects", s.AllocObjects}, field{"gc_cycles", s.GCCycles},
		field{"gc_pause_ns", s.GCPauseNs}, field{"peak_rss_bytes", s.PeakRSS}, field{"files", s.Files}, field{"bytes", s.Bytes})
}

// A field is a numeric value of results.json and its field name.
type field struct {
	name string
	v    int64
}

// nonNegative returns an error naming the first negative field, or nil.
func nonNegative(fields ...field) error {
	for _, f := range fields {
		if f.v < 0 {
			return fmt.Errorf("%s: negative (%d)", f.name, f.v)
		}
	}
	return nil
}
