package builds

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"benchgrid/child"
	"benchgrid/matrix"
	"benchgrid/workload"

	"golang.org/x/mod/modfile"
	"golang.org/x/sys/cpu"
)

// A Builder builds the binary of a build variant (GOEXPERIMENT=jsonv2,
// PGO, GOAMD64=v3, …) so that its cells run in children of that binary.
type Builder interface {
	// Build builds (or finds in its cache) the variant's benchgrid binary.
	// cells are the run's cells of that variant: a PGO build profiles
	// their configurations. An error wrapping ErrVariantUnavailable makes
	// the variant's cells unavailable, with the reason; any other error
	// stops the run.
	Build(ctx context.Context, variant string, cells []matrix.Cell) (BuiltVariant, error)
}

// A BuiltVariant is a built binary and how it was built.
type BuiltVariant struct {
	Binary string
	// Settings are the binary's debug.ReadBuildInfo settings
	// (GOEXPERIMENT, -pgo, GOAMD64, …) plus the variant's own notes.
	Settings map[string]string
}

// ErrVariantUnavailable marks a build variant that cannot be built or run
// here.
var ErrVariantUnavailable = errors.New("build variant unavailable")

// BuildSettings are this binary's build settings.
func BuildSettings() map[string]string {
	out := map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		out["go"] = info.GoVersion
		for _, s := range info.Settings {
			out[s.Key] = s.Value
		}
	}
	return out
}

// BenchgridModule is the module path of benchgrid's sources, which
// FindModuleDir looks for.
const BenchgridModule = "benchgrid"

// DefaultPackage is benchgrid's command, the main package of a variant
// when the running binary's own cannot be told.
const DefaultPackage = "./cmd/benchgrid"

// MainPackage is the main package that builds the running binary, as the
// go command names it in benchgrid's module folder: "./cmd/benchgrid" for
// benchgrid itself, "./examples/ndjsonsum" for the example. It is
// DefaultPackage for a test binary or a binary without build information.
// A binary whose main module is not benchgrid (a user's own module that
// requires benchgrid) is an error wrapping ErrVariantUnavailable: a
// variant rebuilt from benchgrid's sources would lack the user's
// workloads.
func MainPackage() (string, error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return DefaultPackage, nil
	}
	return mainPackage(info.Main.Path, info.Path)
}

// mainPackage is MainPackage for a binary of main module module and main
// package path.
func mainPackage(module, path string) (string, error) {
	switch rel, inModule := strings.CutPrefix(path, BenchgridModule+"/"); {
	case strings.HasSuffix(path, ".test"), path == "" || path == "command-line-arguments":
		return DefaultPackage, nil
	case module != BenchgridModule:
		return "", fmt.Errorf("this binary's main package %s is in module %s, not %s: build variants rebuild a main package of %s's sources: %w",
			path, module, BenchgridModule, BenchgridModule, ErrVariantUnavailable)
	case path == BenchgridModule:
		return ".", nil
	case inModule:
		return "./" + rel, nil
	default:
		return DefaultPackage, nil
	}
}

// FindModuleDir walks up from start to the directory whose go.mod declares
// the benchgrid module. Not finding one (a binary run outside its source
// tree) is an error wrapping ErrVariantUnavailable: no variant can be
// built.
func FindModuleDir(start string) (string, error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", fmt.Errorf("find the benchgrid module: %w", err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && modfile.ModulePath(data) == BenchgridModule {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of module %s in %s or above: build variants need benchgrid's source tree: %w",
				BenchgridModule, start, ErrVariantUnavailable)
		}
		dir = parent
	}
}

