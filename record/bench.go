package record

import (
	"bytes"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// BenchName is the base name of every benchmark line in bench.txt for
// the events workload.
const BenchName = "Events"

// BenchNameOf is the base name of r's benchmark lines: BenchName for the
// events workload, the workload's name with its first letter upper-cased
// otherwise ("Query").
func BenchNameOf(r *Run) string {
	name := r.WorkloadName()
	if name == "events" {
		return BenchName
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// Bench renders r in the Go benchmark format: file-level keys carry the
// environment, then one line per sample named
// BenchmarkEvents/parser=P/strategy=S/…-GOMAXPROCS, so that
// `benchstat -col /parser -row /strategy bench.txt` reads it directly.
func Bench(r *Run) ([]byte, error) {
	var buf bytes.Buffer
	w := benchfmt.NewWriter(&buf)
	for _, m := range []struct{ unit, better string }{
		{"MB/s", "higher"}, {"files/s", "higher"},
	} {
		err := w.Write(&benchfmt.UnitMetadata{
			UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: m.unit, Key: "better"},
			OrigUnit:        m.unit, Value: m.better,
		})
		if err != nil {
			return nil, err
		}
	}
	config := fileConfig(r)
	base := BenchNameOf(r)
	// Samples are written cell by cell in the matrix's order (std first
	// on the parser axis, so benchstat takes it as the base column), and
	// within a cell in the order of the rounds.
	for _, c := range r.Cells {
		for _, s := range c.Samples {
			res := &benchfmt.Result{
				Config: config,
				Name:   benchfmt.Name(fmt.Sprintf("%s/%s-%d", base, c.Name, c.GOMAXPROCS)),
				Iters:  1,
				Values: sampleValues(s),
			}
			if err := w.Write(res); err != nil {
				return nil, err
			}
		}
	}
	return buf.Bytes(), nil
}

func sampleValues(s Sample) []benchfmt.Value {
	return []benchfmt.Value{
		{Value: float64(s.WallNs), Unit: "ns/op"},
		{Value: float64(s.CPUNs()), Unit: "cpu-ns/op"},
		{Value: round(s.MBPerSec(), 2), Unit: "MB/s"},
		{Value: round(s.FilesPerSec(), 1), Unit: "files/s"},
		{Value: float64(s.AllocBytes), Unit: "B/op"},
		{Value: float64(s.AllocObjects), Unit: "allocs/op"},
		{Value: float64(s.GCCycles), Unit: "gc-cycles/op"},
		{Value: float64(s.GCPauseNs), Unit: "gc-pause-ns/op"},
		{Value: float64(s.PeakRSS), Unit: "peak-rss-bytes"},
	}
}

func round(v float64, digits int) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', digits, 64), 64)
	return f
}

// fileConfig is the file-level configuration: the environment of the run.
// Keys are built with File: true; Result.SetConfig would mark them
// internal and the writer would drop them.
func fileConfig(r *Run) []benchfmt.Config {
	var cfg []benchfmt.Config
	add := func(k, v string) {
		// A value must be one line with no leading space.
		v = strings.TrimSpace(strings.ReplaceAll(v, "\n", " "))
		if v != "" {
			cfg = append(cfg, benchfmt.Config{Key: k, Value: []byte(v), File: true})
		}
	}
	add("goos", r.Env.GOOS)
	add("goarch", r.Env.GOARCH)
	add("cpu", r.Env.CPU)
	add("go", r.Env.GoVersion)
	add("goexperiment", r.Env.GOEXPERIMENT)
	for _, mod := range slices.Sorted(maps.Keys(r.Env.Modules)) {
		add("module-"+strings.ReplaceAll(mod, " ", "_"), r.Env.Modules[mod])
	}
	add("commit", r.Env.Commit)
	add("workload", r.WorkloadName())
	if r.Workload != nil {
		add("workload-config-digest", r.Workload.ConfigDigest)
	}
	add("corpus", filepath.ToSlash(r.Corpus.Path))
	add("corpus-files", strconv.FormatInt(r.Corpus.Files, 10))
	add("corpus-bytes", strconv.FormatInt(r.Corpus.Bytes, 10))
	if r.Corpus.Seed != 0 {
		add("corpus-seed", strconv.FormatUint(r.Corpus.Seed, 10))
	}
	add("corpus-digest", r.Corpus.Digest)
	add("shuffle-seed", strconv.FormatUint(r.ShuffleSeed, 10))
	add("loadavg", strconv.FormatFloat(r.Env.LoadAvg, 'f', 2, 64))
	add("count", strconv.Itoa(r.Count))
	return cfg
}
