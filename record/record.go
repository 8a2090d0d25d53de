// Package record defines the result files of a benchgrid run: the schema
// of results.json, its atomic writing and its reading. The harness writes
// them; reports read them, and need nothing else, so a results folder copied
// from another machine can be reported on anywhere.
//
// It is a leaf that the harness (which writes), the study and the reports
// (which read) share.
package record

import (
	"benchgrid/workload"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// SchemaVersion is the version of the results.json layout.
const SchemaVersion = 1

// File names inside a run folder.
const (
	ResultsFile = "results.json"
	BenchFile   = "bench.txt"
	ProfilesDir = "profiles"
	ReportFile  = "report.md"
)

// A Run is everything one `benchgrid run` measured: the single input of a
// report.
type Run struct {
	Version int `json:"version"`
	// Complete is false while the run is going on and when it was
	// interrupted; what it holds was measured all the same.
	Complete bool      `json:"complete"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Env      Env       `json:"env"`
	// Workload is the workload the cells ran; nil (results written before
	// workloads were named) is events.
	Workload *Workload `json:"workload,omitempty"`
	Corpus   Corpus    `json:"corpus"`
	// Count is the number of samples asked for per cell; in an adaptive
	// run, the most rounds a cell ran in.
	Count int `json:"count"`
	// Adaptive holds the settings of an adaptive run (-count auto); nil
	// for a run of a fixed count.
	Adaptive *Adaptive `json:"adaptive,omitempty"`
	// ShuffleSeed seeds the order of cells within each round.
	ShuffleSeed uint64  `json:"shuffle_seed"`
	Cells       []Cell  `json:"cells"`
	Rounds      []Round `json:"rounds"`
	// Warnings are run-wide problems that did not stop the run.
	Warnings []string `json:"warnings,omitempty"`
	// Unavailable lists cells that could not run on this machine, with
	// the reason (say, a parser that needs a CPU feature).
	Unavailable []Unavailable `json:"unavailable,omitempty"`
	// Builds lists the binaries the cells ran in: the default build and
	// each build variant, with its build settings.
	Builds []Build `json:"builds,omitempty"`
	// Roles says which configurations are the reference, the naive
	// baseline and the reading floor.
	Roles *Roles `json:"roles,omitempty"`
}

// A Workload is the workload of a run: its name, and the configuration it
// was opened with (a query file's text) with that text's SHA-256.
type Workload struct {
	Name         string `json:"name"`
	Config       string `json:"config,omitempty"`
	ConfigDigest string `json:"config_digest,omitempty"`
}

// WorkloadName is the name of the workload r ran: "events" when r does not
// say.
func (r *Run) WorkloadName() string {
	if r.Workload == nil || r.Workload.Name == "" {
		return "events"
	}
	return r.Workload.Name
}

// A Build is a binary that cells ran in.
type Build struct {
	Name   string `json:"name"`
	Binary string `json:"binary,omitempty"`
	// Settings are its debug.ReadBuildInfo settings (GOEXPERIMENT, -pgo,
	// GOAMD64, …) and notes of the variant (the PGO profile used).
	Settings map[string]string `json:"settings,omitempty"`
}

// Env is the machine and build the run measured on.
type Env struct {
	GOOS         string `json:"goos"`
	GOARCH       string `json:"goarch"`
	CPU          string `json:"cpu"`
	NumCPU       int    `json:"num_cpu"`
	GoVersion    string `json:"go_version"`
	GOEXPERIMENT string `json:"goexperiment"`
	// Modules maps a parser's module path to its version.
	Modules map[string]string `json:"modules"`
	// Commit is the project's VCS revision, with "+dirty" when modified.
	Commit  string  `json:"commit"`
	LoadAvg float64 `json:"load_avg"`
	// Benchgrid's command line.
	Args []string `json:"args"`
}

// Corpus describes the measured corpus and the reference answer on it.
type Corpus struct {
	Path  string `json:"path"`
	Files int64  `json:"files"`
	Bytes int64  `json:"bytes"`
	// Seed is the generator seed when the corpus was generated, else 0.
	Seed uint64 `json:"seed,omitempty"`
	// SizeP50 … SizeMax are file-size percentiles in bytes.
	SizeP50 int64 `json:"size_p50"`
	SizeP90 int64 `json:"size_p90"`
	SizeP99 int64 `json:"size_p99"`
	SizeMax int64 `json:"size_max"`
	// Reference is the canonical line of std + sequential, against which
	// every sample is checked, and Digest its SHA-256.
	Reference string `json:"reference"`
	Digest    string `json:"digest"`
	// BadFiles counts the bad inputs; Bad lists them (up to a limit)
	// with their reasons: they were skipped, not run failures.
	BadFiles int64      `json:"bad_files"`
	Bad      []BadInput `json:"bad,omitempty"`
	// Documents and BadDocuments count the units the workload judged
	// (files for events; documents for query, a bad file counting as one
	// bad document); BadReasons are the most
	// common reasons, numbers folded ("event N: …").
	Documents    int64                  `json:"documents,omitempty"`
	BadDocuments int64                  `json:"bad_documents,omitempty"`
	BadReasons   []workload.ReasonCount `json:"bad_reasons,omitempty"`
	// Rejection says that more than half of the documents were bad, and
	// the run went on because it was asked to (-allow-bad): its timings
	// measure how fast each parser rejects documents.
	Rejection bool `json:"rejection,omitempty"`
	// Skipped lists the folders that could not be read, with the reason:
	// the inputs below them are not part of the run.
	Skipped []BadInput `json:"skipped,omitempty"`
}

// A BadInput is an input the workload counted as bad.
type BadInput struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// A Cell is one configuration of the matrix and everything measured of it.
type Cell struct {
	// Name is the cell's benchmark name without the "BenchmarkEvents/"
	// prefix, e.g. "parser=sonic/strategy=pool/workers=2/read=readfile".
	Name       string `json:"name"`
	Parser     string `json:"parser"`
	Strategy   string `json:"strategy"`
	Workers    string `json:"workers"`
	Read       string `json:"read"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GOGC       string `json:"gogc"`
	GOMEMLIMIT string `json:"gomemlimit"`
	Build      string `json:"build"`
	// Axes are the cell's axes in the order reports list them, every
	// axis of the run with its value (GOMAXPROCS included, though the
	// benchmark name has it as its -N suffix).
	Axes []AxisValue `json:"axes,omitempty"`
	// ReadOnly marks the I/O floor (parser none): no answer to check.
	ReadOnly bool       `json:"read_only,omitempty"`
	Samples  []Sample   `json:"samples"`
	Failures []Failure  `json:"failures,omitempty"`
	Profiles []Profile  `json:"profiles,omitempty"`
	Warnings []string   `json:"warnings,omitempty"`
	Fallback []Fallback `json:"fallbacks,omitempty"`
	// Rounds and Stopped, in an adaptive run, are how many rounds the
	// cell ran in (its samples and its failures) and why it ran in no
	// more: "target reached", "clearly slower than the best", "budget"
	// or "max rounds".
	Rounds  int    `json:"rounds,omitempty"`
	Stopped string `json:"stopped,omitempty"`
}

// Reasons an adaptive run's cell stopped (Cell.Stopped), in StopReasons.
const (
	StoppedTarget    = "target reached"
	StoppedSlower    = "clearly slower than the best"
	StoppedBudget    = "budget"
	StoppedMaxRounds = "max rounds"
)

// StopReasons lists the reasons a cell stopped, in the order reports give
// them.
var StopReasons = []string{StoppedTarget, StoppedSlower, StoppedBudget, StoppedMaxRounds}

// Adaptive are the settings of an adaptive run: rounds were added until
// every cell's 95% interval of its median wall time was within TargetCI
// of the median (relative half-width), from MinRounds on, for at most
// MaxRounds and BudgetNs of rounds; with Drop, cells clearly slower than
// the best ran in no later round.
type Adaptive struct {
	TargetCI  float64 `json:"target_ci"`
	BudgetNs  int64   `json:"budget_ns"`
	MinRounds int     `json:"min_rounds"`
	MaxRounds int     `json:"max_rounds"`
	Drop      bool    `json:"drop,omitempty"`
}

// FullName is the cell's name with its GOMAXPROCS suffix, as bench.txt
// names it: unique within a run, where Name is not when the run varies
// GOMAXPROCS.
func (c *Cell) FullName() string { return fmt.Sprintf("%s-%d", c.Name, c.GOMAXPROCS) }

// Label names c among r's cells: its Name, or its FullName when r's cells
// do not all run with the same GOMAXPROCS.
func (r *Run) Label(c *Cell) string {
	for i := range r.Cells {
		if r.Cells[i].GOMAXPROCS != c.GOMAXPROCS {
			return c.FullName()
		}
	}
	return c.Name
}

// NoisyCV is the coefficient of variation of a cell's wall times above
// which the harness warns and the report marks the cell noisy.
const NoisyCV = 0.05

// A Sample is one timed pass over the corpus in a fresh child process.
type Sample struct {
	Round        int   `json:"round"`
	WallNs       int64 `json:"wall_ns"`
	UserNs       int64 `json:"user_ns"`
	SysNs        int64 `json:"sys_ns"`
	AllocBytes   int64 `json:"alloc_bytes"`
	AllocObjects int64 `json:"alloc_objects"`
	GCCycles     int64 `json:"gc_cycles"`
	GCPauseNs    int64 `json:"gc_pause_ns"`
	PeakRSS      int64 `json:"peak_rss_bytes"`
	Files        int64 `json:"files"`
	Bytes        int64 `json:"bytes"`
	// Resident is the fraction of the corpus's pages in the page cache
	// when the timed pass started (0 to 1, by mincore, over at most
	// 10,000 files spread over the corpus): about 1 for a warm cell, at
	// most 0.03 for a cold one. It is absent, read as 0, in results
	// written before it was measured; only cold cells' samples are read
	// for it.
	Resident float64 `json:"resident,omitempty"`
}

// CPUNs is the sample's user plus system CPU time.
func (s Sample) CPUNs() int64 { return s.UserNs + s.SysNs }

// MBPerSec is the sample's throughput in megabytes (10^6) per second.
func (s Sample) MBPerSec() float64 {
	if s.WallNs <= 0 {
		return 0
	}
	return float64(s.Bytes) / 1e6 / (float64(s.WallNs) / 1e9)
}

// FilesPerSec is the sample's throughput in files per second.
func (s Sample) FilesPerSec() float64 {
	if s.WallNs <= 0 {
		return 0
	}
	return float64(s.Files) / (float64(s.WallNs) / 1e9)
}

// A FailureKind says why a sample produced no data point. In JSON it is
// the plain string.
type FailureKind string

// Failure kinds.
const (
	FailCrash    FailureKind = "crash"    // the child exited abnormally
	FailTimeout  FailureKind = "timeout"  // the child exceeded -timeout
	FailMismatch FailureKind = "mismatch" // the child computed a different answer
	FailError    FailureKind = "error"    // the child reported an error
	// FailResource is a configuration that ran out of one of the
	// program's own resources (file descriptors, memory, threads): a
	// failure of the configuration, never a bad input or a mismatch.
	FailResource FailureKind = "resource"
)

// Lost reports whether a sample of kind k was lost to the program or the
// machine — a crash, a timeout, an error, an exhausted resource — rather
// than run to a wrong answer (FailMismatch). A kind this version does not
// know, read from another's results.json, is a lost sample too: a
// mismatch is the one failure that says the answer was wrong.
func (k FailureKind) Lost() bool { return k != FailMismatch }

// A Failure is a sample that produced no data point, and why.
type Failure struct {
	Round  int         `json:"round"`
	Kind   FailureKind `json:"kind"`
	Reason string      `json:"reason"`
	// Cause is the failure's cause in one line, the first thing a report
	// shows: a Go runtime's "fatal error: …" or "panic: …" line, a
	// signal, or the OS error of an exhausted resource. Empty when Reason
	// says it all.
	Cause string `json:"cause,omitempty"`
	// Stderr is the child's standard error: its head (where a Go panic or
	// fatal error names its cause and the first goroutine's frames) and
	// its tail, with what lies between left out and counted.
	Stderr string `json:"stderr,omitempty"`
	// Got and Want are the canonical lines of a mismatch.
	Got  string `json:"got,omitempty"`
	Want string `json:"want,omitempty"`
}

// A Profile is a profile file of a cell, relative to the run folder.
type Profile struct {
	Kind ProfileKind `json:"kind"`
	Path string      `json:"path"`
	// Passes is the number of passes over the corpus it covers.
	Passes int `json:"passes"`
}

// A ProfileKind names a profile that a profiling run takes, as the
// -profile flag and results.json (a plain string) name it.
type ProfileKind string

// Profile kinds.
const (
	ProfileCPU    ProfileKind = "cpu"
	ProfileAllocs ProfileKind = "allocs"
	ProfileMutex  ProfileKind = "mutex"
	ProfileBlock  ProfileKind = "block"
	ProfileTrace  ProfileKind = "trace" // an execution trace
)

// ProfileKinds lists the profiles a profiling run can take.
var ProfileKinds = []ProfileKind{ProfileCPU, ProfileAllocs, ProfileMutex, ProfileBlock, ProfileTrace}

// ParseProfileKinds checks a list of profile names, as the -profile flag
// takes them, and returns their kinds in the same order.
func ParseProfileKinds(list []string) ([]ProfileKind, error) {
	var kinds []ProfileKind
	for _, name := range list {
		k := ProfileKind(name)
		if !slices.Contains(ProfileKinds, k) {
			return nil, fmt.Errorf("unknown profile %q (have %s)", name, joinKinds(ProfileKinds))
		}
		kinds = append(kinds, k)
	}
	return kinds, nil
}

// joinKinds joins kinds with commas, as the -profile flag takes them.
func joinKinds(kinds []ProfileKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ",")
}