// A GoBuilder is the Builder that builds a variant's benchgrid binary with
// the go command from the module's sources, once: binaries are cached
// under CacheDir, keyed by the toolchain, the variant's environment and
// flags, the PGO profile's bytes and the sources. Its zero value finds the
// module from the working directory (or, failing that, from the running
// executable's) and caches in the module's .benchgrid/builds.
//
// Build does not change the GoBuilder; builds of different variants may
// run at once.
type GoBuilder struct {
	// ModuleDir holds benchgrid's go.mod; "" finds it (see FindModuleDir).
	ModuleDir string
	// CacheDir holds the built binaries; "" is ModuleDir/.benchgrid/builds.
	CacheDir string
	// Package is the main package a variant builds, as the go command
	// names it in the module's folder ("./cmd/benchgrid"); "" is the
	// running binary's own (see MainPackage), so that a user's binary
	// built from benchgrid's module, with workloads of its own, has
	// variants of itself.
	Package string
	// PGOProfile is the CPU profile the pgo variant is built with. When it
	// is "", Profiler takes one.
	PGOProfile string
	// Profiler takes a CPU profile of cells (the pgo variant's own) run
	// in binary — the build the variant adds PGO to: "" for the default
	// build, the jsonv2 build's binary for jsonv2+pgo — and returns the
	// profile's path. The command wires it to harness.PGOProfiler.Profile.
	Profiler func(ctx context.Context, binary string, cells []matrix.Cell) (string, error)
	// Log receives a line per build and the go command's messages; nil
	// discards them.
	Log io.Writer
	// GoCommand is the go command; "" is `go` on PATH or, without one, the
	// go of the GOROOT this binary was built with.
	GoCommand string
	// CheckGOAMD64V3 reports why this machine cannot run GOAMD64=v3 code,
	// or nil when it can; nil means checking GOARCH and the CPU's features
	// (tests substitute their own).
	CheckGOAMD64V3 func() error
}

var _ Builder = (*GoBuilder)(nil)

// Build builds the variant's binary, or finds it in the cache, and returns
// it with its build settings (debug/buildinfo of the binary) plus the notes
// benchgrid.variant, benchgrid.build-key (the cache entry) and
// benchgrid.pgo-profile (the profile's path and SHA-256, or "off"). A
// variant that cannot be built or run here (no source tree, a CPU lacking
// features, an experiment the toolchain does not know, no PGO profile) is
// an error wrapping ErrVariantUnavailable with the reason; an unknown
// variant name or a failing build is any other error.
//
// A rev=REV variant is built from the commit REV resolves to, checked out
// in a temporary git worktree, and cached by that commit's hash instead
// of the sources'; its settings add benchgrid.rev, the full hash. An
// unknown revision, and a revision that does not build or whose binary
// does not answer child.ParsersSubcommand (code older than the child
// protocol), are unavailable.
func (b *GoBuilder) Build(ctx context.Context, variant string, cells []matrix.Cell) (BuiltVariant, error) {
	if err := matrix.CheckBuildVariant(variant); err != nil {
		return BuiltVariant{}, err
	}
	if matrix.IsDefaultBuild(variant) {
		exe, err := os.Executable()
		if err != nil {
			return BuiltVariant{}, fmt.Errorf("build default: %w", err)
		}
		settings := BuildSettings()
		settings["benchgrid.variant"] = "default"
		return BuiltVariant{Binary: exe, Settings: settings}, nil
	}
	spec, _ := matrix.VariantOf(variant) // checked above
	bv, err := b.build(ctx, variant, spec, cells)
	if err != nil {
		return BuiltVariant{}, fmt.Errorf("build %s: %w", variant, err)
	}
	return bv, nil
}

