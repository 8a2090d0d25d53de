package harness

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"time"

	"benchgrid/child"
	"benchgrid/corpus"
	"benchgrid/matrix"
	"benchgrid/processor"
	"benchgrid/record"
	"benchgrid/strategies"
	"benchgrid/workload"
)

// MinCountForCI is the smallest count for which benchstat can give a 95%
// confidence interval.
const MinCountForCI = 6

// Plan is what a run would do: its cells, and what an estimate of its
// length needs (see Estimate).
type Plan struct {
	Cells       []matrix.Cell
	Unavailable []record.Unavailable
	// Samples is len(Cells) × the count, at most math.MaxInt.
	Samples int

	count       int
	profileCPU  time.Duration   // ProfileMinCPU when profiles are taken, else 0
	warmupFiles int             // Options.WarmupFiles; 0: the runner's share
	readOnly    map[string]bool // the workload's read-only adapters
}

// readModeAvailable is corpus.ReadModeAvailable; tests replace it.
var readModeAvailable = corpus.ReadModeAvailable

// MakePlan expands the matrix and drops the cells that cannot run here,
// saying why: a parser or a read mode (io_uring refused) unavailable, or
// feed=stream for a strategy without a streaming form. Its estimate is
// Plan.Estimate, of a CorpusCost.
//
// Parsers are checked in this process for the default build; a cell of
// another build variant is checked when that variant is built (see
// builds.Builder), since a variant may have adapters this binary lacks.
func MakePlan(opts Options) (Plan, error) {
	cells := opts.Cells
	if len(cells) == 0 {
		var err error
		if cells, err = opts.Matrix.Cells(); err != nil {
			return Plan{}, err
		}
	}
	plan := Plan{count: max(opts.Count, 1), warmupFiles: opts.WarmupFiles}
	if len(opts.Profiles) > 0 {
		plan.profileCPU = cmp.Or(opts.ProfileMinCPU, DefaultProfileMinCPU)
	}
	w := opts.Matrix.Workload
	if w == nil {
		var err error
		if w, err = opts.Workload.Open(); err != nil {
			return Plan{}, err
		}
	}
	plan.readOnly = map[string]bool{}
	for _, p := range w.Parsers() {
		plan.readOnly[p.Name] = p.ReadOnly
	}
	availability := processor.ParserAvailability(w)
	reported := map[string]bool{}
	readReasons := map[corpus.ReadMode]string{}
	for _, c := range cells {
		// A property of the strategy, so of every build variant: never run
		// as another feed.
		if reason := processor.FeedUnavailable(processor.Feed(c.Feed), c.Strategy); reason != "" {
			what := "feed=" + c.Feed + "/strategy=" + c.Strategy
			if !reported[what] {
				reported[what] = true
				plan.Unavailable = append(plan.Unavailable, record.Unavailable{What: what, Reason: reason})
			}
			continue
		}
		reason, checked := readReasons[c.Read]
		if !checked {
			err := readModeAvailable(c.Read)
			var ue *corpus.UnavailableError
			if err != nil && !errors.As(err, &ue) {
				return Plan{}, fmt.Errorf("checking read mode %s: %w", c.Read, err)
			}
			if ue != nil {
				reason = ue.Reason
				plan.Unavailable = append(plan.Unavailable, record.Unavailable{What: "read=" + string(c.Read), Reason: reason})
			}
			readReasons[c.Read] = reason
		}
		if reason != "" {
			continue // a property of this machine's kernel: so in every build variant
		}
		if !matrix.IsDefaultBuild(c.Build) {
			plan.Cells = append(plan.Cells, c)
			continue
		}
		reason, known := availability[c.Parser]
		if !known {
			return Plan{}, fmt.Errorf("unknown parser %q for workload %s (have %v)", c.Parser, w.Name(), workload.ParserNames(w))
		}
		if reason != "" {
			if !reported[c.Parser] {
				reported[c.Parser] = true
				plan.Unavailable = append(plan.Unavailable, record.Unavailable{What: "parser=" + c.Parser, Reason: reason})
			}
			continue
		}
		plan.Cells = append(plan.Cells, c)
	}
	plan.countSamples()
	return plan, nil
}

