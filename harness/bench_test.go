package harness

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"benchgrid/corpus"
	"benchgrid/matrix"
	"benchgrid/processor"
	"benchgrid/strategies"
	"benchgrid/workloads/events"
	"benchgrid/workloads/events/gen"
)

var benchCorpus = flag.String("corpus", "", "corpus for BenchmarkEvents (default: a generated 2,000-file corpus)")

var (
	benchFilesOnce sync.Once
	benchFiles     []corpus.File
	benchErr       error
	benchDir       string // the generated corpus, removed by TestMain
)

// loadBenchCorpus lists the benchmark corpus, generating the default one
// on first use.
func loadBenchCorpus(b *testing.B) []corpus.File {
	benchFilesOnce.Do(func() {
		dir := *benchCorpus
		if dir == "" {
			tmp, err := os.MkdirTemp("", "benchgrid-bench-")
			if err != nil {
				benchErr = err
				return
			}
			dir = filepath.Join(tmp, "corpus")
			benchDir = dir
			if _, benchErr = gen.Generate(context.Background(), gen.GenOptions{Dir: dir, Files: 2000, Seed: 1, Bad: 40}); benchErr != nil {
				return
			}
		}
		benchFiles, benchErr = corpus.List(context.Background(), dir)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFiles
}

// BenchmarkEvents processes the whole corpus once per op under every
// parser × strategy, named so that `benchstat -col /parser -row /strategy`
// reads the output. For the harness's fresh-process, interleaved
// measurement use `benchgrid run`; this is the quick in-process view.
func BenchmarkEvents(b *testing.B) {
	files := loadBenchCorpus(b)
	var size int64
	for _, f := range files {
		size += f.Size
	}
	ref, err := matrix.Reference(b.Context(), events.Workload{}, files)
	if err != nil {
		b.Fatal(err)
	}
	want := string(ref.Canonical)
	for _, parser := range events.Names() {
		if strings.HasPrefix(parser, "test-") {
			continue // this package's deliberately broken adapters
		}
		if p, _ := events.Lookup(parser); p != nil {
			if _, err := p.NewDecoder(); err != nil {
				continue // not in this build (jsonv2) or not on this CPU
			}
		}
		for _, strategy := range strategies.Names() {
			b.Run(fmt.Sprintf("parser=%s/strategy=%s", parser, strategy), func(b *testing.B) {
				proc, err := processor.New(processor.Config{Parser: parser, Strategy: strategy})
				if err != nil {
					b.Skip(err)
				}
				// Untimed: warms the JIT and page cache, and checks the answer.
				tally, err := proc.Run(b.Context(), files)
				if err != nil {
					b.Fatal(err)
				}
				if !proc.ReadOnly() {
					if got := string(tally.Canonical); got != want {
						b.Fatalf("parser=%s strategy=%s computed\n%s\nwant\n%s", parser, strategy, got, want)
					}
				}
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := proc.Run(b.Context(), files); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