func (b *GoBuilder) build(ctx context.Context, variant string, spec matrix.Variant, cells []matrix.Cell) (BuiltVariant, error) {
	if spec.GOAMD64 == "v3" {
		check := b.CheckGOAMD64V3
		if check == nil {
			check = checkGOAMD64V3
		}
		if err := check(); err != nil {
			return BuiltVariant{}, fmt.Errorf("%w: %w", err, ErrVariantUnavailable)
		}
	}
	moduleDir, err := b.moduleDir()
	if err != nil {
		return BuiltVariant{}, err
	}
	cacheDir := b.CacheDir
	if cacheDir == "" {
		cacheDir = filepath.Join(moduleDir, ".benchgrid", "builds")
	}
	goCmd, err := b.goCommand()
	if err != nil {
		return BuiltVariant{}, err
	}
	// The binary's settings show -pgo only when a profile was used, so the
	// note says "off" explicitly for the others.
	notes := map[string]string{"benchgrid.variant": variant, "benchgrid.pgo-profile": "off"}
	pgoFlag, profile := "-pgo=off", []byte(nil)
	if spec.PGO {
		path, err := b.pgoProfile(ctx, variant, cells)
		if err != nil {
			return BuiltVariant{}, err
		}
		if profile, err = os.ReadFile(path); err != nil {
			return BuiltVariant{}, fmt.Errorf("PGO profile: %w", err)
		}
		sum := sha256.Sum256(profile)
		pgoFlag = "-pgo=" + path
		notes["benchgrid.pgo-profile"] = path + " sha256:" + hex.EncodeToString(sum[:])
	}
	pkg := b.Package
	if pkg == "" {
		if pkg, err = MainPackage(); err != nil {
			return BuiltVariant{}, err
		}
	}
	env := variantEnv(os.Environ(), spec)
	args := []string{"build", pgoFlag, "-o", "OUT", pkg}
	commit := ""
	if spec.Rev != "" {
		if commit, err = resolveRev(ctx, moduleDir, spec.Rev); err != nil {
			return BuiltVariant{}, err
		}
		notes["benchgrid.rev"] = commit
	}

	// The key covers what decides the binary: the toolchain and its
	// effective settings under the variant's environment (go env, which
	// also rejects an unknown GOEXPERIMENT at once), the flags, the
	// profile and the sources.
	goEnv, err := runGo(ctx, goCmd, moduleDir, env, "env", "-json",
		"GOVERSION", "GOROOT", "GOOS", "GOARCH", "GOAMD64", "GOEXPERIMENT", "GOFLAGS",
		"CGO_ENABLED", "CC", "CGO_CFLAGS", "CGO_LDFLAGS", "GOTOOLCHAIN")
	if err != nil {
		return BuiltVariant{}, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "benchgrid build key 1\n%s\n%q\n%d\n", goEnv, args, len(profile))
	h.Write(profile)
	if commit != "" {
		// A commit is immutable: its hash stands for its sources.
		fmt.Fprintf(h, "rev %s\n", commit)
	} else if err := hashSources(h, moduleDir); err != nil {
		return BuiltVariant{}, err
	}
	key := keyName(variant, commit) + "-" + hex.EncodeToString(h.Sum(nil))[:24]
	notes["benchgrid.build-key"] = key
	binary := filepath.Join(cacheDir, key, "benchgrid")

	if _, err := os.Stat(binary); err == nil {
		b.logf("build %s: cached %s", variant, binary)
	} else if commit != "" {
		if err := b.compileRev(ctx, goCmd, moduleDir, spec.Rev, commit, env, args, binary); err != nil {
			return BuiltVariant{}, err
		}
	} else if err := b.compile(ctx, goCmd, moduleDir, env, args, binary); err != nil {
		return BuiltVariant{}, err
	}
	if commit != "" {
		// The revision may predate the child protocol, or break it.
		if _, err := Parsers(ctx, binary, nil); err != nil {
			if ctx.Err() != nil {
				return BuiltVariant{}, ctx.Err()
			}
			return BuiltVariant{}, fmt.Errorf("revision %s (commit %.12s) does not speak benchgrid's child protocol: %v: %w",
				spec.Rev, commit, err, ErrVariantUnavailable)
		}
	}
	settings, err := binarySettings(binary)
	if err != nil {
		return BuiltVariant{}, err
	}
	for k, v := range notes {
		settings[k] = v
	}
	return BuiltVariant{Binary: binary, Settings: settings}, nil
}

