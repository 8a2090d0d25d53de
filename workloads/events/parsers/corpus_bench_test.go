package parsers

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"benchgrid/workloads/events"
	"benchgrid/workloads/events/gen"
)

// BenchmarkDecodeCorpus times one worker's decoder of every adapter over a
// whole corpus held in memory: a generated one of 2,000 files, or the one
// named by BENCHGRID_BENCH_CORPUS (the peers' mixed and tiny corpora, for
// issue 13). Reading is outside the timed region, so this is the parse and
// the adapter's checks alone, per file, with the allocations per file
// beside Go's own figures. Each file is first copied into one reused
// buffer, as the reuse and openat read modes leave it: the bytes are in
// the cache when the parse starts, as in a real pass, instead of in
// memory far from it. A benchmark, never a pass/fail test.
func BenchmarkDecodeCorpus(b *testing.B) {
	files := corpusFiles(b)
	var size int64
	for _, f := range files {
		size += int64(len(f))
	}
	eachDecoder(b, func(b *testing.B, dec events.Decoder) {
		var batch events.Batch
		var buf []byte
		var ms0, ms1 runtime.MemStats
		b.SetBytes(size)
		runtime.ReadMemStats(&ms0)
		b.ResetTimer()
		for b.Loop() {
			for _, f := range files {
				batch.Reset()
				buf = append(buf[:0], f...)
				_ = dec.Decode(buf, &batch) // a corpus may hold bad files
			}
		}
		b.StopTimer()
		runtime.ReadMemStats(&ms1)
		n := float64(b.N) * float64(len(files))
		b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/n, "allocs/file")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/file")
	})
}

// eachDecoder runs bench as a sub-benchmark "parser=NAME" with a fresh
// decoder of every registered adapter that computes a result, skipping
// those that cannot run here.
func eachDecoder(b *testing.B, bench func(b *testing.B, dec events.Decoder)) {
	for _, name := range events.Names() {
		p, err := events.Lookup(name)
		if err != nil {
			b.Fatal(err)
		}
		if events.IsReadOnly(p) {
			continue // none decodes nothing
		}
		b.Run("parser="+name, func(b *testing.B) {
			dec, err := p.NewDecoder()
			if errors.Is(err, events.ErrUnavailable) {
				b.Skip(err)
			} else if err != nil {
				b.Fatal(err)
			}
			bench(b, dec)
		})
	}
}

// corpusFiles reads every input of the benchmark's corpus into memory.
func corpusFiles(b *testing.B) [][]byte {
	dir := os.Getenv("BENCHGRID_BENCH_CORPUS")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "corpus")
		if _, err := gen.Generate(b.Context(), gen.GenOptions{Dir: dir, Files: 2000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	var files [][]byte
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		files = append(files, data)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	if len(files) == 0 {
		b.Fatalf("no inputs in %s", dir)
	}
	return files
}
