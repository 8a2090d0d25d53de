// Command benchgrid runs one JSON-processing workload under interchangeable
// concurrency strategies, JSON parsers and runtime knobs, measures each
// configuration, checks they all compute the same answer, and reports why
// one is faster than another.
//
// Usage:
//
//	benchgrid corpus gen -dir DIR [-files N] [-seed S] [-bad K] [-size default|tiny|large]
//	benchgrid corpus describe DIR
//	benchgrid process -parser P -strategy S [-workers N] [-read M] [-v] DIR
//	benchgrid run [-parsers …] [-strategies …] [-count N] [-corpus DIR] [-report]
//	benchgrid study [-corpus DIR] [-quick] [-count N] [-out DIR] [-seed S] [-no-builds]
//	benchgrid report [RUN_DIR]
//	benchgrid compare [-threshold 0.05] [-normalize geomean|floor|none] OLD NEW
//	benchgrid sizes [-o FILE] RUN_DIR RUN_DIR...
//
// A session:
//
//	$ benchgrid corpus gen -dir /tmp/c -files 2000 -bad 40
//	/tmp/c: 2040 files (40 adversarial: 29 bad, 11 tricky but good), 11.7 MiB, 6386 events in batch files
//	$ benchgrid process -parser sonic -strategy pool /tmp/c
//	{"files":2040,"bad_files":29,"bytes":12278405,"events":6410,…}
//	$ benchgrid corpus describe /tmp/c
//	files            2040
//	directories        12
//	bytes        12278405   11.7 MiB
//	size p50         2646    2.6 KiB
//	size p90        12140   11.9 KiB
//	size p99        59405   58.0 KiB
//	size max       242511  236.8 KiB
//
// The doc test keeps this session true.
//
// stdout carries data (the canonical line, a description); stderr carries
// progress and messages. Exit status is 0 on success, 1 on failure and 2 on
// a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"benchgrid/child"
	_ "benchgrid/workloads/builtin" // the built-in workloads and their adapters
)

func main() { os.Exit(benchgrid()) }

// benchgrid runs the command line and returns the exit status. The
// end-to-end scripts run it as the benchgrid command, too.
//
// The first SIGINT or SIGTERM cancels the command's context: a run kills
// the child in flight, keeps every finished sample and exits 1, as does a
// reference pass, process or a study. A second signal ends the process at
// once (the default action); its children die with it (Pdeathsig).
func benchgrid() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // the next signal takes its default action
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		err = fmt.Errorf("interrupted: %w", err)
	}
	var ue usageError
	if err != nil && !errors.Is(err, flag.ErrHelp) && !(errors.As(err, &ue) && ue.reported) {
		fmt.Fprintln(os.Stderr, "benchgrid:", err)
	}
	return exitCode(err)
}

// usageError is a mistake in the command line: exit status 2. reported
// marks one the flag package has already printed.
type usageError struct {
	err      error
	reported bool
}

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{err: fmt.Errorf(format, args...)}
}

func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		return 2
	default:
		return 1
	}
}

const usage = `usage: benchgrid <command> [flags]

commands:
  corpus gen       write a deterministic corpus
  corpus describe  print a corpus's files, bytes and size percentiles
  process          run one configuration and print the canonical result
  run              measure a matrix of configurations into results/<timestamp>
  study            find the fastest configuration, one change at a time, into results/study-<timestamp>
  report           write the markdown report of a run
  compare          compare two runs; exit 1 when a cell regressed
  sizes            compare runs on corpora of different sizes: does time grow linearly?

Run 'benchgrid <command> -h' for a command's flags.
`

// run is the whole command, testable without a process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no command")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "corpus":
		return runCorpus(ctx, rest, stdout, stderr)
	case "process":
		return runProcess(ctx, rest, stdout, stderr)
	case "run":
		return runRun(ctx, rest, stdout, stderr)
	case "study":
		return runStudy(ctx, rest, stdout, stderr)
	case "report":
		return runReport(ctx, rest, stdout, stderr)
	case "compare":
		return runCompare(ctx, rest, stdout, stderr)
	case "sizes":
		return runSizes(ctx, rest, stdout, stderr)
	case child.Subcommand: // hidden: one sample, run by the harness in a fresh process
		return runChild(ctx, os.Stdin, stdout)
	case child.ParsersSubcommand: // hidden: which parsers this binary can run, as JSON
		return child.ParsersMain(os.Stdin, stdout)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usagef("unknown command %q", cmd)
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err: err, reported: true} // the flag package printed it
	}
	return nil
}
