// Package study finds the fastest configuration of the workload the way the
// Rust study did by hand — from the naive program to the best, one change
// at a time — by forward selection over the harness's knobs: it measures
// every candidate change alone against the naive baseline, adopts the one
// with the largest significant gain, measures every remaining candidate on
// top of it, and so on until nothing helps; then it tries PGO on the
// result and writes study.json and preset.json.
//
// It sits after package harness, which measures each step, and before
// package reports, which renders study.md from study.json alone. The
// decision (Select) is pure and the measurement sits behind Measurer, so
// forward selection is tested on synthetic results.
package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"benchgrid/benchstats"
	"benchgrid/harness"
	"benchgrid/matrix"
	"benchgrid/record"
	"benchgrid/workload"
)

// A Measurer measures cells count times each, interleaved, as one run
// named name (step-1, …, final), taking the given profiles after the timed
// rounds. It returns the run and its folder; when interrupted it returns
// what it measured with an error wrapping harness.ErrInterrupted. Cells
// that could not run are absent from the run's cells and listed in its
// Unavailable.
type Measurer interface {
	Measure(ctx context.Context, name string, cells []matrix.Cell, count int, profiles []string) (*record.Run, string, error)
}

// Options configure a study. Only Dir is required.
type Options struct {
	// Dir is the study folder, where study.json and preset.json go.
	Dir string
	// Workload is the workload studied; nil is workload.Default. The
	// Measurer's runs must run the same one.
	Workload workload.Workload
	// Baseline is the configuration the study starts from; the zero
	// value means Naive().
	Baseline matrix.Cell
	// Candidates are the changes tried; nil means Candidates().
	Candidates []record.StudyChange
	// Count is the number of samples per configuration in every step;
	// 0 means 10.
	Count    int
	Criteria Criteria
	// Profiles are taken in the final step, of the baseline and the final
	// configuration (see record.ProfileKinds).
	Profiles []string
	// NoBuilds, when set, is why candidates that need a build variant,
	// and the PGO round, are not tried.
	NoBuilds string
	// Progress receives one line per step.
	Progress io.Writer
	// Now is the clock of the study's timestamps (tests set it).
	Now func() time.Time
}

