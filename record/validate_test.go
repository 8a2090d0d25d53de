package record

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// validRun is a small complete run that passes Validate.
func validRun() *Run {
	return &Run{
		Version: SchemaVersion, Complete: true, Count: 2,
		Corpus: Corpus{Path: "c", Files: 3, Bytes: 3000},
		Cells: []Cell{
			{Name: "parser=std/strategy=pool", GOMAXPROCS: 2, Samples: []Sample{{Round: 0, WallNs: 2e6, Files: 3, Bytes: 3000}, {Round: 1, WallNs: 3e6, Files: 3, Bytes: 3000}}},
			{Name: "parser=sonic/strategy=pool", GOMAXPROCS: 2,
				Samples:  []Sample{{Round: 0, WallNs: 1e6, UserNs: 5e5, SysNs: 5e5, Files: 3, Bytes: 3000}},
				Failures: []Failure{{Round: 1, Kind: FailCrash, Reason: "exit status 2", Cause: "panic: boom"}},
				Profiles: []Profile{{Kind: "cpu", Path: "profiles/sonic.cpu.pprof", Passes: 1}}},
		},
		Rounds: []Round{{Index: 0, Order: []int{1, 0}}, {Index: 1, Order: []int{0, 1}}},
	}
}

func TestReadValidates(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *Run)
		want   string // "" when valid
	}{
		{"valid", func(r *Run) {}, ""},
		{"incomplete, a cell not yet measured", func(r *Run) {
			r.Complete = false
			r.Cells = append(r.Cells, Cell{Name: "parser=none/strategy=pool"})
		}, ""},
		{"unknown version", func(r *Run) { r.Version = 99 }, "version: unknown schema version 99 (want 1)"},
		{"count 0", func(r *Run) { r.Count = 0 }, "count: 0, want at least 1"},
		{"count negative", func(r *Run) { r.Count = -3 }, "count: -3, want at least 1"},
		{"negative wall time", func(r *Run) { r.Cells[0].Samples[1].WallNs = -5 }, "cells[0].samples[1].wall_ns: negative (-5)"},
		{"zero wall time", func(r *Run) { r.Cells[1].Samples[0].WallNs = 0 }, "cells[1].samples[0].wall_ns: zero"},
		{"resident above 1", func(r *Run) { r.Cells[0].Samples[0].Resident = 1.5 }, "cells[0].samples[0].resident: 1.5, want a fraction from 0 to 1"},
		{"negative user time", func(r *Run) { r.Cells[0].Samples[0].UserNs = -1 }, "cells[0].samples[0].user_ns: negative (-1)"},
		{"negative sys time", func(r *Run) { r.Cells[0].Samples[0].SysNs = -1 }, "cells[0].samples[0].sys_ns: negative (-1)"},
		{"negative files", func(r *Run) { r.Cells[0].Samples[0].Files = -3 }, "cells[0].samples[0].files: negative (-3)"},
		{"negative bytes", func(r *Run) { r.Cells[0].Samples[0].Bytes = -3 }, "cells[0].samples[0].bytes: negative (-3)"},
		{"negative alloc bytes", func(r *Run) { r.Cells[0].Samples[0].AllocBytes = -7 }, "cells[0].samples[0].alloc_bytes: negative (-7)"},
		{"negative alloc objects", func(r *Run) { r.Cells[0].Samples[0].AllocObjects = -7 }, "cells[0].samples[0].alloc_objects: negative (-7)"},
		{"negative GC cycles", func(r *Run) { r.Cells[0].Samples[0].GCCycles = -1 }, "cells[0].samples[0].gc_cycles: negative (-1)"},
		{"negative GC pause", func(r *Run) { r.Cells[0].Samples[0].GCPauseNs = -1 }, "cells[0].samples[0].gc_pause_ns: negative (-1)"},
		{"negative peak RSS", func(r *Run) { r.Cells[0].Samples[0].PeakRSS = -1 }, "cells[0].samples[0].peak_rss_bytes: negative (-1)"},
		{"negative sample round", func(r *Run) { r.Cells[0].Samples[0].Round = -1 }, "cells[0].samples[0].round: negative (-1)"},
		{"negative failure round", func(r *Run) { r.Cells[1].Failures[0].Round = -2 }, "cells[1].failures[0].round: negative (-2)"},
		{"negative profile passes", func(r *Run) { r.Cells[1].Profiles[0].Passes = -1 }, "cells[1].profiles[0].passes: negative (-1)"},
		{"negative fallback files", func(r *Run) { r.Cells[1].Fallback = []Fallback{{Reason: "r", Files: -4}} }, "cells[1].fallbacks[0].files: negative (-4)"},
		{"negative GOMAXPROCS", func(r *Run) { r.Cells[1].GOMAXPROCS = -2 }, "cells[1].gomaxprocs: negative (-2)"},
		{"negative corpus bytes", func(r *Run) { r.Corpus.Bytes = -1 }, "corpus.bytes: negative (-1)"},
		{"negative corpus bad files", func(r *Run) { r.Corpus.BadFiles = -1 }, "corpus.bad_files: negative (-1)"},
		{"negative CPU count", func(r *Run) { r.Env.NumCPU = -1 }, "env.num_cpu: negative (-1)"},
		{"complete, a cell with nothing", func(r *Run) {
			r.Cells = append(r.Cells, Cell{Name: "parser=none/strategy=pool"})
		}, "cells[2].samples: none, and no failure either, in a complete run"},
		{"order past the cells", func(r *Run) { r.Rounds[1].Order[1] = 2 }, "rounds[1].order[1]: cell index 2 out of range (2 cells)"},
		{"order negative", func(r *Run) { r.Rounds[0].Order[0] = -1 }, "rounds[0].order[0]: cell index -1 out of range (2 cells)"},
		{"adaptive", func(r *Run) {
			r.Adaptive = &Adaptive{TargetCI: 0.03, BudgetNs: 6e11, MinRounds: 6, MaxRounds: 100, Drop: true}
			r.Cells[0].Rounds, r.Cells[0].Stopped = 2, "target reached"
		}, ""},
		{"adaptive target 0", func(r *Run) { r.Adaptive = &Adaptive{MinRounds: 6} }, "adaptive.target_ci: 0, want a fraction in (0, 1)"},
		{"adaptive negative budget", func(r *Run) { r.Adaptive = &Adaptive{TargetCI: 0.1, BudgetNs: -1} }, "adaptive.budget_ns: negative (-1)"},
		{"negative cell rounds", func(r *Run) { r.Cells[1].Rounds = -1 }, "cells[1].rounds: negative (-1)"},
		{"negative idle wait", func(r *Run) { r.Rounds[0].WaitedIdleNs = -1 }, "rounds[0].waited_idle_ns: negative (-1)"},
	}
	for _, tt := range tests {
		r := validRun()
		tt.mutate(r)
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, ResultsFile), data)
		_, err = Read(dir)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Read = %v, want no error", tt.name, err)
		case tt.want != "" && (err == nil || err.Error() != filepath.Join(dir, ResultsFile)+": "+tt.want):
			t.Errorf("%s: Read = %v, want %s: %s", tt.name, err, filepath.Join(dir, ResultsFile), tt.want)
		}
	}
}

