package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"benchgrid/corpus"
	"benchgrid/processor"
	"benchgrid/strategies"
	"benchgrid/workload"
)

func runProcess(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("process", stderr)
	wf := addWorkloadFlags(fs)
	parser := fs.String("parser", "", "JSON parser adapter (default: the workload's reference)")
	strategy := fs.String("strategy", strategies.WithRole(strategies.RoleVersus), "concurrency strategy")
	workers := fs.Int("workers", 0, "workers (0: GOMAXPROCS)")
	readers := fs.Int("readers", 0, "pipeline readers (0: workers)")
	read := fs.String("read", string(corpus.ReadFile), "read mode: readfile, reuse, mmap, sized, openat, openat-raw or uring")
	walk := fs.String("walk", string(corpus.WalkLstat), "walk mode: lstat (an lstat per input) or dtype (getdents' entry types, sizes learned when read)")
	stream := fs.Bool("stream", false, "hand files to the workers while walking, instead of after the walk (strategies "+strings.Join(processor.StreamStrategies, ", ")+")")
	latency := fs.Duration("latency", 0, "simulated storage latency waited before every file's read (0: none)")
	verbose := fs.Bool("v", false, "list each bad input and its reason on stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: benchgrid process [-workload W | -query FILE] -parser P -strategy S [-workers N] [-read M] [-walk W] [-stream] [-v] DIR")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("process: want one corpus directory, got %d arguments", fs.NArg())
	}
	if reason := processor.FeedUnavailable(processor.FeedStream, *strategy); *stream && reason != "" {
		return usagef("process: -stream: %s", reason)
	}
	mode, err := corpus.ParseReadMode(*read)
	if err != nil {
		return usageError{err: err}
	}
	_, w, err := wf.spec()
	if err != nil {
		return err
	}
	if *parser == "" {
		*parser = workload.WithRole(w, workload.RoleReference)
	}
	proc, err := processor.New(processor.Config{
		Workload: w, Parser: *parser, Strategy: *strategy, Workers: *workers, Readers: *readers, Read: mode, Latency: *latency,
	})
	if errors.Is(err, workload.ErrUnavailable) || errors.As(err, new(*corpus.UnavailableError)) {
		return err // a valid command line; the parser or the read mode cannot run here
	}
	if err != nil {
		return usageError{err: err}
	}
	walkMode, err := corpus.ParseWalkMode(*walk)
	if err != nil {
		return usageError{err: err}
	}
	list := corpus.ListOptions{IsInput: w.IsInput, Walk: walkMode}
	var tally *workload.Outcome
	if *stream {
		var skipped []corpus.Skipped
		tally, err = proc.RunWalk(ctx, func(ctx context.Context, emit func([]corpus.File) error) error {
			var err error
			skipped, err = corpus.WalkWith(ctx, fs.Arg(0), list, emit)
			return err
		})
		printSkipped(stderr, skipped)
	} else {
		var files []corpus.File
		var skipped []corpus.Skipped
		files, skipped, err = corpus.ListWith(ctx, fs.Arg(0), list)
		if err != nil {
			return err
		}
		printSkipped(stderr, skipped)
		tally, err = proc.Run(ctx, files)
	}
	if err != nil {
		return err
	}
	if *verbose {
		for _, bad := range tally.Bad {
			fmt.Fprintf(stderr, "bad %s: %s\n", bad.Path, bad.Reason)
		}
	}
	for _, note := range tally.Notes {
		fmt.Fprintf(stderr, "warning: %s\n", note)
	}
	for _, reason := range slices.Sorted(maps.Keys(tally.Fallbacks)) {
		fmt.Fprintf(stderr, "fallback: %s: %s\n", plural(tally.Fallbacks[reason], "document"), reason)
	}
	if proc.ReadOnly() {
		fmt.Fprintf(stderr, "parser %s computes no result: %s\n", *parser, tally.Summary)
		return nil
	}
	_, err = stdout.Write(tally.Canonical)
	return err
}

// printSkipped says which folders the walk skipped, and why.
func printSkipped(stderr io.Writer, skipped []corpus.Skipped) {
	for _, sk := range skipped {
		fmt.Fprintf(stderr, "skipped folder %s: %s\n", sk.Path, sk.Reason)
	}
}

// plural returns "1 file" or "n files".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
