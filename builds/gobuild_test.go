package builds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"benchgrid/child"
	"benchgrid/matrix"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFindModuleDir(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module benchgrid\n\ngo 1.26.8\n")
	writeFile(t, filepath.Join(root, "a", "b", "x.go"), "package b\n")
	writeFile(t, filepath.Join(root, "other", "go.mod"), "module example.com/other\n")
	writeFile(t, filepath.Join(root, "other", "c", "x.go"), "package c\n")
	elsewhere := t.TempDir()
	writeFile(t, filepath.Join(elsewhere, "go.mod"), "module example.com/elsewhere\n")

	for _, tc := range []struct {
		start, want string
		unavailable bool
	}{
		{root, root, false},
		{filepath.Join(root, "a", "b"), root, false},
		{filepath.Join(root, "other", "c"), root, false}, // a nested module is not benchgrid
		{elsewhere, "", true},
	} {
		got, err := FindModuleDir(tc.start)
		if tc.unavailable {
			if !errors.Is(err, ErrVariantUnavailable) {
				t.Errorf("FindModuleDir(%q) = %q, %v, want an error wrapping ErrVariantUnavailable", tc.start, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("FindModuleDir(%q) = %q, %v, want %q", tc.start, got, err, tc.want)
		}
	}
	// The tests run in benchgrid's own source tree.
	if _, err := FindModuleDir("."); err != nil {
		t.Errorf("FindModuleDir(.) = %v, want this module", err)
	}
}

// TestMain makes this test binary, which fakeGo's builds copy, answer
// child.ParsersSubcommand as benchgrid does, or fail it as a benchgrid
// older than the child protocol would when $BUILDS_TEST_OLD_BINARY is set.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == child.ParsersSubcommand {
		if os.Getenv("BUILDS_TEST_OLD_BINARY") != "" {
			fmt.Fprintf(os.Stderr, "benchgrid: unknown command %q\n", os.Args[1])
			os.Exit(2)
		}
		fmt.Println(`{"std":""}`)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakeGo is a stand-in for the go command: `go env -json` prints the
// variant's settings (rejecting the experiment named by reject, as a
// toolchain that lacks it does), and `go build` logs its arguments,
// environment, folder and git HEAD and writes a copy of this test binary,
// which has real build settings, or fails like a compile error when fail
// is set.
type fakeGo struct {
	path string // the script
	log  string // one line per go build
}

func newFakeGo(t *testing.T, reject string, fail bool) fakeGo {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := fakeGo{path: filepath.Join(dir, "go"), log: filepath.Join(dir, "builds.log")}
	failCmd := ""
	if fail {
		failCmd = `printf '# benchgrid/parsers\nparsers/x.go:1:1: syntax error\n' >&2; exit 1`
	}
	script := fmt.Sprintf(`#!/bin/sh
case "$1" in
env)
	if [ -n %[1]q ] && [ "$GOEXPERIMENT" = %[1]q ]; then
		echo "go: unknown GOEXPERIMENT $GOEXPERIMENT" >&2
		exit 2
	fi
	printf '{"GOVERSION":"go1.26.8","GOEXPERIMENT":"%%s","GOAMD64":"%%s"}\n' "$GOEXPERIMENT" "$GOAMD64"
	;;
build)
	echo "GOEXPERIMENT=$GOEXPERIMENT GOAMD64=$GOAMD64 GOOS=$GOOS GOARCH=$GOARCH $* dir=$(pwd) head=$(git rev-parse HEAD 2>/dev/null)" >> %[2]q
	%[3]s
	prev=; out=
	for a in "$@"; do
		if [ "$prev" = -o ]; then out=$a; fi
		prev=$a
	done
	cp %[4]q "$out"
	;;
*)
	echo "fake go: unexpected $*" >&2
	exit 2
	;;
esac
`, reject, f.log, failCmd, exe)
	if err := os.WriteFile(f.path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return f
}

// builds returns the go build lines logged so far.
func (f fakeGo) builds(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(f.log)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// fakeModule writes a small benchgrid module and returns its folder.
func fakeModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module benchgrid\n\ngo 1.26.8\n")
	writeFile(t, filepath.Join(dir, "cmd", "benchgrid", "main.go"), "package main\n\nfunc main() {}\n")
	writeFile(t, filepath.Join(dir, "cmd", "benchgrid", "main_test.go"), "package main\n")
	writeFile(t, filepath.Join(dir, "testdata", "x.go"), "package x\n")
	return dir
}

// TestGoBuilderVariants builds each variant with a fake go command and
// checks the environment and flags it was given and the settings recorded.
func TestGoBuilderVariants(t *testing.T) {
	// A caller's experiment must not leak into any variant.
	t.Setenv("GOEXPERIMENT", "boringcrypto")
	profile := filepath.Join(t.TempDir(), "cpu.pprof")
	writeFile(t, profile, "not really a profile")
	sum := sha256.Sum256([]byte("not really a profile"))

	for _, tc := range []struct {
		variant string
		want    []string // in the logged go build line
		notes   map[string]string
	}{
		{"jsonv2", []string{"GOEXPERIMENT=jsonv2 ", " -pgo=off "}, map[string]string{"benchgrid.pgo-profile": "off"}},
		{"nogreenteagc", []string{"GOEXPERIMENT=nogreenteagc ", " -pgo=off "}, nil},
		{"goamd64v3", []string{"GOEXPERIMENT= ", "GOAMD64=v3 ", " -pgo=off "}, nil},
		{"pgo", []string{"GOEXPERIMENT= ", " -pgo=" + profile + " "},
			map[string]string{"benchgrid.pgo-profile": profile + " sha256:" + hex.EncodeToString(sum[:])}},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			fake := newFakeGo(t, "", false)
			b := &GoBuilder{
				ModuleDir: fakeModule(t), CacheDir: t.TempDir(), GoCommand: fake.path,
				PGOProfile: profile, CheckGOAMD64V3: func() error { return nil },
			}
			bv, err := b.Build(t.Context(), tc.variant, nil)
			if err != nil {
				t.Fatalf("Build(%q) = %v", tc.variant, err)
			}
			builds := fake.builds(t)
			if len(builds) != 1 {
				t.Fatalf("Build(%q) ran go build %d times, want 1: %q", tc.variant, len(builds), builds)
			}
			for _, w := range append(tc.want, " build ", " -o "+filepath.Join(b.CacheDir, ""), " ./cmd/benchgrid") {
				if !strings.Contains(builds[0]+" ", w) {
					t.Errorf("Build(%q) ran %q, want %q in it", tc.variant, builds[0], w)
				}
			}
			if !strings.HasPrefix(bv.Binary, b.CacheDir+string(filepath.Separator)+tc.variant+"-") ||
				filepath.Base(bv.Binary) != "benchgrid" {
				t.Errorf("Build(%q).Binary = %q, want CACHE/%s-KEY/benchgrid", tc.variant, bv.Binary, tc.variant)
			}
			if _, err := os.Stat(bv.Binary); err != nil {
				t.Error(err)
			}
			if got := bv.Settings["benchgrid.variant"]; got != tc.variant {
				t.Errorf("Build(%q).Settings[benchgrid.variant] = %q, want %q", tc.variant, got, tc.variant)
			}
			if bv.Settings["go"] == "" || bv.Settings["GOOS"] == "" {
				t.Errorf("Build(%q).Settings = %v, want the binary's build settings", tc.variant, bv.Settings)
			}
			for k, v := range tc.notes {
				if got := bv.Settings[k]; got != v {
					t.Errorf("Build(%q).Settings[%s] = %q, want %q", tc.variant, k, got, v)
				}
			}
		})
	}
}

// TestGoBuilderCache checks that a build is reused exactly while nothing
// that goes into it changes.
func TestGoBuilderCache(t *testing.T) {
	fake := newFakeGo(t, "", false)
	mod := fakeModule(t)
	profile := filepath.Join(t.TempDir(), "cpu.pprof")
	writeFile(t, profile, "profile 1")
	b := &GoBuilder{ModuleDir: mod, CacheDir: t.TempDir(), GoCommand: fake.path, PGOProfile: profile}

	binaries := map[string]string{}
	for i, step := range []struct {
		name    string
		variant string
		change  func()
		rebuild bool
	}{
		{"first build", "jsonv2", nil, true},
		{"nothing changed", "jsonv2", nil, false},
		{"another variant", "nogreenteagc", nil, true},
		{"a test file changed", "jsonv2", func() {
			writeFile(t, filepath.Join(mod, "cmd", "benchgrid", "main_test.go"), "package main // changed\n")
		}, false},
		{"testdata changed", "jsonv2", func() { writeFile(t, filepath.Join(mod, "testdata", "x.go"), "package x // changed\n") }, false},
		{"results written", "jsonv2", func() { writeFile(t, filepath.Join(mod, "results", "r.go"), "package r\n") }, false},
		{"a source changed", "jsonv2", func() {
			writeFile(t, filepath.Join(mod, "cmd", "benchgrid", "main.go"), "package main\n\nfunc main() { println() }\n")
		}, true},
		{"a new source", "jsonv2", func() { writeFile(t, filepath.Join(mod, "lib", "lib.go"), "package lib\n") }, true},
		{"go.sum appeared", "jsonv2", func() { writeFile(t, filepath.Join(mod, "go.sum"), "x v1.0.0 h1:x\n") }, true},
		{"same again", "jsonv2", nil, false},
		{"pgo", "pgo", nil, true},
		{"pgo again", "pgo", nil, false},
		{"profile changed", "pgo", func() { writeFile(t, profile, "profile 2") }, true},
		{"the caller's GOEXPERIMENT does not matter", "jsonv2", func() { t.Setenv("GOEXPERIMENT", "boringcrypto") }, false},
	} {
		if step.change != nil {
			step.change()
		}
		before := len(fake.builds(t))
		bv, err := b.Build(t.Context(), step.variant, nil)
		if err != nil {
			t.Fatalf("%s: Build(%q) = %v", step.name, step.variant, err)
		}
		rebuilt := len(fake.builds(t)) > before
		if rebuilt != step.rebuild {
			t.Errorf("step %d, %s: Build(%q) rebuilt = %v, want %v", i, step.name, step.variant, rebuilt, step.rebuild)
		}
		if !step.rebuild && bv.Binary != binaries[step.variant] {
			t.Errorf("step %d, %s: Build(%q).Binary = %q, want the cached %q", i, step.name, step.variant, bv.Binary, binaries[step.variant])
		}
		if step.rebuild && bv.Binary == binaries[step.variant] {
			t.Errorf("step %d, %s: Build(%q).Binary = %q again, want a new key", i, step.name, step.variant, bv.Binary)
		}
		binaries[step.variant] = bv.Binary
	}
}

// TestGoBuilderUnavailable checks the variants that cannot be built here,
// which must say why and wrap ErrVariantUnavailable, and the failures that
// must stop a run instead.
func TestGoBuilderUnavailable(t *testing.T) {
	noV3 := func() error { return missingV3Features(true, false, true, true, true, true, false, true, true) }
	profileErr := errors.New("the child crashed")
	for _, tc := range []struct {
		name        string
		variant     string
		builder     func(fake fakeGo) *GoBuilder
		reject      string // the experiment the fake toolchain does not know
		fail        bool   // the fake go build fails
		unavailable bool
		want        string // in the error
		profiled    bool
	}{
		{name: "unknown variant", variant: "jsonv3",
			want: `unknown build variant "jsonv3" (have default, jsonv2, pgo, goamd64v3, nogreenteagc, rev=REV, or several joined by +)`},
		{name: "no source tree", variant: "jsonv2", unavailable: true, want: "no go.mod of module benchgrid",
			builder: func(f fakeGo) *GoBuilder { return &GoBuilder{ModuleDir: t.TempDir(), GoCommand: f.path} }},
		{name: "CPU without v3", variant: "goamd64v3", unavailable: true, want: "GOAMD64=v3 needs CPU features this machine lacks: AVX2, LZCNT",
			builder: func(f fakeGo) *GoBuilder { return &GoBuilder{GoCommand: f.path, CheckGOAMD64V3: noV3} }},
		{name: "experiment unknown to the toolchain", variant: "nogreenteagc", reject: "nogreenteagc", unavailable: true,
			want: "go: unknown GOEXPERIMENT nogreenteagc"},
		{name: "pgo without profile or profiler", variant: "pgo", unavailable: true, want: "no PGO profile"},
		{name: "profiler fails", variant: "pgo", want: "take PGO profile: the child crashed", profiled: true,
			builder: func(f fakeGo) *GoBuilder {
				return &GoBuilder{GoCommand: f.path, Profiler: func(context.Context, string, []matrix.Cell) (string, error) { return "", profileErr }}
			}},
		{name: "compile error", variant: "jsonv2", fail: true, want: "parsers/x.go:1:1: syntax error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakeGo(t, tc.reject, tc.fail)
			b := &GoBuilder{GoCommand: fake.path}
			if tc.builder != nil {
				b = tc.builder(fake)
			}
			if b.ModuleDir == "" {
				b.ModuleDir = fakeModule(t)
			}
			b.CacheDir = t.TempDir()
			_, err := b.Build(t.Context(), tc.variant, []matrix.Cell{{Parser: "std", Strategy: "pool", Build: tc.variant}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Build(%q) = %v, want an error containing %q", tc.variant, err, tc.want)
			}
			if got := errors.Is(err, ErrVariantUnavailable); got != tc.unavailable {
				t.Errorf("Build(%q) = %v: unavailable = %v, want %v", tc.variant, err, got, tc.unavailable)
			}
			if tc.profiled && !errors.Is(err, profileErr) {
				t.Errorf("Build(%q) = %v, want it to wrap the profiler's error", tc.variant, err)
			}
			if tc.unavailable && len(fake.builds(t)) > 0 {
				t.Errorf("Build(%q) ran go build for an unavailable variant: %q", tc.variant, fake.builds(t))
			}
		})
	}
}

// TestGoBuilderProfiler checks that the pgo variant profiles its own cells
// when no profile is given, and builds with the profile returned.
func TestGoBuilderProfiler(t *testing.T) {
	fake := newFakeGo(t, "", false)
	profile := filepath.Join(t.TempDir(), "taken.pprof")
	cells := []matrix.Cell{{Parser: "std", Strategy: "pool", Build: "pgo"}, {Parser: "goccy", Strategy: "pool", Build: "pgo"}}
	var got []matrix.Cell
	b := &GoBuilder{ModuleDir: fakeModule(t), CacheDir: t.TempDir(), GoCommand: fake.path,
		Profiler: func(_ context.Context, binary string, cells []matrix.Cell) (string, error) {
			if binary != "" {
				t.Errorf("Build(pgo) profiled in %q, want the default build (\"\")", binary)
			}
			got = cells
			return profile, os.WriteFile(profile, []byte("taken"), 0o644)
		}}
	bv, err := b.Build(t.Context(), "pgo", cells)
	if err != nil {
		t.Fatalf("Build(pgo) = %v", err)
	}
	if len(got) != len(cells) || got[0] != cells[0] || got[1] != cells[1] {
		t.Errorf("Build(pgo) profiled %v, want %v", got, cells)
	}
	if builds := fake.builds(t); len(builds) != 1 || !strings.Contains(builds[0], " -pgo="+profile+" ") {
		t.Errorf("Build(pgo) ran %q, want one go build with -pgo=%s", builds, profile)
	}
	if !strings.HasPrefix(bv.Settings["benchgrid.pgo-profile"], profile+" sha256:") {
		t.Errorf("Build(pgo).Settings[benchgrid.pgo-profile] = %q, want %q and its hash", bv.Settings["benchgrid.pgo-profile"], profile)
	}
}

// TestGoBuilderProfilesInBase checks that jsonv2+pgo takes its profile in
// the jsonv2 build, where the cells' parser exists, not in the default one.
func TestGoBuilderProfilesInBase(t *testing.T) {
	fake := newFakeGo(t, "", false)
	profile := filepath.Join(t.TempDir(), "taken.pprof")
	var profiledIn string
	b := &GoBuilder{ModuleDir: fakeModule(t), CacheDir: t.TempDir(), GoCommand: fake.path,
		Profiler: func(_ context.Context, binary string, cells []matrix.Cell) (string, error) {
			profiledIn = binary
			return profile, os.WriteFile(profile, []byte("taken"), 0o644)
		}}
	cells := []matrix.Cell{{Parser: "jsonv2", Strategy: "pool", Build: "jsonv2+pgo"}}
	if _, err := b.Build(t.Context(), "jsonv2+pgo", cells); err != nil {
		t.Fatalf("Build(jsonv2+pgo) = %v", err)
	}
	base, err := b.Build(t.Context(), "jsonv2", nil)
	if err != nil {
		t.Fatal(err)
	}
	if profiledIn != base.Binary {
		t.Errorf("Build(jsonv2+pgo) profiled in %q, want the jsonv2 build %q", profiledIn, base.Binary)
	}
	builds := fake.builds(t)
	if len(builds) != 2 || !strings.Contains(builds[0], "-pgo=off") || !strings.Contains(builds[1], "-pgo="+profile) {
		t.Errorf("go builds = %q, want the jsonv2 base then jsonv2+pgo with the profile", builds)
	}
}

func TestMissingV3Features(t *testing.T) {
	all := make([]bool, len(v3Features))
	for i := range all {
		all[i] = true
	}
	if err := missingV3Features(all...); err != nil {
		t.Errorf("missingV3Features(all) = %v, want nil", err)
	}
	all[1], all[7] = false, false
	if err := missingV3Features(all...); err == nil || !strings.HasSuffix(err.Error(), ": AVX2, MOVBE") {
		t.Errorf("missingV3Features(no AVX2, MOVBE) = %v, want both named", err)
	}
	if err := checkGOAMD64V3(); err != nil {
		t.Logf("this machine: %v", err)
	}
}

// TestGoBuilderRealBuild builds the jsonv2 variant of this module with the
// real go command, once, and checks that the binary runs the jsonv2
// adapter, that its settings say how it was built, and that a second Build
// finds it in the cache.
func TestGoBuilderRealBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds benchgrid: slow")
	}
	b := &GoBuilder{CacheDir: t.TempDir()}
	start := time.Now()
	bv, err := b.Build(t.Context(), "jsonv2", nil)
	if err != nil {
		t.Fatalf("Build(jsonv2) = %v", err)
	}
	t.Logf("built %s in %v", bv.Binary, time.Since(start).Round(time.Millisecond))
	// go build -pgo=off leaves no -pgo setting; the note says it.
	for k, want := range map[string]string{"GOEXPERIMENT": "jsonv2", "-pgo": "", "benchgrid.pgo-profile": "off", "benchgrid.variant": "jsonv2"} {
		if got := bv.Settings[k]; got != want {
			t.Errorf("Build(jsonv2).Settings[%s] = %q, want %q (all: %v)", k, got, want, bv.Settings)
		}
	}
	avail, err := Parsers(t.Context(), bv.Binary, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reason, ok := avail["jsonv2"]; !ok || reason != "" {
		t.Errorf("%s _parsers: jsonv2 = %q (listed %v), want available", bv.Binary, reason, ok)
	}
	info, err := os.Stat(bv.Binary)
	if err != nil {
		t.Fatal(err)
	}

	start = time.Now()
	again, err := b.Build(t.Context(), "jsonv2", nil)
	if err != nil {
		t.Fatalf("second Build(jsonv2) = %v", err)
	}
	t.Logf("cache hit in %v", time.Since(start).Round(time.Millisecond))
	info2, err := os.Stat(again.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if again.Binary != bv.Binary || !info2.ModTime().Equal(info.ModTime()) {
		t.Errorf("second Build(jsonv2) = %s (modified %v), want the cached %s (modified %v)",
			again.Binary, info2.ModTime(), bv.Binary, info.ModTime())
	}
}