// FuzzRead feeds arbitrary bytes to the results.json reader: it must never
// panic, and must return an error or a run that passes validation, and
// that passes it again once written and read back.
func FuzzRead(f *testing.F) {
	// The reports' fixture, cut to two cells, two samples each and one
	// round: from the whole of it (80 KB) the fuzzer makes no progress.
	fixture, err := Read(filepath.Join("..", "reports", "testdata", "run"))
	if err != nil {
		f.Fatal(err)
	}
	fixture.Cells, fixture.Rounds = fixture.Cells[:2], fixture.Rounds[:1]
	fixture.Rounds[0].Order = []int{1, 0}
	for i := range fixture.Cells {
		fixture.Cells[i].Samples = fixture.Cells[i].Samples[:2]
	}
	small, err := json.Marshal(fixture)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(small)
	valid, err := json.Marshal(validRun())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add([]byte(strings.Replace(string(valid), `"wall_ns":2000000`, `"wall_ns":-5`, 1)))
	f.Add([]byte(strings.Replace(string(valid), `"order":[1,0]`, `"order":[1,9]`, 1)))
	f.Add([]byte(`{"version":1,"count":1,"complete":true,"cells":[{}]}`))
	f.Add([]byte(`{"version":1,"count":1,"cells":[{"samples":[{"wall_ns":1}]}],"rounds":[{"order":[0,0,-1]}]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"version":1e400}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decodeRun(data)
		if err != nil {
			if r != nil {
				t.Fatalf("decodeRun returned a run with the error %v", err)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("decodeRun accepted a run that Validate refuses: %v", err)
		}
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("re-encode an accepted run: %v", err)
		}
		if _, err := decodeRun(again); err != nil {
			t.Fatalf("an accepted run, written and read back, is refused: %v", err)
		}
	})
}
