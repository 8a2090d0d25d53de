package harness

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"benchgrid/builds"
	"benchgrid/child"
	"benchgrid/corpus"
	"benchgrid/matrix"
	"benchgrid/processor"
	"benchgrid/record"
	"benchgrid/workload"
)

// Options configure a Run.
type Options struct {
	// Workload names the workload the cells run and its configuration
	// (the zero Spec is workload.Default); Matrix.Workload is set from it.
	Workload workload.Spec
	// AllowBad runs on a corpus more than half of whose documents are bad
	// for the workload, which otherwise stops before timing (see
	// ErrCorpusMisfit); the results then say that the run measured
	// rejection.
	AllowBad bool
	Matrix   matrix.Matrix
	// Cells, when set, is the exact list of cells to measure, in place of
	// Matrix's cross product (a study measures chosen configurations).
	Cells []matrix.Cell
	// builds.Builder builds the variants that cells name in Build; without one,
	// only the default build (this binary) can run.
	Builder builds.Builder
	// Corpus is the corpus folder; CorpusSeed its generator seed, if any.
	Corpus     string
	CorpusSeed uint64
	// Count is the number of samples per cell; Adaptive, when set,
	// replaces it with adaptive sampling (see Adaptive and Stopping).
	Count    int
	Adaptive *Adaptive
	// Timeout bounds one sample's child process.
	Timeout time.Duration
	// Profiles lists the profiles taken after the timed rounds (see
	// record.ProfileKinds); ProfileMinCPU is the CPU time each cell's profiling
	// run gathers at least.
	Profiles      []string
	ProfileMinCPU time.Duration
	// OutDir is the folder holding run folders (results/<timestamp>).
	OutDir string
	// RunName, when set, names the run folder in OutDir instead of its
	// start time, and the run leaves OutDir's latest link alone (a study
	// names its runs step-1, …, final).
	RunName string
	// Seed seeds the shuffled order of each round; 0 picks one.
	Seed uint64
	// WaitIdle waits, at most IdleLimit, before each round for other
	// processes to leave the machine quiet.
	WaitIdle  bool
	IdleLimit time.Duration
	// WarmupFiles is the size of each child's untimed warm-up; 0 means
	// WarmupShare of the corpus.
	WarmupFiles int
	// ChildCommand runs a child: the program and its arguments. By
	// default it is this executable with the hidden subcommand child.Subcommand.
	// ChildEnv adds environment variables to every child.
	ChildCommand []string
	ChildEnv     []string
	// Progress receives progress lines; Terminal draws a progress bar
	// instead.
	Progress io.Writer
	Terminal bool
	// Now is the clock that names the run folder (tests set it).
	Now func() time.Time
}

// Defaults of Options' fields, used where a field is zero.
const (
	// DefaultCount is Options.Count's default: benchstat's minimum for a
	// confidence interval is 6; 10 narrows it.
	DefaultCount = 10
	// DefaultTimeout is Options.Timeout's default, and -timeout's.
	DefaultTimeout = 5 * time.Minute
	// DefaultOutDir is Options.OutDir's default.
	DefaultOutDir = "results"
	// DefaultIdleLimit is Options.IdleLimit's default.
	DefaultIdleLimit = time.Minute
	// DefaultProfileMinCPU is Options.ProfileMinCPU's default.
	DefaultProfileMinCPU = time.Second
)

