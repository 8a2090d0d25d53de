// Package child is the child-process side of a measurement: the
// protocol between the harness and a fresh process (a Spec on standard
// input, a Result on standard output), the passes a child runs (an untimed
// warm-up, then one timed pass or the profiling passes) and Main, the
// entry point that benchgrid's hidden subcommand (Subcommand) calls, so
// that the harness needs to know no command names.
//
// It sits after package processor in benchgrid's flow and before harness,
// which starts the children.
package child

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"benchgrid/corpus"
	"benchgrid/processor"
	"benchgrid/record"
	"benchgrid/workload"
)

// Spec tells a child process what to measure. The parent sends it as
// JSON on the child's standard input.
type Spec struct {
	Corpus string `json:"corpus"`
	// Workload names the workload and its configuration; nil is the
	// default workload, so that a binary built before workloads were
	// named (a rev= build) still reads the spec of an events cell.
	Workload *workload.Spec   `json:"workload,omitempty"`
	Config   processor.Config `json:"config"`
	// WarmupFiles is how many files, spread over the corpus, the untimed
	// warm-up processes; 0 means WarmupShare of the corpus.
	WarmupFiles int `json:"warmup_files"`
	// Cache is the page cache's state at the timed pass: corpus.CacheCold
	// evicts the corpus after the warm-up (and, in a profiling run, before
	// every pass); "" or corpus.CacheWarm leaves it as the warm-up left it.
	Cache string `json:"cache,omitempty"`
	// Feed is how the timed and profiling passes get their files
	// (processor.Feed): "" or "list" processes the list made before the
	// clock starts; "walk" and "stream" list the corpus again inside the
	// pass, the second while the workers process what it has found, and
	// "walk-dtype" and "stream-dtype" do the same with the d_type walk. A
	// binary that lacks the field (an older rev= build) refuses a spec
	// that sets it.
	Feed string `json:"feed,omitempty"`
	// Profiles, when set, asks for a profiling run instead of a timed
	// sample: profiles of the kinds it names (see record.ProfileKinds)
	// written to ProfileDir, over as many passes as it takes to gather
	// MinCPU of CPU time (at most MaxPasses).
	Profiles   []string      `json:"profiles,omitempty"`
	ProfileDir string        `json:"profile_dir,omitempty"`
	MinCPU     time.Duration `json:"min_cpu,omitempty"`
	MaxPasses  int           `json:"max_passes,omitempty"`
}

// Result is what a child reports on its standard output.
type Result struct {
	Sample    record.Sample    `json:"sample"`
	Canonical string           `json:"canonical,omitempty"`
	Digest    string           `json:"digest,omitempty"`
	BadFiles  int64            `json:"bad_files"`
	Fallbacks map[string]int64 `json:"fallbacks,omitempty"`
	Passes    int              `json:"passes"`
	Profiles  []record.Profile `json:"profiles,omitempty"`
	// GOMAXPROCS is what the child ran with, checked against the cell's
	// label (a cgroup CPU quota can lower the runtime's default).
	GOMAXPROCS int `json:"gomaxprocs"`
	// Cache, Latency and Feed echo the knobs the child applied, checked
	// against the cell's: a binary that does not know a knob (an older
	// rev= build) leaves them empty instead of silently measuring without
	// it. Feed is "" for list.
	Cache   string        `json:"cache,omitempty"`
	Latency time.Duration `json:"latency,omitempty"`
	Feed    string        `json:"feed,omitempty"`
	// Workload echoes the workload the child ran, checked against the
	// run's: a binary built before workloads were named (an older rev=
	// build) leaves it empty, and would run events whatever it is asked.
	Workload string `json:"workload,omitempty"`
	// Error is set, and nothing else, when the child failed with an error
	// of its own (it then also exits non-zero): the parent records it as
	// the failure's cause, of kind Kind.
	Error *Failure `json:"error,omitempty"`
}

// A Failure is a child's report of its own failure.
type Failure struct {
	// Kind is record.FailResource when the configuration ran out of one
	// of the program's resources, record.FailError otherwise.
	Kind    record.FailureKind `json:"kind"`
	Message string             `json:"message"`
}

// failureOf describes err for the parent.
func failureOf(err error) *Failure {
	kind := record.FailError
	if corpus.IsResourceExhausted(err) { // a read's, the walk's, a worker's
		kind = record.FailResource
	}
	return &Failure{Kind: kind, Message: err.Error()}
}

// The hidden subcommands of benchgrid's command line that the harness runs
// in a binary: Subcommand is a child (Main), ParsersSubcommand prints
// processor.ParserAvailability as JSON.
const (
	Subcommand        = "_child"
	ParsersSubcommand = "_parsers"
)

