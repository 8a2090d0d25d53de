package reports

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"benchgrid/record"

	"github.com/google/pprof/profile"
)

// A category is a kind of work CPU time is attributed to.
type category int

// The categories, in the order reports list them.
const (
	catIO         category = iota // file I/O and system calls
	catDecompress                 // gzip and zstd decompression of inputs
	catJSON                       // JSON parsing and validation
	catAggregate                  // aggregating events: the tally, maps
	catGC                         // garbage collection
	catSched                      // scheduler, channels, locks
	catOther                      // anything else
	numCategories
)

var categoryNames = [numCategories]string{
	catIO:         "file I/O & syscalls",
	catDecompress: "decompression",
	catJSON:       "JSON parse & validate",
	catAggregate:  "aggregation",
	catGC:         "GC",
	catSched:      "scheduler & channels",
	catOther:      "other",
}

// String returns the category's name as the report prints it.
func (c category) String() string {
	if c < 0 || c >= numCategories {
		return fmt.Sprintf("category(%d)", int(c))
	}
	return categoryNames[c]
}

// categoryRules map function-name prefixes to categories: the one table
// the report classifies by — the attribution of CPU time, the chart, the
// top-functions tables and Appendix B — so that moving a package (say,
// benchgrid/parsers to benchgrid/workloads/…) is one change here. A
// function belongs to the first rule with a matching prefix.
var categoryRules = []struct {
	cat      category
	prefixes []string
}{
	{catIO, []string{
		"syscall.", "os.", "internal/poll.", "internal/syscall/", "internal/runtime/syscall",
		"golang.org/x/sys/unix.", "runtime.entersyscall", "runtime.exitsyscall", "runtime.reentersyscall",
		"io/fs.", "path/filepath.", "io.ReadAll", "io.ReadFull", "bufio.", "benchgrid/corpus.",
	}},
	{catDecompress, []string{
		"github.com/klauspost/compress", "compress/gzip.", "compress/flate.", "hash/crc32.",
		"benchgrid/workloads/query.(*decompressor)",
	}},
	{catJSON, []string{
		"encoding/json.", "github.com/bytedance/sonic", "github.com/valyala/fastjson",
		"github.com/minio/simdjson-go", "github.com/goccy/go-json", "github.com/json-iterator/go",
		"github.com/buger/jsonparser", "github.com/tidwall/gjson",
		// sonic's JIT-compiled decoders and encoders, and its native
		// (C, assembled) routines, which carry no package path.
		"sonic.jit.", "_f64toa", "_f32toa", "_get_by_path", "_html_escape", "_i64toa", "_lspace", "_quote",
		"_skip_array", "_skip_number", "_skip_one", "_skip_object", "_u64toa", "_unquote", "_validate_one",
		"_validate_utf8", "_vnumber", "_vsigned", "_vunsigned", "_vstring", "_value", "_parse_with_padding",
		"benchgrid/workload/strictjson",
		"benchgrid/workloads/events/parsers", "benchgrid/workloads/query/adapters",
		"unicode/utf8.", "unicode/utf16.",
	}},
	{catAggregate, []string{
		"benchgrid/workloads/events.(*Tally)", "benchgrid/workloads/query.", "runtime.map", "internal/runtime/maps.",
	}},
	{catGC, []string{
		"runtime.gc", "runtime.scan", "runtime.mark", "runtime.greyobject", "runtime.findObject",
		"runtime.wbBuf", "gcWriteBarrier", "runtime.tryDeferToSpanScan", "runtime.bgsweep", "runtime.sweepone", "runtime.bgscavenge",
		"runtime.(*gcWork)", "runtime.(*gcControllerState)", "runtime.(*gcCPULimiterState)",
		"runtime.(*mspan).sweep", "runtime.(*sweepLocked)", "runtime.(*spanQueue)",
		"runtime.(*spanInlineMarkBits)", "runtime.(*scavengerState)", "runtime.(*mheap).reclaim",
	}},
	{catSched, []string{
		"runtime.schedule", "runtime.findRunnable", "runtime.findrunnable", "runtime.park_m",
		"runtime.gopark", "runtime.goready", "runtime.ready", "runtime.chansend", "runtime.chanrecv",
		"runtime.chanparkcommit", "runtime.closechan", "runtime.selectgo", "runtime.sellock",
		"runtime.selunlock", "runtime.send", "runtime.recv", "runtime.futex", "runtime.lock",
		"runtime.unlock", "runtime.notesleep", "runtime.notewakeup", "runtime.mcall", "runtime.mPark",
		"runtime.stopm", "runtime.startm", "runtime.wakep", "runtime.handoffp", "runtime.stealWork",
		"runtime.runq", "runtime.globrunq", "runtime.checkTimers", "runtime.netpoll", "runtime.usleep",
		"runtime.osyield", "runtime.procyield", "runtime.semacquire", "runtime.semrelease",
		"runtime.gosched", "runtime.goschedImpl", "runtime.newproc", "runtime.goexit0",
		"runtime.gdestroy", "runtime.casgstatus", "runtime.execute", "runtime.resetspinning",
		"sync.(*Mutex)", "sync.(*RWMutex)", "sync.(*WaitGroup)", "sync.(*Cond)", "sync.runtime_",
		"internal/sync.", "golang.org/x/sync/",
	}},
}

