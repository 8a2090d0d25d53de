package harness

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"benchgrid/corpus"
	"benchgrid/workloads/events/gen"
)

// The default corpus: generated on first use into an ignored folder, with
// the same options on every machine, so that `make bench` needs no setup.
// 10,000 files (about 58 MiB) is the smallest the harness issue allows and
// keeps `make bench` well inside 5 minutes on 2 cores; `corpus gen`'s own
// default stays 20,000.
var DefaultCorpusOptions = gen.GenOptions{Files: 10000, Seed: 1, Bad: 40}

// QuickCorpusOptions is the smaller corpus of `study -quick`.
var QuickCorpusOptions = gen.GenOptions{Files: 1500, Seed: 1, Bad: 20}

// GeneratedCorpusRoot is the ignored folder generated corpora live in.
const GeneratedCorpusRoot = ".benchgrid"

// completeMarker is written once a generated corpus is complete, so a
// generation that was interrupted is redone rather than measured.
const completeMarker = ".complete"

// GeneratedCorpus returns the folder of the corpus that opts generate
// (opts.Dir is ignored: the folder is named after the options, under
// GeneratedCorpusRoot) and its seed, generating it first when it is missing
// or incomplete.
func GeneratedCorpus(ctx context.Context, name string, opts gen.GenOptions, progress io.Writer) (string, uint64, error) {
	opts.Dir = GeneratedCorpusDir(name, opts)
	if GeneratedCorpusReady(opts.Dir) {
		return opts.Dir, opts.Seed, nil
	}
	if err := os.RemoveAll(opts.Dir); err != nil {
		return "", 0, fmt.Errorf("remove incomplete corpus %s: %w", opts.Dir, err)
	}
	// The folder says which corpus ("corpus-…", "quick-…"): naming it
	// avoids "generating the corpus corpus".
	fmt.Fprintf(progress, "generating corpus %s (%d files, seed %d, %d adversarial inputs)\n",
		opts.Dir, opts.Files, opts.Seed, opts.Bad)
	st, err := gen.Generate(ctx, opts)
	if err != nil {
		return "", 0, err
	}
	if err := os.WriteFile(filepath.Join(opts.Dir, completeMarker), nil, 0o644); err != nil {
		return "", 0, err
	}
	fmt.Fprintf(progress, "generated %d files, %s\n", st.Files, corpus.FormatBytes(st.Bytes))
	return opts.Dir, opts.Seed, nil
}

// GeneratedCorpusDir is the folder GeneratedCorpus uses for name and opts.
func GeneratedCorpusDir(name string, opts gen.GenOptions) string {
	return filepath.Join(GeneratedCorpusRoot, fmt.Sprintf("%s-f%d-s%d-b%d", name, opts.Files, opts.Seed, opts.Bad))
}

// GeneratedCorpusReady reports whether dir holds a generated corpus whose
// generation finished.
func GeneratedCorpusReady(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, completeMarker))
	return err == nil
}

// meanGeneratedFileBytes is the mean size of a generated input, batch
// files and adversarial ones alike: about 6,000 bytes for every seed
// (TestExpectedCorpusSize keeps it true).
const meanGeneratedFileBytes = 6000

// ExpectedCorpusSize returns how many inputs gen.Generate writes for
// opts and about how many bytes, without writing them.
func ExpectedCorpusSize(opts gen.GenOptions) (files int, bytes int64) {
	files = opts.Files
	if files == 0 {
		files = gen.DefaultFiles
	}
	files += opts.Bad
	return files, int64(files) * meanGeneratedFileBytes
}

// A CorpusSource is where a run's corpus comes from: a folder given, or a
// corpus generated on first use under GeneratedCorpusRoot.
type CorpusSource struct {
	// Dir is the corpus folder, which may not exist yet when generated.
	Dir string
	// Name and Gen describe a generated corpus (see GeneratedCorpus);
	// Name is "" for a folder given.
	Name string
	Gen  gen.GenOptions
}

// GivenCorpus is the corpus in dir, used as it is.
func GivenCorpus(dir string) CorpusSource { return CorpusSource{Dir: dir} }

// GeneratedSource is the corpus that GeneratedCorpus makes of name and
// opts.
func GeneratedSource(name string, opts gen.GenOptions) CorpusSource {
	return CorpusSource{Dir: GeneratedCorpusDir(name, opts), Name: name, Gen: opts}
}

// DefaultCorpusSource is the default corpus, generated on first use.
func DefaultCorpusSource() CorpusSource { return GeneratedSource("corpus", DefaultCorpusOptions) }

// Pending reports whether the corpus is a generated one not there yet:
// Get would generate it.
func (s CorpusSource) Pending() bool { return s.Name != "" && !GeneratedCorpusReady(s.Dir) }

// Get returns the corpus folder and its generator seed (0 for a folder
// given), generating the corpus first when it is pending.
func (s CorpusSource) Get(ctx context.Context, progress io.Writer) (string, uint64, error) {
	if s.Name == "" {
		return s.Dir, 0, nil
	}
	return GeneratedCorpus(ctx, s.Name, s.Gen, progress)
}
