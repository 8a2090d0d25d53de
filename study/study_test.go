package study

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"benchgrid/harness"
	"benchgrid/matrix"
	"benchgrid/record"
)

// model is a synthetic machine: the median wall time, in milliseconds, of
// a configuration. Its shape is the study's interesting cases:
//
//   - sonic is the big win; goccy and fastjson are smaller ones;
//   - strategy=pool helps std (more parallel parsing) but not sonic, whose
//     time is dominated by something pool does not change;
//   - read=mmap is a failed optimization: 10% slower everywhere;
//   - gogc=400 helps by 10% everywhere;
//   - build=goamd64v3 is indistinguishable; PGO helps by 5%;
//   - simdjson and build=nogreenteagc cannot run.
func model(c matrix.Cell) float64 {
	t := 100.0
	switch c.Parser {
	case "sonic":
		t = 40
	case "goccy":
		t = 60
	case "fastjson":
		t = 55
	case "jsonv2":
		t = 70
	}
	if c.Strategy == "pool" && c.Parser == "std" {
		t *= 0.7
	}
	if c.Strategy == "sequential" {
		t *= 1.8
	}
	if c.Read == "mmap" {
		t *= 1.1
	}
	if c.GOGC == "400" {
		t *= 0.9
	}
	if c.Build == "pgo" || c.Build == "jsonv2+pgo" {
		t *= 0.95
	}
	return t
}

// fakeMeasurer measures cells with model, each sample spread ±1% around
// the model's time in the same pattern, so equal times are never
// significantly different and a 10% gap always is.
type fakeMeasurer struct {
	dir   string
	model func(matrix.Cell) float64
	calls []string
	cells [][]matrix.Cell
	// interruptAt names the run that is cut short, a round before its
	// end: enough samples for its clear gains to be significant.
	interruptAt string
	cancel      context.CancelFunc
}

func (f *fakeMeasurer) Measure(ctx context.Context, name string, cells []matrix.Cell, count int, profiles []string) (*record.Run, string, error) {
	f.calls = append(f.calls, name)
	f.cells = append(f.cells, cells)
	dir := filepath.Join(f.dir, name)
	run := &record.Run{Count: count, Corpus: record.Corpus{Path: "corpus", Files: 100, Bytes: 1 << 20}}
	rounds := count
	if name == f.interruptAt {
		rounds = count - 1
	}
	for _, c := range cells {
		if c.Parser == "simdjson" && isDefaultBuild(c.Build) {
			run.Unavailable = append(run.Unavailable, record.Unavailable{What: "parser=simdjson", Reason: "needs AVX2"})
			continue
		}
		if c.Build == "nogreenteagc" {
			run.Unavailable = append(run.Unavailable, record.Unavailable{What: "build=nogreenteagc", Reason: "GOEXPERIMENT unknown"})
			continue
		}
		rc := record.Cell{Name: c.Name(), GOMAXPROCS: c.Procs(), Parser: c.Parser, Strategy: c.Strategy, Build: c.BuildLabel()}
		for i := range rounds {
			ms := f.model(c) * (1 + 0.002*float64(i-count/2))
			rc.Samples = append(rc.Samples, record.Sample{Round: i, WallNs: int64(ms * 1e6)})
		}
		run.Cells = append(run.Cells, rc)
	}
	if name == f.interruptAt {
		f.cancel()
		return run, dir, fmt.Errorf("%w after %d of %d rounds", harness.ErrInterrupted, rounds, count)
	}
	return run, dir, nil
}

func testOptions(t *testing.T) Options {
	return Options{
		Dir:      t.TempDir(),
		Count:    10,
		Criteria: Criteria{MinGain: DefaultMinGain},
		Now:      func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) },
	}
}

func trialOf(t *testing.T, st record.StudyStep, change string) record.StudyTrial {
	t.Helper()
	for _, tr := range st.Trials {
		if tr.Change == change {
			return tr
		}
	}
	t.Fatalf("step %d has no trial of %s", st.Index, change)
	return record.StudyTrial{}
}