// categorize returns the category of the function named fn, and false when
// no rule matches it.
func categorize(fn string) (category, bool) {
	for _, r := range categoryRules {
		for _, p := range r.prefixes {
			if strings.HasPrefix(fn, p) {
				return r.cat, true
			}
		}
	}
	return catOther, false
}

// frames returns a sample's function names from leaf to root, inlined
// frames included (a location lists its lines innermost first).
func frames(s *profile.Sample) []string {
	var out []string
	for _, loc := range s.Location {
		for _, ln := range loc.Line {
			if ln.Function != nil && ln.Function.Name != "" {
				out = append(out, ln.Function.Name)
			}
		}
	}
	return out
}

// attribute returns the CPU time of p by category, in the profile's
// sample unit (nanoseconds for Go CPU profiles). Each sample goes to the
// category of its innermost (leaf-most) frame that matches a rule, scanning
// from leaf to root: runtime.memmove under encoding/json counts as JSON,
// runtime.futex under the scheduler as scheduler. Samples with no matching
// frame count as other.
func attribute(p *profile.Profile) [numCategories]int64 {
	var out [numCategories]int64
	for _, cats := range leafCategories(p) {
		for c, v := range cats {
			out[c] += v
		}
	}
	return out
}

// sampleCategory is the category attribute gives a sample.
func sampleCategory(fr []string) category {
	for _, fn := range fr {
		if c, ok := categorize(fn); ok {
			return c
		}
	}
	return catOther
}

// leafCategories returns, per leaf function (a sample's innermost frame),
// its flat CPU time by the category attribute gave each of its samples:
// the top-functions tables show these, so that they agree with the
// attribution (runtime.memmove under sonic counts as JSON in both).
func leafCategories(p *profile.Profile) map[string][numCategories]int64 {
	out := map[string][numCategories]int64{}
	vi := valueIndex(p)
	for _, s := range p.Sample {
		if vi >= len(s.Value) {
			continue
		}
		fr := frames(s)
		leaf := "(unknown)"
		if len(fr) > 0 {
			leaf = fr[0]
		}
		cats := out[leaf]
		cats[sampleCategory(fr)] += s.Value[vi]
		out[leaf] = cats
	}
	return out
}

// categoryOf names the categories of a function's flat time: the one
// category, or the shares when its samples went to several ("JSON parse &
// validate 75%, other 25%").
func categoryOf(cats [numCategories]int64) string {
	var total int64
	for _, v := range cats {
		total += v
	}
	var parts []string
	for c, v := range cats {
		if v == 0 {
			continue
		}
		if v == total {
			return category(c).String()
		}
		parts = append(parts, fmt.Sprintf("%s %.0f%%", category(c), 100*float64(v)/float64(total)))
	}
	if len(parts) == 0 {
		return catOther.String()
	}
	return strings.Join(parts, ", ")
}

// categoryShare returns the share, in percent, of c's profiled CPU time
// that went to cat, and false when c has no readable CPU profile.
func (a *analysis) categoryShare(c *cellStat, cat category) (float64, bool) {
	for _, cp := range a.profiles {
		if cp.cell != c || cp.prof == nil {
			continue
		}
		cats := attribute(cp.prof)
		var total int64
		for _, v := range cats {
			total += v
		}
		if total == 0 {
			return 0, false
		}
		return 100 * float64(cats[cat]) / float64(total), true
	}
	return 0, false
}

// writeCategories writes Appendix B: the function-name prefixes of each
// category.
func writeCategories(b *strings.Builder) {
	b.WriteString("## Appendix B: CPU categories\n\n")
	b.WriteString("Each CPU profile sample goes to the category of its innermost (leaf-most) frame that matches one, scanning from leaf to root: so runtime.memmove called from encoding/json counts as JSON, an allocation counts as whoever allocated (unless the GC assist or mark work shows in the stack), and a map access counts as aggregation wherever it happens. The top-functions tables give each function the categories its samples went to. Categories by function-name prefix:\n\n")
	for _, r := range categoryRules {
		fmt.Fprintf(b, "- **%s**: %s\n", r.cat, text(strings.Join(r.prefixes, ", ")))
	}
	fmt.Fprintf(b, "- **%s**: everything else\n", catOther)
}

// valueIndex returns the index of the CPU time among p's sample values:
// the "cpu" type, else the last one.
func valueIndex(p *profile.Profile) int {
	for i, st := range p.SampleType {
		if st.Type == "cpu" {
			return i
		}
	}
	return max(0, len(p.SampleType)-1)
}

