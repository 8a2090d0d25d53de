package reports

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"benchgrid/record"
)

// The synthetic scaling run: std and sonic × sequential, perfile, and pool
// and pipeline at 1…64 workers, under latency 0 and 1ms, on 2 cores. Its
// wall and CPU times come from a model of a pass over 2000 files:
//
//	cpu(N)  = c × (1 + 0.004(N−1)) per file (× 1.1 for the pipeline's
//	          hand-off, × 1.3 for perfile, which reuses no parser), plus
//	          20µs of runtime wake-ups per latency wait
//	wall(N) = files × max((latency + cpu)/N, cpu/min(N, cores))
//
// (the wake-ups count as CPU, not as the wait)
//
// with c = 250µs for std, 80µs for sonic, and perfile overlapping every
// wait: CPU-bound without latency (two workers are best), I/O-bound with
// it until enough files wait at once (32 or more workers).
const (
	synthFiles  = 2000
	synthBytes  = 20000 // per file
	synthProcs  = 2
	synthWakeNs = 20e3
)

var synthSweep = []int{1, 2, 4, 8, 16, 32, 64}

// synthPass returns the model's wall and CPU time of one pass, in ns.
func synthPass(parser, strategy string, workers int, latency time.Duration) (wall, cpu float64) {
	c := map[string]float64{"std": 250e3, "sonic": 80e3}[parser]
	l := float64(latency)
	wake := 0.0
	if l > 0 {
		wake = synthWakeNs
	}
	if strategy == "perfile" {
		ce := 1.3 * c
		return math.Max(l+ce, synthFiles*(ce+wake)/synthProcs), synthFiles * (ce + wake)
	}
	ce := c * (1 + 0.004*float64(workers-1))
	if strategy == "pipeline" {
		ce *= 1.1
	}
	n := float64(workers)
	return synthFiles * math.Max((l+ce)/n, (ce+wake)/math.Min(n, synthProcs)), synthFiles * (ce + wake)
}

// synthCell is one cell of the synthetic run, with six samples spread by
// ±1.3% around the model.
func synthCell(parser, strategy string, workers int, latency string) record.Cell {
	w := strconv.Itoa(workers)
	if strategy == "perfile" {
		w = "files"
	}
	name := fmt.Sprintf("parser=%s/strategy=%s/workers=%s/read=readfile/latency=%s/gogc=100/gomemlimit=off/build=default", parser, strategy, w, latency)
	c := record.Cell{
		Name: name, Parser: parser, Strategy: strategy, Workers: w, Read: "readfile",
		GOMAXPROCS: synthProcs, GOGC: "100", Build: "default",
		Axes: []record.AxisValue{{Key: "parser", Value: parser}, {Key: "strategy", Value: strategy}, {Key: "workers", Value: w},
			{Key: "read", Value: "readfile"}, {Key: "latency", Value: latency}, {Key: "gogc", Value: "100"},
			{Key: "gomemlimit", Value: "off"}, {Key: "gomaxprocs", Value: strconv.Itoa(synthProcs)}, {Key: "build", Value: "default"}},
	}
	d, err := time.ParseDuration(latency)
	if err != nil {
		panic(err)
	}
	wall, cpu := synthPass(parser, strategy, workers, d)
	for i, j := range jitter[:6] {
		k := 1 + 0.01*j
		c.Samples = append(c.Samples, record.Sample{
			Round: i, WallNs: int64(wall * k), UserNs: int64(0.9 * cpu * k), SysNs: int64(0.1 * cpu * k),
			AllocBytes: 60 << 20, AllocObjects: 500000, GCCycles: 12, PeakRSS: 40 << 20,
			Files: synthFiles, Bytes: synthFiles * synthBytes,
		})
	}
	return c
}

// scalingRun is the synthetic scaling run.
func scalingRun() *record.Run {
	run := &record.Run{
		Version: record.SchemaVersion, Complete: true,
		Started:  time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC),
		Finished: time.Date(2026, 3, 2, 10, 40, 0, 0, time.UTC),
		Env: record.Env{GOOS: "linux", GOARCH: "amd64", CPU: "synthetic", NumCPU: synthProcs, GoVersion: "go1.26.8",
			Args: strings.Fields("benchgrid run -parsers std,sonic -strategies sequential,perfile,pool,pipeline -workers 1,2,4,8,16,32,64 -latency 0,1ms -count 6")},
		Corpus: record.Corpus{Path: "/data/corpus", Files: synthFiles, Bytes: synthFiles * synthBytes,
			SizeP50: synthBytes, SizeP90: synthBytes, SizeP99: synthBytes, SizeMax: synthBytes},
		Count: 6, ShuffleSeed: 1,
		Roles: &record.Roles{
			Reference: []record.AxisValue{{Key: "parser", Value: "std"}, {Key: "strategy", Value: "sequential"}},
			Baseline:  []record.AxisValue{{Key: "parser", Value: "std"}, {Key: "strategy", Value: "perfile"}},
			Floor:     []record.AxisValue{{Key: "parser", Value: "none"}},
			Versus:    []record.AxisValue{{Key: "parser", Value: "std"}, {Key: "strategy", Value: "pool"}},
		},
	}
	for _, latency := range []string{"0", "1ms"} {
		for _, parser := range []string{"std", "sonic"} {
			run.Cells = append(run.Cells, synthCell(parser, "sequential", 1, latency), synthCell(parser, "perfile", 0, latency))
			for _, strategy := range []string{"pool", "pipeline"} {
				for _, w := range synthSweep {
					run.Cells = append(run.Cells, synthCell(parser, strategy, w, latency))
				}
			}
		}
	}
	return run
}

