package reports

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"benchgrid/record"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review git diff\n%s", name, firstDiff(got, want))
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}

// copyRun copies testdata/src to a temporary folder, so writing a report
// leaves testdata alone.
func copyRun(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(filepath.Join("testdata", src), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join("testdata", src), path)
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

func TestWriteGolden(t *testing.T) {
	dir := copyRun(t, "run")
	if err := Write(t.Context(), dir, Options{ChartFormat: "svg"}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	md, err := os.ReadFile(filepath.Join(dir, record.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.golden", md)
	for _, name := range []string{"report-throughput.svg", "report-workers.svg", "report-cpu.svg"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("chart %s: %v", name, err)
		}
		if !bytes.Contains(md, []byte("]("+name+")")) {
			t.Errorf("report.md does not link %s", name)
		}
		golden(t, name+".golden", data)
	}

	// The same input gives the same bytes.
	if err := Write(t.Context(), dir, Options{ChartFormat: "svg"}); err != nil {
		t.Fatalf("second Write: %v", err)
	}
	md2, err := os.ReadFile(filepath.Join(dir, record.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(md, md2) {
		t.Errorf("two reports of the same run differ:\n%s", firstDiff(md2, md))
	}
}

// PNG charts are not golden (rasterizing is not bit-identical across
// architectures), but one machine must render the same bytes every time.
func TestPNGStable(t *testing.T) {
	run, err := record.Read(filepath.Join("testdata", "run"))
	if err != nil {
		t.Fatal(err)
	}
	render := func() ([]byte, []*chart) {
		md, charts, err := build(t.Context(), filepath.Join("testdata", "run"), run, Options{ChartFormat: "png"})
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		return md, charts
	}
	md1, c1 := render()
	md2, c2 := render()
	if !bytes.Equal(md1, md2) {
		t.Errorf("two renders of the report differ")
	}
	if len(c1) != 3 || len(c1) != len(c2) {
		t.Fatalf("got %d and %d charts, want 3", len(c1), len(c2))
	}
	for i := range c1 {
		if !bytes.HasPrefix(c1[i].data, []byte("\x89PNG")) {
			t.Errorf("%s is not a PNG", c1[i].file)
		}
		if !bytes.Equal(c1[i].data, c2[i].data) {
			t.Errorf("two renders of %s differ", c1[i].file)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	dir := t.TempDir()
	if err := Write(t.Context(), dir, Options{}); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Write(empty dir) = %v, want a not-exist error", err)
	}
	run := copyRun(t, "run")
	if err := Write(t.Context(), run, Options{ChartFormat: "gif"}); err == nil {
		t.Errorf("Write(ChartFormat gif) = nil, want an error")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Write(ctx, run, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Write(cancelled) = %v, want context.Canceled", err)
	}
}

// A run with nothing measured still gets a report, not an error.
func TestWriteEmptyRun(t *testing.T) {
	dir := t.TempDir()
	run := &record.Run{Count: 3, Cells: []record.Cell{{
		Name: "parser=std/strategy=pool", Parser: "std", Strategy: "pool",
		Failures: []record.Failure{{Kind: record.FailTimeout, Reason: "exceeded 10m0s"}},
	}}}
	if err := record.Write(dir, run); err != nil {
		t.Fatal(err)
	}
	md := renderReport(t, dir, Options{})
	for _, want := range []string{"INCOMPLETE", "No configuration produced a usable sample", "**TIMEOUT**", "exceeded 10m0s"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report of an empty run lacks %q", want)
		}
	}
}

// renderReport writes dir's report.md and returns it.
func renderReport(t *testing.T, dir string, opts Options) []byte {
	t.Helper()
	if err := Write(t.Context(), dir, opts); err != nil {
		t.Fatalf("Write: %v", err)
	}
	md, err := os.ReadFile(filepath.Join(dir, record.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	return md
}
