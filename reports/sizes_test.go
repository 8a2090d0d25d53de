package reports

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"benchgrid/record"

	"golang.org/x/perf/benchmath"
)

// A sizeCell is one cell's time on corpora of given files and bytes.
type sizeCell struct {
	name string
	// ns is the cell's median wall time on a corpus; 0 leaves the cell
	// out of that run.
	ns func(files, bytes float64) float64
}

// sizeRuns builds one run per corpus (files[i], bytes[i]) holding each
// cell with six samples spread symmetrically about its time, so that its
// median is exactly the time.
func sizeRuns(files, bytes []int64, cells ...sizeCell) []*record.Run {
	runs := make([]*record.Run, len(files))
	for i := range files {
		r := &record.Run{
			Version: record.SchemaVersion, Complete: true, Count: 6,
			Started: time.Date(2026, 3, 1, 12, i, 0, 0, time.UTC),
			Env:     record.Env{GOOS: "linux", GOARCH: "amd64", CPU: "Test CPU", NumCPU: 2, GoVersion: "go1.26.8", Commit: "abc123"},
			Corpus:  record.Corpus{Path: fmt.Sprintf("/tmp/corpus-%d", files[i]), Files: files[i], Bytes: bytes[i]},
		}
		for _, c := range cells {
			ns := c.ns(float64(files[i]), float64(bytes[i]))
			if ns == 0 {
				continue
			}
			rc := record.Cell{Name: c.name, Parser: "std", Strategy: "pool", GOMAXPROCS: 2}
			for k, j := range []float64{-0.01, -0.005, 0, 0, 0.005, 0.01} {
				rc.Samples = append(rc.Samples, record.Sample{Round: k, WallNs: int64(math.Round(ns * (1 + j))), Files: files[i], Bytes: bytes[i]})
			}
			r.Cells = append(r.Cells, rc)
		}
		runs[i] = r
	}
	return runs
}

// seriesOf returns the series of the first cell of runs.
func seriesOf(t *testing.T, runs []*record.Run) *sizeSeries {
	t.Helper()
	dirs := make([]string, len(runs))
	for i := range dirs {
		dirs[i] = fmt.Sprintf("run%d", i)
	}
	srs := make([]*sizeRun, len(runs))
	stats := make([]map[string]*cellStat, len(runs))
	for i, r := range runs {
		srs[i] = &sizeRun{dir: dirs[i], run: r, files: float64(r.Corpus.Files), bytes: float64(r.Corpus.Bytes)}
		stats[i] = map[string]*cellStat{}
		for j := range r.Cells {
			c := newCellStat(r, &r.Cells[j], 0.95, &benchmath.Thresholds{CompareAlpha: 0.05})
			stats[i][r.Cells[j].FullName()] = c
		}
	}
	return newSizeSeries(runs[0].Cells[0].FullName(), srs, stats, SizesOptions{}.withDefaults())
}

