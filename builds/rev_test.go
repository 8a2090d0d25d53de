package builds

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// git runs git in dir with a fixed identity and returns its output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=test", "-c", "user.email=test@example.com",
		"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// fakeRepo is fakeModule in a git repository with two commits, whose
// hashes it returns, oldest first.
func fakeRepo(t *testing.T) (dir string, commits []string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir = fakeModule(t)
	git(t, dir, "init", "-q")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "one")
	commits = append(commits, git(t, dir, "rev-parse", "HEAD"))
	writeFile(t, filepath.Join(dir, "cmd", "benchgrid", "main.go"), "package main\n\nfunc main() { println() }\n")
	git(t, dir, "commit", "-q", "-am", "two")
	commits = append(commits, git(t, dir, "rev-parse", "HEAD"))
	return dir, commits
}

// worktrees returns the repository's worktrees but its main one.
func worktrees(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for line := range strings.SplitSeq(git(t, dir, "worktree", "list", "--porcelain"), "\n") {
		if path, ok := strings.CutPrefix(line, "worktree "); ok && path != dir {
			out = append(out, path)
		}
	}
	return out
}

// TestGoBuilderRev builds rev= variants of a fake repository with a fake
// go command: the revision resolved, the build run in a worktree of that
// commit which is gone afterwards, and the cache keyed by the commit.
func TestGoBuilderRev(t *testing.T) {
	repo, commits := fakeRepo(t)
	fake := newFakeGo(t, "", false)
	b := &GoBuilder{ModuleDir: repo, CacheDir: t.TempDir(), GoCommand: fake.path}

	binaries := map[string]string{}
	for i, step := range []struct {
		variant string
		commit  int
		rebuild bool
	}{
		{"rev=HEAD~1", 0, true},
		{"rev=HEAD~1", 0, false},
		{"rev=" + commits[0][:10], 0, false}, // another spelling of the same commit
		{"rev=main", 1, true},
		{"rev=HEAD", 1, false},
		{"rev=HEAD~1+jsonv2", 0, true},
	} {
		before := len(fake.builds(t))
		bv, err := b.Build(t.Context(), step.variant, nil)
		if err != nil {
			t.Fatalf("step %d: Build(%q) = %v", i, step.variant, err)
		}
		commit := commits[step.commit]
		if got := bv.Settings["benchgrid.rev"]; got != commit {
			t.Errorf("step %d: Build(%q).Settings[benchgrid.rev] = %q, want %q", i, step.variant, got, commit)
		}
		if got := bv.Settings["benchgrid.variant"]; got != step.variant {
			t.Errorf("step %d: Build(%q).Settings[benchgrid.variant] = %q, want it as given", i, step.variant, got)
		}
		if !strings.HasPrefix(filepath.Base(filepath.Dir(bv.Binary)), "rev-"+commit[:12]) {
			t.Errorf("step %d: Build(%q).Binary = %q, want a cache entry named rev-%.12s…", i, step.variant, bv.Binary, commit)
		}
		builds := fake.builds(t)
		if rebuilt := len(builds) > before; rebuilt != step.rebuild {
			t.Errorf("step %d: Build(%q) rebuilt = %v, want %v", i, step.variant, rebuilt, step.rebuild)
		}
		if step.rebuild {
			line := builds[len(builds)-1]
			if !strings.Contains(line, " head="+commit) || strings.Contains(line, " dir="+repo+" ") {
				t.Errorf("step %d: Build(%q) ran %q, want it in a worktree of %s", i, step.variant, line, commit)
			}
			dir := line[strings.Index(line, " dir=")+5 : strings.Index(line, " head=")]
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("step %d: Build(%q) left its worktree %s: %v", i, step.variant, dir, err)
			}
		} else if want := binaries[commit]; bv.Binary != want && !strings.Contains(step.variant, "+") {
			t.Errorf("step %d: Build(%q).Binary = %q, want the cached %q", i, step.variant, bv.Binary, want)
		}
		if !strings.Contains(step.variant, "+") {
			binaries[commit] = bv.Binary
		}
	}
	if wt := worktrees(t, repo); len(wt) > 0 {
		t.Errorf("worktrees left: %q", wt)
	}
}

