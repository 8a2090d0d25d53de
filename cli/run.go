package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"benchgrid/builds"
	"benchgrid/child"
	"benchgrid/corpus"
	"benchgrid/harness"
	"benchgrid/matrix"
	"benchgrid/record"
	"benchgrid/workload"
)

// runFlags are the matrix and measurement flags shared by run and study.
type runFlags struct {
	// axes holds the flag of each matrix axis, by axis key.
	axes                                  map[string]*string
	corpus, config, filter, profiles, out *string
	count                                 *string
	targetCI                              *float64
	timeout, budget                       *time.Duration
	waitIdle, dryRun, dropSlow, allowBad  *bool
	fs                                    *flag.FlagSet
	seed                                  *uint64
	pgoProfile                            *string
	work                                  *workloadFlags
}

func addRunFlags(fs *flag.FlagSet) *runFlags {
	axes := map[string]*string{}
	for _, a := range matrix.Axes {
		axes[a.Key] = fs.String(a.Flag, "", a.Usage)
	}
	return &runFlags{
		work:       addWorkloadFlags(fs),
		axes:       axes,
		corpus:     fs.String("corpus", "", "corpus folder (default: the generated default corpus)"),
		config:     fs.String("config", "", "JSON matrix file (strict: unknown keys are errors); flags given too override it"),
		filter:     fs.String("filter", "", "keep only cells whose name matches this regular expression"),
		profiles:   fs.String("profile", "cpu,allocs", "profiles to take after the timed rounds: cpu,allocs,mutex,block,trace (empty: none)"),
		out:        fs.String("out", "results", "folder for run folders"),
		count:      fs.String("count", "10", "samples per cell, or auto: rounds until every cell's interval reaches -target-ci or -budget ends"),
		targetCI:   addPercent(fs, "target-ci", harness.DefaultTargetCI, "with -count auto, the 95% interval's half-width at which a cell is done, as a `fraction` of its median (3% or 0.03)", openUnit),
		budget:     addPositiveDuration(fs, "budget", harness.DefaultBudget, "with -count auto, the time the rounds may take"),
		dropSlow:   fs.Bool("drop-slow", false, "with -count auto, stop measuring cells clearly slower than the best"),
		allowBad:   fs.Bool("allow-bad", false, "run even when more than half of the documents are bad for the workload (the run then measures rejection)"),
		fs:         fs,
		timeout:    addPositiveDuration(fs, "timeout", harness.DefaultTimeout, "limit for one sample"),
		waitIdle:   fs.Bool("wait-idle", false, "wait (at most a minute) for the machine to be quiet before each round"),
		dryRun:     fs.Bool("dry-run", false, "list the cells and the estimated time, and stop"),
		seed:       fs.Uint64("seed", 0, "seed for the order of cells in each round (0: random, recorded)"),
		pgoProfile: fs.String("pgo-profile", "", "CPU profile for the pgo build variant (default: profile the pgo cells' configurations first)"),
	}
}

// matrix builds the matrix from -config and the axis flags. An invalid
// value is a usage error naming its flag (ReadMatrix names the file and
// the key of one in -config).
func (f *runFlags) matrix() (matrix.Matrix, error) {
	m, err := f.mergedMatrix()
	if err != nil {
		return m, err
	}
	if _, m.Workload, err = f.work.spec(); err != nil {
		return m, err
	}
	if err := m.Check(); err != nil {
		var ae *matrix.AxisError
		if errors.As(err, &ae) && matrix.FlagOf(ae.Axis) != "" {
			return m, usagef("-%s: %w", matrix.FlagOf(ae.Axis), ae.Err)
		}
		if errors.As(err, &ae) && ae.Axis == "filter" {
			return m, usagef("-filter: %w", ae.Err)
		}
		return m, usageError{err: err}
	}
	return m, nil
}

// mergedMatrix reads -config and lets every axis flag given replace its
// axis.
func (f *runFlags) mergedMatrix() (matrix.Matrix, error) {
	var m matrix.Matrix
	if *f.config != "" {
		var err error
		if m, err = matrix.ReadMatrix(*f.config); err != nil {
			return m, usagef("-config: %w", err)
		}
	}
	for _, a := range matrix.Axes {
		items := matrix.SplitList(*f.axes[a.Key])
		if len(items) == 0 {
			continue
		}
		if err := a.SetValues(&m, items); err != nil {
			return m, usagef("-%s: %w", a.Flag, err)
		}
	}
	if *f.filter != "" {
		m.Filter = *f.filter
	}
	return m, nil
}

