package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"benchgrid/corpus"
	"benchgrid/harness"
	"benchgrid/workloads/query/realcorpus"
)

// runCorpusReal is `benchgrid corpus real`: package realcorpus does the
// work; this is its flags and what it prints.
func runCorpusReal(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("corpus real", stderr)
	out := fs.String("out", filepath.Join(harness.GeneratedCorpusRoot, "real"), "folder to write (must not exist or be empty)")
	copies := fs.Int("copies", 1, "write every file this many times (copy K beside the first, -copyK before its suffix); each copy adds 32,158 input files and 18.8 MiB at the defaults")
	sources := fs.String("source", "", "sources to write, comma-separated (default all: "+strings.Join(realcorpus.Sources(), ",")+")")
	var layoutNames []string
	for _, l := range realcorpus.Layouts() {
		layoutNames = append(layoutNames, l.Name)
	}
	layouts := fs.String("layout", "", "layouts to write, comma-separated (default all: "+strings.Join(layoutNames, ",")+")")
	goroot := fs.String("goroot", "", "Go tree to read the documents from (default: go env GOROOT)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: benchgrid corpus real [-out DIR] [-copies N] [-source twitter,citm,...] [-layout json,ndjson-gz,...] [-goroot DIR]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *out == "" {
		return usagef("corpus real: want -out DIR and no arguments")
	}
	if *copies < 1 {
		return usagef("corpus real: -copies %d: want at least 1", *copies)
	}
	opts := realcorpus.Options{Dir: *out, GOROOT: *goroot, Copies: *copies, Sources: commaList(*sources), Layouts: commaList(*layouts)}
	for _, s := range opts.Sources {
		if _, err := realcorpus.Query(s); err != nil {
			return usagef("corpus real: -source: %v", err)
		}
	}
	for _, l := range opts.Layouts {
		if !slices.Contains(layoutNames, l) {
			return usagef("corpus real: -layout: unknown layout %q (have %s)", l, strings.Join(layoutNames, ", "))
		}
	}
	res, err := realcorpus.Build(ctx, opts)
	if err != nil {
		return fmt.Errorf("corpus real: %w", err)
	}
	nsrc := map[string]bool{}
	for _, c := range res.Corpora {
		nsrc[c.Source] = true
	}
	fmt.Fprintf(stdout, "%s: %s (%s × %s), %s, %s, from %s's encoding/json test data; %s says where every document comes from\n",
		*out, corpora(len(res.Corpora)), plural(int64(len(nsrc)), "source"), plural(int64(len(res.Corpora)/max(len(nsrc), 1)), "layout"),
		plural(int64(res.Files), "file"), corpus.FormatBytes(res.Bytes), res.GoVersion, filepath.Join(*out, realcorpus.SourcesFile))
	for _, c := range res.Corpora {
		fmt.Fprintf(stdout, "%-20s %6d files %10s %6d documents   benchgrid run -query %s -corpus %s\n",
			c.Dir, c.Files, corpus.FormatBytes(c.Bytes), c.Documents,
			filepath.Join(*out, filepath.FromSlash(c.Query)), filepath.Join(*out, filepath.FromSlash(c.Dir)))
	}
	return nil
}

// corpora is n corpora, in words.
func corpora(n int) string {
	if n == 1 {
		return "1 corpus"
	}
	return fmt.Sprintf("%d corpora", n)
}

// commaList splits a comma-separated flag value, "" being none.
func commaList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