// ParsersMain is the body of the ParsersSubcommand: it reads a
// workload.Spec as JSON from stdin (empty stdin: the default workload) and
// writes processor.ParserAvailability of that workload as JSON to stdout.
func ParsersMain(stdin io.Reader, stdout io.Writer) error {
	data, err := io.ReadAll(stdin)
	if err != nil {
		return err
	}
	var spec workload.Spec
	if len(bytes.TrimSpace(data)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&spec); err != nil {
			return fmt.Errorf("read workload spec: %w", err)
		}
	}
	w, err := spec.Open()
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(processor.ParserAvailability(w))
}

// WarmupShare is the default size of a child's untimed warm-up over a
// corpus of n files: a thirtieth of them, at least 50 and at most 1,000
// (enough to compile sonic's JIT, fault in code and grow worker state, not
// a full pass).
func WarmupShare(n int) int { return min(max(n/30, 50), 1000) }

// Main is the body of a child process: it reads a Spec from
// stdin, measures, and writes a Result as JSON to stdout. On failure
// it writes a Result holding only the error, for the parent to read,
// and returns the error, which the caller prints on stderr before exiting
// non-zero.
func Main(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	res, err := runChild(ctx, stdin)
	if err != nil {
		_ = json.NewEncoder(stdout).Encode(struct {
			Error *Failure `json:"error"`
		}{failureOf(err)})
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

func runChild(ctx context.Context, stdin io.Reader) (*Result, error) {
	// Profiling never runs in timed samples: not even the runtime's
	// default sampling of allocations.
	runtime.MemProfileRate = 0
	var spec Spec
	// Strict: a field this binary does not know (a newer harness asking an
	// older build, say rev=, for a knob it lacks) must fail, not be ignored.
	dec := json.NewDecoder(stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		return nil, fmt.Errorf("read child spec: %w", err)
	}
	var ws workload.Spec
	if spec.Workload != nil {
		ws = *spec.Workload
	}
	w, err := ws.Open()
	if err != nil {
		return nil, err
	}
	spec.Config.Workload = w
	proc, err := processor.New(spec.Config)
	if err != nil {
		return nil, err
	}
	if err := corpus.CheckCacheMode(spec.Cache); err != nil {
		return nil, err
	}
	feed, err := processor.ParseFeed(spec.Feed)
	if err != nil {
		return nil, err
	}
	if reason := processor.FeedUnavailable(feed, spec.Config.Strategy); reason != "" {
		return nil, fmt.Errorf("feed %s: %s", feed, reason)
	}
	// The same list as the parent's: unreadable folders skipped.
	files, _, err := corpus.ListSkipping(ctx, spec.Corpus, w.IsInput)
	if err != nil {
		return nil, err
	}
	warm := spec.WarmupFiles
	if warm <= 0 {
		warm = WarmupShare(len(files))
	}
	// A streamed cell warms up its streaming form, over the same share.
	share := corpus.Spread(files, warm)
	if feed.Streams() {
		_, err = proc.RunWalk(ctx, processor.WalkOf(share))
	} else {
		_, err = proc.Run(ctx, share)
	}
	if err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	p := pass{proc: proc, feed: feed, root: spec.Corpus, files: files}
	if len(spec.Profiles) > 0 {
		res, err := profilePasses(ctx, p, spec)
		return echo(res, spec, feed), err
	}
	res, err := timedPass(ctx, p, spec.Cache)
	return echo(res, spec, feed), err
}

// A pass is what a child times and profiles: one run of its processor
// over the corpus, fed as its Spec.Feed asks (processor.RunCorpus).
type pass struct {
	proc  *processor.Processor
	feed  processor.Feed
	root  string
	files []corpus.File // the list made before the clock, as the parent's
}

// run runs the pass once.
func (p pass) run(ctx context.Context) (*workload.Outcome, error) {
	return p.proc.RunCorpus(ctx, p.feed, p.root, p.files)
}

// usage is a snapshot of the process's resource counters.
type usage struct {
	wall                  time.Time
	user, sys             time.Duration
	allocBytes, allocObjs uint64
	gcCycles              uint64
	gcPause               uint64
	maxRSS                int64
}

var metricNames = []string{"/gc/heap/allocs:bytes", "/gc/heap/allocs:objects", "/gc/cycles/total:gc-cycles"}

// metricSamples is allocated once, so that reading the counters at the end
// of a timed pass allocates nothing that the pass would be charged for.
var metricSamples = func() []metrics.Sample {
	s := make([]metrics.Sample, len(metricNames))
	for i, name := range metricNames {
		s[i].Name = name
	}
	return s
}()

// readCounters reads the process's CPU, allocation and GC counters (not
// the clock, and not peak RSS, whose /proc read allocates).
func readCounters() usage {
	// runtime/metrics has GC pauses only as a histogram; MemStats has the
	// exact total. Reading it stops the world, so beginTimed reads it
	// before the clock starts and endTimed after the clock stops.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	metrics.Read(metricSamples)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return usage{
		user:       time.Duration(ru.Utime.Nano()),
		sys:        time.Duration(ru.Stime.Nano()),
		allocBytes: metricSamples[0].Value.Uint64(),
		allocObjs:  metricSamples[1].Value.Uint64(),
		gcCycles:   metricSamples[2].Value.Uint64(),
		gcPause:    ms.PauseTotalNs,
	}
}

// beginTimed reads the counters, then starts the clock: the reading is not
// part of the timed region.
func beginTimed() usage {
	u := readCounters()
	u.wall = time.Now()
	return u
}

// endTimed stops the clock, then reads the counters and the peak RSS.
func endTimed() usage {
	wall := time.Now()
	u := readCounters()
	u.wall = wall
	u.maxRSS = peakRSS()
	return u
}

// peakRSS is the process's peak resident set size (VmHWM). getrusage's
// ru_maxrss is no use here: Linux carries it across execve, so a child
// would report its parent's peak whenever that is larger.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

// timedPass puts the page cache in the state cache asks for and measures
// the corpus's residency (see settleCache), forces a GC, then times one
// full pass. The GC comes after the cache's work, so that what measuring
// allocated is not left for the timed pass to collect.
func timedPass(ctx context.Context, p pass, cache string) (*Result, error) {
	resident, err := settleCache(p.files, cache)
	if err != nil {
		return nil, err
	}
	runtime.GC()
	// The timed pass ends with the workload's answer: the workers'
	// counters merged and the canonical line computed (workload.Pass's
	// Outcome), as a program that needs the answer pays for it. On the
	// default corpus that is about 1.3 ms of sonic/atomic's ~90 ms.
	before := beginTimed()
	tally, err := p.run(ctx)
	after := endTimed()
	if err != nil {
		return nil, err
	}
	res := result(p.proc, tally)
	res.Passes = 1
	res.Sample = record.Sample{
		Files:        tally.Files,
		Bytes:        tally.Bytes,
		WallNs:       after.wall.Sub(before.wall).Nanoseconds(),
		UserNs:       (after.user - before.user).Nanoseconds(),
		SysNs:        (after.sys - before.sys).Nanoseconds(),
		AllocBytes:   int64(after.allocBytes - before.allocBytes),
		AllocObjects: int64(after.allocObjs - before.allocObjs),
		GCCycles:     int64(after.gcCycles - before.gcCycles),
		GCPauseNs:    int64(after.gcPause - before.gcPause),
		PeakRSS:      after.maxRSS,
		Resident:     resident,
	}
	return res, nil
}

// settleCache evicts the corpus from the page cache when cache is cold,
// then returns the fraction of its pages resident (over at most
// corpus.ResidencySampleFiles files). A cold pass on a corpus that stays
// resident would be a warm pass labelled cold: that is an error, never a
// sample.
func settleCache(files []corpus.File, cache string) (float64, error) {
	cold := cache == corpus.CacheCold
	if cold {
		if err := corpus.Evict(files); err != nil {
			return 0, fmt.Errorf("evict the corpus: %w", err)
		}
	}
	resident, err := corpus.Residency(files, corpus.ResidencySampleFiles)
	if err != nil {
		return 0, fmt.Errorf("measure the corpus's residency: %w", err)
	}
	if cold && resident > corpus.MaxResidentAfterEvict {
		return 0, fmt.Errorf("eviction not verified: %.1f%% of the corpus still resident (the limit is %.0f%%)",
			100*resident, 100*corpus.MaxResidentAfterEvict)
	}
	// An explicitly warm sample may follow a cold one, whose eviction the
	// warm-up (a slice of the corpus) does not undo: read it all, untimed,
	// and check again. A cell that leaves the axis unset keeps today's
	// behaviour (the reference pass warmed the cache), its residency
	// recorded.
	if cache == corpus.CacheWarm && resident < 1-corpus.MaxResidentAfterEvict {
		if err := readAll(files); err != nil {
			return 0, fmt.Errorf("warm the corpus: %w", err)
		}
		if resident, err = corpus.Residency(files, corpus.ResidencySampleFiles); err != nil {
			return 0, fmt.Errorf("measure the corpus's residency: %w", err)
		}
		if resident < 1-corpus.MaxResidentAfterEvict {
			return 0, fmt.Errorf("warm cache not verified: only %.1f%% of the corpus resident after reading it all (is the page cache smaller than the corpus?)", 100*resident)
		}
	}
	return resident, nil
}

// echo records on res the knobs of spec the child applied, feed among
// them ("" for list, as cells name it).
func echo(res *Result, spec Spec, feed processor.Feed) *Result {
	if res != nil {
		res.Cache, res.Latency = spec.Cache, spec.Config.Latency
		if feed != processor.FeedList {
			res.Feed = string(feed)
		}
		res.Workload = workload.Default
		if spec.Workload != nil && spec.Workload.Name != "" {
			res.Workload = spec.Workload.Name
		}
	}
	return res
}

// readAll reads every file once, to bring it into the page cache. A file
// that cannot be read is left to the timed pass to judge.
func readAll(files []corpus.File) error {
	r := corpus.NewReader(corpus.ReadFile)
	for _, f := range files {
		data, err := r.Read(f)
		var re *corpus.ResourceError
		if errors.As(err, &re) {
			return err
		}
		if err == nil {
			r.Release(data)
		}
	}
	return nil
}

func result(proc *processor.Processor, out *workload.Outcome) *Result {
	res := &Result{
		BadFiles:   out.BadFiles,
		Fallbacks:  out.Fallbacks,
		Sample:     record.Sample{Files: out.Files, Bytes: out.Bytes},
		GOMAXPROCS: runtime.GOMAXPROCS(0),
	}
	if !proc.ReadOnly() {
		res.Canonical = string(out.Canonical)
		res.Digest = processor.Digest(out.Canonical)
	}
	return res
}

// profilePasses runs passes under the requested profiles until enough CPU
// time is sampled: passes fed as the timed pass is, so that a streamed
// cell's profile is of streamed passes.
func profilePasses(ctx context.Context, p pass, spec Spec) (*Result, error) {
	if err := os.MkdirAll(spec.ProfileDir, 0o755); err != nil {
		return nil, err
	}
	kinds, err := record.ParseProfileKinds(spec.Profiles)
	if err != nil {
		return nil, err
	}
	want := map[record.ProfileKind]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	minCPU, maxPasses := spec.MinCPU, spec.MaxPasses
	if minCPU <= 0 {
		minCPU = time.Second
	}
	if maxPasses <= 0 {
		maxPasses = 100
	}
	path := func(kind record.ProfileKind) string { return filepath.Join(spec.ProfileDir, kind.FileName()) }
	if want[record.ProfileAllocs] {
		runtime.MemProfileRate = 512 * 1024 // the runtime's default
	}
	if want[record.ProfileMutex] {
		runtime.SetMutexProfileFraction(5)
	}
	if want[record.ProfileBlock] {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	}
	var cpuFile *os.File
	if want[record.ProfileCPU] {
		f, err := os.Create(path(record.ProfileCPU))
		if err != nil {
			return nil, err
		}
		cpuFile = f
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
	}
	start := beginTimed()
	var tally *workload.Outcome
	passes := 0
	var runErr error
	for passes < maxPasses {
		// A cold cell's every pass reads an evicted corpus; the system
		// calls of evicting show in the CPU profile (a small share).
		if spec.Cache == corpus.CacheCold {
			if err := corpus.Evict(p.files); err != nil {
				runErr = fmt.Errorf("evict the corpus: %w", err)
				break
			}
		}
		traceThis := want[record.ProfileTrace] && passes == 0 // one pass: traces are large
		var traceFile *os.File
		if traceThis {
			f, err := os.Create(path(record.ProfileTrace))
			if err != nil {
				runErr = err
				break
			}
			traceFile = f
			if err := trace.Start(f); err != nil {
				f.Close()
				runErr = fmt.Errorf("trace: %w", err)
				break
			}
		}
		tally, runErr = p.run(ctx)
		if traceThis {
			trace.Stop()
			if err := traceFile.Close(); err != nil && runErr == nil {
				runErr = err
			}
		}
		if runErr != nil {
			break
		}
		passes++
		now := readCounters()
		if now.user+now.sys-start.user-start.sys >= minCPU {
			break
		}
	}
	if cpuFile != nil {
		pprof.StopCPUProfile()
		if err := cpuFile.Close(); err != nil && runErr == nil {
			runErr = err
		}
	}
	if runErr != nil {
		return nil, runErr
	}
	res := result(p.proc, tally)
	res.Passes = passes
	for _, kind := range slices.Sorted(maps.Keys(want)) {
		if kind.Lookup() {
			if kind == record.ProfileAllocs {
				runtime.GC() // make the profile current
			}
			f, err := os.Create(path(kind))
			if err != nil {
				return nil, err
			}
			err = pprof.Lookup(string(kind)).WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return nil, fmt.Errorf("%s profile: %w", kind, err)
			}
		}
		n := passes
		if kind.OnePass() {
			n = 1
		}
		res.Profiles = append(res.Profiles, record.Profile{Kind: kind, Path: path(kind), Passes: n})
	}
	return res, nil
}
