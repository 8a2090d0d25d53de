package processor

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"benchgrid/corpus"
	"benchgrid/workload"
	"benchgrid/workloads/events/gen"
)

// BenchmarkRun measures one pass of Run per parser × read mode on the
// atomic strategy, and on the batch strategy for the modes that read in
// batches or are compared with them, over a generated tiny corpus (or the corpus named by
// BENCHGRID_BENCH_CORPUS, for the peers' corpora), and reports the
// allocations and nanoseconds per file beside Go's own figures. The walk
// is outside the timed region (BenchmarkList measures it). A benchmark,
// never a pass/fail test.
func BenchmarkRun(b *testing.B) {
	files := benchCorpus(b, corpus.WalkTypes)
	for _, parser := range []string{"none", "sonic", "simdjson", "fastjson", "std"} {
		for _, c := range []struct {
			mode     corpus.ReadMode
			strategy string
		}{
			{corpus.ReadReuse, "atomic"}, {corpus.ReadSized, "atomic"}, {corpus.ReadOpenat, "atomic"},
			{corpus.ReadOpenatRaw, "atomic"}, {corpus.ReadUring, "atomic"},
			{corpus.ReadOpenatRaw, "batch"}, {corpus.ReadUring, "batch"},
		} {
			name := "parser=" + parser + "/read=" + string(c.mode)
			if c.strategy != "atomic" {
				name += "/strategy=" + c.strategy
			}
			mode := c.mode
			b.Run(name, func(b *testing.B) {
				proc, err := New(Config{Parser: parser, Strategy: c.strategy, Read: mode})
				if err != nil {
					b.Skip(err)
				}
				var ms0, ms1 runtime.MemStats
				runtime.ReadMemStats(&ms0)
				b.ResetTimer()
				for b.Loop() {
					if _, err := proc.Run(b.Context(), files); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				runtime.ReadMemStats(&ms1)
				n := float64(b.N) * float64(len(files))
				b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/n, "allocs/file")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/file")
			})
		}
	}
}

// BenchmarkList measures listing the corpus in each walk mode.
func BenchmarkList(b *testing.B) {
	dir := benchDir(b)
	for _, w := range corpus.WalkModes {
		b.Run("walk="+string(w), func(b *testing.B) {
			var n int
			for b.Loop() {
				files, _, err := corpus.ListWith(b.Context(), dir, corpus.ListOptions{Walk: w})
				if err != nil {
					b.Fatal(err)
				}
				n = len(files)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/file")
		})
	}
}

func benchDir(b *testing.B) string {
	if dir := os.Getenv("BENCHGRID_BENCH_CORPUS"); dir != "" {
		return dir
	}
	dir := filepath.Join(b.TempDir(), "corpus")
	if _, err := gen.Generate(b.Context(), gen.GenOptions{Dir: dir, Files: 20000, Seed: 1, Size: gen.SizeTiny}); err != nil {
		b.Fatal(err)
	}
	return dir
}

func benchCorpus(b *testing.B, w corpus.WalkMode) []corpus.File {
	files, _, err := corpus.ListWith(b.Context(), benchDir(b), corpus.ListOptions{Walk: w})
	if err != nil {
		b.Fatal(err)
	}
	return files
}

// BenchmarkWalkAndRun measures the walk and the pass together, as
// `benchgrid process` runs them: listing first and then Run (list), or
// RunWalk streaming the walk's files to the workers (stream), with sonic
// on the openat-raw read mode, the dtype walk and the interned tally
// (set BENCHGRID_TALLY=intern), and reports the allocations and
// nanoseconds per file. A benchmark, never a pass/fail test.
func BenchmarkWalkAndRun(b *testing.B) {
	dir := benchDir(b)
	list := corpus.ListOptions{Walk: corpus.WalkTypes}
	for _, stream := range []bool{false, true} {
		name := "list"
		if stream {
			name = "stream"
		}
		b.Run(name, func(b *testing.B) {
			proc, err := New(Config{Parser: "sonic", Strategy: "atomic", Read: corpus.ReadOpenatRaw})
			if err != nil {
				b.Skip(err)
			}
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			var files int64
			b.ResetTimer()
			for b.Loop() {
				var out *workload.Outcome
				if stream {
					out, err = proc.RunWalk(b.Context(), func(ctx context.Context, emit func([]corpus.File) error) error {
						_, err := corpus.WalkWith(ctx, dir, list, emit)
						return err
					})
				} else {
					var fs []corpus.File
					fs, _, err = corpus.ListWith(b.Context(), dir, list)
					if err == nil {
						out, err = proc.Run(b.Context(), fs)
					}
				}
				if err != nil {
					b.Fatal(err)
				}
				files = out.Files
			}
			b.StopTimer()
			runtime.ReadMemStats(&ms1)
			n := float64(b.N) * float64(files)
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/n, "allocs/file")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/file")
		})
	}
}
