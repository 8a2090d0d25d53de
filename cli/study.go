package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"benchgrid/builds"
	"benchgrid/harness"
	"benchgrid/matrix"
	"benchgrid/record"
	"benchgrid/reports"
	"benchgrid/study"
	"benchgrid/workload"
)

// quickCount is -quick's samples per configuration; its corpus is
// harness.QuickCorpusOptions.
const quickCount = 6

// runStudy is `benchgrid study`: forward selection from the naive program
// to the fastest configuration, one change at a time, into
// results/study-<timestamp>, with study.md, preset.json and every step's
// run folder and report.
func runStudy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("study", stderr)
	corpusDir := fs.String("corpus", "", "corpus folder (default: the generated default corpus, or the quick one with -quick)")
	quick := fs.Bool("quick", false, fmt.Sprintf("a quick study: a generated corpus of %d files and -count %d", harness.QuickCorpusOptions.Files, quickCount))
	count := fs.Int("count", 10, "samples per configuration in every step")
	out := fs.String("out", "results", "folder for the study folder")
	seed := fs.Uint64("seed", 0, "seed for the order of cells in each step's rounds (0: random, recorded)")
	timeout := addPositiveDuration(fs, "timeout", harness.DefaultTimeout, "limit for one sample")
	minGain := addFloat(fs, "min-gain", study.DefaultMinGain, "smallest gain adopted, as a `fraction` of the median (0.01: 1% faster)", fraction)
	profiles := fs.String("profile", "cpu,allocs", "profiles of the final step's configurations (empty: none)")
	wf := addWorkloadFlags(fs)
	noBuilds := fs.Bool("no-builds", false, "skip the candidates that need a build variant (jsonv2, goamd64v3, nogreenteagc) and the PGO round")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: benchgrid study [-workload W | -query FILE] [-corpus DIR] [-quick] [-count N] [-out DIR] [-seed S] [flags]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("study: unexpected arguments %q", fs.Args())
	}
	if *count < 1 {
		return usagef("study: -count %d: want at least 1", *count)
	}
	if *quick && !flagSet(fs, "count") {
		*count = quickCount
	}
	spec, w, err := wf.spec()
	if err != nil {
		return err
	}
	if w.Name() != workload.Default && *corpusDir == "" {
		return usagef("the %s workload needs -corpus DIR: the default corpora are for the %s workload", w.Name(), workload.Default)
	}

	src := harness.DefaultCorpusSource()
	switch {
	case *corpusDir != "":
		src = harness.GivenCorpus(*corpusDir)
	case *quick:
		src = harness.GeneratedSource("quick", harness.QuickCorpusOptions)
	}
	// Each step's runs go to a new study folder, so there is no latest
	// link to check, but the folder must not be inside the corpus.
	if err := checkOut(*out, src); err != nil {
		return err
	}
	hopts := harness.Options{
		Workload: spec, Matrix: matrix.Matrix{Workload: w},
		Timeout: *timeout, Seed: *seed,
		Progress: stderr, Terminal: isTerminal(stderr),
	}
	if hopts.Corpus, hopts.CorpusSeed, err = src.Get(ctx, stderr); err != nil {
		return err
	}
	started := time.Now()
	dir, err := study.NewDir(*out, started)
	if err != nil {
		return err
	}
	hopts.OutDir = dir
	sopts := study.Options{
		Dir: dir, Workload: w, Count: *count, Criteria: study.Criteria{MinGain: *minGain},
		Profiles: matrix.SplitList(*profiles), Progress: stderr,
	}
	if *noBuilds {
		sopts.NoBuilds = "-no-builds was given"
	} else {
		hopts.Builder = newBuilder(hopts, dir, stderr)
	}
	fmt.Fprintf(stderr, "study in %s: corpus %s, %d samples per configuration\n", dir, hopts.Corpus, *count)

	st, err := study.Run(ctx, &study.Harness{Options: hopts}, sopts)
	if st != nil {
		// Write the reports even when interrupted: they are quick, and
		// what was measured deserves them.
		if rerr := writeStudyReports(context.WithoutCancel(ctx), dir, st, stderr); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	fmt.Fprintf(stderr, "study took %v; report in %s\n", time.Since(started).Round(time.Second), filepath.Join(dir, record.StudyReportFile))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, dir)
	return nil
}

// newBuilder is the builder of the study's build variants: benchgrid built
// from its sources with the go command, the pgo variant from a CPU profile
// of the final configuration, kept in the study folder.
func newBuilder(opts harness.Options, studyDir string, log io.Writer) builds.Builder {
	return &builds.GoBuilder{
		Profiler: opts.PGOProfiler(filepath.Join(studyDir, "pgo")).Profile,
		Log:      log,
	}
}

// writeStudyReports writes each step's run report and study.md. A step
// whose report fails is a warning: study.md is what matters.
func writeStudyReports(ctx context.Context, dir string, st *record.Study, stderr io.Writer) error {
	for _, s := range st.Steps {
		if s.Run == "" {
			continue
		}
		runDir := s.Run
		if !filepath.IsAbs(runDir) {
			runDir = filepath.Join(dir, runDir)
		}
		if err := reports.Write(ctx, runDir, reports.Options{}); err != nil {
			fmt.Fprintf(stderr, "warning: %v\n", err)
		}
	}
	return reports.WriteStudy(ctx, dir)
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