// countSamples sets Samples from the cells and the count, saturating.
func (p *Plan) countSamples() {
	p.Samples = len(p.Cells) * p.count
	if n := len(p.Cells); n > 0 && p.count > math.MaxInt/n {
		p.Samples = math.MaxInt
	}
}

// A CorpusCost is what an estimate knows of a corpus: its size and what
// listing it and reading a file cost on this machine, measured
// (MeasureCorpus) or assumed (AssumedCorpusCost).
type CorpusCost struct {
	Files int
	Bytes int64
	// List is the time to list the corpus, which every child does.
	List time.Duration
	// ReadPerFile is the mean time to open and read one of its files
	// (os.ReadFile, page cache warm).
	ReadPerFile time.Duration
	// Measured says whether List and ReadPerFile were measured here.
	Measured bool
}

// The model's assumptions: what it does not measure.
const (
	// childStart is a child's start-up: exec, runtime start, reading its
	// spec, building its processor.
	childStart = 150 * time.Millisecond
	// parseRate is a conservative rate of parsing and aggregating, in
	// bytes a second, on one core: about encoding/json's; the fastest
	// parsers are several times faster.
	parseRate = 100e6
	// assumedListPerFile and assumedReadPerFile stand in for the
	// measurements of a corpus that is not there yet: about twice what a
	// 2-core VM with the corpus in the page cache shows (2 µs and 5–10 µs).
	assumedListPerFile = 5 * time.Microsecond
	assumedReadPerFile = 20 * time.Microsecond
	// readSampleFiles is how many files, spread over the corpus,
	// MeasureCorpus reads to time a file.
	readSampleFiles = 200
)

// AssumedCorpusCost is the cost of a corpus of files and bytes that cannot
// be measured yet (a default corpus a dry run does not generate).
func AssumedCorpusCost(files int, bytes int64) CorpusCost {
	return CorpusCost{Files: files, Bytes: bytes,
		List: time.Duration(files) * assumedListPerFile, ReadPerFile: assumedReadPerFile}
}

// MeasureCorpus lists the corpus at dir as a run does (unreadable folders
// skipped) and measures its cost: the listing is timed, and so is a
// sequential read with corpus.ReadFile of readSampleFiles files spread over
// the list, after an untimed read of the same files that puts them in the
// page cache, as the run's reference pass does for the whole corpus.
func MeasureCorpus(ctx context.Context, dir string, isInput func(name string) bool) ([]corpus.File, []corpus.Skipped, CorpusCost, error) {
	start := time.Now()
	files, skipped, err := corpus.ListSkipping(ctx, dir, isInput)
	if err != nil {
		return nil, nil, CorpusCost{}, err
	}
	c := CorpusCost{Files: len(files), List: time.Since(start), Measured: true}
	for _, f := range files {
		c.Bytes += f.Size
	}
	sample := corpus.Spread(files, readSampleFiles)
	if len(sample) == 0 {
		return files, skipped, c, nil
	}
	r := corpus.NewReader(corpus.ReadFile)
	readAll := func() {
		for _, f := range sample {
			if data, err := r.Read(f); err == nil {
				r.Release(data)
			}
			// A file that cannot be read is a bad input to the run, and
			// costs about as much: it is timed all the same.
		}
	}
	readAll()
	start = time.Now()
	readAll()
	c.ReadPerFile = time.Since(start) / time.Duration(len(sample))
	return files, skipped, c, ctx.Err()
}