func TestSizesFit(t *testing.T) {
	const us, ms = 1e3, 1e6
	tiny := []int64{1000, 10_000, 100_000, 300_000}
	tinyBytes := []int64{300_000, 3_000_000, 30_000_000, 90_000_000}
	mixed := []int64{1000, 10_000, 100_000, 20_000}
	mixedBytes := []int64{300_000, 3_000_000, 30_000_000, 120_000_000} // the last: 6 KB a file
	tests := []struct {
		name         string
		files, bytes []int64
		ns           func(f, b float64) float64
		a, b, c      float64 // the fit's coefficients: ns, ns per file, ns per byte
		fitsBoth     bool    // a fit in files and bytes is made
		short        string  // the verdict
	}{
		{"proportional", tiny, tinyBytes, func(f, _ float64) float64 { return 2 * us * f }, 0, 2 * us, 0, false, "∝ files"},
		{"fixed cost", tiny, tinyBytes, func(f, _ float64) float64 { return 50*ms + 2*us*f }, 50 * ms, 2 * us, 0, false, "linear + fixed cost"},
		{"fixed cost, two corpora", tiny[:2], tinyBytes[:2], func(f, _ float64) float64 { return 50*ms + 2*us*f }, 50 * ms, 2 * us, 0, false, "two sizes only"},
		{"files and bytes", mixed, mixedBytes, func(f, b float64) float64 { return 10*ms + 1*us*f + 3*b }, 10 * ms, 1 * us, 3, true, "linear in files + bytes"},
		{"bytes only", mixed, mixedBytes, func(_, b float64) float64 { return 4 * b }, 0, 0, 4, true, "∝ bytes"},
		{"superlinear", tiny, tinyBytes, func(f, _ float64) float64 { return us * f * math.Sqrt(f) }, math.NaN(), math.NaN(), 0, false, "faster than linear"},
		{"sublinear", tiny, tinyBytes, func(f, _ float64) float64 { return ms * math.Sqrt(f) }, math.NaN(), math.NaN(), 0, false, "slower than linear"},
	}
	near := func(got, want float64) bool {
		return math.IsNaN(want) || math.Abs(got-want) <= 1e-6*math.Max(math.Abs(want), 1)
	}
	for _, tt := range tests {
		s := seriesOf(t, sizeRuns(tt.files, tt.bytes, sizeCell{"x", tt.ns}))
		if !s.files.ok() {
			t.Errorf("%s: no fit in files", tt.name)
			continue
		}
		if s.verdict.short != tt.short {
			t.Errorf("%s: verdict %q (%s), want %q", tt.name, s.verdict.short, s.verdict.sentence, tt.short)
		}
		if s.separable != tt.fitsBoth {
			t.Errorf("%s: separable = %v, want %v", tt.name, s.separable, tt.fitsBoth)
		}
		if tt.fitsBoth {
			if f := s.both; !f.ok() || !near(f.coef[0], tt.a) || !near(f.coef[1], tt.b) || !near(f.coef[2], tt.c) || f.r2 < 1-1e-9 {
				t.Errorf("%s: fit in files and bytes = %v (R² %v), want a=%v b=%v c=%v, R² 1", tt.name, f.coef, f.r2, tt.a, tt.b, tt.c)
			}
			continue
		}
		if f := s.files; !near(f.coef[0], tt.a) || !near(f.coef[1], tt.b) {
			t.Errorf("%s: fit in files = %v, want a=%v b=%v", tt.name, f.coef, tt.a, tt.b)
		} else if !math.IsNaN(tt.a) && f.r2 < 1-1e-9 {
			t.Errorf("%s: R² = %v, want 1", tt.name, f.r2)
		}
	}
}

func TestFitLinear(t *testing.T) {
	tests := []struct {
		name string
		xs   [][]float64
		y    []float64
		want []float64 // nil: no fit
		r2   float64
	}{
		{"line", [][]float64{{1, 2, 3}}, []float64{5, 7, 9}, []float64{3, 2}, 1},
		{"noisy", [][]float64{{0, 1, 2, 3}}, []float64{0, 1, 1, 2}, []float64{0.1, 0.6}, 0.9},
		{"too few points", [][]float64{{1}}, []float64{5}, nil, 0},
		{"one value of x", [][]float64{{4, 4, 4}}, []float64{1, 2, 3}, nil, 0},
		{"collinear columns", [][]float64{{1, 2, 3, 4}, {300, 600, 900, 1200}}, []float64{1, 2, 3, 4}, nil, 0},
		{"plane, large scales", [][]float64{{1e3, 1e4, 1e5, 2e4}, {3e5, 3e6, 3e7, 1.2e8}}, []float64{1e7 + 1e6 + 9e5, 1e7 + 1e7 + 9e6, 1e7 + 1e8 + 9e7, 1e7 + 2e7 + 3.6e8}, []float64{1e7, 1e3, 3}, 1},
	}
	for _, tt := range tests {
		f := fitLinear(tt.xs, tt.y)
		if tt.want == nil {
			if f.ok() {
				t.Errorf("fitLinear(%s) = %v, want no fit", tt.name, f.coef)
			}
			continue
		}
		ok := f.ok() && len(f.coef) == len(tt.want) && math.Abs(f.r2-tt.r2) < 1e-9
		for j := range tt.want {
			ok = ok && math.Abs(f.coef[j]-tt.want[j]) <= 1e-9*math.Max(1, math.Abs(tt.want[j]))
		}
		if !ok {
			t.Errorf("fitLinear(%s) = %v, R² %v; want %v, R² %v", tt.name, f.coef, f.r2, tt.want, tt.r2)
		}
	}
}

