package harness

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"benchgrid/record"
)

// parserModules are the modules whose versions results record.
var parserModules = []string{
	"github.com/bytedance/sonic",
	"github.com/valyala/fastjson",
	"github.com/minio/simdjson-go",
	"github.com/goccy/go-json",
	"golang.org/x/perf",
	"github.com/google/pprof",
}

// Environment describes this machine and the running binary.
func Environment() record.Env {
	env := record.Env{
		GOOS:         runtime.GOOS,
		GOARCH:       runtime.GOARCH,
		CPU:          cpuModel(),
		NumCPU:       runtime.NumCPU(),
		GoVersion:    runtime.Version(),
		GOEXPERIMENT: os.Getenv("GOEXPERIMENT"),
		Modules:      map[string]string{},
		LoadAvg:      loadAvg(),
		Args:         os.Args,
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = &debug.BuildInfo{}
	}
	for _, dep := range info.Deps {
		for _, m := range parserModules {
			if dep.Path == m {
				env.Modules[m] = dep.Version
			}
		}
	}
	for _, s := range info.Settings {
		if s.Key == "GOEXPERIMENT" {
			env.GOEXPERIMENT = s.Value
		}
	}
	env.Commit = sourceCommit(commit, info)
	if env.GOEXPERIMENT == "" {
		env.GOEXPERIMENT = "default"
	}
	return env
}

// commit is the commit of benchgrid's own sources, stamped at build time
// by `make build`:
//
//	-ldflags "-X benchgrid/harness.commit=$(git rev-parse HEAD)[+dirty]"
//
// It is empty in a binary built otherwise.
var commit string

// sourceCommit returns the commit of the sources the running binary was
// built from, shortened to 12 hex digits and "+dirty" when they had
// uncommitted changes: the build-time stamp, else the go command's VCS
// stamp (absent with -buildvcs=false), else "unknown". It never asks git
// at run time: the folder the command runs in may be another project's
// checkout, whose commit says nothing about benchgrid.
func sourceCommit(stamp string, info *debug.BuildInfo) string {
	revision, dirty := strings.CutSuffix(stamp, "+dirty")
	if revision == "" {
		dirty = false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if revision == "" {
		return "unknown"
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	if dirty {
		revision += "+dirty"
	}
	return revision
}