// FileName is the name of a profile of kind k in its cell's folder under
// ProfilesDir: "trace.out" for the trace, "cpu.pprof", "allocs.pprof", …
// for the pprof profiles.
func (k ProfileKind) FileName() string {
	if k == ProfileTrace {
		return "trace.out"
	}
	return string(k) + ".pprof"
}

// OnePass reports whether a profile of kind k covers only the first
// profiling pass, whatever the number of passes: the trace, which grows
// too large over more.
func (k ProfileKind) OnePass() bool { return k == ProfileTrace }

// Lookup reports whether a profile of kind k is one of the runtime's own
// records (allocs, mutex, block), read with runtime/pprof.Lookup once the
// passes are over, rather than one recorded while they run (cpu, trace).
func (k ProfileKind) Lookup() bool {
	return k == ProfileAllocs || k == ProfileMutex || k == ProfileBlock
}

// A Fallback counts files an adapter decoded another way (see
// workload.Batch.Fallback).
type Fallback struct {
	Reason string `json:"reason"`
	Files  int64  `json:"files"`
}

// A Round is one pass over every cell, in shuffled order.
type Round struct {
	Index int `json:"index"`
	// Order lists cell indexes in the order they ran.
	Order []int `json:"order"`
	// LoadAvg is the 1-minute load average before the round.
	LoadAvg float64 `json:"load_avg"`
	// OtherCPUBefore and OtherCPUDuring are the CPU time other processes
	// used, in cores (0 = idle machine, 1 = one core busy), just before
	// and during the round.
	OtherCPUBefore float64 `json:"other_cpu_before"`
	OtherCPUDuring float64 `json:"other_cpu_during"`
	// WaitedIdleNs is how long -wait-idle waited before the round.
	WaitedIdleNs int64 `json:"waited_idle_ns,omitempty"`
}

