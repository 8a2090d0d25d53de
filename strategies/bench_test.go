package strategies

import (
	"testing"

	"benchgrid/corpus"
)

// cheapWork makes Workers that do next to nothing, so that a benchmark
// measures the strategies' scheduling alone.
type cheapWork struct{}

// cheapWorker reads every file as the same bytes and processes nothing.
type cheapWorker struct{ sum int64 }

var cheapData = []byte(`{"type":"PushEvent"}`)

func (cheapWork) NewWorker() (Worker, error) { return new(cheapWorker), nil }

func (w *cheapWorker) Read(corpus.File) ([]byte, error) { return cheapData, nil }

func (w *cheapWorker) Process(f corpus.File, data []byte, _ error) error {
	w.sum += f.Size + int64(len(data))
	return nil
}

func (*cheapWorker) Release([]byte) {}

// BenchmarkStrategies measures each strategy's overhead per file with
// GOMAXPROCS workers: one op is one file.
func BenchmarkStrategies(b *testing.B) {
	const batch = 1024
	files := testFiles(batch)
	for _, name := range Names() {
		s, err := Lookup(name, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run("strategy="+name, func(b *testing.B) {
			b.ReportAllocs()
			// Run over whole batches of files, enough of them to cover b.N
			// files, so that per-Run costs (goroutine start-up, Workers)
			// are spread as they would be over a corpus.
			for i := 0; i < b.N; i += batch {
				if err := s.Run(b.Context(), files[:min(batch, b.N-i)], cheapWork{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