// TestScalingGolden: the report of a run with worker sweeps under two
// latencies has the Scaling and regime sections and a workers chart with
// the fitted curves.
func TestScalingGolden(t *testing.T) {
	dir := t.TempDir()
	if err := record.Write(dir, scalingRun()); err != nil {
		t.Fatal(err)
	}
	md := renderReport(t, dir, Options{ChartFormat: "svg"})
	golden(t, "scaling.golden", md)
	svg, err := os.ReadFile(filepath.Join(dir, "report-workers.svg"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "scaling-report-workers.svg.golden", svg)
	if md2 := renderReport(t, dir, Options{ChartFormat: "svg"}); string(md2) != string(md) {
		t.Errorf("two reports of the same run differ:\n%s", firstDiff(md2, md))
	}
}

// TestScalingAnalysis: the fits and regimes of the synthetic run say what
// its model built in.
func TestScalingAnalysis(t *testing.T) {
	a := analyze(scalingRun(), Options{}.withDefaults())
	if len(a.fits) != 8 {
		t.Fatalf("%d fits, want 8 (2 parsers × pool, pipeline × 2 latencies)", len(a.fits))
	}
	rec := map[string]int{}
	for _, f := range a.fits {
		if f.res == nil {
			t.Fatalf("%s: no fit: %v", f.cells[0].Name, f.err)
		}
		rec[a.shortKey(f.cells[0], workersAxis)] = f.res.Recommended
	}
	if n := rec["parser=sonic strategy=pool latency=0"]; n > 4 {
		t.Errorf("sonic/pool/latency=0 recommends %d workers, want a few (CPU-bound on 2 cores)", n)
	}
	if n := rec["parser=sonic strategy=pool latency=1ms"]; n < 16 {
		t.Errorf("sonic/pool/latency=1ms recommends %d workers, want many (I/O-bound)", n)
	}
	if len(a.regimes) != 2 || a.regimes[0].name() != "latency=0" || a.regimes[0].io || !a.regimes[1].io || !a.regimes[0].known || !a.regimes[1].known {
		t.Fatalf("regimes %v, want latency=0 CPU-bound and latency=1ms I/O-bound", a.regimes)
	}
	if got := a.configText(a.regimes[0].best); got != "parser=sonic, strategy=pool, workers=2" {
		t.Errorf("latency=0's best is %s, want sonic, pool, 2 workers", got)
	}
	if got := a.configText(a.regimes[1].best); got != "parser=sonic, strategy=pool, workers=32" {
		t.Errorf("latency=1ms's best is %s, want sonic, pool, 32 workers", got)
	}
	if f := a.regimeFinding(); !strings.Contains(f, "The regime changes the best configuration") {
		t.Errorf("regime finding %q", f)
	}
}

// TestRegimeClassification: a configuration is I/O-bound when its CPU
// time is under half of wall time × the cores its workers can use.
func TestRegimeClassification(t *testing.T) {
	cell := func(workers string, procs int, wallMs, cpuMs float64) *cellStat {
		c := &record.Cell{Name: "w=" + workers, Workers: workers, GOMAXPROCS: procs,
			Axes: []record.AxisValue{{Key: "workers", Value: workers}}}
		for i := range 3 {
			c.Samples = append(c.Samples, record.Sample{Round: i, WallNs: int64(wallMs * 1e6), UserNs: int64(cpuMs * 1e6)})
		}
		return &cellStat{Cell: c, Name: c.Name}
	}
	for _, tc := range []struct {
		c          *cellStat
		util, busy float64
		io, ok     bool
	}{
		// One worker busy all the time on two cores: half the machine,
		// but all of what it can use.
		{cell("1", 2, 100, 100), 0.5, 1, false, true},
		// Two workers that mostly wait.
		{cell("2", 2, 100, 40), 0.2, 0.2, true, true},
		// Exactly half is not under half.
		{cell("2", 2, 100, 100), 0.5, 0.5, false, true},
		// Sixty-four workers use both cores, and keep them busy.
		{cell("64", 2, 100, 190), 0.95, 0.95, false, true},
		// A goroutine per file can use every core.
		{cell("files", 4, 100, 100), 0.25, 0.25, true, true},
		// No CPU time recorded: no classification.
		{cell("2", 2, 100, 0), 0, 0, false, false},
		// No GOMAXPROCS recorded either.
		{cell("2", 0, 100, 50), 0, 0, false, false},
	} {
		util, busy, ok := tc.c.utilisation()
		io, iok := tc.c.ioBound()
		if ok != tc.ok || iok != tc.ok || io != tc.io || math.Abs(util-tc.util) > 1e-9 || math.Abs(busy-tc.busy) > 1e-9 {
			t.Errorf("%s on %d cores, wall %d, CPU %d: utilisation %v, busy %v, ok %v, I/O-bound %v; want %v, %v, %v, %v",
				tc.c.Name, tc.c.GOMAXPROCS, tc.c.Samples[0].WallNs, tc.c.Samples[0].CPUNs(), util, busy, ok, io, tc.util, tc.busy, tc.ok, tc.io)
		}
	}
}
