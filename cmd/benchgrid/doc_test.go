package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"

	"benchgrid/cli"
)

// TestDoc keeps the session in the command's documentation true, as
// benchstat's doc_test.go does: every `$ benchgrid …` line of main.go's
// package comment is run in turn, and its stdout must be the lines that
// follow it in the comment, where "…" stands for any text within a line.
// A command shown without output is only required to succeed. Paths under
// /tmp/ are moved into a temporary folder.
func TestDoc(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	checkDoc(t, src)
}

// checkDoc runs the session in the package comment of src.
func checkDoc(t *testing.T, src []byte) {
	t.Helper()
	steps, err := docSession(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) == 0 {
		t.Fatal("main.go's package comment shows no `$ benchgrid` session")
	}
	tmp := t.TempDir()
	for _, step := range steps {
		line := strings.ReplaceAll(step.line, "/tmp/", tmp+"/")
		if strings.ContainsAny(line, `"'\`) {
			t.Fatalf("$ benchgrid %s: quoting is not supported here; keep the doc's commands to plain words", step.line)
		}
		var stdout, stderr bytes.Buffer
		if err := cli.Run(t.Context(), strings.Fields(line), strings.NewReader(""), &stdout, &stderr); err != nil {
			t.Fatalf("$ benchgrid %s: %v\nstderr:\n%s", step.line, err, stderr.Bytes())
		}
		if step.want == nil {
			continue
		}
		want := strings.ReplaceAll(strings.Join(step.want, "\n")+"\n", "/tmp/", tmp+"/")
		if re := docOutputRegexp(want); !re.Match(stdout.Bytes()) {
			t.Errorf("$ benchgrid %s\nstdout:\n%s\nwant (… matching any text within a line):\n%s", step.line, stdout.Bytes(), want)
		}
	}
}

// A docStep is one `$ benchgrid` line of the documentation and the output
// lines shown after it (nil when none are shown).
type docStep struct {
	line string
	want []string
}

// docSession reads the steps from the package comment of src (main.go),
// where a session is a code block: lines indented by a tab.
func docSession(src []byte) ([]docStep, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		return nil, err
	}
	if f.Doc == nil {
		return nil, errors.New("main.go has no package comment")
	}
	var steps []docStep
	inStep := false
	for _, line := range strings.Split(f.Doc.Text(), "\n") {
		code, isCode := strings.CutPrefix(line, "\t")
		switch {
		case isCode && strings.HasPrefix(code, "$ benchgrid "):
			steps = append(steps, docStep{line: strings.TrimPrefix(code, "$ benchgrid ")})
			inStep = true
		case isCode && strings.HasPrefix(code, "$ "):
			return nil, fmt.Errorf("main.go's doc runs %q: only benchgrid commands can be checked", code)
		case isCode && inStep:
			s := &steps[len(steps)-1]
			s.want = append(s.want, code)
		default:
			inStep = false
		}
	}
	return steps, nil
}

// docOutputRegexp matches exactly the text want, each "…" in it matching
// any text within one line.
func docOutputRegexp(want string) *regexp.Regexp {
	parts := strings.Split(want, "…")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`\A` + strings.Join(parts, `.*`) + `\z`)
}
