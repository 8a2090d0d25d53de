package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"benchgrid/record"
	"benchgrid/workload"
)

// lineCases are single lines with the verdict the contract gives them:
// the "bytes" value they add, whether they have one, or bad.
var lineCases = []struct {
	line  string
	bytes int64
	has   bool
	bad   bool
}{
	{line: `{"bytes":12}`, bytes: 12, has: true},
	{line: ` { "path" : "/a" , "bytes" : -7 } `, bytes: -7, has: true},
	{line: `{"path":"/a"}`},
	{line: `{}`},
	{line: "{\"bytes\":3}\r", bytes: 3, has: true},                                   // CRLF
	{line: `{"bytes":1,"bytes":2}`, bytes: 2, has: true},                             // the last one
	{line: `{"bytes":"x","bytes":2}`, bytes: 2, has: true},                           // only the last is an int
	{line: `{"bytes":2,"bytes":"x"}`, bad: true},                                     //
	{line: `{"byt\u0065s":5}`, bytes: 5, has: true},                                  // escaped key
	{line: `{"BYTES":5}`},                                                            // exact match: not encoding/json's struct rule
	{line: `{"nested":{"bytes":5}}`},                                                 // top level only
	{line: `{"a":[1,{"bytes":2},"x"],"bytes":0}`, bytes: 0, has: true},               //
	{line: `{"bytes":-0}`, bytes: 0, has: true},                                      //
	{line: `{"bytes":9223372036854775807}`, bytes: 9223372036854775807, has: true},   // max int64
	{line: `{"bytes":-9223372036854775808}`, bytes: -9223372036854775808, has: true}, // min int64
	{line: `{"bytes":9223372036854775808}`, bad: true},                               // overflow
	{line: `{"bytes":1.0}`, bad: true},
	{line: `{"bytes":1e3}`, bad: true},
	{line: `{"bytes":null}`, bad: true},
	{line: `{"bytes":01}`, bad: true},
	{line: "{\"s\":\"caf\xe9\"}"},                     // invalid UTF-8 in a string is allowed
	{line: "{\"s\":\"tab\there\"}", bad: true},        // control character
	{line: `{"s":"\x"}`, bad: true},                   // invalid escape
	{line: `{"s":"\u12"}`, bad: true},                 //
	{line: `{"s":"\ud800"}`},                          // a lone surrogate is valid JSON
	{line: `{"a":true,"b":false,"c":null}`},           //
	{line: `{"a":tru}`, bad: true},                    //
	{line: `{"a":1,}`, bad: true},                     // trailing comma
	{line: `{"a" 1}`, bad: true},                      //
	{line: `{"a":1} {"b":2}`, bad: true},              // two values
	{line: `{"a":1}x`, bad: true},                     //
	{line: `{"a":[1,2,]}`, bad: true},                 //
	{line: `{"a":-}`, bad: true},                      //
	{line: `{"a":1.}`, bad: true},                     //
	{line: `{"a":1e}`, bad: true},                     //
	{line: `{"a":"unterminated}`, bad: true},          //
	{line: `null`, bad: true},                         // not an object
	{line: `[{"bytes":1}]`, bad: true},                //
	{line: `"bytes"`, bad: true},                      //
	{line: `12`, bad: true},                           //
	{line: `{`, bad: true},                            //
	{line: "{\"a\":[" + nest(9998) + "]}"},            // 10000 levels: encoding/json's limit
	{line: "{\"a\":[" + nest(9999) + "]}", bad: true}, // 10001 levels
}