// TestGoBuilderRevUnavailable checks the revisions that cannot run: each
// is unavailable, says why, and leaves no worktree behind.
func TestGoBuilderRevUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name, variant string
		old, fail     bool // the binary fails _parsers; go build fails
		noRepo        bool
		want          string
	}{
		{name: "unknown revision", variant: "rev=nope", want: "revision nope: no such commit"},
		{name: "too old", variant: "rev=HEAD~1", old: true, want: "does not speak benchgrid's child protocol"},
		{name: "does not build", variant: "rev=HEAD", fail: true, want: "does not build: go build: exit status 1: # benchgrid/parsers"},
		{name: "not a git repository", variant: "rev=HEAD", noRepo: true, want: "revision HEAD: no such commit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo := ""
			if tc.noRepo {
				repo = fakeModule(t)
			} else {
				repo, _ = fakeRepo(t)
			}
			if tc.old {
				t.Setenv("BUILDS_TEST_OLD_BINARY", "1")
			}
			fake := newFakeGo(t, "", tc.fail)
			b := &GoBuilder{ModuleDir: repo, CacheDir: t.TempDir(), GoCommand: fake.path}
			_, err := b.Build(t.Context(), tc.variant, nil)
			if !errors.Is(err, ErrVariantUnavailable) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Build(%q) = %v, want unavailable, containing %q", tc.variant, err, tc.want)
			}
			if !tc.noRepo {
				if wt := worktrees(t, repo); len(wt) > 0 {
					t.Errorf("Build(%q) left worktrees %q", tc.variant, wt)
				}
			}
		})
	}
}

// TestGoBuilderRealRevBuild builds rev=HEAD of this repository with the
// real go command, once, checks that the binary answers _parsers and
// records its commit, and that a second Build is a cache hit.
func TestGoBuilderRealRevBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds benchgrid: slow")
	}
	moduleDir, err := FindModuleDir(".")
	if err != nil {
		t.Fatal(err)
	}
	shallow, err := exec.Command("git", "-C", moduleDir, "rev-parse", "--is-shallow-repository").Output()
	if err != nil || strings.TrimSpace(string(shallow)) != "false" {
		t.Skipf("not a full git checkout (%s, %v)", shallow, err)
	}
	head := git(t, moduleDir, "rev-parse", "HEAD")
	b := &GoBuilder{ModuleDir: moduleDir, CacheDir: t.TempDir()}
	start := time.Now()
	bv, err := b.Build(t.Context(), "rev=HEAD", nil)
	if err != nil {
		t.Fatalf("Build(rev=HEAD) = %v", err)
	}
	t.Logf("built %s in %v", bv.Binary, time.Since(start).Round(time.Millisecond))
	for k, want := range map[string]string{"benchgrid.rev": head, "benchgrid.variant": "rev=HEAD", "benchgrid.pgo-profile": "off", "-pgo": ""} {
		if got := bv.Settings[k]; got != want {
			t.Errorf("Build(rev=HEAD).Settings[%s] = %q, want %q (all: %v)", k, got, want, bv.Settings)
		}
	}
	if got := bv.Settings["vcs.revision"]; got != "" && got != head {
		t.Errorf("Build(rev=HEAD).Settings[vcs.revision] = %q, want %q", got, head)
	}
	avail, err := Parsers(t.Context(), bv.Binary, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reason, ok := avail["std"]; !ok || reason != "" {
		t.Errorf("%s _parsers: std = %q (listed %v), want available", bv.Binary, reason, ok)
	}

	start = time.Now()
	again, err := b.Build(t.Context(), "rev=HEAD", nil)
	if err != nil {
		t.Fatalf("second Build(rev=HEAD) = %v", err)
	}
	t.Logf("cache hit in %v", time.Since(start).Round(time.Millisecond))
	if again.Binary != bv.Binary {
		t.Errorf("second Build(rev=HEAD) = %s, want the cached %s", again.Binary, bv.Binary)
	}
}