// compile runs go build into a fresh folder beside the cache entry and
// renames it into place, so that an interrupted or concurrent build never
// leaves a partial binary under the key.
func (b *GoBuilder) compile(ctx context.Context, goCmd, moduleDir string, env, args []string, binary string) error {
	entry := filepath.Dir(binary)
	if err := os.MkdirAll(filepath.Dir(entry), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(entry), ".tmp-"+filepath.Base(entry)+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	args = slices.Clone(args)
	args[slices.Index(args, "OUT")] = filepath.Join(tmp, filepath.Base(binary))
	b.logf("build: %s (in %s)", strings.Join(slices.Concat(variantOnly(env), []string{"go"}, args), " "), moduleDir)
	start := time.Now()
	out, err := runGo(ctx, goCmd, moduleDir, env, args...)
	if len(out) > 0 && b.Log != nil {
		b.Log.Write(out)
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, entry); err != nil {
		if _, statErr := os.Stat(binary); statErr != nil {
			return fmt.Errorf("store build: %w", err)
		}
		// Another build of the same key won the race: use its binary.
	}
	b.logf("build: done in %v: %s", time.Since(start).Round(time.Millisecond), binary)
	return nil
}

// resolveRev returns the full hash of the commit rev names in the git
// repository holding moduleDir. A revision git does not know, or a module
// that is not in a git repository, is an error wrapping
// ErrVariantUnavailable.
func resolveRev(ctx context.Context, moduleDir, rev string) (string, error) {
	out, err := runGit(ctx, moduleDir, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	if err != nil {
		return "", fmt.Errorf("revision %s: no such commit in %s (%v): %w", rev, moduleDir, err, ErrVariantUnavailable)
	}
	return out, nil
}

// runGit runs git in dir and returns its trimmed standard output, or an
// error with the last line of its messages.
func runGit(ctx context.Context, dir string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if msg := lastLine(stderr.String()); msg != "" {
			return "", fmt.Errorf("git %s: %v: %s", args[0], err, msg)
		}
		return "", fmt.Errorf("git %s: %v", args[0], err)
	}
	return strings.TrimSpace(stdout.String()), nil
}

// compileRev builds commit's benchgrid in a detached git worktree of the
// repository holding moduleDir, made for the build and removed after it,
// whatever happens. A revision that has no benchgrid module where
// moduleDir is, or that does not compile, is unavailable rather than a
// failure of the run: old code is not this code's to fix.
func (b *GoBuilder) compileRev(ctx context.Context, goCmd, moduleDir, rev, commit string, env, args []string, binary string) error {
	prefix, err := runGit(ctx, moduleDir, "rev-parse", "--show-prefix")
	if err != nil {
		return fmt.Errorf("revision %s: %w: %w", rev, err, ErrVariantUnavailable)
	}
	tmp, err := os.MkdirTemp("", "benchgrid-rev-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	tree := filepath.Join(tmp, "src")
	if _, err := runGit(ctx, moduleDir, "worktree", "add", "--detach", tree, commit); err != nil {
		// A git killed part-way (Ctrl-C) may have registered the
		// worktree: forget it once its folder is gone.
		os.RemoveAll(tree)
		runGit(context.WithoutCancel(ctx), moduleDir, "worktree", "prune")
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("revision %s: check out %.12s: %w", rev, commit, err)
	}
	defer func() {
		// Removed even when ctx is done; prune forgets it if removal failed.
		rmCtx := context.WithoutCancel(ctx)
		if _, err := runGit(rmCtx, moduleDir, "worktree", "remove", "--force", tree); err != nil {
			b.logf("build rev=%s: %v", rev, err)
			os.RemoveAll(tree)
			runGit(rmCtx, moduleDir, "worktree", "prune")
		}
	}()
	b.logf("build rev=%s: commit %s checked out in %s", rev, commit, tree)
	dir := filepath.Join(tree, filepath.FromSlash(prefix))
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || modfile.ModulePath(data) != BenchgridModule {
		return fmt.Errorf("revision %s (commit %.12s) has no go.mod of module %s in %s: %w", rev, commit, BenchgridModule, cmp.Or(prefix, "its top folder"), ErrVariantUnavailable)
	}
	if err := b.compile(ctx, goCmd, dir, env, args, binary); err != nil {
		if ctx.Err() != nil || errors.Is(err, ErrVariantUnavailable) {
			return err
		}
		return fmt.Errorf("revision %s (commit %.12s) does not build: %w: %w", rev, commit, err, ErrVariantUnavailable)
	}
	return nil
}

// keyName is the readable part of a cache entry's name: the variant, with
// a revision spelled by its commit (a revision may hold characters unfit
// for a file name, and two spellings of a commit are one build).
func keyName(variant, commit string) string {
	if commit == "" {
		return variant
	}
	parts := strings.Split(variant, "+")
	for i, p := range parts {
		if strings.HasPrefix(p, matrix.RevVariant) {
			parts[i] = "rev-" + commit[:min(12, len(commit))]
		}
	}
	return strings.Join(parts, "+")
}

// runGo runs the go command and returns its combined output. A failure is
// an error with the output's last line; one that says this toolchain
// cannot build the variant here (an unknown GOEXPERIMENT) wraps
// ErrVariantUnavailable.
func runGo(ctx context.Context, goCmd, dir string, env []string, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		if unavailableBuild(stderr.String()) {
			return nil, fmt.Errorf("%s: %w", lastLine(stderr.String()), ErrVariantUnavailable)
		}
		// A compile error's first lines name the package and the place.
		msg := strings.TrimSpace(stderr.String())
		if lines := strings.Split(msg, "\n"); len(lines) > 10 {
			msg = strings.Join(append(lines[:10], "…"), "\n")
		}
		return nil, fmt.Errorf("go %s: %v: %s", args[0], err, msg)
	}
	if args[0] == "build" {
		return append(stdout.Bytes(), stderr.Bytes()...), nil
	}
	return stdout.Bytes(), nil
}

// unavailableBuild reports whether the go command's messages say the
// variant cannot be built by this toolchain, rather than that the build
// is broken.
func unavailableBuild(stderr string) bool {
	return strings.Contains(stderr, "unknown GOEXPERIMENT") ||
		strings.Contains(stderr, "invalid GOAMD64") ||
		strings.Contains(stderr, "unsupported GOOS/GOARCH")
}

// variantEnv is env with the variant's settings. GOEXPERIMENT is set
// exactly, not appended to, so that no experiment of the caller's leaks
// into a variant; GOOS and GOARCH are this machine's, which runs the
// binary.
func variantEnv(env []string, spec matrix.Variant) []string {
	override := map[string]string{
		"GOEXPERIMENT": spec.GOEXPERIMENT,
		"GOOS":         runtime.GOOS,
		"GOARCH":       runtime.GOARCH,
	}
	if spec.GOAMD64 != "" {
		override["GOAMD64"] = spec.GOAMD64
	}
	out := slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		_, ok := override[k]
		return ok
	})
	for _, k := range []string{"GOEXPERIMENT", "GOOS", "GOARCH", "GOAMD64"} {
		if v, ok := override[k]; ok {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// variantOnly is the variant's part of env, for the log.
func variantOnly(env []string) []string {
	var out []string
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); k == "GOEXPERIMENT" && v != "" || k == "GOAMD64" {
			out = append(out, kv)
		}
	}
	return out
}

