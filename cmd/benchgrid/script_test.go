package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"benchgrid/child"
	"benchgrid/cli"
	"benchgrid/processor"
	"benchgrid/workloads/events"

	"github.com/rogpeppe/go-internal/testscript"
)

// update rewrites the files that scripts compare against (cmp stdout
// want.txt) with what the command printed, for review in git diff.
var update = flag.Bool("update", false, "rewrite the expected files inside testdata/script/*.txtar")

// TestMain makes this test binary double as the benchgrid command: testscript
// hard-links (or copies) it into a $PATH folder as "benchgrid", and
// testscript.Main dispatches on the base name of os.Args[0].
//
// `benchgrid run` starts each sample as `os.Executable() _child`. On Linux
// os.Executable is /proc/self/exe, which names the link the process was
// started through, so the child is `…/bin/benchgrid _child` and dispatches
// like any script command. Where os.Executable resolves to the test binary
// itself (another OS, or a copy testscript could not link), the child would
// be `benchgrid.test _child`, and go test's main would run every test in it
// instead of one sample, whose output the harness would fail to decode.
// Tests that run the command in-process are in that second case (package
// cli's TestStudyEndToEnd, with a TestMain of its own like this one): their
// os.Executable is the test binary, and without the dispatch below each
// child would run the tests again, recursively. go test never
// passes "_child" as the first argument, so dispatching on it is safe.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == child.Subcommand {
		benchgridMain()
	}
	testscript.Main(m, map[string]func(){"benchgrid": benchgridMain})
}

// benchgridMain is the benchgrid command inside scripts: main's body.
func benchgridMain() { os.Exit(cli.Main()) }

// TestChildDispatch checks the fallback in TestMain: the test binary
// started under its own name as `_child` acts as benchgrid's child (which
// here fails to read its empty spec) instead of running the tests.
func TestChildDispatch(t *testing.T) {
	// Without the fallback the child would run this test again, and so on:
	// the variable stops that recursion at one level.
	const guard = "BENCHGRID_TEST_CHILD_DISPATCH"
	if os.Getenv(guard) != "" {
		t.Skip("running as the child of TestChildDispatch")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], child.Subcommand)
	cmd.Env = append(os.Environ(), guard+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 || !strings.HasPrefix(stderr.String(), "benchgrid: read child spec: ") {
		t.Errorf("%s _child with no input: %v, stderr:\n%s\nwant exit status 1 and \"benchgrid: read child spec: …\"", os.Args[0], err, stderr.String())
	}
	// The child's report of its own failure, for the parent.
	if want := `{"error":{"kind":"error","message":"read child spec: EOF"}}` + "\n"; string(out) != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}

// TestScripts runs the end-to-end scripts in testdata/script: each is a
// txtar archive whose comment is a script of benchgrid commands and checks
// on their exit status, stdout, stderr and files (see the testscript
// package documentation). Besides testscript's own commands and conditions,
// scripts can use
//
//	status N PROG [ARGS...]  run PROG and fail unless it exits with status N
//	[parser:NAME]            NAME is a parser this binary can run
//	[root]                   running as root, who can read any folder
func TestScripts(t *testing.T) {
	availability := processor.ParserAvailability(events.Workload{})
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		UpdateScripts:       *update,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"status": cmdStatus},
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				return os.Geteuid() == 0, nil
			}
			name, ok := strings.CutPrefix(cond, "parser:")
			if !ok {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			reason, known := availability[name]
			if !known {
				return false, fmt.Errorf("condition %q: unknown parser", cond)
			}
			return reason == "", nil
		},
	})
}

// cmdStatus implements `status N PROG [ARGS...]`. testscript's `! exec`
// only says that a command failed; the exit status is part of benchgrid's
// interface (1 failure, 2 usage), so scripts check it exactly. stdout and
// stderr stay available to the commands that follow.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! status")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: status N PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: %q is not an exit status", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("status: %v", err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
