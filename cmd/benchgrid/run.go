package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"benchgrid/corpus"
	"benchgrid/harness"
)

// runFlags are the matrix and measurement flags shared by run and study.
type runFlags struct {
	parsers, strategies, workers, reads   *string
	gomaxprocs, gogc, gomemlimit, builds  *string
	corpus, config, filter, profiles, out *string
	count                                 *int
	timeout                               *time.Duration
	waitIdle, dryRun                      *bool
	seed                                  *uint64
	pgoProfile                            *string
}

func addRunFlags(fs *flag.FlagSet) *runFlags {
	return &runFlags{
		parsers:    fs.String("parsers", "", "comma-separated parsers (default: all)"),
		strategies: fs.String("strategies", "", "comma-separated strategies (default: all)"),
		workers:    fs.String("workers", "", "comma-separated worker counts (default: GOMAXPROCS)"),
		reads:      fs.String("read", "", "comma-separated read modes: readfile, reuse, mmap (default: readfile)"),
		gomaxprocs: fs.String("gomaxprocs", "", "comma-separated GOMAXPROCS values for the children"),
		gogc:       fs.String("gogc", "", "comma-separated GOGC values for the children (e.g. 100,400,off)"),
		gomemlimit: fs.String("gomemlimit", "", "comma-separated GOMEMLIMIT values for the children (e.g. 1GiB)"),
		builds:     fs.String("build", "", "comma-separated build variants: "+strings.Join(harness.BuildVariants, ", ")+" (default: default)"),
		corpus:     fs.String("corpus", "", "corpus folder (default: the generated default corpus)"),
		config:     fs.String("config", "", "JSON matrix file (strict: unknown keys are errors); flags given too override it"),
		filter:     fs.String("filter", "", "keep only cells whose name matches this regular expression"),
		profiles:   fs.String("profile", "cpu,allocs", "profiles to take after the timed rounds: cpu,allocs,mutex,block,trace (empty: none)"),
		out:        fs.String("out", "results", "folder for run folders"),
		count:      fs.Int("count", 10, "samples per cell"),
		timeout:    addPositiveDuration(fs, "timeout", 5*time.Minute, "limit for one sample"),
		waitIdle:   fs.Bool("wait-idle", false, "wait (at most a minute) for the machine to be quiet before each round"),
		dryRun:     fs.Bool("dry-run", false, "list the cells and the estimated time, and stop"),
		seed:       fs.Uint64("seed", 0, "seed for the order of cells in each round (0: random, recorded)"),
		pgoProfile: fs.String("pgo-profile", "", "CPU profile for the pgo build variant (default: profile the pgo cells' configurations first)"),
	}
}

// axisFlags names the flag of each matrix axis (harness.AxisError.Axis).
var axisFlags = map[string]string{
	"parsers": "parsers", "strategies": "strategies", "workers": "workers", "read": "read",
	"gomaxprocs": "gomaxprocs", "gogc": "gogc", "gomemlimit": "gomemlimit", "builds": "build", "filter": "filter",
}

// matrix builds the matrix from -config and the axis flags. An invalid
// value is a usage error naming its flag (ReadMatrix names the file and
// the key of one in -config).
func (f *runFlags) matrix() (harness.Matrix, error) {
	m, err := f.mergedMatrix()
	if err != nil {
		return m, err
	}
	if err := m.Check(); err != nil {
		var ae *harness.AxisError
		if errors.As(err, &ae) && axisFlags[ae.Axis] != "" {
			return m, usagef("-%s: %w", axisFlags[ae.Axis], ae.Err)
		}
		return m, usageError{err: err}
	}
	return m, nil
}