// hashSources writes to h the path and contents of every file that goes
// into the build: *.go files but tests, go.mod and go.sum. Folders the go
// command ignores (.git, _x, testdata) are skipped, as are the project's
// own output folders (.benchgrid, results).
func hashSources(h hash.Hash, root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
				name == "testdata" || name == "results") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !(name == "go.mod" || name == "go.sum" ||
			strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
}

// binarySettings reads a binary's build settings as BuildSettings does
// for the running one.
func binarySettings(binary string) (map[string]string, error) {
	info, err := buildinfo.ReadFile(binary)
	if err != nil {
		return nil, fmt.Errorf("read build settings: %w", err)
	}
	out := map[string]string{"go": info.GoVersion}
	for _, s := range info.Settings {
		out[s.Key] = s.Value
	}
	return out, nil
}

// moduleDir is ModuleDir or the module found from the working directory or,
// failing that, from the running executable.
func (b *GoBuilder) moduleDir() (string, error) {
	if b.ModuleDir != "" {
		return FindModuleDir(b.ModuleDir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the benchgrid module: %w", err)
	}
	dir, err := FindModuleDir(wd)
	if err == nil {
		return dir, nil
	}
	if exe, exeErr := os.Executable(); exeErr == nil {
		if dir, exeErr := FindModuleDir(filepath.Dir(exe)); exeErr == nil {
			return dir, nil
		}
	}
	return "", err
}

// goCommand resolves GoCommand.
func (b *GoBuilder) goCommand() (string, error) {
	if b.GoCommand != "" {
		return b.GoCommand, nil
	}
	if path, err := exec.LookPath("go"); err == nil {
		return path, nil
	}
	//lint:ignore SA1019 the build-time GOROOT is the fallback we want: benchgrid is built without -trimpath.
	if root := runtime.GOROOT(); root != "" {
		path := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("no go command on PATH or in GOROOT: %w", ErrVariantUnavailable)
}

// pgoProfile returns the absolute path of the PGO profile: PGOProfile, or
// one that Profiler takes of cells in the variant's base build (the
// variant without pgo), built first when it is not the default build, so
// that the profile comes from the program PGO will optimize.
func (b *GoBuilder) pgoProfile(ctx context.Context, variant string, cells []matrix.Cell) (string, error) {
	path := b.PGOProfile
	if path == "" {
		if b.Profiler == nil {
			return "", fmt.Errorf("no PGO profile: give one (GoBuilder.PGOProfile) or a Profiler to take one: %w", ErrVariantUnavailable)
		}
		if len(cells) == 0 {
			return "", fmt.Errorf("no PGO profile given and no cells to profile: %w", ErrVariantUnavailable)
		}
		base := baseOfPGO(variant)
		binary := ""
		if !matrix.IsDefaultBuild(base) {
			bv, err := b.Build(ctx, base, nil)
			if err != nil {
				return "", fmt.Errorf("build %s to profile for PGO: %w", base, err)
			}
			binary = bv.Binary
		}
		b.logf("build %s: profiling %d cells in build %s for the PGO profile", variant, len(cells), base)
		var err error
		if path, err = b.Profiler(ctx, binary, cells); err != nil {
			return "", fmt.Errorf("take PGO profile: %w", err)
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("PGO profile: %w", err)
	}
	return abs, nil
}

// baseOfPGO is the variant without its pgo part: "jsonv2" for
// "jsonv2+pgo", "default" for "pgo".
func baseOfPGO(variant string) string {
	var parts []string
	for part := range strings.SplitSeq(variant, "+") {
		if part != "pgo" {
			parts = append(parts, part)
		}
	}
	if len(parts) == 0 {
		return "default"
	}
	return strings.Join(parts, "+")
}

// checkGOAMD64V3 reports why this machine cannot run GOAMD64=v3 code: the
// x86-64-v3 level's features, those the runtime of a v3 binary checks at
// start-up (and v2's, which v3 includes).
func checkGOAMD64V3() error {
	if runtime.GOARCH != "amd64" {
		return fmt.Errorf("GOAMD64=v3 needs an amd64 machine, this is %s", runtime.GOARCH)
	}
	return missingV3Features(cpu.X86.HasAVX, cpu.X86.HasAVX2, cpu.X86.HasBMI1, cpu.X86.HasBMI2,
		cpu.X86.HasF16C, cpu.X86.HasFMA, cpu.X86.HasLZCNT, cpu.X86.HasMOVBE, cpu.X86.HasOSXSAVE,
		cpu.X86.HasCX16, cpu.X86.HasPOPCNT, cpu.X86.HasSSE3, cpu.X86.HasSSSE3, cpu.X86.HasSSE41, cpu.X86.HasSSE42)
}

// v3Features names missingV3Features's arguments, in order.
var v3Features = []string{"AVX", "AVX2", "BMI1", "BMI2", "F16C", "FMA", "LZCNT", "MOVBE", "OSXSAVE",
	"CX16", "POPCNT", "SSE3", "SSSE3", "SSE4.1", "SSE4.2"}

func missingV3Features(has ...bool) error {
	var missing []string
	for i, ok := range has {
		if !ok {
			missing = append(missing, v3Features[i])
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("GOAMD64=v3 needs CPU features this machine lacks: %s", strings.Join(missing, ", "))
	}
	return nil
}

func (b *GoBuilder) logf(format string, args ...any) {
	if b.Log != nil {
		fmt.Fprintf(b.Log, format+"\n", args...)
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// Parsers asks binary which parsers of workload w (nil: the default) it
// can run (its hidden child.ParsersSubcommand, given w as JSON on its
// standard input) and returns processor.ParserAvailability's answer there.
func Parsers(ctx context.Context, binary string, w *workload.Spec) (map[string]string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, binary, child.ParsersSubcommand)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if w != nil {
		spec, err := json.Marshal(w)
		if err != nil {
			return nil, err
		}
		cmd.Stdin = bytes.NewReader(spec)
	}
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %v: %s", binary, child.ParsersSubcommand, err, lastLine(stderr.String()))
	}
	var avail map[string]string
	if err := json.Unmarshal(stdout.Bytes(), &avail); err != nil {
		return nil, fmt.Errorf("%s %s: %w", binary, child.ParsersSubcommand, err)
	}
	return avail, nil
}
