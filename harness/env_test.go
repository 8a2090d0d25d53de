package harness

import (
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

// TestEnvironmentCommitIsNotTheWorkingFolders runs in another project's
// git checkout: the commit recorded must be benchgrid's own (here, a test
// binary built with -buildvcs=false and no stamp: "unknown"), never that
// checkout's HEAD.
func TestEnvironmentCommitIsNotTheWorkingFolders(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(cmd.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("commit", "-q", "--allow-empty", "-m", "another project")
	head := git("rev-parse", "HEAD")
	t.Chdir(dir)

	got := Environment().Commit
	if got == "" || strings.HasPrefix(head, strings.TrimSuffix(got, "+dirty")) {
		t.Errorf("Environment().Commit in another project's checkout = %q, its HEAD is %s; want benchgrid's own commit", got, head)
	}
}

func TestSourceCommit(t *testing.T) {
	vcs := func(rev, modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}}
	}
	const full = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		stamp string
		info  *debug.BuildInfo
		want  string
	}{
		{full, &debug.BuildInfo{}, "0123456789ab"},
		{full + "+dirty", &debug.BuildInfo{}, "0123456789ab+dirty"},
		{full, vcs("fedcba9876543210", "true"), "0123456789ab"}, // the stamp wins
		{"", vcs("fedcba9876543210", "true"), "fedcba987654+dirty"},
		{"", vcs("fedcba9876543210", "false"), "fedcba987654"},
		{"", &debug.BuildInfo{}, "unknown"},
		{"", vcs("", "true"), "unknown"},
	} {
		if got := sourceCommit(tc.stamp, tc.info); got != tc.want {
			t.Errorf("sourceCommit(%q, %v) = %q, want %q", tc.stamp, tc.info.Settings, got, tc.want)
		}
	}
}
