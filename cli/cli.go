// Package cli is benchgrid's command line as a library: Main parses
// os.Args, runs the command and returns its exit status, as testing.Main
// and sweet's driver do. cmd/benchgrid is Main with the built-in workloads;
// a user's own main package registers its own workload (package workload,
// docs/own-workload.md) and calls Main too, getting run, process, report,
// study and compare for it.
//
// The harness runs every sample in a fresh child process started as
// os.Executable() with a hidden subcommand, which Main dispatches: a
// binary whose main calls Main is its own child, with the same workloads
// registered. Main must therefore be called from main (after the
// binary's workloads are registered, as init functions do), not only
// behind a flag or subcommand of the user's own.
//
// stdout carries data (the canonical line, a description); stderr carries
// progress and messages. Exit status is 0 on success, 1 on failure and 2 on
// a usage error.
//
// It sits on top of benchgrid's flow: flags, subcommands, signals and exit
// codes, wiring every package below it.
package cli

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
)

// Main runs the command line os.Args names and returns its exit status:
// 0 on success (and for -h), 1 on failure, 2 on a usage error. It prints
// the error, if any, to stderr as "benchgrid: …". A main package calls
// it as
//
//	func main() { os.Exit(cli.Main()) }
//
// The first SIGINT or SIGTERM cancels the command's context: a run kills
// the child in flight, keeps every finished sample and exits 1, as does a
// reference pass, process or a study. A second signal ends the process at
// once (the default action); its children die with it (Pdeathsig).
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // the next signal takes its default action
	}()
	err := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		err = fmt.Errorf("interrupted: %w", err)
	}
	if msg := Message(err); msg != "" {
		fmt.Fprintln(os.Stderr, msg)
	}
	return ExitCode(err)
}

// Message is the line Main prints to stderr for err, or "" when there is
// none to print: no error, -h, or a usage error the flag package has
// already printed.
func Message(err error) string {
	var ue usageError
	if err == nil || errors.Is(err, flag.ErrHelp) || (errors.As(err, &ue) && ue.reported) {
		return ""
	}
	return "benchgrid: " + err.Error()
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

// ExitCode is the exit status for Run's error: 0 for nil and for -h
// (flag.ErrHelp), 2 for a usage error, 1 for any other.
func ExitCode(err error) int {
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

// Run runs the command args names (os.Args[1:] for Main), testable
// without a process: data goes to stdout, progress and messages to stderr,
// and the hidden child subcommands read their spec from stdin. It returns
// the command's error, which ExitCode maps to an exit status and Message
// to the line Main prints; Run prints only what the flag package and the
// usage texts print.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
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
		return runChild(ctx, stdin, stdout)
	case child.ParsersSubcommand: // hidden: which parsers this binary can run, as JSON
		return child.ParsersMain(stdin, stdout)
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
