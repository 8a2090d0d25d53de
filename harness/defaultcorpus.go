package harness

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"benchgrid/corpus"
)

// The default corpus: generated on first use into an ignored folder, with
// the same options on every machine, so that `make bench` needs no setup.
const (
	DefaultCorpusRoot  = ".benchgrid"
	DefaultCorpusFiles = 10000 // ≥ 50 MiB, small enough for make bench to finish in 5 minutes on 2 cores
	DefaultCorpusSeed  = 1
	DefaultCorpusBad   = 40
)

// DefaultCorpusDir is where the default corpus lives.
func DefaultCorpusDir() string {
	return filepath.Join(DefaultCorpusRoot, fmt.Sprintf("corpus-f%d-s%d-b%d", DefaultCorpusFiles, DefaultCorpusSeed, DefaultCorpusBad))
}

// completeMarker is written once the default corpus is complete, so a
// generation that was interrupted is redone rather than measured.
const completeMarker = ".complete"

// DefaultCorpus returns the default corpus folder and its seed, generating
// it first when it is missing or incomplete.
func DefaultCorpus(ctx context.Context, progress io.Writer) (string, uint64, error) {
	dir := DefaultCorpusDir()
	if _, err := os.Stat(filepath.Join(dir, completeMarker)); err == nil {
		return dir, DefaultCorpusSeed, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", 0, fmt.Errorf("remove incomplete corpus %s: %w", dir, err)
	}
	fmt.Fprintf(progress, "generating the default corpus in %s (%d files, seed %d, %d adversarial inputs)\n",
		dir, DefaultCorpusFiles, DefaultCorpusSeed, DefaultCorpusBad)
	st, err := corpus.Generate(ctx, corpus.GenOptions{Dir: dir, Files: DefaultCorpusFiles, Seed: DefaultCorpusSeed, Bad: DefaultCorpusBad})
	if err != nil {
		return "", 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, completeMarker), nil, 0o644); err != nil {
		return "", 0, err
	}
	fmt.Fprintf(progress, "generated %d files, %s\n", st.Files, corpus.FormatBytes(st.Bytes))
	return dir, DefaultCorpusSeed, nil
}

// CorpusStats describes the corpus at dir.
func CorpusStats(ctx context.Context, dir string) (corpus.Stats, error) {
	return corpus.Describe(ctx, dir)
}

// statsOf computes a corpus's statistics from its file list.
func statsOf(files []corpus.File) corpus.Stats {
	sizes := make([]int64, len(files))
	var st corpus.Stats
	for i, f := range files {
		sizes[i] = f.Size
		st.Bytes += f.Size
	}
	st.Files = len(files)
	slices.Sort(sizes)
	st.P50 = corpus.Percentile(sizes, 50)
	st.P90 = corpus.Percentile(sizes, 90)
	st.P99 = corpus.Percentile(sizes, 99)
	if len(sizes) > 0 {
		st.Max = sizes[len(sizes)-1]
	}
	return st
}
