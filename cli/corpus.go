package cli

import (
	"context"
	"fmt"
	"io"

	"benchgrid/corpus"
	"benchgrid/workloads/events/gen"
)

const corpusUsage = `usage: benchgrid corpus <subcommand> [flags]

subcommands:
  gen -dir DIR [-files N] [-seed S] [-bad K] [-size default|tiny|large]
                 write a deterministic corpus (+K adversarial inputs)
  real [-out DIR] [-copies N] [-source twitter,citm,...] [-layout json,ndjson-gz,...]
                 write corpora of real documents from Go's own test data,
                 with a query file for each (docs/real-corpora.md)
  describe DIR   print a corpus's files, bytes and size percentiles

Run 'benchgrid corpus <subcommand> -h' for its flags.
`

func runCorpus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, corpusUsage)
		return usagef("corpus: want a subcommand: gen, real or describe")
	}
	switch args[0] {
	case "gen":
		return runCorpusGen(ctx, args[1:], stdout, stderr)
	case "real":
		return runCorpusReal(ctx, args[1:], stdout, stderr)
	case "describe":
		return runCorpusDescribe(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		// Asked for, the help is the output: stdout, as for benchgrid -h.
		fmt.Fprint(stdout, corpusUsage)
		return nil
	}
	fmt.Fprint(stderr, corpusUsage)
	return usagef("corpus: unknown subcommand %q (want gen, real or describe)", args[0])
}

func runCorpusGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("corpus gen", stderr)
	dir := fs.String("dir", "", "folder to write the corpus into (must not exist or be empty)")
	files := fs.Int("files", 0, fmt.Sprintf("batch files to write (default %d, or %d with -size large)", gen.DefaultFiles, gen.DefaultFilesOf(gen.SizeLarge)))
	seed := fs.Uint64("seed", 1, "generator seed: the same flags give the same bytes")
	bad := fs.Int("bad", 0, "adversarial inputs to add (every kind docs/events.md makes bad, and tricky good ones)")
	size := fs.String("size", string(gen.SizeDefault), "size profile of the batch files: default (a few KiB, a tail to 300 KiB), tiny (about 300 B, for a million files) or large (about 1 MiB)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: benchgrid corpus gen -dir DIR [-files N] [-seed S] [-bad K] [-size default|tiny|large]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() != 0 {
		return usagef("corpus gen: want -dir DIR and no arguments")
	}
	// Unset, -files is the size's default; set, it must be a count.
	if flagSet(fs, "files") && *files <= 0 {
		return usagef("corpus gen: -files %d: want at least 1", *files)
	}
	sz, err := gen.ParseSize(*size)
	if err != nil {
		return usagef("corpus gen: -size: %v", err)
	}
	if *bad < 0 {
		return usagef("corpus gen: -bad %d: want 0 or more", *bad)
	}
	st, err := gen.Generate(ctx, gen.GenOptions{Dir: *dir, Files: *files, Seed: *seed, Bad: *bad, Size: sz})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d files (%d adversarial: %d bad, %d tricky but good), %s, %d events in batch files\n",
		*dir, st.Files, st.Bad+st.Tricky, st.Bad, st.Tricky, corpus.FormatBytes(st.Bytes), st.Events)
	return nil
}

func runCorpusDescribe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("corpus describe", stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: benchgrid corpus describe DIR") }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("corpus describe: want one corpus directory")
	}
	st, skipped, err := corpus.DescribeSkipping(ctx, fs.Arg(0), nil)
	if err != nil {
		return err
	}
	// As a run does: an unreadable folder is skipped, and said.
	for _, sk := range skipped {
		fmt.Fprintf(stderr, "skipped %s: %s\n", sk.Path, sk.Reason)
	}
	if len(skipped) > 0 {
		fmt.Fprintf(stderr, "%s skipped: their inputs are not counted\n", plural(int64(len(skipped)), "folder"))
	}
	_, err = fmt.Fprint(stdout, st.String())
	return err
}
