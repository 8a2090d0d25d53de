package reports

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"benchgrid/record"

	"github.com/google/pprof/profile"
)

func TestCategorize(t *testing.T) {
	tests := []struct {
		fn   string
		want category
		ok   bool
	}{
		{"syscall.Syscall", catIO, true},
		{"internal/runtime/syscall/linux.Syscall6", catIO, true},
		{"os.(*File).Read", catIO, true},
		{"internal/poll.(*FD).Read", catIO, true},
		{"runtime.entersyscall", catIO, true},
		{"encoding/json.(*decodeState).object", catJSON, true},
		{"github.com/bytedance/sonic/internal/decoder.(*Decoder).Decode", catJSON, true},
		{"github.com/valyala/fastjson.(*Parser).Parse", catJSON, true},
		{"benchgrid/workload/strictjson.Validate", catJSON, true},
		{"github.com/klauspost/compress/zstd.(*Decoder).DecodeAll", catDecompress, true},
		{"benchgrid/workloads/query.(*decompressor).gunzip", catDecompress, true},
		{"benchgrid/workloads/query.(*Tally).File", catAggregate, true},
		{"benchgrid/workloads/events/parsers.(*sonicDecoder).Decode", catJSON, true},
		{"benchgrid/workloads/events.(*Tally).AddGood", catAggregate, true},
		{"runtime.mapassign_faststr", catAggregate, true},
		{"internal/runtime/maps.(*Map).getWithKeySmall", catAggregate, true},
		{"runtime.gcBgMarkWorker", catGC, true},
		{"runtime.gcDrain", catGC, true},
		{"runtime.scanobject", catGC, true},
		{"runtime.gcAssistAlloc", catGC, true},
		{"runtime.schedule", catSched, true},
		{"runtime.findRunnable", catSched, true},
		{"runtime.chansend1", catSched, true},
		{"runtime.chanrecv2", catSched, true},
		{"runtime.futex", catSched, true},
		{"runtime.lock2", catSched, true},
		{"sync.(*Mutex).Lock", catSched, true},
		{"runtime.memmove", catOther, false},
		{"runtime.mallocgc", catOther, false},
		{"sync/atomic.AddInt64", catOther, false},
		{"osext.Foo", catOther, false},
		{"benchgrid/workloads/events.(*Batch).Add", catOther, false},
	}
	for _, tt := range tests {
		got, ok := categorize(tt.fn)
		if got != tt.want || ok != tt.ok {
			t.Errorf("categorize(%q) = %v, %v, want %v, %v", tt.fn, got, ok, tt.want, tt.ok)
		}
	}
}

// newProfile builds a CPU profile from stacks given leaf first, each with
// its value in nanoseconds. A stack entry with several names separated by
// "|" is one location with inlined frames, innermost first.
func newProfile(stacks map[string]int64, order ...[]string) *profile.Profile {
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
	}
	funcs := map[string]*profile.Function{}
	fn := func(name string) *profile.Function {
		if funcs[name] == nil {
			funcs[name] = &profile.Function{ID: uint64(len(funcs) + 1), Name: name}
			p.Function = append(p.Function, funcs[name])
		}
		return funcs[name]
	}
	for _, stack := range order {
		var locs []*profile.Location
		for _, frame := range stack {
			loc := &profile.Location{ID: uint64(len(p.Location) + 1)}
			for _, name := range strings.Split(frame, "|") {
				loc.Line = append(loc.Line, profile.Line{Function: fn(name)})
			}
			p.Location = append(p.Location, loc)
			locs = append(locs, loc)
		}
		v := stacks[join(stack)]
		p.Sample = append(p.Sample, &profile.Sample{Location: locs, Value: []int64{v / 1e7, v}})
	}
	return p
}

func join(stack []string) string { return strings.Join(stack, ";") }