// mergedMatrix reads -config and lets every axis flag given replace its
// axis.
func (f *runFlags) mergedMatrix() (harness.Matrix, error) {
	var m harness.Matrix
	if *f.config != "" {
		var err error
		if m, err = harness.ReadMatrix(*f.config); err != nil {
			return m, usagef("-config: %w", err)
		}
	}
	set := func(dst *[]string, flag string) {
		if v := harness.SplitList(flag); len(v) > 0 {
			*dst = v
		}
	}
	set(&m.Parsers, *f.parsers)
	set(&m.Strategies, *f.strategies)
	set(&m.Reads, *f.reads)
	set(&m.GOGC, *f.gogc)
	set(&m.GOMEMLIMIT, *f.gomemlimit)
	set(&m.Builds, *f.builds)
	if *f.filter != "" {
		m.Filter = *f.filter
	}
	for _, axis := range []struct {
		dst  *[]int
		flag string
		name string
	}{{&m.Workers, *f.workers, "workers"}, {&m.GOMAXPROCS, *f.gomaxprocs, "gomaxprocs"}} {
		items := harness.SplitList(axis.flag)
		if len(items) == 0 {
			continue
		}
		*axis.dst = nil
		for _, item := range items {
			n, err := strconv.Atoi(item)
			if err != nil {
				return m, usagef("-%s: %q is not a number", axis.name, item)
			}
			*axis.dst = append(*axis.dst, n)
		}
	}
	return m, nil
}

// options builds the harness options, generating the default corpus when
// no -corpus is given.
func (f *runFlags) options(ctx context.Context, stderr io.Writer) (harness.Options, error) {
	m, err := f.matrix()
	if err != nil {
		return harness.Options{}, err
	}
	if *f.count <= 0 {
		return harness.Options{}, usagef("-count %d: want at least 1", *f.count)
	}
	for _, p := range harness.SplitList(*f.profiles) {
		if !slices.Contains(harness.ProfileKinds, p) {
			return harness.Options{}, usagef("-profile: unknown profile %q (have %s)", p, strings.Join(harness.ProfileKinds, ","))
		}
	}
	if _, err := m.Cells(); err != nil {
		if *f.filter != "" { // values are checked: the filter left no cell
			return harness.Options{}, usagef("-filter %q: matches no cell of the matrix", *f.filter)
		}
		return harness.Options{}, usageError{err: err}
	}
	opts := harness.Options{
		Matrix: m, Corpus: *f.corpus, Count: *f.count, Timeout: *f.timeout,
		Profiles: harness.SplitList(*f.profiles), OutDir: *f.out, Seed: *f.seed,
		WaitIdle: *f.waitIdle, Progress: stderr, Terminal: isTerminal(stderr),
	}
	if opts.Corpus == "" {
		dir, seed, err := harness.DefaultCorpus(ctx, stderr)
		if err != nil {
			return opts, err
		}
		opts.Corpus, opts.CorpusSeed = dir, seed
	}
	// Wired after the corpus is known: the PGO profiler copies opts.
	opts.Builder = &harness.GoBuilder{
		PGOProfile: *f.pgoProfile,
		Profiler:   harness.PGOProfiler(opts, filepath.Join(opts.OutDir, "pgo")),
		Log:        stderr,
	}
	return opts, nil
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
	opts, err := f.options(ctx, stderr)
	if err != nil {
		return err
	}
	if *f.dryRun {
		return dryRun(ctx, opts, stdout)
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

func dryRun(ctx context.Context, opts harness.Options, stdout io.Writer) error {
	stats, err := corpus.Describe(ctx, opts.Corpus)
	if err != nil {
		return err
	}
	plan, err := harness.MakePlan(opts, stats.Bytes)
	if err != nil {
		return usageError{err: err}
	}
	for _, c := range plan.Cells {
		fmt.Fprintln(stdout, c.FullName())
	}
	for _, u := range plan.Unavailable {
		fmt.Fprintf(stdout, "UNAVAILABLE %s: %s\n", u.What, u.Reason)
	}
	fmt.Fprintf(stdout, "%d cells × %d samples = %d samples; corpus %d files, %d bytes; estimated %v\n",
		len(plan.Cells), opts.Count, plan.Samples, stats.Files, stats.Bytes, plan.Estimate.Round(time.Second))
	return nil
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
	return harness.RunChild(ctx, stdin, stdout)
}
