package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"benchgrid/record"

	"github.com/google/pprof/profile"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	gmtext "github.com/yuin/goldmark/text"
)

// Hostile data: every string a report takes from the result files, built
// to rewrite the report if it were written as it is. The tests render a
// report of it and of its twin, the same run with every such string a
// plain word, parse both as GitHub-flavoured markdown, and require the
// same document: the same headings, tables, lists and code blocks, no
// more emphasis, links or code spans, and no HTML at all.

// hostileLeads open a block when they start a line or a list item.
var hostileLeads = []string{"# ", "> ", "- ", "1. ", "+ ", "     ", "<div>", "```", "| ", "[x]: /ref", "***", "=", "~~~", "2) ", "[ ] "}

// hostile returns a string built to rewrite a report; tag makes it unique
// and picks its lead.
func hostile(tag string) string {
	lead := hostileLeads[len(tag)%len(hostileLeads)]
	return lead + tag + " | cell \\| *em* _em_ **strong** ~~del~~ `tick` ``two`` [link](/evil/" + tag + ") ![img](/evil.png) " +
		"<script>alert(1)</script> <!-- comment --> &lt;b&gt; &amp; <span>x</span> <http://evil.example/auto> \\" +
		"\n# Heading " + tag + "\n| a | b |\n|---|---|\n<!--\n```\n~~~\n> quote\n- item\n1. one\r\n<b>bold</b>\r\x1b[31m\u202e\t" + tag + " \\"
}

// plain returns the twin's string for tag: a word, unique, that no
// escaping changes (with a space, so that it is no link destination either).
func plain(tag string) string { return "plain " + strings.ReplaceAll(tag, "/", "-") }

// hostileRun builds a run whose every string comes from s, with enough
// structure for every section of the report: a naive baseline, a best
// configuration, floors, a failed optimization, a digest mismatch, a cell
// that never produced a sample, warnings, fallbacks and profiles.
func hostileRun(s func(tag string) string) *record.Run {
	P, P2, S := s("parser"), s("parser2"), s("strategy")
	R1, R2 := s("read"), s("read2")
	cell := func(i int, parser, strategy, read string, ms float64, n int) record.Cell {
		c := record.Cell{
			Name: s(fmt.Sprintf("cell%d", i)), Parser: parser, Strategy: strategy, Workers: s("workers"), Read: read,
			GOMAXPROCS: 2, GOGC: s("gogc"), GOMEMLIMIT: s("gomemlimit"), Build: s("build"), ReadOnly: parser == "none",
		}
		for r := range n {
			c.Samples = append(c.Samples, record.Sample{Round: r, WallNs: int64(ms * 1e6 * (1 + 0.01*jitter[r])), Files: 100, Bytes: 10e6})
		}
		return c
	}
	cells := []record.Cell{
		cell(0, "std", "perfile", R1, 100, 10),
		cell(1, "std", S, R1, 50, 10),
		cell(2, P, "perfile", R1, 40, 10),
		cell(3, P, S, R1, 10, 10),
		cell(4, "none", "perfile", R1, 5, 10),
		cell(5, "none", S, R1, 4, 10),
		cell(6, P, S, R2, 20, 10),
		cell(7, P2, S, R1, 8, 9),
		cell(8, P2, "perfile", R1, 0, 0),
	}
	cells[0].Profiles = []record.Profile{{Kind: "cpu", Path: "profiles/" + fileName(s("profile0")), Passes: 1}}
	cells[3].Profiles = []record.Profile{
		{Kind: "cpu", Path: "profiles/" + fileName(s("profile3")), Passes: 1},
		{Kind: "cpu", Path: "../" + s("refused"), Passes: 1},
		{Kind: "cpu", Path: "profiles/" + fileName(s("missing")), Passes: 1},
	}
	cells[1].Warnings = []string{s("cellwarning")}
	cells[2].Fallback = []record.Fallback{{Reason: s("fallback"), Files: 3}}
	cells[7].Failures = []record.Failure{{Round: 9, Kind: record.FailMismatch, Reason: s("mismatch"), Cause: s("mismatchcause"), Got: s("got"), Want: s("want")}}
	for r, kind := range []record.FailureKind{record.FailCrash, record.FailResource, record.FailTimeout, record.FailError, record.FailureKind(s("kind"))} {
		k := string(kind)
		cells[8].Failures = append(cells[8].Failures, record.Failure{Round: r, Kind: kind, Reason: s("reason" + k), Cause: s("cause" + k), Stderr: s("stderr" + k)})
	}
	run := &record.Run{
		Version: record.SchemaVersion, Complete: false, Count: 10, ShuffleSeed: 1,
		Env: record.Env{
			GOOS: s("goos"), GOARCH: s("goarch"), CPU: s("cpu"), NumCPU: 2, GoVersion: s("goversion"), GOEXPERIMENT: s("goexperiment"),
			Modules: map[string]string{s("module"): s("version")}, Commit: s("commit"),
			Args: []string{"benchgrid", "run", "-filter", "std|sonic", s("arg")},
		},
		Corpus: record.Corpus{
			Path: s("corpus"), Files: 100, Bytes: 10e6, Reference: s("reference"), Digest: s("digest"),
			BadFiles: 2, Bad: []record.BadInput{{Path: "x\n# Heading\n.json", Reason: s("badreason")}, {Path: s("badpath"), Reason: s("badreason2")}},
		},
		Cells:       cells,
		Warnings:    []string{s("warning"), "z\n<script>alert(1)</script>\n.json"},
		Unavailable: []record.Unavailable{{What: s("what"), Reason: s("why")}},
	}
	return run
}