func TestAttribute(t *testing.T) {
	stacks := [][]string{
		// A memmove under the JSON decoder counts as JSON: the innermost
		// frame that matches decides, not the leaf.
		{"runtime.memmove", "encoding/json.(*decodeState).literalStore", "benchgrid/workloads/events/parsers.(*stdDecoder).Decode", "main.main"},
		// Reading a file.
		{"internal/runtime/syscall/linux.Syscall6", "syscall.read", "os.(*File).Read", "os.ReadFile", "benchgrid/strategies.(*Pool).Run.func1"},
		// A map write in the tally is aggregation.
		{"internal/runtime/maps.(*Map).putSlotSmall", "runtime.mapassign_faststr", "benchgrid/workloads/events.(*Tally).AddGood", "benchgrid/strategies.(*Pool).Run.func1"},
		// Mark assist under mallocgc under JSON counts as GC: scanobject is
		// innermost.
		{"runtime.scanobject", "runtime.gcDrainN", "runtime.gcAssistAlloc1", "runtime.mallocgc", "encoding/json.(*decodeState).object"},
		// Plain allocation counts as whoever allocated.
		{"runtime.nextFreeFast", "runtime.mallocgc", "encoding/json.(*decodeState).object"},
		// Idle workers parked in the scheduler.
		{"runtime.futex", "runtime.futexsleep", "runtime.notesleep", "runtime.stopm", "runtime.findRunnable", "runtime.schedule"},
		// Inlined frames: the location's first line is the innermost.
		{"runtime.memclrNoHeapPointers|benchgrid/workloads/events.(*Tally).AddBad", "main.main"},
		// Nothing matches.
		{"runtime.memmove", "main.work"},
		// No symbols at all (say, JIT-compiled code) under sonic.
		{"", "github.com/bytedance/sonic.Unmarshal"},
	}
	values := map[string]int64{}
	for i, s := range stacks {
		values[join(s)] = int64(i+1) * 10e6
	}
	p := newProfile(values, stacks...)
	// Function-less locations carry no name.
	p.Sample[8].Location[0].Line = nil

	got := attribute(p)
	var want [numCategories]int64
	want[catJSON] = 10e6 + 50e6 + 90e6
	want[catIO] = 20e6
	want[catAggregate] = 30e6 + 70e6
	want[catGC] = 40e6
	want[catSched] = 60e6
	want[catOther] = 80e6
	if got != want {
		t.Errorf("attribute = %v, want %v", got, want)
	}

	fs, total := topFuncs(p, 3)
	if total != 450e6 {
		t.Errorf("topFuncs total = %d, want %d", total, int64(450e6))
	}
	// Flat time goes to the leaf: sonic (the symbol-less location has no
	// name) and memmove (two samples) tie at 90ms and break the tie by name.
	var names []string
	for _, f := range fs {
		names = append(names, f.name)
	}
	wantNames := []string{"github.com/bytedance/sonic.Unmarshal", "runtime.memmove", "runtime.memclrNoHeapPointers"}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("topFuncs names = %q, want %q", names, wantNames)
	}
	if fs[1].flat != 90e6 || fs[1].cum != 90e6 || fs[2].flat != 70e6 {
		t.Errorf("topFuncs = %+v, want memmove flat=cum=90ms, memclr flat 70ms", fs)
	}
	if cum := cumOf(p, "encoding/json.(*decodeState).object"); cum != 90e6 {
		t.Errorf("cum of decodeState.object = %d, want %d", cum, int64(90e6))
	}
}

func cumOf(p *profile.Profile, name string) int64 {
	fs, _ := topFuncs(p, 1000)
	for _, f := range fs {
		if f.name == name {
			return f.cum
		}
	}
	return -1
}

// The CPU value is found by type, wherever it sits.
func TestAttributeValueIndex(t *testing.T) {
	p := newProfile(map[string]int64{"os.ReadFile": 30e6}, []string{"os.ReadFile"})
	p.SampleType = []*profile.ValueType{{Type: "cpu", Unit: "nanoseconds"}, {Type: "samples", Unit: "count"}}
	p.Sample[0].Value = []int64{30e6, 3}
	if got := attribute(p); got[catIO] != 30e6 {
		t.Errorf("attribute with cpu first = %v, want 30ms of I/O", got)
	}
}