// An Unavailable configuration could not run here.
type Unavailable struct {
	What   string `json:"what"`
	Reason string `json:"reason"`
}

// Read reads dir's results.json, as untrusted input: a file that is not
// regular or is larger than MaxResultsBytes is refused (see ReadInDir), and
// so is a run with an impossible value (see Run.Validate), with an error
// naming the file and the field.
func Read(dir string) (*Run, error) {
	return readJSON(dir, ResultsFile, decodeRun)
}

// decodeRun decodes and validates the contents of a results.json.
func decodeRun(data []byte) (*Run, error) {
	r := new(Run)
	if err := json.Unmarshal(data, r); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	r.Upgrade()
	return r, nil
}

// Write writes r as dir's results.json, atomically: a reader sees the old
// file or the new one, never a torn one.
func Write(dir string, r *Run) error {
	r.Version = SchemaVersion
	return writeJSON(dir, ResultsFile, r)
}

// readJSON reads dir/name, capped at maxResultsBytes, and decodes it.
func readJSON[T any](dir, name string, decode func([]byte) (*T, error)) (*T, error) {
	data, err := ReadInDir(dir, name, maxResultsBytes)
	if err != nil {
		return nil, err
	}
	v, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, name), err)
	}
	return v, nil
}

// writeJSON writes v, indented, as dir/name, atomically.
func writeJSON(dir, name string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	return WriteFileAtomic(filepath.Join(dir, name), append(data, '\n'))
}

// WriteFileAtomic writes data to path through a temporary file in the same
// folder, synced and renamed over path.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// FailedCells describes each cell that has a failed sample, worst first in
// the order of the cells: "NAME: 2 mismatch, 1 crash".
func (r *Run) FailedCells() []string {
	var out []string
	for _, c := range r.Cells {
		if len(c.Failures) == 0 {
			continue
		}
		counts := map[FailureKind]int{}
		var kinds []FailureKind
		for _, f := range c.Failures {
			if counts[f.Kind] == 0 {
				kinds = append(kinds, f.Kind)
			}
			counts[f.Kind]++
		}
		var parts []string
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
		out = append(out, r.Label(&c)+": "+strings.Join(parts, ", "))
	}
	return out
}