// withDefaults returns a copy of o with every zero field that has a
// default filled in (the seed: a random one, recorded).
func (o Options) withDefaults() Options {
	if o.Count <= 0 {
		o.Count = DefaultCount
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.OutDir == "" {
		o.OutDir = DefaultOutDir
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.IdleLimit <= 0 {
		o.IdleLimit = DefaultIdleLimit
	}
	if o.ProfileMinCPU <= 0 {
		o.ProfileMinCPU = DefaultProfileMinCPU
	}
	if o.Seed == 0 {
		o.Seed = rand.Uint64()
	}
	if o.Adaptive != nil {
		a := o.Adaptive.withDefaults()
		o.Adaptive = &a
	}
	return o
}

// maxRounds is the most rounds the run can take: Count, or the adaptive
// MaxRounds.
func (o *Options) maxRounds() int {
	if o.Adaptive != nil {
		return o.Adaptive.MaxRounds
	}
	return o.Count
}

// ErrInterrupted is returned, wrapped, by a run stopped by its context: what
// it measured is kept and the run is marked incomplete.
var ErrInterrupted = errors.New("run interrupted")

// Run measures every cell of opts.Matrix, Count times, in interleaved
// rounds, then profiles each cell, writing results to a new run folder
// under opts.OutDir after every sample. It returns the folder. A sample
// that fails is recorded and the run goes on; a cancelled ctx stops the
// run after the sample in flight and returns an error wrapping
// ErrInterrupted, with everything finished kept.
func Run(ctx context.Context, opts Options) (string, *record.Run, error) {
	r := &runner{opts: opts}
	return r.run(ctx)
}

type runner struct {
	opts     Options
	w        workload.Workload
	ref      *workload.Outcome // the reference pass: std + sequential
	children Children          // with the variants' binaries once built
	dir      string
	rec      *record.Run
	cells    []matrix.Cell
	done     int // samples finished
	total    int
	started  time.Time
	lastDraw time.Time
}

func (r *runner) logf(format string, args ...any) {
	if r.opts.Progress == nil {
		return
	}
	if r.opts.Terminal {
		fmt.Fprint(r.opts.Progress, "\r\033[K")
	}
	fmt.Fprintf(r.opts.Progress, format+"\n", args...)
}

func (r *runner) run(ctx context.Context) (string, *record.Run, error) {
	in, err := r.prepare(ctx)
	if err != nil {
		return "", nil, err
	}
	if err := r.reference(ctx, in); err != nil {
		return "", nil, err
	}
	r.newRecord(in)
	if err := r.createDir(); err != nil {
		return "", nil, err
	}
	if err := r.flush(); err != nil {
		return r.dir, r.rec, err
	}
	interrupted, err := r.rounds(ctx)
	if err != nil {
		return r.dir, r.rec, err
	}
	if !interrupted {
		if interrupted, err = r.profiles(ctx); err != nil {
			return r.dir, r.rec, err
		}
	}
	return r.finish(interrupted)
}

// prepared is what a run knows once its checks pass: the corpus's inputs,
// the folders skipped, their statistics and the plan of cells that can run,
// their build variants built.
type prepared struct {
	files   []corpus.File
	skipped []corpus.Skipped
	stats   corpus.Stats
	plan    Plan
	builds  []record.Build
}

// prepare fills in the defaults, checks the options, lists the corpus,
// plans the cells and builds their variants: everything before the
// reference pass, so that a mistake costs no measuring.
func (r *runner) prepare(ctx context.Context) (prepared, error) {
	r.opts = r.opts.withDefaults()
	o := &r.opts
	var in prepared
	if _, err := record.ParseProfileKinds(o.Profiles); err != nil {
		return in, err
	}
	children, err := o.Children().withDefaults()
	if err != nil {
		return in, err
	}
	r.children = children
	if r.w, err = o.Workload.Open(); err != nil {
		return in, err
	}
	o.Matrix.Workload = r.w
	// Checked before the walk, the builds and the reference pass, which
	// can take minutes: the run folder's link must be replaceable, and the
	// run's files must not land among the inputs.
	if err := CheckLatestLink(o.OutDir); err != nil && o.RunName == "" {
		return in, err
	}
	if err := CheckOutDir(o.OutDir, o.Corpus); err != nil {
		return in, err
	}
	in.files, in.skipped, err = corpus.ListSkipping(ctx, o.Corpus, r.w.IsInput)
	if err != nil {
		return in, err
	}
	for _, sk := range in.skipped {
		r.logf("SKIPPED %s: %s", sk.Path, sk.Reason)
	}
	if len(in.files) == 0 {
		return in, fmt.Errorf("corpus %s: no inputs of the %s workload", o.Corpus, r.w.Name())
	}
	in.stats = corpus.StatsOf(in.files)
	if in.plan, err = MakePlan(*o); err != nil {
		return in, err
	}
	in.plan.dropCold(o.Corpus, in.files)
	for _, u := range in.plan.Unavailable {
		r.logf("UNAVAILABLE %s: %s", u.What, u.Reason)
	}
	if len(in.plan.Cells) == 0 {
		return in, errors.New("no cell of the matrix can run on this machine")
	}
	r.cells = in.plan.Cells
	builds, unavailable, err := r.buildVariants(ctx)
	if err != nil {
		return in, err
	}
	in.builds = builds
	in.plan.Unavailable = append(in.plan.Unavailable, unavailable...)
	if len(r.cells) == 0 {
		return in, errors.New("no cell of the matrix can run on this machine")
	}
	if o.WarmupFiles <= 0 {
		o.WarmupFiles = child.WarmupShare(len(in.files))
	}
	return in, nil
}

// reference computes, in this process, the answer every cell is checked
// against. Its pass also warms the page cache for the rounds (a cold
// sample evicts it again).
func (r *runner) reference(ctx context.Context, in prepared) error {
	refc := matrix.ReferenceConfig(r.w)
	r.logf("reference: %s + %s over %d files (%s)", refc.Parser, refc.Strategy, len(in.files), corpus.FormatBytes(in.stats.Bytes))
	var err error
	if r.ref, err = matrix.Reference(ctx, r.w, in.files); err != nil {
		return fmt.Errorf("reference run: %w", err)
	}
	if err := r.checkFit(); err != nil {
		return err
	}
	return nil
}

// ErrCorpusMisfit is wrapped by the error of a run whose corpus does not
// fit its workload: more than half of its documents are bad, so that the
// run would measure how fast each parser rejects them.
var ErrCorpusMisfit = errors.New("the corpus does not fit the workload")

// checkFit is the guard rail of a corpus that does not fit the workload:
// a run in which more than half of the documents are bad stops before
// timing, saying the most common reasons and what to use instead, unless
// Options.AllowBad asks to measure rejection on purpose.
func (r *runner) checkFit() error {
	ref := r.ref
	if ref.Documents == 0 || 2*ref.BadDocuments <= ref.Documents {
		return nil
	}
	if r.opts.AllowBad {
		r.logf("warning: %d of %d documents are bad for the %s workload: -allow-bad measures how fast each parser rejects them", ref.BadDocuments, ref.Documents, r.w.Name())
		return nil
	}
	var reasons []string
	for _, rc := range workload.CommonReasons(ref.BadReasons, 3) {
		reasons = append(reasons, fmt.Sprintf("%d × %s", rc.Count, rc.Reason))
	}
	// What to use instead: the workloads configured by a file of their
	// own (query's -query FILE), which can describe the user's documents.
	instead := "Check that the corpus is the one this workload reads"
	var others []string
	for _, name := range workload.Names() {
		if d, err := workload.Lookup(name); err == nil && d.ConfigFlag != "" && name != r.w.Name() {
			others = append(others, fmt.Sprintf("-%s FILE, %s", d.ConfigFlag, d.Text))
		}
	}
	if len(others) > 0 {
		instead = "To measure your own documents instead, pass " + strings.Join(others, "; or ")
	}
	return fmt.Errorf("%w: %d of %d documents (%.0f%%) of %s are bad for the %s workload, so a run would measure how fast each parser rejects them; most common reasons: %s. "+
		"%s; to measure rejection on purpose, pass -allow-bad",
		ErrCorpusMisfit, ref.BadDocuments, ref.Documents, 100*float64(ref.BadDocuments)/float64(ref.Documents), r.opts.Corpus, r.w.Name(), strings.Join(reasons, "; "), instead)
}

// newRecord starts the run's record: the environment, the corpus and its
// reference answer, the cells, and the warnings known before measuring.
func (r *runner) newRecord(in prepared) {
	o := &r.opts
	ref := r.ref
	refLine := ref.Canonical
	r.rec = &record.Run{
		Started:  o.Now().UTC(),
		Env:      Environment(),
		Workload: workloadRecord(o.Workload, r.w),
		Corpus: record.Corpus{
			Path: o.Corpus, Files: int64(in.stats.Files), Bytes: in.stats.Bytes, Seed: o.CorpusSeed,
			SizeP50: in.stats.P50, SizeP90: in.stats.P90, SizeP99: in.stats.P99, SizeMax: in.stats.Max,
			Reference: strings.TrimSuffix(string(refLine), "\n"),
			Digest:    processor.Digest(refLine),
			BadFiles:  ref.BadFiles,
			Documents: ref.Documents, BadDocuments: ref.BadDocuments,
			BadReasons: workload.CommonReasons(ref.BadReasons, 5),
			Rejection:  ref.Documents > 0 && 2*ref.BadDocuments > ref.Documents,
		},
		Count:       o.Count,
		ShuffleSeed: o.Seed,
		Unavailable: in.plan.Unavailable,
		Builds:      in.builds,
		Roles:       matrix.RunRoles(r.w),
	}
	for i, bad := range ref.Bad {
		if i == maxListedBad {
			break
		}
		r.rec.Corpus.Bad = append(r.rec.Corpus.Bad, record.BadInput{Path: bad.Path, Reason: bad.Reason})
	}
	for _, sk := range in.skipped {
		r.rec.Corpus.Skipped = append(r.rec.Corpus.Skipped, record.BadInput{Path: sk.Path, Reason: sk.Reason})
		r.rec.Warnings = append(r.rec.Warnings, fmt.Sprintf("folder %s could not be read and was skipped: %s", sk.Path, sk.Reason))
	}
	for _, note := range ref.Notes {
		r.rec.Warnings = append(r.rec.Warnings, note)
		r.logf("warning: %s", note)
	}
	if ref.BadFiles > 0 {
		r.rec.Warnings = append(r.rec.Warnings, fmt.Sprintf("%d bad inputs were counted and skipped (see the corpus section)", ref.BadFiles))
	}
	if o.Adaptive != nil {
		r.rec.Adaptive = o.Adaptive.record()
		r.rec.Count = 1 // the most rounds a cell ran in, once there are some
	}
	if n := o.maxRounds(); n < MinCountForCI {
		w := fmt.Sprintf("count %d is below %d: confidence intervals are not possible", n, MinCountForCI)
		r.rec.Warnings = append(r.rec.Warnings, w)
		r.logf("warning: %s", w)
	}
	for _, c := range r.cells {
		r.rec.Cells = append(r.rec.Cells, record.Cell{
			Name: c.Name(), Parser: c.Parser, Strategy: c.Strategy, Workers: c.WorkersLabel(),
			Read: string(c.Read), GOMAXPROCS: c.Procs(), GOGC: c.GOGCLabel(),
			GOMEMLIMIT: c.GOMEMLIMITLabel(), Build: c.BuildLabel(),
			Axes: c.RecordAxes(), ReadOnly: r.isReadOnly(c.Parser),
		})
	}
}

// rounds runs Count rounds, each every cell once in a seeded shuffled
// order, flushing the results after every sample; an adaptive run runs
// rounds of the cells not yet done until Stopping says every cell is. It
// reports whether ctx interrupted it; the sample in flight then is
// dropped.
func (r *runner) rounds(ctx context.Context) (interrupted bool, err error) {
	o := &r.opts
	r.total = len(r.cells) * o.maxRounds()
	r.started = time.Now()
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	active := make([]int, len(r.cells))
	for i := range active {
		active[i] = i
	}
	var times []time.Duration // of each round, for the budget
	var samples []int
	for round := 0; len(active) > 0 && (o.Adaptive != nil || round < o.Count); round++ {
		rd := record.Round{Index: round, LoadAvg: loadAvg()}
		if o.WaitIdle {
			waited, quiet := waitIdle(ctx, o.IdleLimit)
			rd.WaitedIdleNs = waited.Nanoseconds()
			if !quiet {
				r.rec.Warnings = append(r.rec.Warnings, fmt.Sprintf("round %d: the machine did not become quiet within %v", round, o.IdleLimit))
			}
		}
		rd.OtherCPUBefore = measureOtherCPU(ctx, 250*time.Millisecond)
		// With every cell active this is the order of a fixed count's
		// rounds: the same seed gives the same order as before.
		for _, k := range rng.Perm(len(active)) {
			rd.Order = append(rd.Order, active[k])
		}
		r.rec.Rounds = append(r.rec.Rounds, rd)
		before := readCPU()
		start := time.Now()
		for _, ci := range rd.Order {
			if ctx.Err() != nil {
				return true, nil
			}
			r.sample(ctx, round, ci)
			if ctx.Err() != nil {
				return true, nil // the sample in flight was dropped
			}
			r.done++
			if o.Adaptive != nil {
				rc := &r.rec.Cells[ci]
				rc.Rounds++
				r.rec.Count = max(r.rec.Count, rc.Rounds)
			}
			if err := r.flush(); err != nil {
				return false, err
			}
			r.progress()
		}
		times, samples = append(times, time.Since(start)), append(samples, len(rd.Order))
		last := &r.rec.Rounds[len(r.rec.Rounds)-1]
		last.OtherCPUDuring = otherCPU(before, readCPU())
		if last.OtherCPUDuring > 0.25 || last.OtherCPUBefore > 0.25 {
			r.rec.Warnings = append(r.rec.Warnings, fmt.Sprintf("round %d: other processes used %s before and %s during the round",
				round, describeCores(last.OtherCPUBefore), describeCores(last.OtherCPUDuring)))
		}
		if o.Adaptive != nil {
			active = r.adapt(round+1, active, nextRoundTime(times, samples, len(active)))
			if err := r.flush(); err != nil {
				return false, err
			}
		}
	}
	return false, nil
}

// adapt applies the stopping rule after rounds rounds, records why each
// cell that is done stopped, and returns the cells still running.
func (r *runner) adapt(rounds int, active []int, next time.Duration) []int {
	p := Progress{Rounds: rounds, Elapsed: time.Since(r.started), NextRound: next}
	for _, c := range r.rec.Cells {
		walls := make([]float64, len(c.Samples))
		for i, s := range c.Samples {
			walls[i] = float64(s.WallNs)
		}
		p.Walls = append(p.Walls, walls)
		p.Stopped = append(p.Stopped, c.Stopped)
	}
	stopped := Stopping(*r.opts.Adaptive, p)
	var still []int
	for _, ci := range active {
		rc := &r.rec.Cells[ci]
		if rc.Stopped = stopped[ci]; rc.Stopped == "" {
			still = append(still, ci)
			continue
		}
		r.logf("%s: stopped after %d rounds: %s", rc.FullName(), rc.Rounds, rc.Stopped)
	}
	// The progress bar's total shrinks as cells stop.
	r.total = r.done + len(still)*(r.opts.Adaptive.MaxRounds-rounds)
	return still
}

// profiles takes each cell's profiles, after the timed rounds, never
// during them. It reports whether ctx interrupted it.
func (r *runner) profiles(ctx context.Context) (interrupted bool, err error) {
	if len(r.opts.Profiles) == 0 {
		return false, nil
	}
	for ci := range r.cells {
		if ctx.Err() != nil {
			return true, nil
		}
		r.profile(ctx, ci)
		if err := r.flush(); err != nil {
			return false, err
		}
	}
	return false, nil
}

// finish adds the noise warnings and marks the record complete, or
// incomplete when the run was interrupted (an error wrapping
// ErrInterrupted), and writes it a last time.
func (r *runner) finish(interrupted bool) (string, *record.Run, error) {
	r.noiseWarnings()
	if interrupted {
		r.rec.Warnings = append(r.rec.Warnings, "the run was interrupted: it is incomplete")
		if err := r.flush(); err != nil {
			return r.dir, r.rec, err
		}
		return r.dir, r.rec, fmt.Errorf("%w after %d of %d samples: results kept in %s", ErrInterrupted, r.done, r.total, r.dir)
	}
	r.rec.Complete = true
	r.rec.Finished = r.opts.Now().UTC()
	if r.opts.Terminal && r.opts.Progress != nil {
		fmt.Fprint(r.opts.Progress, "\r\033[K")
	}
	return r.dir, r.rec, r.flush()
}

// maxListedBad is how many bad inputs results list by name.
const maxListedBad = 200

func (r *runner) isReadOnly(parser string) bool {
	p, err := workload.FindParser(r.w, parser)
	return err == nil && p.ReadOnly
}

// workloadRecord is how results record the workload w, opened from s.
func workloadRecord(s workload.Spec, w workload.Workload) *record.Workload {
	rec := &record.Workload{Name: w.Name()}
	if len(s.Config) > 0 {
		rec.Config = string(s.Config)
		rec.ConfigDigest = processor.Digest(s.Config)
	}
	return rec
}

// childWorkload is the workload as a child's spec names it: nil for the
// default, so that binaries built before workloads were named (rev=) can
// run events cells.
func (r *runner) childWorkload() *workload.Spec {
	if r.opts.Workload.IsDefault() {
		return nil
	}
	return &r.opts.Workload
}

// createDir makes results/<timestamp> and points results/latest at it.
func (r *runner) createDir() error {
	if err := os.MkdirAll(r.opts.OutDir, 0o755); err != nil {
		return err
	}
	name := cmp.Or(r.opts.RunName, r.rec.Started.Format("20060102-150405"))
	dir := filepath.Join(r.opts.OutDir, name)
	for i := 2; ; i++ {
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return err
		}
		dir = filepath.Join(r.opts.OutDir, fmt.Sprintf("%s-%d", name, i))
	}
	r.dir = dir
	if r.opts.RunName != "" {
		return nil
	}
	latest := filepath.Join(r.opts.OutDir, "latest")
	tmp := latest + ".tmp"
	_ = os.Remove(tmp)
	if err := os.Symlink(filepath.Base(dir), tmp); err != nil {
		return fmt.Errorf("link %s: %w", latest, err)
	}
	if err := os.Rename(tmp, latest); err != nil {
		return fmt.Errorf("link %s: %w", latest, err)
	}
	return nil
}

// flush writes results.json and bench.txt, atomically.
func (r *runner) flush() error {
	if err := record.Write(r.dir, r.rec); err != nil {
		return err
	}
	bench, err := record.Bench(r.rec)
	if err != nil {
		return fmt.Errorf("bench.txt: %w", err)
	}
	return record.WriteFileAtomic(filepath.Join(r.dir, record.BenchFile), bench)
}

// sample runs one timed sample of cell ci and records it or its failure.
//
// A sample cut short by ctx (an interrupt) is neither: it is dropped.
func (r *runner) sample(ctx context.Context, round, ci int) {
	c := r.cells[ci]
	rc := &r.rec.Cells[ci]
	res, fail := r.children.Run(ctx, c, child.Spec{Corpus: r.opts.Corpus, Workload: r.childWorkload(), Config: c.Config(), WarmupFiles: r.opts.WarmupFiles, Cache: c.Cache, Feed: c.Feed})
	if ctx.Err() != nil {
		return
	}
	if fail == nil {
		fail = r.check(c, res)
	}
	if fail != nil {
		fail.Round = round
		fail.Cause = cmp.Or(fail.Cause, oneLine(fail.Reason))
		rc.Failures = append(rc.Failures, *fail)
		r.logf("FAIL %s round %d: %s: %s", c.FullName(), round, fail.Kind, fail.Reason)
		return
	}
	res.Sample.Round = round
	rc.Samples = append(rc.Samples, res.Sample)
	mergeFallbacks(rc, res.Fallbacks, len(rc.Samples) == 1)
	if !r.opts.Terminal {
		r.logf("%d/%d %s: %s, %.1f MB/s", r.done+1, r.total, c.FullName(),
			time.Duration(res.Sample.WallNs).Round(time.Microsecond), res.Sample.MBPerSec())
	}
}

// check compares a child's answer with the reference.
func (r *runner) check(c matrix.Cell, res *child.Result) *record.Failure {
	if name := r.w.Name(); name != workload.Default && res.Workload != name {
		return &record.Failure{Kind: record.FailError,
			Reason: fmt.Sprintf("the child ran the %s workload, the run asks %s (a binary built before workloads were named?)", cmp.Or(res.Workload, "events (by default)"), name)}
	}
	if want := c.Config().Latency; res.Cache != c.Cache || res.Latency != want || res.Feed != c.Feed {
		return &record.Failure{Kind: record.FailError,
			Reason: fmt.Sprintf("the child applied cache=%q latency=%v feed=%q, the cell asks cache=%q latency=%v feed=%q (a binary that lacks the knob?)",
				res.Cache, res.Latency, res.Feed, c.Cache, want, c.Feed)}
	}
	if res.GOMAXPROCS != c.Procs() {
		return &record.Failure{Kind: record.FailMismatch,
			Reason: fmt.Sprintf("the child ran with GOMAXPROCS=%d, the cell is labelled %d (a CPU quota?)", res.GOMAXPROCS, c.Procs())}
	}
	// Files and bytes are checked for every cell: for the I/O floor,
	// which computes no answer, they are the only check that it read
	// everything.
	if res.Sample.Files != r.ref.Files || res.Sample.Bytes != r.ref.Bytes {
		return &record.Failure{Kind: record.FailMismatch,
			Reason: fmt.Sprintf("read %d files, %d bytes; the reference read %d files, %d bytes",
				res.Sample.Files, res.Sample.Bytes, r.ref.Files, r.ref.Bytes)}
	}
	if res.Digest == "" { // the I/O floor computes no answer
		return nil
	}
	if res.Digest != r.rec.Corpus.Digest {
		return &record.Failure{Kind: record.FailMismatch,
			Reason: fmt.Sprintf("the canonical result differs from the reference (%s + %s)", matrix.ReferenceConfig(r.w).Parser, matrix.ReferenceConfig(r.w).Strategy),
			Got:    strings.TrimSuffix(res.Canonical, "\n"), Want: r.rec.Corpus.Reference}
	}
	return nil
}

// mergeFallbacks records a pass's fallbacks on its cell. Every pass over
// the same corpus must fall back on the same files: a count that differs
// from an earlier pass's is a warning.
func mergeFallbacks(rc *record.Cell, fallbacks map[string]int64, first bool) {
	for _, reason := range slices.Sorted(maps.Keys(fallbacks)) {
		i := slices.IndexFunc(rc.Fallback, func(f record.Fallback) bool { return f.Reason == reason })
		switch {
		case i < 0 && first:
			rc.Fallback = append(rc.Fallback, record.Fallback{Reason: reason, Files: fallbacks[reason]})
		case i < 0 || rc.Fallback[i].Files != fallbacks[reason]:
			rc.Warnings = append(rc.Warnings, fmt.Sprintf("fallback %q: %d files in one pass, not as in the first", reason, fallbacks[reason]))
		}
	}
}

// profile runs cell ci's profiling pass.
func (r *runner) profile(ctx context.Context, ci int) {
	c := r.cells[ci]
	rc := &r.rec.Cells[ci]
	rel := filepath.Join(record.ProfilesDir, slug(c.FullName()))
	spec := child.Spec{
		Corpus: r.opts.Corpus, Workload: r.childWorkload(), Config: c.Config(), WarmupFiles: r.opts.WarmupFiles, Cache: c.Cache, Feed: c.Feed,
		Profiles: r.opts.Profiles, ProfileDir: filepath.Join(r.dir, rel),
		MinCPU: r.opts.ProfileMinCPU,
	}
	r.logf("profiling %s (%s)", c.FullName(), strings.Join(r.opts.Profiles, ","))
	res, fail := r.children.Run(ctx, c, spec)
	if ctx.Err() != nil {
		return
	}
	if fail == nil {
		fail = r.check(c, res)
	}
	if fail != nil {
		rc.Warnings = append(rc.Warnings, fmt.Sprintf("profiling failed: %s: %s", fail.Kind, fail.Reason))
		r.logf("FAIL profiling %s: %s", c.FullName(), fail.Reason)
		return
	}
	mergeFallbacks(rc, res.Fallbacks, len(rc.Samples) == 0)
	for _, p := range res.Profiles {
		p.Path = filepath.ToSlash(filepath.Join(rel, filepath.Base(p.Path)))
		rc.Profiles = append(rc.Profiles, p)
	}
}

// slug turns a cell name into a folder name.
func slug(name string) string {
	return strings.NewReplacer("/", "_", "=", "-").Replace(name)
}

// Children starts the child processes that measure and profile cells:
// what the run loop and the PGO profiler share.
type Children struct {
	// Command runs a child: the program and its arguments. The zero value
	// is this executable with child.Subcommand.
	Command []string
	// Env adds environment variables to every child.
	Env []string
	// Timeout bounds one child (DefaultTimeout when zero).
	Timeout time.Duration
	// Binaries maps a build variant to its binary: a cell of that build
	// runs there instead of in Command.
	Binaries map[string]string
}

// Children returns the child runner that o describes.
func (o Options) Children() Children {
	return Children{Command: o.ChildCommand, Env: o.ChildEnv, Timeout: o.Timeout}
}

// withDefaults returns a copy of ch with the command and the timeout
// filled in.
func (ch Children) withDefaults() (Children, error) {
	ch.Timeout = cmp.Or(ch.Timeout, DefaultTimeout)
	if len(ch.Command) > 0 {
		return ch, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return ch, fmt.Errorf("find own executable for child processes: %w", err)
	}
	ch.Command = []string{exe, child.Subcommand}
	return ch, nil
}

// Run runs one child process for cell c and decodes its result. The child
// runs in its own process group, so a Ctrl-C at the terminal reaches only
// the harness; when runCtx is done the child's group is killed, and the
// caller drops the sample cut short.
func (ch Children) Run(runCtx context.Context, c matrix.Cell, spec child.Spec) (*child.Result, *record.Failure) {
	input, err := json.Marshal(spec)
	if err != nil {
		return nil, &record.Failure{Kind: record.FailError, Reason: err.Error()}
	}
	ctx, cancel := context.WithTimeout(runCtx, ch.Timeout)
	defer cancel()
	command := ch.Command
	if b, ok := ch.Binaries[c.Build]; ok {
		command = []string{b, child.Subcommand}
	}
	cmd := exec.CommandContext(ctx, command[0], command[1:]...)
	cmd.Stdin = bytes.NewReader(input)
	var stdout bytes.Buffer
	stderr := newStderrBuffer()
	cmd.Stdout = &stdout
	cmd.Stderr = stderr
	cmd.Env = append(childEnviron(), ch.Env...)
	cmd.Env = append(cmd.Env, c.Env()...)
	// Pdeathsig: a child dies with the harness (killed, or crashed)
	// instead of running its sample out as an orphan. The kernel sends it
	// when the *thread* that forked the child exits, so that thread is
	// locked to this goroutine until the child is reaped.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	runtime.LockOSThread()
	err = cmd.Run()
	runtime.UnlockOSThread()
	return childOutcome(err, runCtx.Err() == nil && ctx.Err() == context.DeadlineExceeded, ch.Timeout, stdout.Bytes(), stderr)
}

// childOutcome turns a finished child's exit, output and stderr into its
// result or its failure, with a one-line cause.
func childOutcome(err error, timedOut bool, timeout time.Duration, stdout []byte, stderr *stderrBuffer) (*child.Result, *record.Failure) {
	if timedOut {
		reason := fmt.Sprintf("no result within %v", timeout)
		return nil, &record.Failure{Kind: record.FailTimeout, Reason: reason, Cause: reason, Stderr: stderr.String()}
	}
	var res child.Result
	decodeErr := json.Unmarshal(stdout, &res)
	if err != nil {
		if decodeErr == nil && res.Error != nil {
			// The child's own report of its error.
			cause := oneLine(res.Error.Message)
			return nil, &record.Failure{Kind: res.Error.Kind, Reason: fmt.Sprintf("child: %v: %s", err, cause), Cause: cause, Stderr: stderr.String()}
		}
		kind := record.FailError
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) && corpus.IsResourceExhausted(err) {
			kind = record.FailResource // the harness could not start the child
		}
		if errors.As(err, &exitErr) {
			if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && (ws.Signaled() || ws.ExitStatus() == 2) {
				kind = record.FailCrash // a signal, or a Go panic or fatal error (exit 2)
			}
		}
		cause := crashCause(stderr.String(), err)
		return nil, &record.Failure{Kind: kind, Reason: fmt.Sprintf("child: %v: %s", err, cause), Cause: cause, Stderr: stderr.String()}
	}
	if decodeErr != nil {
		reason := fmt.Sprintf("child output: %v", decodeErr)
		return nil, &record.Failure{Kind: record.FailError, Reason: reason, Cause: reason, Stderr: stderr.String()}
	}
	if res.Error != nil { // exited 0 but said it failed: still a failure
		cause := oneLine(res.Error.Message)
		return nil, &record.Failure{Kind: res.Error.Kind, Reason: "child: " + cause, Cause: cause, Stderr: stderr.String()}
	}
	return &res, nil
}