// options checks the flags and builds the harness options, with
// opts.Corpus the folder of src, which is not generated yet: only a run
// does that (see useCorpus), a dry run never.
func (f *runFlags) options(stderr io.Writer) (opts harness.Options, src harness.CorpusSource, err error) {
	m, err := f.matrix()
	if err != nil {
		return opts, src, err
	}
	count, adaptive, err := f.sampling()
	if err != nil {
		return opts, src, err
	}
	if _, err := record.ParseProfileKinds(matrix.SplitList(*f.profiles)); err != nil {
		return opts, src, usagef("-profile: %v", err)
	}
	if _, err := m.Cells(); err != nil {
		if *f.filter != "" { // values are checked: the filter left no cell
			return opts, src, usagef("-filter %q: matches no cell of the matrix", *f.filter)
		}
		return opts, src, usageError{err: err}
	}
	spec, w, err := f.work.spec()
	if err != nil {
		return opts, src, err
	}
	src = harness.DefaultCorpusSource()
	switch {
	case *f.corpus != "":
		src = harness.GivenCorpus(*f.corpus)
	case w.Name() != workload.Default:
		return opts, src, usagef("the %s workload needs -corpus DIR: the default corpus is for the %s workload", w.Name(), workload.Default)
	}
	if err := checkOut(*f.out, src); err != nil {
		return opts, src, err
	}
	if err := harness.CheckLatestLink(*f.out); err != nil {
		return opts, src, fmt.Errorf("-out: %w", err)
	}
	opts = harness.Options{
		Workload: spec, Matrix: m, Corpus: src.Dir, Count: count, Adaptive: adaptive, Timeout: *f.timeout,
		Profiles: matrix.SplitList(*f.profiles), OutDir: *f.out, Seed: *f.seed,
		WaitIdle: *f.waitIdle, AllowBad: *f.allowBad, Progress: stderr, Terminal: isTerminal(stderr),
	}
	return opts, src, nil
}

// sampling reads -count and the adaptive flags: a fixed count, or the
// adaptive settings for -count auto. The adaptive flags without -count
// auto are a usage error: they would do nothing.
func (f *runFlags) sampling() (int, *harness.Adaptive, error) {
	if *f.count == "auto" {
		return 0, &harness.Adaptive{TargetCI: *f.targetCI, Budget: *f.budget, Drop: *f.dropSlow}, nil
	}
	n, err := strconv.Atoi(*f.count)
	if err != nil {
		return 0, nil, usagef("-count %q: want a number of samples or auto", *f.count)
	}
	if n <= 0 {
		return 0, nil, usagef("-count %d: want at least 1", n)
	}
	for _, name := range []string{"target-ci", "budget", "drop-slow"} {
		if flagSet(f.fs, name) {
			return 0, nil, usagef("-%s: needs -count auto", name)
		}
	}
	return n, nil, nil
}

// checkOut refuses an -out folder inside the corpus, before anything is
// written: the run's own files would become inputs.
func checkOut(out string, src harness.CorpusSource) error {
	if err := harness.CheckOutDir(out, src.Dir); err != nil {
		return usagef("-out: %w", err)
	}
	return nil
}

// useCorpus generates the corpus of src when it is pending and wires what
// needs it into opts.
func (f *runFlags) useCorpus(ctx context.Context, opts *harness.Options, src harness.CorpusSource, stderr io.Writer) error {
	var err error
	if opts.Corpus, opts.CorpusSeed, err = src.Get(ctx, stderr); err != nil {
		return err
	}
	// Wired after the corpus is known: the PGO profiler copies opts.
	opts.Builder = &builds.GoBuilder{
		PGOProfile: *f.pgoProfile,
		Profiler:   opts.PGOProfiler(filepath.Join(opts.OutDir, "pgo")).Profile,
		Log:        stderr,
	}
	return nil
}

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", stderr)
	f := addRunFlags(fs)
	report := fs.Bool("report", false, "write the markdown report after the run")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: benchgrid run [flags]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("run: unexpected arguments %q", fs.Args())
	}
	opts, src, err := f.options(stderr)
	if err != nil {
		return err
	}
	if *f.dryRun {
		return dryRun(ctx, opts, src, stdout)
	}
	if err := f.useCorpus(ctx, &opts, src, stderr); err != nil {
		return err
	}
	dir, rec, err := harness.Run(ctx, opts)
	if dir != "" {
		fmt.Fprintf(stderr, "results in %s\n", dir)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, dir)
	if *report {
		if err := runReport(ctx, []string{dir}, io.Discard, stderr); err != nil {
			return err
		}
	}
	// A wrong answer or a crash is an error of the run, not a data point:
	// the results are kept, and the exit status says so.
	if failed := rec.FailedCells(); len(failed) > 0 {
		return fmt.Errorf("%d cells had failed samples (see %s):\n  %s", len(failed), dir, strings.Join(failed, "\n  "))
	}
	return nil
}

