package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"benchgrid/record"
)

// fixtures are the reports package's results folders.
var fixtures = filepath.Join("..", "reports", "testdata")

// copyDir copies the files of src (one level of subfolders) into a
// temporary folder, so a report does not write into testdata.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestRunReport(t *testing.T) {
	dir := copyDir(t, filepath.Join(fixtures, "run"))
	var stdout, stderr bytes.Buffer
	if err := runReport(t.Context(), []string{dir}, &stdout, &stderr); err != nil {
		t.Fatalf("runReport: %v (stderr %q)", err, stderr.String())
	}
	want := filepath.Join(dir, record.ReportFile) + "\n"
	if stdout.String() != want {
		t.Errorf("runReport stdout = %q, want %q", stdout.String(), want)
	}
	if _, err := os.Stat(filepath.Join(dir, "report-throughput.png")); err != nil {
		t.Errorf("no throughput chart: %v", err)
	}

	if err := runReport(t.Context(), []string{"a", "b"}, &stdout, &stderr); ExitCode(err) != 2 {
		t.Errorf("runReport(a, b) = %v, want a usage error", err)
	}
	if err := runReport(t.Context(), []string{t.TempDir()}, &stdout, &stderr); ExitCode(err) != 1 {
		t.Errorf("runReport(empty dir) = %v, want a failure", err)
	}
}

func TestRunCompare(t *testing.T) {
	old, new := filepath.Join(fixtures, "run"), filepath.Join(fixtures, "new")
	var stdout, stderr bytes.Buffer
	err := runCompare(t.Context(), []string{old, new}, &stdout, &stderr)
	if ExitCode(err) != 1 || !strings.Contains(err.Error(), "parser=sonic/strategy=pool/workers=4/read=readfile") {
		t.Errorf("runCompare(old, new) = %v, want a failure naming the regressed cell", err)
	}
	if !strings.HasPrefix(stdout.String(), "# benchgrid comparison") {
		t.Errorf("runCompare stdout does not start with the comparison: %.60q", stdout.String())
	}

	// A generous threshold: nothing regressed, and -o writes the file.
	out := filepath.Join(t.TempDir(), "cmp.md")
	stdout.Reset()
	if err := runCompare(t.Context(), []string{"-threshold", "0.2", "-o", out, old, new}, &stdout, &stderr); err != nil {
		t.Errorf("runCompare(-threshold 0.2) = %v, want nil", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("runCompare -o wrote %d bytes to stdout, want none", stdout.Len())
	}
	if data, err := os.ReadFile(out); err != nil || !bytes.Contains(data, []byte("No cell regressed.")) {
		t.Errorf("runCompare -o file: %v, %.80q", err, data)
	}

	for _, args := range [][]string{{old}, {"-alpha", "2", old, new}, {"-threshold", "-1", old, new}, {"-bogus", old, new}} {
		if err := runCompare(t.Context(), args, &stdout, &stderr); ExitCode(err) != 2 {
			t.Errorf("runCompare(%q) = %v, want a usage error", args, err)
		}
	}
}