// nest is n nested empty arrays.
func nest(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// counts runs both implementations over data.
func counts(t *testing.T, data []byte) (std, scan Totals, stdErr, scanErr error) {
	t.Helper()
	countStd, err := newStdCount()
	if err != nil {
		t.Fatal(err)
	}
	stdErr = countStd("in.ndjson", data, &std)
	scanErr = countScan("in.ndjson", data, &scan)
	return std, scan, stdErr, scanErr
}

func TestLines(t *testing.T) {
	for _, tc := range lineCases {
		want := Totals{Records: 1}
		if tc.has {
			want.WithBytes, want.Bytes = 1, tc.bytes
		}
		if tc.bad {
			want = Totals{}
		}
		std, scan, stdErr, scanErr := counts(t, []byte(tc.line))
		for _, got := range []struct {
			name string
			t    Totals
			err  error
		}{{"std", std, stdErr}, {"scan", scan, scanErr}} {
			if (got.err != nil) != tc.bad || got.t != want {
				t.Errorf("%s(%.60q) = %+v, %v; want %+v, bad %v", got.name, tc.line, got.t, got.err, want, tc.bad)
			}
		}
	}
}

// TestFiles checks blank lines, a final line without a newline, and that
// one bad line makes the whole input bad, contributing nothing.
func TestFiles(t *testing.T) {
	for _, tc := range []struct {
		data string
		want Totals
		bad  bool
	}{
		{data: "", want: Totals{}},
		{data: "\n\n \t\r\n", want: Totals{}},
		{data: `{"bytes":1}` + "\n\n" + `{"bytes":2}`, want: Totals{Records: 2, WithBytes: 2, Bytes: 3}},
		{data: `{"bytes":1}` + "\r\n" + `{}` + "\r\n", want: Totals{Records: 2, WithBytes: 1, Bytes: 1}},
		{data: `{"bytes":1}` + "\n" + `{"bytes":` + "\n", bad: true},
	} {
		std, scan, stdErr, scanErr := counts(t, []byte(tc.data))
		if (stdErr != nil) != tc.bad || std != tc.want || (scanErr != nil) != tc.bad || scan != tc.want {
			t.Errorf("input %q: std %+v, %v; scan %+v, %v; want %+v, bad %v", tc.data, std, stdErr, scan, scanErr, tc.want, tc.bad)
		}
	}
	if _, _, err, _ := counts(t, []byte("{}\n\nnull\n")); err == nil || !strings.HasPrefix(err.Error(), "line 3: ") {
		t.Errorf("std on a bad third line: %v, want an error naming line 3", err)
	}
}

// FuzzImplementations checks the two implementations against each other:
// the same verdict and the same totals on any input.
func FuzzImplementations(f *testing.F) {
	for _, tc := range lineCases[:len(lineCases)-2] { // not the 10000-level ones
		f.Add([]byte(tc.line))
	}
	f.Add([]byte("{\"bytes\":1}\n{\"bytes\":2}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		std, scan, stdErr, scanErr := counts(t, data)
		if (stdErr != nil) != (scanErr != nil) || std != scan {
			t.Errorf("input %q: std %+v, %v; scan %+v, %v", data, std, stdErr, scan, scanErr)
		}
	})
}

// TestRegistered checks the workload as benchgrid sees it.
func TestRegistered(t *testing.T) {
	w, err := workload.Open("logsum", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := workload.ParserNames(w), []string{"std", "scan", "none"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parsers %v, want %v", got, want)
	}
	if !w.IsInput("access.ndjson") || w.IsInput("access.json") {
		t.Errorf("IsInput: want .ndjson files only")
	}
}

// TestCommand builds the example, as a user would, and runs benchgrid's
// commands with it on a small corpus: process with each parser, and a
// run of two samples per cell whose children are the example itself.
func TestCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example and runs a harness of child processes")
	}
	root := t.TempDir()
	bin := filepath.Join(root, "logsum")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(root, "logs")
	want := writeCorpus(t, dir)

	logsum := func(args ...string) (stdout, stderr string, err error) {
		cmd := exec.CommandContext(t.Context(), bin, args...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err = cmd.Run()
		return out.String(), errOut.String(), err
	}
	for _, args := range [][]string{
		{"process", dir}, // the only workload is the default, its reference parser std
		{"process", "-workload", "logsum", "-parser", "std", "-strategy", "pool", "-workers", "3", dir},
		{"process", "-parser", "scan", "-strategy", "pipeline", "-read", "mmap", dir},
		{"process", "-parser", "scan", "-strategy", "perfile", "-read", "reuse", dir},
	} {
		stdout, stderr, err := logsum(args...)
		if err != nil || stdout != want {
			t.Errorf("logsum %s: %v\nstdout %q\nwant   %q\nstderr:\n%s", strings.Join(args, " "), err, stdout, want, stderr)
		}
	}
	stdout, stderr, err := logsum("process", "-parser", "none", dir)
	if err != nil || stdout != "" || !strings.Contains(stderr, "parser none computes no result") {
		t.Errorf("logsum process -parser none: %v, stdout %q, stderr %q; want only a message on stderr", err, stdout, stderr)
	}
	_, stderr, err = logsum("process", "-parser", "nosuch", dir)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 || !strings.Contains(stderr, `unknown parser "nosuch"`) {
		t.Errorf("logsum process -parser nosuch: %v, stderr %q; want exit status 2 naming the parser", err, stderr)
	}

	out := filepath.Join(root, "results")
	stdout, stderr, err = logsum("run", "-corpus", dir, "-out", out, "-count", "2", "-profile", "",
		"-strategies", "sequential,pool", "-seed", "1")
	if err != nil {
		t.Fatalf("logsum run: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	run, err := record.Read(filepath.Join(out, "latest"))
	if err != nil {
		t.Fatal(err)
	}
	if run.WorkloadName() != "logsum" || !run.Complete {
		t.Errorf("results.json: workload %q, complete %v; want logsum, complete", run.WorkloadName(), run.Complete)
	}
	if run.Corpus.Reference+"\n" != want || run.Corpus.BadFiles != 1 {
		t.Errorf("results.json: reference %q, %d bad files; want %q, 1", run.Corpus.Reference, run.Corpus.BadFiles, want)
	}
	parsers := map[string]int{}
	for _, c := range run.Cells {
		parsers[c.Parser]++
		if len(c.Samples) != 2 || len(c.Failures) != 0 {
			t.Errorf("cell %s: %d samples, failures %v; want 2 and none", c.Name, len(c.Samples), c.Failures)
		}
	}
	if parsers["std"] != 2 || parsers["scan"] != 2 || parsers["none"] != 2 {
		t.Errorf("cells by parser %v, want std, scan and none × sequential, pool", parsers)
	}
	bench, err := os.ReadFile(filepath.Join(out, "latest", record.BenchFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(bench, []byte("BenchmarkLogsum/parser=scan/strategy=pool/")) {
		t.Errorf("bench.txt has no BenchmarkLogsum/parser=scan/strategy=pool/… line:\n%s", bench)
	}
}

// writeCorpus writes a small corpus of access logs into dir — 24 inputs
// in two folders, one of them bad, and a file that is not an input — and
// returns the canonical line it must give.
func writeCorpus(t *testing.T, dir string) string {
	t.Helper()
	var want Totals
	var files, size int64
	write := func(name, data string) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".ndjson") {
			files++
			size += int64(len(data))
		}
	}
	for i := range 24 {
		var b strings.Builder
		for j := range 5 + i%7 {
			n := int64(i*1000 + j*37)
			fmt.Fprintf(&b, `{"time":"2026-01-02T03:04:%02dZ","path":"/p/%d","status":200,"bytes":%d}`+"\n", j, i, n)
			want.Records++
			want.WithBytes++
			want.Bytes += n
		}
		if i%5 == 0 {
			b.WriteString(`{"time":"2026-01-02T03:05:00Z","path":"/health","status":204}` + "\n\n")
			want.Records++
		}
		write(fmt.Sprintf("day%d/%02d.ndjson", i%2, i), b.String())
	}
	write("day1/broken.ndjson", `{"path":"/x","bytes":10}`+"\n"+`{"path":"/y","bytes":"12"}`+"\n")
	write("README.txt", "not an input\n")
	return fmt.Sprintf(`{"files":%d,"bad_files":1,"bytes":%d,"result":%s}`+"\n", files, size, want.Canonical())
}
