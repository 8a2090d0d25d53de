package corpus

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func TestPercentile(t *testing.T) {
	ten := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tc := range []struct {
		sorted []int64
		p      int
		want   int64
	}{
		{nil, 50, 0},
		{[]int64{7}, 50, 7},
		{[]int64{7}, 99, 7},
		{[]int64{1, 2}, 50, 1},
		{[]int64{1, 2}, 51, 2},
		{ten, 50, 5},
		{ten, 90, 9},
		{ten, 91, 10},
		{ten, 99, 10},
		{ten, 100, 10},
		{ten, 1, 1},
	} {
		if got := Percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("Percentile(%v, %d) = %d, want %d", tc.sorted, tc.p, got, tc.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{"notes.txt": strings.Repeat("x", 99999)}
	// 100 inputs of 1..100 KiB over three directories.
	for i := 1; i <= 100; i++ {
		dir := []string{"a", "b", "b/c"}[i%3]
		files[filepath.Join(dir, strings.Repeat("f", i%7+1)+"-"+string(rune('a'+i%26))+string(rune('a'+i/26))+".json")] = strings.Repeat(" ", i<<10)
	}
	makeTree(t, root, files)
	st, err := Describe(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	if sst, skipped, err := DescribeSkipping(t.Context(), root, nil); sst != st || len(skipped) != 0 || err != nil {
		t.Errorf("DescribeSkipping(%q) = %+v, %v, %v; want %+v as Describe, nothing skipped", root, sst, skipped, err, st)
	}
	want := Stats{Files: 100, Bytes: 5050 << 10, Dirs: 3, P50: 50 << 10, P90: 90 << 10, P99: 99 << 10, Max: 100 << 10}
	if st != want {
		t.Errorf("Describe(%q) = %+v, want %+v", root, st, want)
	}

	got := st.String()
	golden := filepath.Join("testdata", "describe.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantText, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./corpus -update)", err)
	}
	if got != string(wantText) {
		t.Errorf("Stats.String() =\n%s\nwant (%s)\n%s", got, golden, wantText)
	}

	empty, err := Describe(t.Context(), t.TempDir())
	if err != nil || empty != (Stats{}) {
		t.Errorf("Describe(empty dir) = %+v, %v; want zero Stats", empty, err)
	}
	if _, err := Describe(t.Context(), filepath.Join(root, "missing")); err == nil {
		t.Errorf("Describe(missing dir) = nil error")
	}
}

// TestDescribeSkipping: DescribeSkipping accepts the corpus that a run
// accepts (corpus describe uses it). A
// folder it cannot read is skipped and reported, its inputs not counted
// ("walk …: permission denied" was an error). Root ignores permission
// bits, so the folder is locked through an fs.FS, as in TestListSkipping.
func TestDescribeSkipping(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, map[string]string{"a.json": "{}", "locked/x.json": "{}", "open/z.json": "[1]"})
	fsys := lockedFS{FS: os.DirFS(root), locked: map[string]bool{"locked": true}}
	st, skipped, err := describe(t.Context(), root, fsys, IsJSON, true)
	if err != nil {
		t.Fatalf("describe with a locked folder = %v, want it skipped", err)
	}
	if _, _, err := describe(t.Context(), root, fsys, IsJSON, false); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("strict describe with a locked folder = %v, want permission denied", err)
	}
	if want := (Stats{Files: 2, Bytes: 5, Dirs: 2, P50: 2, P90: 3, P99: 3, Max: 3}); st != want {
		t.Errorf("describe with a locked folder = %+v, want %+v", st, want)
	}
	if len(skipped) != 1 || skipped[0].Path != filepath.Join(root, "locked") || !strings.Contains(skipped[0].Reason, "permission denied") {
		t.Errorf("describe skipped = %+v, want the locked folder and its reason", skipped)
	}
}

func TestFormatBytes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{3 << 10, "3.0 KiB"},
		{1536 << 10, "1.5 MiB"},
		{5 << 30, "5.0 GiB"},
	} {
		if got := FormatBytes(tc.n); got != tc.want {
			t.Errorf("FormatBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