func hasTrial(st record.StudyStep, change string) bool {
	return slices.ContainsFunc(st.Trials, func(tr record.StudyTrial) bool { return tr.Change == change })
}

func TestForwardSelection(t *testing.T) {
	opts := testOptions(t)
	m := &fakeMeasurer{dir: opts.Dir, model: model}
	st, err := Run(t.Context(), m, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if want := []string{"step-1", "step-2", "step-3", "final"}; !slices.Equal(m.calls, want) {
		t.Errorf("runs = %v, want %v", m.calls, want)
	}
	if want := []string{"parser=sonic", "gogc=400", "build=pgo"}; !slices.Equal(st.Adopted, want) {
		t.Errorf("adopted = %v, want %v", st.Adopted, want)
	}
	if len(st.Steps) != 4 {
		t.Fatalf("%d steps, want 4", len(st.Steps))
	}
	s1, s2, s3, fin := st.Steps[0], st.Steps[1], st.Steps[2], st.Steps[3]

	// Step 1: every candidate alone against the naive program.
	if s1.Config.Name != Naive(testWorkload).Name() || s1.Taken != "parser=sonic" {
		t.Errorf("step 1 on %s took %q, want parser=sonic on the naive program", s1.Config.Name, s1.Taken)
	}
	if len(s1.Trials) != len(Candidates(testWorkload)) {
		t.Errorf("step 1 has %d trials, want one per candidate (%d)", len(s1.Trials), len(Candidates(testWorkload)))
	}
	if pool := trialOf(t, s1, "strategy=pool"); pool.Status != record.TrialFaster {
		t.Errorf("step 1: strategy=pool %s, want faster alone", pool.Status)
	}
	if mmap := trialOf(t, s1, "read=mmap"); mmap.Status != record.TrialSlower || math.Abs(mmap.Ratio-1.1) > 0.01 {
		t.Errorf("step 1: read=mmap %s at %v, want slower at 1.1", mmap.Status, mmap.Ratio)
	}
	if simd := trialOf(t, s1, "parser=simdjson"); simd.Status != record.TrialUnavailable || simd.Reason != "parser=simdjson: needs AVX2" {
		t.Errorf("step 1: parser=simdjson %s (%s), want unavailable (needs AVX2)", simd.Status, simd.Reason)
	}
	if gc := trialOf(t, s1, "build=nogreenteagc"); gc.Status != record.TrialUnavailable {
		t.Errorf("step 1: build=nogreenteagc %s, want unavailable", gc.Status)
	}

	// Step 2: on top of sonic, pool no longer helps; parsers now switch.
	if s2.Config.Parser != "sonic" || s2.Taken != "gogc=400" {
		t.Errorf("step 2 on %s took %q, want gogc=400 on sonic", s2.Config.Name, s2.Taken)
	}
	if pool := trialOf(t, s2, "strategy=pool"); pool.Status != record.TrialSame || pool.Adopted {
		t.Errorf("step 2: strategy=pool %s, want the same as sonic alone (not taken)", pool.Status)
	}
	if goccy := trialOf(t, s2, "parser=goccy"); goccy.Config.Parser != "goccy" || goccy.Status != record.TrialSlower {
		t.Errorf("step 2: parser=goccy measured %s, %s; want goccy in place of sonic, slower", goccy.Config.Name, goccy.Status)
	}
	if hasTrial(s2, "parser=simdjson") || hasTrial(s2, "parser=sonic") || hasTrial(s2, "build=nogreenteagc") {
		t.Errorf("step 2 retried an adopted or unavailable candidate: %+v", s2.Trials)
	}
	jv := trialOf(t, s2, "parser=jsonv2+build=jsonv2")
	if jv.Config.Build != "jsonv2" || jv.Status != record.TrialSlower {
		t.Errorf("step 2: jsonv2 pair measured %s: %s, want build jsonv2, slower", jv.Config.Name, jv.Status)
	}

	// Step 3: nothing helps: stop.
	if s3.Taken != "" || s3.Config.GOGC != "400" {
		t.Errorf("step 3 on %s took %q, want nothing on sonic+gogc=400 (%s)", s3.Config.Name, s3.Taken, s3.Decision)
	}

	// Final: baseline, final and final+pgo side by side, with profiles.
	if fin.Kind != record.StepFinal || fin.Taken != "build=pgo" {
		t.Errorf("final step %s took %q, want build=pgo", fin.Kind, fin.Taken)
	}
	last := m.cells[len(m.cells)-1]
	if len(last) != 3 || last[0].Name() != Naive(testWorkload).Name() || last[2].Build != "pgo" {
		t.Errorf("final cells = %v, want baseline, final, final+pgo", last)
	}
	if st.Final.Parser != "sonic" || st.Final.GOGC != "400" || st.Final.Build != "pgo" {
		t.Errorf("final = %+v, want sonic, gogc=400, pgo", st.Final)
	}
	want := 100 / (40 * 0.9 * 0.95)
	if r := st.Result; r == nil || !r.Interleaved || math.Abs(r.Factor-want) > 0.01 || !(r.Lo <= r.Factor && r.Factor <= r.Hi) {
		t.Errorf("result = %+v, want interleaved factor %.3f within its CI", r, want)
	}
	if !st.Complete {
		t.Error("study not complete")
	}

	// What was written is what was returned.
	got, err := record.ReadStudy(opts.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Steps) != 4 || !got.Complete || got.Final != st.Final {
		t.Errorf("study.json = %d steps, complete %v, final %+v", len(got.Steps), got.Complete, got.Final)
	}
	checkPreset(t, filepath.Join(opts.Dir, record.PresetFile), st.Final)
}

// checkPreset checks that the preset file is a matrix of exactly want.
func checkPreset(t *testing.T, path string, want record.StudyConfig) {
	t.Helper()
	m, err := matrix.ReadMatrix(path)
	if err != nil {
		t.Fatalf("ReadMatrix(preset): %v", err)
	}
	cells, err := m.Cells()
	if err != nil {
		t.Fatalf("preset cells: %v", err)
	}
	if len(cells) != 1 || ConfigOf(cells[0]) != want {
		t.Errorf("preset cells = %v, want exactly %+v", cells, want)
	}
}

func TestPresetRoundTrip(t *testing.T) {
	for _, c := range []matrix.Cell{
		Naive(testWorkload),
		{Parser: "sonic", Strategy: "pool", Read: "reuse", GOGC: "off", GOMEMLIMIT: "1GiB", Build: "default"},
		{Parser: "jsonv2", Strategy: "errgroup", Read: "mmap", GOGC: "400", Build: "jsonv2+pgo"},
		{Parser: "goccy", Strategy: "pool", Workers: 4, Read: "readfile", GOMAXPROCS: 2, Build: "goamd64v3"},
	} {
		data, err := presetJSON(c)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), record.PresetFile)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := matrix.ReadMatrix(path)
		if err != nil {
			t.Fatalf("ReadMatrix(Preset(%s)): %v", c.Name(), err)
		}
		cells, err := m.Cells()
		if err != nil {
			t.Fatalf("Preset(%s).Cells(): %v", c.Name(), err)
		}
		if len(cells) != 1 || cells[0].FullName() != c.FullName() {
			t.Errorf("Preset(%s) = %s, want that cell alone", c.FullName(), data)
		}
	}
}