func (o *Options) setDefaults() error {
	if o.Workload == nil {
		w, err := workload.Open(workload.Default, nil)
		if err != nil {
			return err
		}
		o.Workload = w
	}
	if o.Baseline == (matrix.Cell{}) {
		o.Baseline = Naive(o.Workload)
	}
	if o.Candidates == nil {
		o.Candidates = Candidates(o.Workload)
	}
	if o.Count <= 0 {
		o.Count = 10
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	o.Criteria = o.Criteria.withDefaults()
	return nil
}

// Run runs the study: selection steps from the baseline until no
// remaining candidate helps significantly, then the final step, which
// measures the baseline, the final configuration and the final
// configuration built with PGO side by side, with profiles. It writes
// study.json and preset.json to opts.Dir after every step, so an
// interrupted study keeps what it found (marked incomplete) and Run
// returns it with an error wrapping harness.ErrInterrupted.
func Run(ctx context.Context, m Measurer, opts Options) (*record.Study, error) {
	if err := opts.setDefaults(); err != nil {
		return nil, err
	}
	s := &study{opts: opts, m: m, builds: map[string]map[string]string{}}
	s.rec = &record.Study{
		Started: opts.Now().UTC(), Count: opts.Count,
		Alpha: opts.Criteria.Alpha, MinGain: opts.Criteria.MinGain, Confidence: opts.Criteria.Confidence,
		Resamples: opts.Criteria.Resamples, Seed: opts.Criteria.Seed,
		Baseline: ConfigOf(opts.Baseline), Final: ConfigOf(opts.Baseline),
		Candidates: slices.Clone(opts.Candidates),
	}
	if err := Check(opts.Workload, opts.Baseline); err != nil {
		return nil, fmt.Errorf("study baseline %s: %w", opts.Baseline.Name(), err)
	}
	err := s.run(ctx)
	if ctx.Err() != nil && !errors.Is(err, harness.ErrInterrupted) {
		err = fmt.Errorf("%w: %w", harness.ErrInterrupted, cmpErr(err, ctx.Err()))
	}
	if err == nil {
		s.rec.Complete = true
		s.rec.Finished = opts.Now().UTC()
	} else {
		s.rec.Warnings = append(s.rec.Warnings, "the study did not finish ("+err.Error()+"): it is incomplete")
		if s.rec.Result == nil {
			s.estimate()
		}
	}
	if ferr := s.flush(); ferr != nil {
		return s.rec, errors.Join(err, ferr)
	}
	if err != nil {
		return s.rec, fmt.Errorf("study: %w", err)
	}
	return s.rec, nil
}

func cmpErr(err, def error) error {
	if err != nil {
		return err
	}
	return def
}

type study struct {
	opts    Options
	m       Measurer
	rec     *record.Study
	current matrix.Cell
	// builds maps a build variant to its binary's settings, from every
	// run so far.
	builds map[string]map[string]string
}

func (s *study) logf(format string, args ...any) {
	fmt.Fprintf(s.opts.Progress, "study: "+format+"\n", args...)
}

func (s *study) run(ctx context.Context) error {
	s.current = s.opts.Baseline
	var remaining []record.StudyChange
	for _, ch := range s.opts.Candidates {
		if needsBuild(ch) && s.opts.NoBuilds != "" {
			s.rec.Skipped = append(s.rec.Skipped, record.Unavailable{What: ch.Name, Reason: s.opts.NoBuilds})
			continue
		}
		remaining = append(remaining, ch)
	}
	if s.opts.NoBuilds != "" {
		s.rec.Skipped = append(s.rec.Skipped, record.Unavailable{What: "build=" + PGOVariant, Reason: s.opts.NoBuilds})
		s.logf("skipping the candidates that need a build variant, and PGO: %s", s.opts.NoBuilds)
	}
	if err := s.flush(); err != nil {
		return err
	}
	for index := 1; ; index++ {
		step, taken, gone, err := s.selection(ctx, index, remaining)
		if step != nil {
			s.rec.Steps = append(s.rec.Steps, *step)
			if ferr := s.flush(); ferr != nil {
				return errors.Join(err, ferr)
			}
		}
		if err != nil {
			return err
		}
		if step == nil || taken < 0 {
			break
		}
		ch := remaining[taken]
		s.current, _ = Apply(s.current, ch)
		s.rec.Adopted = append(s.rec.Adopted, ch.Name)
		s.rec.Final = ConfigOf(s.current)
		remaining = slices.DeleteFunc(remaining, func(c record.StudyChange) bool { return c.Name == ch.Name || gone[c.Name] })
		if err := s.flush(); err != nil {
			return err
		}
	}
	return s.final(ctx)
}

// selection runs step index: the current configuration and every
// remaining candidate applied to it. It returns the step (nil when there
// was nothing to measure), the index in remaining of the change to adopt
// (or -1), and the candidates found unavailable, never to be tried again.
func (s *study) selection(ctx context.Context, index int, remaining []record.StudyChange) (*record.StudyStep, int, map[string]bool, error) {
	name := fmt.Sprintf("step-%d", index)
	trials, cells := s.prepare(remaining)
	if len(cells) == 1 {
		s.logf("step %d: nothing left to try", index)
		return nil, -1, nil, nil
	}
	s.logf("step %d: %s and %d candidates, %d samples each", index, s.current.Name(), len(cells)-1, s.opts.Count)
	start := time.Now()
	run, dir, err := s.m.Measure(ctx, name, cells, s.opts.Count, nil)
	step := &record.StudyStep{Index: index, Kind: record.StepSelection, Run: s.rel(dir), Config: ConfigOf(s.current),
		ElapsedNs: time.Since(start).Nanoseconds()}
	interrupted := errors.Is(err, harness.ErrInterrupted) || ctx.Err() != nil
	if run == nil {
		if err == nil {
			err = errors.New("the measurer returned no run")
		}
		return nil, -1, nil, fmt.Errorf("%s: %w", name, err)
	}
	if err != nil && !interrupted {
		return nil, -1, nil, fmt.Errorf("%s: %w", name, err)
	}
	s.noteRun(run)
	gone := s.resolve(run, trials)
	current := findCell(run, s.current)
	step.Current = currentFigures(current, s.opts.Criteria)
	dec, serr := Select(current, trials, s.opts.Criteria)
	step.Trials = dec.Trials
	switch {
	case interrupted:
		step.Decision = "interrupted: nothing adopted from an incomplete step"
		unadopt(step.Trials)
		return step, -1, gone, err
	case serr != nil:
		step.Decision = "stopped: " + serr.Error()
		step.Complete = true
		s.rec.Warnings = append(s.rec.Warnings, fmt.Sprintf("step %d: %v", index, serr))
		s.logf("step %d: %s", index, step.Decision)
		return step, -1, gone, nil
	}
	step.Complete = true
	step.Decision = dec.Reason
	if dec.Taken >= 0 {
		step.Taken = dec.Trials[dec.Taken].Change
	}
	s.logf("step %d: %s", index, dec.Reason)
	return step, dec.Taken, gone, nil
}

// prepare applies each remaining change to the current configuration and
// returns the trials, in order, and the cells to measure: the current one
// first, then each distinct measurable candidate.
func (s *study) prepare(remaining []record.StudyChange) ([]Trial, []matrix.Cell) {
	cells := []matrix.Cell{s.current}
	seen := map[string]bool{s.current.FullName(): true}
	var trials []Trial
	for _, ch := range remaining {
		t := Trial{Change: ch}
		c, err := Apply(s.current, ch)
		switch {
		case err != nil:
			t.Status, t.Reason = record.TrialSkipped, err.Error()
		case c.FullName() == s.current.FullName():
			t.Status, t.Reason = record.TrialSkipped, "already part of the configuration"
		default:
			t.Config = ConfigOf(c)
			if err := Check(s.opts.Workload, c); err != nil {
				t.Status, t.Reason = record.TrialSkipped, err.Error()
				if strings.HasPrefix(err.Error(), "not in this binary") {
					t.Status = record.TrialUnavailable
				}
			} else if !seen[c.FullName()] {
				seen[c.FullName()] = true
				cells = append(cells, c)
			}
		}
		trials = append(trials, t)
	}
	return trials, cells
}

// resolve attaches to each measurable trial its cell of run, or marks it
// unavailable with the run's reason. It returns the changes found
// unavailable, which later steps do not try again.
func (s *study) resolve(run *record.Run, trials []Trial) map[string]bool {
	gone := map[string]bool{}
	for i := range trials {
		t := &trials[i]
		if t.Status == record.TrialUnavailable {
			gone[t.Change.Name] = true
			s.unavailable(t.Change.Name, t.Reason)
			continue
		}
		if t.Status != "" {
			continue
		}
		c, _ := Apply(s.current, t.Change)
		if t.Cell = findCell(run, c); t.Cell == nil {
			t.Status, t.Reason = record.TrialUnavailable, unavailableReason(run, c)
			gone[t.Change.Name] = true
			s.unavailable(t.Change.Name, t.Reason)
		}
	}
	return gone
}

// unavailable records once that the change what could not run.
func (s *study) unavailable(what, reason string) {
	for _, u := range s.rec.Unavailable {
		if u.What == what {
			return
		}
	}
	s.rec.Unavailable = append(s.rec.Unavailable, record.Unavailable{What: what, Reason: reason})
	s.logf("UNAVAILABLE %s: %s", what, reason)
}

// final measures the baseline, the final configuration and that
// configuration built with PGO side by side, adopts PGO if it helps, and
// records the study's result.
func (s *study) final(ctx context.Context) error {
	index := len(s.rec.Steps) + 1
	final := s.current
	trial := Trial{Change: pgoChange(final.Build)}
	pgo, _ := Apply(final, trial.Change)
	trial.Config = ConfigOf(pgo)
	cells := []matrix.Cell{s.opts.Baseline}
	if final.FullName() != s.opts.Baseline.FullName() {
		cells = append(cells, final)
	}
	if s.opts.NoBuilds != "" {
		trial.Status, trial.Reason = record.TrialSkipped, s.opts.NoBuilds
	} else {
		cells = append(cells, pgo)
	}
	s.logf("final: the baseline, %s and PGO, %d samples each", final.Name(), s.opts.Count)
	start := time.Now()
	run, dir, err := s.m.Measure(ctx, "final", cells, s.opts.Count, s.opts.Profiles)
	interrupted := errors.Is(err, harness.ErrInterrupted) || ctx.Err() != nil
	if run == nil || err != nil && !interrupted {
		s.estimate()
		if err == nil {
			err = errors.New("the measurer returned no run")
		}
		return fmt.Errorf("final: %w", err)
	}
	s.noteRun(run)
	step := record.StudyStep{Index: index, Kind: record.StepFinal, Run: s.rel(dir), Config: ConfigOf(final),
		ElapsedNs: time.Since(start).Nanoseconds()}
	if trial.Status == "" {
		if trial.Cell = findCell(run, pgo); trial.Cell == nil {
			trial.Status, trial.Reason = record.TrialUnavailable, unavailableReason(run, pgo)
			s.unavailable(trial.Change.Name, trial.Reason)
		}
	}
	finalCell := findCell(run, final)
	step.Current = currentFigures(finalCell, s.opts.Criteria)
	dec, serr := Select(finalCell, []Trial{trial}, s.opts.Criteria)
	step.Trials = dec.Trials
	optimized := final
	switch {
	case interrupted:
		step.Decision = "interrupted: PGO not adopted from an incomplete step"
		unadopt(step.Trials)
	case serr != nil:
		step.Complete = true
		step.Decision = "stopped: " + serr.Error()
		s.rec.Warnings = append(s.rec.Warnings, "final: "+serr.Error())
	default:
		step.Complete = true
		t := dec.Trials[0]
		switch {
		case dec.Taken >= 0:
			step.Decision = dec.Reason
			step.Taken = trial.Change.Name
			optimized = pgo
			s.rec.Adopted = append(s.rec.Adopted, trial.Change.Name)
		case t.Status == record.TrialSkipped || t.Status == record.TrialUnavailable || t.Status == record.TrialFailed:
			step.Decision = "PGO not adopted: " + t.Status + ": " + t.Reason
		default:
			step.Decision = fmt.Sprintf("PGO not adopted: %s of the final configuration's time (p=%.3f), not significantly faster by at least %s",
				times(t.Ratio), t.P, pct(s.opts.Criteria.MinGain))
		}
	}
	s.logf("final: %s", step.Decision)
	s.rec.Steps = append(s.rec.Steps, step)
	s.current = optimized
	s.rec.Final = ConfigOf(optimized)
	if r := s.result(run, optimized); r != nil {
		s.rec.Result = r
	} else {
		s.estimate()
	}
	return err
}

// unadopt clears the adopted mark of trials whose step is not decided.
func unadopt(trials []record.StudyTrial) {
	for i := range trials {
		trials[i].Adopted = false
	}
}

// result compares the baseline and the optimized configuration as
// measured side by side in run, or returns nil when either lacks samples.
func (s *study) result(run *record.Run, optimized matrix.Cell) *record.StudyResult {
	before, after := findCell(run, s.opts.Baseline), findCell(run, optimized)
	if before == nil || after == nil || len(before.Samples) == 0 || len(after.Samples) == 0 {
		return nil
	}
	dec, err := Select(after, []Trial{{Change: record.StudyChange{Name: "baseline"}, Cell: before}}, s.opts.Criteria)
	if err != nil {
		return nil
	}
	t := dec.Trials[0] // the baseline's time over the optimized one's: the factor
	r := &record.StudyResult{
		Original: ConfigOf(s.opts.Baseline), Optimized: ConfigOf(optimized),
		Before: t.Figures, After: currentFigures(after, s.opts.Criteria),
		Factor: t.Ratio, Lo: t.Lo, Hi: t.Hi, P: t.P, Interleaved: true, Run: s.rec.Steps[len(s.rec.Steps)-1].Run,
	}
	if optimized.FullName() == s.opts.Baseline.FullName() {
		r.Factor, r.Lo, r.Hi, r.P = 1, 0, 0, 1
	}
	return r
}

// estimate records a result without the final step: the baseline's
// figures from the first step, and the factor as the product of the
// adopted changes' speedups, each measured interleaved in its step.
func (s *study) estimate() {
	if len(s.rec.Steps) == 0 || s.rec.Steps[0].Current.N == 0 {
		return
	}
	r := &record.StudyResult{
		Original: ConfigOf(s.opts.Baseline), Optimized: ConfigOf(s.current),
		Before: s.rec.Steps[0].Current, After: s.rec.Steps[0].Current, Factor: 1,
	}
	for _, st := range s.rec.Steps {
		for _, t := range st.Trials {
			if t.Adopted && t.Ratio > 0 {
				r.Factor /= t.Ratio
				r.After = t.Figures
				r.Run = st.Run
			}
		}
	}
	s.rec.Result = r
}

// noteRun keeps what the study needs from a run: the corpus and
// environment of its first run, and the settings of every build.
func (s *study) noteRun(run *record.Run) {
	if s.rec.Corpus.Files == 0 {
		s.rec.Corpus, s.rec.Env = run.Corpus, run.Env
		s.rec.Corpus.Bad = nil // the step's own report lists them
	}
	for _, b := range run.Builds {
		s.builds[b.Name] = b.Settings
	}
}

// flush writes study.json and preset.json.
func (s *study) flush() error {
	preset, err := presetJSON(s.current)
	if err != nil {
		return err
	}
	s.rec.Preset = preset
	s.rec.BuildSettings = nil
	if !isDefaultBuild(s.current.Build) {
		s.rec.BuildSettings = s.builds[s.current.Build]
	}
	if err := record.WriteFileAtomic(filepath.Join(s.opts.Dir, record.PresetFile), preset); err != nil {
		return err
	}
	return record.WriteStudy(s.opts.Dir, s.rec)
}

// rel names a run folder relative to the study folder.
func (s *study) rel(dir string) string {
	if dir == "" {
		return ""
	}
	if r, err := filepath.Rel(s.opts.Dir, dir); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return dir
}

// findCell returns c's cell in run, or nil.
func findCell(run *record.Run, c matrix.Cell) *record.Cell {
	for i := range run.Cells {
		if rc := &run.Cells[i]; rc.Name == c.Name() && rc.GOMAXPROCS == c.Procs() {
			return rc
		}
	}
	return nil
}

// unavailableReason finds why run did not measure c.
func unavailableReason(run *record.Run, c matrix.Cell) string {
	keys := []string{"build=" + c.Build + "/parser=" + c.Parser, "build=" + c.Build}
	if isDefaultBuild(c.Build) {
		keys = []string{"parser=" + c.Parser}
	}
	for _, k := range keys {
		for _, u := range run.Unavailable {
			if u.What == k {
				return u.What + ": " + u.Reason
			}
		}
	}
	return "not run (see the run's unavailable list)"
}

// currentFigures summarizes a configuration's wall times.
func currentFigures(c *record.Cell, crit Criteria) record.StudyFigures {
	if c == nil {
		return record.StudyFigures{}
	}
	crit = crit.withDefaults()
	return figures(wallTimes(c), crit.Confidence, benchstats.Thresholds(crit.Alpha))
}

// NewDir creates a new study folder under outDir, named after now:
// study-20060102-150405 (with -2, -3, … if taken).
func NewDir(outDir string, now time.Time) (string, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", fmt.Errorf("study folder: %w", err)
	}
	name := "study-" + now.UTC().Format("20060102-150405")
	dir := filepath.Join(outDir, name)
	for i := 2; ; i++ {
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("study folder: %w", err)
		}
		dir = filepath.Join(outDir, fmt.Sprintf("%s-%d", name, i))
	}
}