// fileName makes s a profile's file name: no "/" (nor NUL), its head and
// its tail if it is too long for one.
func fileName(s string) string {
	s = strings.NewReplacer("/", "%", "\x00", "%").Replace(s)
	if len(s) > 160 {
		s = s[:80] + s[len(s)-80:]
	}
	return s + ".pprof"
}

// writeHostileRun writes the run of s, with its profiles, in a new folder.
func writeHostileRun(t *testing.T, s func(string) string) string {
	t.Helper()
	return writeRunOf(t, s, hostileRun(s))
}

// writeRunOf writes run, a hostileRun of s, with its profiles, in a new
// folder.
func writeRunOf(t *testing.T, s func(string) string, run *record.Run) string {
	t.Helper()
	dir := t.TempDir()
	if err := record.Write(dir, run); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, record.ProfilesDir), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 3} {
		p := cpuProfile(s(fmt.Sprintf("func%d-a", i)), s(fmt.Sprintf("func%d-b", i)), "encoding/json.(*decodeState).object")
		f, err := os.Create(filepath.Join(dir, filepath.FromSlash(run.Cells[i].Profiles[0].Path)))
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Write(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// cpuProfile is a CPU profile of one sample per function, each its own
// leaf, of 10ms, 20ms, ….
func cpuProfile(funcs ...string) *profile.Profile {
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}, Period: 1e7,
	}
	for i, name := range funcs {
		fn := &profile.Function{ID: uint64(i + 1), Name: name}
		loc := &profile.Location{ID: uint64(i + 1), Line: []profile.Line{{Function: fn}}}
		p.Function = append(p.Function, fn)
		p.Location = append(p.Location, loc)
		p.Sample = append(p.Sample, &profile.Sample{Location: []*profile.Location{loc}, Value: []int64{int64(i+1) * 1e7}})
	}
	return p
}

var gfm = goldmark.New(goldmark.WithExtensions(extension.GFM))

// A shape is what markdown made of a document: its blocks in order
// (headings with their level, tables with their size, lists with their
// length), its inline markup by kind, and its HTML.
type shape struct {
	blocks   []string
	inlines  map[string]int
	html     []string
	headings []string // the text of each heading, as shown
}

func shapeOf(t *testing.T, md []byte) (*shape, ast.Node) {
	t.Helper()
	doc := gfm.Parser().Parse(gmtext.NewReader(md))
	sh := &shape{inlines: map[string]int{}}
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Document, *ast.Text, *ast.String, *ast.TextBlock, *ast.ListItem,
			*east.TableHeader, *east.TableRow, *east.TableCell:
		case *ast.Heading:
			sh.blocks = append(sh.blocks, fmt.Sprintf("h%d", n.Level))
			sh.headings = append(sh.headings, shown(t, md, n))
		case *east.Table:
			sh.blocks = append(sh.blocks, fmt.Sprintf("table of %d columns, %d rows", len(n.Alignments), n.ChildCount()))
		case *ast.List:
			sh.blocks = append(sh.blocks, fmt.Sprintf("list of %d", n.ChildCount()))
		case *ast.HTMLBlock, *ast.RawHTML:
			sh.html = append(sh.html, shown(t, md, n))
		case *ast.AutoLink:
			// GitHub links a bare URL in any text: it shows as itself.
		case *ast.Emphasis:
			sh.inlines[fmt.Sprintf("emphasis %d", n.Level)]++
		default:
			if n.Type() == ast.TypeBlock {
				sh.blocks = append(sh.blocks, n.Kind().String())
			} else {
				sh.inlines[n.Kind().String()]++
			}
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sh, doc
}

