package harness

import (
	"bytes"
	"os"
	"os/exec"
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
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		case "GOEXPERIMENT":
			env.GOEXPERIMENT = s.Value
		}
	}
	if revision == "" {
		// Built with -buildvcs=false (as GOFLAGS may say): ask git.
		revision, modified = gitRevision()
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	if revision != "" && modified == "true" {
		revision += "+dirty"
	}
	env.Commit = revision
	if env.GOEXPERIMENT == "" {
		env.GOEXPERIMENT = "default"
	}
	return env
}

// gitRevision returns the working tree's commit and whether it has
// uncommitted changes ("true"), or "" when git cannot tell.
func gitRevision() (revision, modified string) {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "", ""
	}
	revision = strings.TrimSpace(string(out))
	status, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output()
	if err == nil && len(bytes.TrimSpace(status)) > 0 {
		modified = "true"
	}
	return revision, modified
}
