package harness

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"benchgrid/corpus"
)

// The default corpus: generated on first use into an ignored folder, with
// the same options on every machine, so that `make bench` needs no setup.
// 10,000 files (about 58 MiB) is the smallest the harness issue allows and
// keeps `make bench` well inside 5 minutes on 2 cores; `corpus gen`'s own
// default stays 20,000.
var DefaultCorpusOptions = corpus.GenOptions{Files: 10000, Seed: 1, Bad: 40}

// QuickCorpusOptions is the smaller corpus of `study -quick`.
var QuickCorpusOptions = corpus.GenOptions{Files: 1500, Seed: 1, Bad: 20}

// GeneratedCorpusRoot is the ignored folder generated corpora live in.
const GeneratedCorpusRoot = ".benchgrid"

// completeMarker is written once a generated corpus is complete, so a
// generation that was interrupted is redone rather than measured.
const completeMarker = ".complete"

// GeneratedCorpus returns the folder of the corpus that opts generate
// (opts.Dir is ignored: the folder is named after the options, under
// GeneratedCorpusRoot) and its seed, generating it first when it is missing
// or incomplete.
func GeneratedCorpus(ctx context.Context, name string, opts corpus.GenOptions, progress io.Writer) (string, uint64, error) {
	opts.Dir = filepath.Join(GeneratedCorpusRoot, fmt.Sprintf("%s-f%d-s%d-b%d", name, opts.Files, opts.Seed, opts.Bad))
	if _, err := os.Stat(filepath.Join(opts.Dir, completeMarker)); err == nil {
		return opts.Dir, opts.Seed, nil
	}
	if err := os.RemoveAll(opts.Dir); err != nil {
		return "", 0, fmt.Errorf("remove incomplete corpus %s: %w", opts.Dir, err)
	}
	// The folder says which corpus ("corpus-…", "quick-…"): naming it
	// avoids "generating the corpus corpus".
	fmt.Fprintf(progress, "generating corpus %s (%d files, seed %d, %d adversarial inputs)\n",
		opts.Dir, opts.Files, opts.Seed, opts.Bad)
	st, err := corpus.Generate(ctx, opts)
	if err != nil {
		return "", 0, err
	}
	if err := os.WriteFile(filepath.Join(opts.Dir, completeMarker), nil, 0o644); err != nil {
		return "", 0, err
	}
	fmt.Fprintf(progress, "generated %d files, %s\n", st.Files, corpus.FormatBytes(st.Bytes))
	return opts.Dir, opts.Seed, nil
}

// DefaultCorpus returns the default corpus, generating it when missing.
func DefaultCorpus(ctx context.Context, progress io.Writer) (string, uint64, error) {
	return GeneratedCorpus(ctx, "corpus", DefaultCorpusOptions, progress)
}