var tags = regexp.MustCompile(`<[^>]*>`)

// shown renders n as HTML and returns the text a reader sees.
func shown(t *testing.T, src []byte, n ast.Node) string {
	t.Helper()
	var b bytes.Buffer
	if err := gfm.Renderer().Render(&b, src, n); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(html.UnescapeString(tags.ReplaceAllString(b.String(), "")))
}

// checkRows checks that every row of every table has as many cells in the
// source as its header: the parser drops extra cells, so the tree cannot
// show a "|" that split one.
func checkRows(t *testing.T, name string, md []byte, doc ast.Node) {
	t.Helper()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		tb, ok := n.(*east.Table)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		for r := tb.FirstChild(); r != nil; r = r.NextSibling() {
			line := md[r.Pos():]
			line = line[:bytes.IndexByte(line, '\n')]
			if got := sourceCells(line); got != len(tb.Alignments) {
				t.Errorf("%s: a row of a table of %d columns has %d cells: %s", name, len(tb.Alignments), got, line)
			}
		}
		return ast.WalkContinue, nil
	})
}

// sourceCells counts a table row's cells as goldmark splits them: at
// every "|" not preceded by a backslash.
func sourceCells(line []byte) int {
	line = bytes.TrimSpace(line)
	line = bytes.TrimPrefix(line, []byte("|"))
	if bytes.HasSuffix(line, []byte("|")) && !bytes.HasSuffix(line, []byte(`\|`)) {
		line = line[:len(line)-1]
	}
	n := 1
	for i, c := range line {
		if c == '|' && (i == 0 || line[i-1] != '\\') {
			n++
		}
	}
	return n
}

// checkShapes compares the hostile document with its twin's.
func checkShapes(t *testing.T, name string, evil, twin []byte) *shape {
	t.Helper()
	es, edoc := shapeOf(t, evil)
	ts, _ := shapeOf(t, twin)
	checkRows(t, name, evil, edoc)
	if len(es.html) > 0 {
		t.Errorf("%s: data became HTML: %q", name, es.html)
	}
	if !slices.Equal(es.blocks, ts.blocks) {
		t.Errorf("%s: blocks differ from the twin's:\n got: %q\nwant: %q", name, es.blocks, ts.blocks)
	}
	if fmt.Sprint(es.inlines) != fmt.Sprint(ts.inlines) {
		t.Errorf("%s: inline markup differs from the twin's: got %v, want %v", name, es.inlines, ts.inlines)
	}
	return es
}

// literal is how a hostile string shows in inline text: visible, trimmed.
func literal(s string) string { return strings.TrimSpace(visible(s)) }

func TestReportHostile(t *testing.T) {
	render := func(s func(string) string) []byte {
		return renderReport(t, writeHostileRun(t, s), Options{ChartFormat: "svg"})
	}
	evil, twin := render(hostile), render(plain)
	sh := checkShapes(t, "report", evil, twin)

	run := hostileRun(hostile)
	a := analyze(hostileRun(hostile), Options{}.withDefaults())
	best, base := a.best.Name, a.baseline.Name
	want := []string{
		"benchgrid report", "Summary", "Findings", "Factors ranked by effect", "Against the reading floor", "Failed optimizations",
		"Recommendations", "The configuration", "Go settings", "Before trusting it",
		"Matrix", "Comparisons", "Parsers at each strategy (vs std)", "Strategies at each parser (vs pool)", "Parser × strategy",
		"Where the time goes", "Top functions of the best: " + literal(best),
		"Top functions of the baseline: " + literal(base), "Charts", "Environment and corpus", "Notes on method",
		"Appendix A: warnings", "Digest mismatches", "Lost samples", "Cells short of samples", "Cell warnings",
		"Adapter fallbacks", "Unavailable configurations", "Run warnings", "Profiles skipped", "Appendix B: CPU categories",
	}
	if !slices.Equal(sh.headings, want) {
		t.Errorf("headings:\n got: %q\nwant: %q", sh.headings, want)
	}
	for _, want := range []string{
		// Data shows as itself.
		"| " + literal(best),
		"benchgrid run -filter std|sonic " + literal(run.Env.Args[4]),
		// The refused profile is a warning, the missing one a problem.
		"Profile ../" + literal(hostile("refused")) + " of " + literal(best) + ` skipped: refused: a ".." in the path`,
		"profiles/" + literal(fileName(hostile("missing"))) + ": missing",
		// Each failure shows its cause first, then its reason.
		literal(hostile("cause"+string(record.FailResource))) + " (" + literal(hostile("reason"+string(record.FailResource))) + ")",
	} {
		if !strings.Contains(shownText(t, evil), want) {
			t.Errorf("the hostile report does not show %q", want)
		}
	}
}

