package cli

import (
	"os"
	"testing"

	"benchgrid/child"
	_ "benchgrid/workloads/builtin" // the workloads the commands under test run
)

// TestMain makes this test binary its own child, as a binary calling Main
// is: tests that run commands in-process (TestStudyEndToEnd) start
// children as os.Executable() _child, which is this test binary. go test
// never passes "_child" as the first argument, so dispatching on it is
// safe (cmd/benchgrid's TestChildDispatch checks the same dispatch there).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == child.Subcommand {
		os.Exit(Main())
	}
	os.Exit(m.Run())
}