// A funcStat is one function's flat and cumulative time.
type funcStat struct {
	name      string
	flat, cum int64
}

// topFuncs returns the n functions with the most flat time, most first,
// ties by cumulative time then name.
func topFuncs(p *profile.Profile, n int) (fs []funcStat, total int64) {
	vi := valueIndex(p)
	flat, cum := map[string]int64{}, map[string]int64{}
	for _, s := range p.Sample {
		if vi >= len(s.Value) {
			continue
		}
		v := s.Value[vi]
		total += v
		fr := frames(s)
		if len(fr) == 0 {
			fr = []string{"(unknown)"}
		}
		flat[fr[0]] += v
		seen := map[string]bool{}
		for _, f := range fr {
			if !seen[f] {
				seen[f] = true
				cum[f] += v
			}
		}
	}
	for name, c := range cum {
		fs = append(fs, funcStat{name, flat[name], c})
	}
	slices.SortFunc(fs, func(a, b funcStat) int {
		return cmp.Or(cmp.Compare(b.flat, a.flat), cmp.Compare(b.cum, a.cum), strings.Compare(a.name, b.name))
	})
	return fs[:min(n, len(fs))], total
}

// cellProfile is a cell's CPU profiles, merged.
type cellProfile struct {
	cell   *cellStat
	prof   *profile.Profile // nil when none could be read
	passes int
	// problems are missing or unreadable profiles; refused lists those
	// not read at all because reading them was not safe (see
	// record.ReadInDir).
	problems []string
	refused  []refusal
}

// A refusal is a profile not read, and why.
type refusal struct{ path, reason string }

// MaxProfileBytes is the size limit of a profile file, and of its contents
// once decompressed: far above a profile of any run, far below what would
// exhaust memory.
const MaxProfileBytes = 256 << 20

// maxProfileBytes is MaxProfileBytes; tests lower it.
var maxProfileBytes int64 = MaxProfileBytes

// errMissing is a profile that results.json names but that is not there.
var errMissing = errors.New("missing")

// profiled returns the ranked cells that name a CPU profile.
func (a *analysis) profiled() []*cellStat {
	var out []*cellStat
	for _, c := range a.ranked {
		if hasCPUProfile(c.Cell) {
			out = append(out, c)
		}
	}
	return out
}

// loadProfiles reads every cell's CPU profiles. Missing, unreadable and
// refused files are problems to report, not errors.
func loadProfiles(runDir string, cells []*cellStat) []*cellProfile {
	var out []*cellProfile
	for _, c := range cells {
		cp := &cellProfile{cell: c}
		var ps []*profile.Profile
		for _, pr := range c.Profiles {
			if pr.Kind != record.ProfileCPU {
				continue
			}
			p, err := readProfile(runDir, pr.Path)
			if err != nil {
				cp.problems = append(cp.problems, fmt.Sprintf("%s: %v", pr.Path, err))
				if errors.Is(err, record.ErrRefused) {
					cp.refused = append(cp.refused, refusal{pr.Path, err.Error()})
				}
				continue
			}
			ps = append(ps, p)
			cp.passes += pr.Passes
		}
		if len(ps) > 0 {
			p, err := profile.Merge(ps)
			if err != nil {
				cp.problems = append(cp.problems, fmt.Sprintf("merge CPU profiles: %v", err))
			} else {
				cp.prof = p
			}
		}
		out = append(out, cp)
	}
	return out
}

// readProfile reads and parses the profile rel names in runDir, through
// record.ReadInDir: only a regular file inside runDir of at most
// maxProfileBytes, and at most maxProfileBytes once decompressed. Its errors
// do not name the file: the caller does.
func readProfile(runDir, rel string) (*profile.Profile, error) {
	data, err := record.ReadInDir(runDir, rel, maxProfileBytes)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errMissing
		}
		if pe, ok := err.(*fs.PathError); ok {
			return nil, pe.Err
		}
		return nil, err
	}
	// profile.Parse would decompress without a limit: a small gzip bomb
	// could exhaust memory. A protobuf never starts with gzip's magic, so
	// once is all a real profile needs.
	if isGzip(data) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("parse: %w", err)
		}
		data, err = io.ReadAll(io.LimitReader(zr, maxProfileBytes+1))
		if err != nil {
			return nil, fmt.Errorf("parse: decompress: %w", err)
		}
		if int64(len(data)) > maxProfileBytes {
			return nil, fmt.Errorf("%w: over the limit of %d bytes once decompressed", record.ErrRefused, maxProfileBytes)
		}
		if isGzip(data) {
			return nil, fmt.Errorf("%w: compressed twice", record.ErrRefused)
		}
	}
	p, err := profile.ParseData(data)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	return p, nil
}

func isGzip(data []byte) bool { return len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b }

// hasCPUProfile reports whether c names a CPU profile.
func hasCPUProfile(c *record.Cell) bool {
	for _, p := range c.Profiles {
		if p.Kind == record.ProfileCPU {
			return true
		}
	}
	return false
}