// The axes and the roles come from the result files too: an axis the
// report does not know, and roles that name it, change no structure.
func TestReportHostileAxes(t *testing.T) {
	render := func(s func(string) string) []byte {
		run := hostileRun(s)
		run.Upgrade()
		for i := range run.Cells {
			c := &run.Cells[i]
			c.Axes = append(c.Axes, record.AxisValue{Key: s("axis"), Value: s(fmt.Sprint("level", i%2))})
		}
		run.Roles = &record.Roles{
			Reference: []record.AxisValue{{Key: "parser", Value: "std"}},
			Baseline:  []record.AxisValue{{Key: "parser", Value: "std"}, {Key: s("axis"), Value: s("level0")}},
			Floor:     []record.AxisValue{{Key: "parser", Value: "none"}},
			Versus:    []record.AxisValue{{Key: s("axis"), Value: s("level1")}, {Key: "parser", Value: s("parser")}},
		}
		return renderReport(t, writeRunOf(t, s, run), Options{ChartFormat: "svg"})
	}
	evil, twin := render(hostile), render(plain)
	sh := checkShapes(t, "report", evil, twin)
	heading := literal(upperFirst(plural(hostile("axis")))) + " at each parser (vs " + literal(hostile("level1")) + ")"
	if !slices.Contains(sh.headings, heading) {
		t.Errorf("headings %q lack %q", sh.headings, heading)
	}
}

// shownText is the text a reader sees of a whole document.
func shownText(t *testing.T, md []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := gfm.Convert(md, &b); err != nil {
		t.Fatal(err)
	}
	// Table cells as "| cell", to find a row's first cell.
	s := strings.NewReplacer("<td>", "| ", "<th>", "| ").Replace(b.String())
	return html.UnescapeString(tags.ReplaceAllString(s, ""))
}

func TestCompareHostile(t *testing.T) {
	render := func(s func(string) string) []byte {
		oldDir := writeHostileRun(t, s)
		newRun := hostileRun(s)
		newRun.Cells[6].Name = s("only-new")
		newDir := t.TempDir()
		if err := record.Write(newDir, newRun); err != nil {
			t.Fatal(err)
		}
		md, _, err := Compare(t.Context(), oldDir, newDir, CompareOptions{})
		if err != nil {
			t.Fatalf("Compare: %v", err)
		}
		return md
	}
	sh := checkShapes(t, "comparison", render(hostile), render(plain))
	if want := []string{"benchgrid comparison", "Wall time", "Notes"}; !slices.Equal(sh.headings, want) {
		t.Errorf("headings:\n got: %q\nwant: %q", sh.headings, want)
	}
}

func TestStudyHostile(t *testing.T) {
	// Every string of the study fixture but those that choose what the
	// report says (kinds, statuses, classes, axes) and the times.
	keep := map[string]bool{"kind": true, "status": true, "class": true, "axis": true, "started": true, "finished": true}
	render := func(s func(string) string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", "study", record.StudyFile))
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		var walk func(key string, v any) any
		walk = func(key string, v any) any {
			switch v := v.(type) {
			case string:
				if !keep[key] {
					return s(v)
				}
			case []any:
				for i := range v {
					v[i] = walk(key, v[i])
				}
			case map[string]any:
				for k := range v {
					v[k] = walk(k, v[k])
				}
			}
			return v
		}
		data, err = json.Marshal(walk("", v))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, record.StudyFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return renderStudy(t, dir)
	}
	sh := checkShapes(t, "study", render(hostile), render(plain))
	want := []string{
		"Optimization study: from the naive program to the best", "Overall Results", "Performance Comparison",
		"The path, one change at a time", "Final Benchmark: Optimized Configuration", "Key Findings",
		"1. Which kind of knob mattered most", "2. Helped alone, not in combination", "3. Failed Optimizations",
		"4. Not measured", "Recommendations", "Ready-to-use preset", "Go settings", "General Best Practices",
		"Every step", "Step 1", "Step 2", "Step 3", "Final step: original, final and PGO", "Conclusion",
	}
	if !slices.Equal(sh.headings, want) {
		t.Errorf("headings:\n got: %q\nwant: %q", sh.headings, want)
	}
}