func TestApplyCheck(t *testing.T) {
	byName := map[string]record.StudyChange{}
	for _, ch := range Candidates(testWorkload) {
		byName[ch.Name] = ch
	}
	apply := func(c matrix.Cell, names ...string) matrix.Cell {
		for _, n := range names {
			var err error
			if c, err = Apply(c, byName[n]); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	tests := []struct {
		changes []string
		want    string // the cell's name
		ok      bool
	}{
		{[]string{"parser=sonic", "parser=goccy"}, "parser=goccy/strategy=perfile/workers=files/read=readfile/gogc=100/gomemlimit=off/build=default", true},
		{[]string{"gogc=off+gomemlimit=1GiB", "gogc=400"}, "parser=std/strategy=perfile/workers=files/read=readfile/gogc=400/gomemlimit=off/build=default", true},
		{[]string{"parser=jsonv2+build=jsonv2", "parser=sonic"}, "parser=sonic/strategy=perfile/workers=files/read=readfile/gogc=100/gomemlimit=off/build=jsonv2", true},
		{[]string{"parser=jsonv2+build=jsonv2", "build=goamd64v3"}, "parser=jsonv2/strategy=perfile/workers=files/read=readfile/gogc=100/gomemlimit=off/build=goamd64v3", false},
		{[]string{"build=goamd64v3", "parser=jsonv2+build=jsonv2"}, "parser=jsonv2/strategy=perfile/workers=files/read=readfile/gogc=100/gomemlimit=off/build=jsonv2", true},
	}
	for _, tt := range tests {
		c := apply(Naive(testWorkload), tt.changes...)
		if c.Name() != tt.want {
			t.Errorf("Apply(naive, %v) = %s, want %s", tt.changes, c.Name(), tt.want)
		}
		if err := Check(testWorkload, c); (err == nil) != tt.ok {
			t.Errorf("Check(%s) = %v, want ok %v", c.Name(), err, tt.ok)
		}
	}
	if _, err := Apply(Naive(testWorkload), record.StudyChange{Name: "x", Settings: []record.StudySetting{{Axis: "colour", Value: "red"}}}); err == nil {
		t.Error("Apply(unknown axis) = nil error, want one")
	}
	if got := pgoChange("jsonv2").Settings[0].Value; got != "jsonv2+pgo" {
		t.Errorf("pgoChange(jsonv2) = %s, want jsonv2+pgo", got)
	}
}

func TestNoBuilds(t *testing.T) {
	opts := testOptions(t)
	opts.NoBuilds = "-no-builds"
	m := &fakeMeasurer{dir: opts.Dir, model: model}
	st, err := Run(t.Context(), m, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, cells := range m.cells {
		for _, c := range cells {
			if !isDefaultBuild(c.Build) {
				t.Errorf("measured %s despite NoBuilds", c.FullName())
			}
		}
	}
	var skipped []string
	for _, s := range st.Skipped {
		skipped = append(skipped, s.What)
		if s.Reason != "-no-builds" {
			t.Errorf("skipped %s for %q, want -no-builds", s.What, s.Reason)
		}
	}
	want := []string{"parser=jsonv2+build=jsonv2", "build=jsonv2", "build=goamd64v3", "build=nogreenteagc", "build=pgo"}
	if !slices.Equal(skipped, want) {
		t.Errorf("skipped = %v, want %v", skipped, want)
	}
	fin := st.Steps[len(st.Steps)-1]
	if fin.Trials[0].Status != record.TrialSkipped || fin.Taken != "" {
		t.Errorf("final step PGO trial = %+v, want skipped", fin.Trials[0])
	}
	if st.Final.Build != "default" || st.Final.Parser != "sonic" {
		t.Errorf("final = %+v, want sonic in the default build", st.Final)
	}
}

func TestNothingHelps(t *testing.T) {
	opts := testOptions(t)
	opts.NoBuilds = "-no-builds"
	m := &fakeMeasurer{dir: opts.Dir, model: func(c matrix.Cell) float64 {
		if c.Read == "mmap" {
			return 130
		}
		return 100
	}}
	st, err := Run(t.Context(), m, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(st.Steps) != 2 || st.Steps[0].Taken != "" || len(st.Adopted) != 0 {
		t.Fatalf("steps = %d, adopted %v, want one selection step adopting nothing, then the final step", len(st.Steps), st.Adopted)
	}
	if r := st.Result; r == nil || r.Factor != 1 {
		t.Errorf("result = %+v, want factor 1", r)
	}
	if st.Final != st.Baseline {
		t.Errorf("final = %+v, want the baseline", st.Final)
	}
	if last := m.cells[len(m.cells)-1]; len(last) != 1 {
		t.Errorf("final step measured %v, want the baseline alone", last)
	}
	if mmap := trialOf(t, st.Steps[0], "read=mmap"); mmap.Status != record.TrialSlower {
		t.Errorf("read=mmap = %s, want slower", mmap.Status)
	}
}

func TestInterrupted(t *testing.T) {
	opts := testOptions(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	m := &fakeMeasurer{dir: opts.Dir, model: model, interruptAt: "step-2", cancel: cancel}
	st, err := Run(ctx, m, opts)
	if !errors.Is(err, harness.ErrInterrupted) {
		t.Fatalf("Run = %v, want an error wrapping ErrInterrupted", err)
	}
	if want := []string{"step-1", "step-2"}; !slices.Equal(m.calls, want) {
		t.Errorf("runs = %v, want %v", m.calls, want)
	}
	got, rerr := record.ReadStudy(opts.Dir)
	if rerr != nil {
		t.Fatalf("no study.json after an interruption: %v", rerr)
	}
	if got.Complete || len(got.Steps) != 2 || !got.Steps[0].Complete || got.Steps[1].Complete {
		t.Fatalf("study.json: complete %v, %d steps, want incomplete with step 1 complete and step 2 not", got.Complete, len(got.Steps))
	}
	for _, tr := range got.Steps[1].Trials {
		if tr.Adopted {
			t.Errorf("interrupted step 2 marks %s adopted", tr.Change)
		}
	}
	if gc := trialOf(t, got.Steps[1], "gogc=400"); gc.Status != record.TrialFaster {
		t.Errorf("interrupted step 2: gogc=400 %s, want its figures kept (faster)", gc.Status)
	}
	if got.Steps[1].Taken != "" || got.Final.Parser != "sonic" || got.Final != st.Final {
		t.Errorf("interrupted step took %q, final %+v; want nothing taken, final = sonic from step 1", got.Steps[1].Taken, got.Final)
	}
	if r := got.Result; r == nil || r.Interleaved || math.Abs(r.Factor-2.5) > 0.01 {
		t.Errorf("result = %+v, want the estimate 2.5 (not interleaved)", r)
	}
	checkPreset(t, filepath.Join(opts.Dir, record.PresetFile), got.Final)
}

// TestCandidatesFromRegistries: the candidates come from the registries
// and the axis table, in the order the study has always tried them; no
// feed is among them (a feed that times the walk is never compared with
// configurations that leave it out: see Candidates).
func TestCandidatesFromRegistries(t *testing.T) {
	var got []string
	for _, ch := range Candidates(testWorkload) {
		got = append(got, ch.Name)
	}
	want := []string{
		"parser=sonic", "parser=fastjson", "parser=simdjson", "parser=goccy", "parser=jsonv2+build=jsonv2",
		"strategy=sequential", "strategy=pool", "strategy=pipeline", "strategy=errgroup", "strategy=atomic", "strategy=batch",
		"read=reuse", "read=mmap", "read=sized", "read=openat", "read=openat-raw", "read=uring", "tally=intern",
		"gogc=200", "gogc=400", "gogc=off+gomemlimit=1GiB",
		"build=jsonv2", "build=goamd64v3", "build=nogreenteagc",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Candidates() = %q,\nwant %q", got, want)
	}
}