// goldenSizesRuns are four runs of the same cells: three corpora of tiny
// files and one of default-sized files, with cells that grow in every way
// the report tells apart, one that only some runs measured and one that
// computed a wrong answer once.
func goldenSizesRuns() ([]string, []*record.Run) {
	const us, ms = 1e3, 1e6
	files := []int64{100_000, 1_000_000, 20_000, 300_000}
	bytes := []int64{31_000_000, 313_000_000, 120_000_000, 94_000_000}
	runs := sizeRuns(files, bytes,
		sizeCell{"parser=std/strategy=pool", func(f, b float64) float64 { return 20*ms + 4*us*f + 2*b }},
		sizeCell{"parser=sonic/strategy=pool", func(f, _ float64) float64 { return 1.5 * us * f }},
		sizeCell{"parser=std/strategy=perfile", func(f, _ float64) float64 { return 3 * us * f * math.Pow(f/1e5, 0.3) }},
		sizeCell{"parser=none/strategy=pool", func(_, b float64) float64 { return 0.5 * b }},
		sizeCell{"parser=fastjson/strategy=pool", func(f, _ float64) float64 {
			if f == 1_000_000 || f == 300_000 {
				return 0
			}
			return 30*ms + 2*us*f
		}},
		sizeCell{"parser=goccy/strategy=`pool`|x", func(f, _ float64) float64 { return 2 * us * f }},
	)
	for i := range runs[1].Cells {
		if c := &runs[1].Cells[i]; strings.HasPrefix(c.Name, "parser=goccy") {
			c.Failures = []record.Failure{{Round: 2, Kind: record.FailMismatch, Reason: "digest differs"}}
		}
	}
	runs[3].Complete = false
	runs[2].Env.Commit = "def456"
	return []string{"results/tiny-100k", "results/tiny-1m", "results/default-20k", "results/tiny-300k"}, runs
}

func TestSizesGolden(t *testing.T) {
	dirs, runs := goldenSizesRuns()
	md := sizesReport(dirs, runs, SizesOptions{})
	golden(t, "sizes.golden", md)
	if again := sizesReport(dirs, runs, SizesOptions{}); string(again) != string(md) {
		t.Errorf("two sizes reports of the same runs differ")
	}
}

func TestSizesRead(t *testing.T) {
	dirs, runs := goldenSizesRuns()
	tmp := t.TempDir()
	for i := range dirs {
		dirs[i] = filepath.Join(tmp, fmt.Sprint(i))
		if err := os.Mkdir(dirs[i], 0o755); err != nil {
			t.Fatal(err)
		}
		if err := record.Write(dirs[i], runs[i]); err != nil {
			t.Fatal(err)
		}
	}
	md, err := Sizes(t.Context(), dirs, SizesOptions{})
	if err != nil {
		t.Fatalf("Sizes: %v", err)
	}
	if !strings.HasPrefix(string(md), "# benchgrid sizes\n") || !strings.Contains(string(md), "### `parser=std/strategy=pool-2`") {
		t.Errorf("Sizes of four runs:\n%s", md)
	}
	if _, err := Sizes(t.Context(), dirs[:1], SizesOptions{}); err == nil {
		t.Errorf("Sizes(one run) = no error, want one")
	}
	if _, err := Sizes(t.Context(), []string{dirs[0], t.TempDir()}, SizesOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Sizes(a folder without results) = %v, want a not-exist error", err)
	}
}

// TestSizesHostile renders a sizes report of runs whose every string is
// hostile and of their plain twin: the same markdown structure.
func TestSizesHostile(t *testing.T) {
	render := func(s func(string) string) []byte {
		var dirs []string
		var runs []*record.Run
		for i, files := range []int64{100, 1000, 3000} {
			r := hostileRun(s)
			r.Corpus.Files, r.Corpus.Bytes = files, files*(300+int64(i)*3000)
			runs = append(runs, r)
			dirs = append(dirs, s(fmt.Sprint("dir", i)))
		}
		return sizesReport(dirs, runs, SizesOptions{})
	}
	sh := checkShapes(t, "sizes", render(hostile), render(plain))
	if !slices.Contains(sh.headings, "Summary") || len(sh.headings) < 4 {
		t.Errorf("headings %q", sh.headings)
	}
}