// Estimate is how long the plan would take on a corpus that costs c, by
// this model:
//
//	pass(cell) = (Files × ReadPerFile + Bytes / 100 MB/s) / cores
//	           + Files × latency / waiters
//	sample     = 150 ms (child start-up) + List + warm-up + pass(cell)
//	estimate   = the reference pass (std, sequential)
//	           + Σ over cells of count × sample
//	           + Σ over cells of sample + ProfileMinCPU/2, when profiling
//
// where parsing (the 100 MB/s, a conservative rate for encoding/json on
// one core) is left out for the read-only floor (parser none), cores is 1
// for a strategy with one worker (sequential) and otherwise the cell's workers up to its GOMAXPROCS, and
// waiters is how many of its files can wait their simulated latency at
// once (cellWaiters), and
// the warm-up is the runner's share of the pass (WarmupFiles, or
// WarmupShare of the files). Faster parsers make it err
// long; building variants is not counted. The arithmetic saturates: an
// estimate too long for a time.Duration is math.MaxInt64 (see
// FormatEstimate).
func (p Plan) Estimate(c CorpusCost) time.Duration {
	files := float64(c.Files)
	read := files * float64(c.ReadPerFile)
	parse := float64(c.Bytes) / parseRate * float64(time.Second)
	warm := float64(p.warmupFiles)
	if warm <= 0 {
		warm = float64(child.WarmupShare(c.Files))
	}
	warmShare := 0.0
	if files > 0 {
		warmShare = min(warm/files, 1)
	}
	total := read + parse // the reference pass
	for _, cell := range p.Cells {
		pass := read
		if !p.readOnly[cell.Parser] {
			pass += parse
		}
		pass /= float64(cellCores(cell))
		if lat := cell.Config().Latency; lat > 0 && files > 0 {
			pass += files * float64(lat) / float64(min(cellWaiters(cell), c.Files))
		}
		sample := float64(childStart) + float64(c.List) + (1+warmShare)*pass
		if cell.Feed != "" { // the timed pass lists the corpus again
			sample += float64(c.List)
		}
		total += float64(p.count) * sample
		if p.profileCPU > 0 {
			total += sample + float64(p.profileCPU)/2
		}
	}
	if total >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(total)
}

// cellCores is how many cores a cell's pass can keep busy.
func cellCores(c matrix.Cell) int {
	procs := c.Procs()
	switch {
	case strategies.FixedWorkers(c.Strategy) == "1":
		return 1
	case strategies.UsesWorkers(c.Strategy) && c.Workers > 0:
		return max(min(c.Workers, procs), 1)
	}
	return max(procs, 1)
}

// cellWaiters is how many files a cell's pass has waiting at once: one
// per goroutine that reads (a pipeline's read stage), every file for
// perfile.
func cellWaiters(c matrix.Cell) int {
	switch {
	case strategies.FixedWorkers(c.Strategy) == "1":
		return 1
	case !strategies.UsesWorkers(c.Strategy):
		return math.MaxInt // a goroutine per file
	case strategies.UsesReaders(c.Strategy) && c.Readers > 0:
		return c.Readers
	case c.Workers > 0:
		return c.Workers
	}
	return max(c.Procs(), 1)
}

// maxShownEstimate is the longest estimate FormatEstimate spells out.
const maxShownEstimate = 100000 * time.Hour

// FormatEstimate renders an estimate to the second, or "> 100000h" (more
// than 11 years) beyond that.
func FormatEstimate(d time.Duration) string {
	if d > maxShownEstimate {
		return "> 100000h"
	}
	return d.Round(time.Second).String()
}

// CheckOutDir returns an error when outDir, the folder results go to, is
// corpusDir or inside it: the run's own files would become inputs of the
// walks that follow. Both paths are made absolute, with the symbolic links
// of their existing parts evaluated, so that neither a link nor "." hides
// the overlap.
func CheckOutDir(outDir, corpusDir string) error {
	out, err := resolvePath(outDir)
	if err != nil {
		return err
	}
	root, err := resolvePath(corpusDir)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, out)
	if err == nil && filepath.IsLocal(rel) {
		return fmt.Errorf("%s is inside the corpus %s (as %s): results written there would become inputs", outDir, corpusDir, out)
	}
	return nil
}

// resolvePath returns path made absolute, with the symbolic links of its
// longest existing prefix evaluated; the rest, not there yet, is kept as
// it is.
func resolvePath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	var rest []string
	for p := abs; ; {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		parent := filepath.Dir(p)
		if parent == p {
			return abs, nil
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}

// CheckLatestLink returns an error when outDir/latest exists and is not a
// symbolic link: a run points that link at its folder, and must not
// replace a real file or folder of that name.
func CheckLatestLink(outDir string) error {
	latest := filepath.Join(outDir, "latest")
	info, err := os.Lstat(latest)
	if err != nil || info.Mode()&fs.ModeSymlink != 0 {
		return nil // absent (or unreadable: creating the run says why), or a link
	}
	return fmt.Errorf("%s is a real %s, not the link a run points at its folder: move it away", latest, kindOf(info))
}

func kindOf(info fs.FileInfo) string {
	if info.IsDir() {
		return "folder"
	}
	return "file"
}
