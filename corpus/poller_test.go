package corpus

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestReaderStartsPoller: a Reader sets up the runtime's poller when it is
// made, so that a read that finds the descriptors spent fails with EMFILE
// instead of the runtime's fatal "netpollinit failed" at the first open.
// It runs in a child process of its own (this test binary again, with no
// test timeout, whose alarm would start the poller first), because the
// poller starts once per process.
func TestReaderStartsPoller(t *testing.T) {
	if path := os.Getenv("BENCHGRID_POLLER_CHILD"); path != "" {
		pollerChild(path)
		return
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	root := t.TempDir()
	writeFiles(t, root, []byte("{}"), "a.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestReaderStartsPoller$", "-test.timeout=0", "-test.count=1")
	cmd.Env = append(os.Environ(), "BENCHGRID_POLLER_CHILD="+filepath.Join(root, "a.json"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "read failed with EMFILE") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// pollerChild leaves room for three more descriptors, makes a Reader (the
// poller takes two), holds the third, and reads path: the read must fail
// with EMFILE, reported as a ResourceError. The room is the three lowest
// free descriptor numbers, wherever the descriptors this process
// inherited leave them.
func pollerChild(path string) {
	var free []int
	for fd := 0; len(free) < 3; fd++ {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == unix.EBADF {
			free = append(free, fd)
		}
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		panic(err)
	}
	lim.Cur = uint64(free[2] + 1)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		panic(err)
	}
	r := NewReader(ReadFile)
	if _, err := syscall.Open("/dev/null", syscall.O_RDONLY|syscall.O_CLOEXEC, 0); err != nil {
		fmt.Printf("the poller left no descriptor for the test: %v\n", err)
		return
	}
	_, err := r.Read(File{Path: path})
	var re *ResourceError
	if errors.As(err, &re) && errors.Is(err, syscall.EMFILE) {
		fmt.Println("read failed with EMFILE")
		return
	}
	fmt.Printf("read: %v, want EMFILE\n", err)
}