// childEnviron is this process's environment without the variables that
// cells set, so an inherited GOGC cannot leak into every cell.
func childEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GODEBUG":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// progress draws the progress bar on a terminal.
func (r *runner) progress() {
	if !r.opts.Terminal || r.opts.Progress == nil {
		return
	}
	if time.Since(r.lastDraw) < 100*time.Millisecond && r.done < r.total {
		return
	}
	r.lastDraw = time.Now()
	const width = 30
	filled := width * r.done / max(r.total, 1)
	eta := "?"
	if r.done > 0 {
		per := time.Since(r.started) / time.Duration(r.done)
		eta = (per * time.Duration(r.total-r.done)).Round(time.Second).String()
	}
	fmt.Fprintf(r.opts.Progress, "\r\033[K[%s%s] %d/%d samples, %d cells, ETA %s",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), r.done, r.total, len(r.cells), eta)
}

// noiseWarnings flags cells whose samples vary too much.
func (r *runner) noiseWarnings() {
	for i := range r.rec.Cells {
		c := &r.rec.Cells[i]
		if len(c.Samples) < 2 {
			continue
		}
		cv := CoefficientOfVariation(c.Samples)
		if cv > record.NoisyCV {
			c.Warnings = append(c.Warnings, fmt.Sprintf("noisy: coefficient of variation %.1f%% (above %.0f%%)", 100*cv, 100*record.NoisyCV))
		}
	}
}