// TestProfileRefused writes reports of runs whose best cell names a
// profile that must not be read: each is skipped, named in the warnings
// with the reason, and the report goes on.
func TestProfileRefused(t *testing.T) {
	old := maxProfileBytes
	t.Cleanup(func() { maxProfileBytes = old })
	outside := filepath.Join(t.TempDir(), "secret.pprof")
	if err := os.WriteFile(outside, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	if _, err := zw.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		path  string                              // the profile's path in results.json
		setup func(t *testing.T, dir, abs string) // makes the file at abs, dir/path
		limit int64                               // maxProfileBytes, when not 0
		want  string
	}{
		{name: "dot-dot", path: "../../../etc/passwd", want: `refused: a ".." in the path`},
		{name: "absolute", path: "/etc/passwd", want: "refused: an absolute path"},
		{name: "symlink outside", path: "profiles/link.pprof", setup: func(t *testing.T, dir, abs string) {
			mustSymlink(t, outside, abs)
		}, want: "refused: a symbolic link leads out of the folder"},
		{name: "/dev/zero through a symlink", path: "profiles/zero.pprof", setup: func(t *testing.T, dir, abs string) {
			mustSymlink(t, "/dev/zero", abs)
		}, want: "refused: a symbolic link leads out of the folder"},
		{name: "named pipe", path: "profiles/fifo.pprof", setup: func(t *testing.T, dir, abs string) {
			if err := syscall.Mkfifo(abs, 0o644); err != nil {
				t.Fatal(err)
			}
		}, want: "refused: not a regular file (a named pipe)"},
		{name: "oversize", path: "profiles/sonic-pool.cpu.pprof", limit: 100, want: "over the limit of 100"},
		{name: "gzip bomb", path: "profiles/bomb.pprof", setup: func(t *testing.T, dir, abs string) {
			if err := os.WriteFile(abs, bomb.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}, limit: 64 << 10, want: "refused: over the limit of 65536 bytes once decompressed"},
	}
	for _, tt := range tests {
		maxProfileBytes = cmp.Or(tt.limit, old)
		dir := copyRun(t, "run")
		run, err := record.Read(dir)
		if err != nil {
			t.Fatal(err)
		}
		best := &run.Cells[4]
		best.Profiles[0].Path = tt.path
		if err := record.Write(dir, run); err != nil {
			t.Fatal(err)
		}
		if tt.setup != nil {
			tt.setup(t, dir, filepath.Join(dir, filepath.FromSlash(tt.path)))
		}
		done := make(chan error, 1)
		go func() { done <- Write(t.Context(), dir, Options{ChartFormat: "svg"}) }()
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Write blocked", tt.name)
		}
		if err != nil {
			t.Errorf("%s: Write = %v, want a report", tt.name, err)
			continue
		}
		md, err := os.ReadFile(filepath.Join(dir, record.ReportFile))
		if err != nil {
			t.Fatal(err)
		}
		label := "sonic/pool/workers=4/read=readfile/gogc=100" // best, by the axes that vary
		if best.Name != "parser=sonic/strategy=pool/workers=4/read=readfile" {
			t.Fatalf("the best cell is %s", best.Name)
		}
		warning := fmt.Sprintf("- Profile %s of %s skipped: ", code(tt.path), label)
		i := bytes.Index(md, []byte(warning))
		if i < 0 || !bytes.Contains(md[i:i+bytes.IndexByte(md[i:], '\n')], []byte(tt.want)) {
			t.Errorf("%s: the report does not warn %q…%q", tt.name, warning, tt.want)
		}
		if !bytes.Contains(md, []byte("### Top functions of the best: "+label+"\n\nNo CPU profile.")) {
			t.Errorf("%s: the report shows a profile of the best cell", tt.name)
		}
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