// dryRun prints the cells a run would measure and its estimated length,
// from the corpus as a run would list it (SKIPPED: a folder it cannot
// read) or, for a default corpus not generated yet, from what generating
// it would give: a dry run writes nothing.
func dryRun(ctx context.Context, opts harness.Options, src harness.CorpusSource, stdout io.Writer) error {
	var cost harness.CorpusCost
	var files []corpus.File // nil for a corpus not generated yet
	if src.Pending() {
		files, bytes := harness.ExpectedCorpusSize(src.Gen)
		cost = harness.AssumedCorpusCost(files, bytes)
		fmt.Fprintf(stdout, "WOULD GENERATE %s: %d files, about %s (a dry run does not)\n", src.Dir, files, corpus.FormatBytes(bytes))
	} else {
		var skipped []corpus.Skipped
		var measured harness.CorpusCost
		var err error
		files, skipped, measured, err = harness.MeasureCorpus(ctx, opts.Corpus, opts.Matrix.Workload.IsInput)
		if err != nil {
			return err
		}
		for _, sk := range skipped {
			fmt.Fprintf(stdout, "SKIPPED %s: %s\n", sk.Path, sk.Reason)
		}
		if measured.Files == 0 {
			return fmt.Errorf("corpus %s: no inputs of the %s workload", opts.Corpus, opts.Matrix.Workload.Name())
		}
		cost = measured
	}
	a := opts.Adaptive
	if a != nil {
		// The estimate is of the fewest rounds; the budget bounds the most.
		opts.Count = harness.MinCountForCI
	}
	plan, err := harness.MakePlan(opts)
	if err != nil {
		return usageError{err: err}
	}
	if files != nil {
		plan.DropCold(opts.Corpus, files) // as the run would
	}
	for _, c := range plan.Cells {
		fmt.Fprintln(stdout, c.FullName())
	}
	for _, u := range plan.Unavailable {
		fmt.Fprintf(stdout, "UNAVAILABLE %s: %s\n", u.What, u.Reason)
	}
	how := "measured"
	if !cost.Measured {
		how = "assumed"
	}
	samples := strconv.Itoa(plan.Samples)
	if plan.Samples == math.MaxInt { // saturated
		samples = "more than " + samples
	}
	if a != nil {
		maxRounds := cmp.Or(a.MaxRounds, harness.DefaultMaxRounds)
		fmt.Fprintf(stdout, "%d cells, adaptive: %d to %d rounds, until every cell's 95%% interval is within ±%s of its median%s, or the budget of %v for the rounds ends; corpus %d files, %d bytes; %d rounds estimated %s (reading a file: %v, %s)\n",
			len(plan.Cells), harness.MinCountForCI, maxRounds, strconv.FormatFloat(100*a.TargetCI, 'g', -1, 64)+"%", dropText(a.Drop), a.Budget,
			cost.Files, cost.Bytes, harness.MinCountForCI, harness.FormatEstimate(plan.Estimate(cost)),
			cost.ReadPerFile.Round(100*time.Nanosecond), how)
		return nil
	}
	fmt.Fprintf(stdout, "%d cells × %d samples = %s samples; corpus %d files, %d bytes; estimated %s (reading a file: %v, %s)\n",
		len(plan.Cells), opts.Count, samples, cost.Files, cost.Bytes, harness.FormatEstimate(plan.Estimate(cost)),
		cost.ReadPerFile.Round(100*time.Nanosecond), how)
	return nil
}

// dropText says, in the dry run's line, whether -drop-slow drops cells.
func dropText(drop bool) string {
	if drop {
		return " (cells clearly slower than the best are dropped)"
	}
	return ""
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0 && !strings.EqualFold(os.Getenv("TERM"), "dumb")
}

func runChild(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	return child.Main(ctx, stdin, stdout)
}
