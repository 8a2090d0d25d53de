package realcorpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"benchgrid/workloads/query"
	_ "benchgrid/workloads/query/adapters" // the adapters, registered

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// update rewrites testdata/golden.txt and testdata/answers.txt, for review
// in git diff.
var update = flag.Bool("update", false, "rewrite testdata/golden.txt and testdata/answers.txt")

// built is the default corpus, built once for the tests that only read it.
var built struct {
	once sync.Once
	dir  string
	res  *Result
	err  error
}

// defaultCorpus builds the default corpus (every source and layout, one
// copy) once per test binary, into a folder removed when the tests end
// (TestMain).
func defaultCorpus(t *testing.T) (string, *Result) {
	t.Helper()
	built.once.Do(func() {
		tmp, err := os.MkdirTemp("", "realcorpus-test-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = filepath.Join(tmp, "real")
		built.res, built.err = Build(t.Context(), Options{Dir: built.dir})
	})
	if built.err != nil {
		t.Fatalf("Build: %v", built.err)
	}
	return built.dir, built.res
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(filepath.Dir(built.dir))
	}
	os.Exit(code)
}

// tree lists every regular file under dir, slash-separated and relative
// to it, with the sha256 of its bytes.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		sum := sha256.Sum256(data)
		sums[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// compressModule is the compressor's version go.mod requires, which the
// compressed layouts' bytes depend on.
func compressModule(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*github\.com/klauspost/compress (v\S+)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("go.mod does not require github.com/klauspost/compress")
	}
	return "github.com/klauspost/compress " + string(m[1])
}

// sourceHashes is the sha256 of every source file as shipped, in the
// form golden.txt's header has them.
func sourceHashes(t *testing.T, root string) []string {
	t.Helper()
	var lines []string
	for _, s := range sources {
		for _, f := range s.files {
			data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(TestdataDir), f))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			lines = append(lines, fmt.Sprintf("# source %s %x", f, sum))
		}
	}
	return lines
}

// golden is testdata/golden.txt's text for a built tree: a header naming
// what the bytes depend on, then per corpus its files, bytes, documents
// and the sha256 of its sorted "sha256  path" listing, then the sha256 of
// every other file (the top-level SOURCES.txt left out: it names the
// machine's GOROOT and the binary's compressor version).
func golden(t *testing.T, dir string, res *Result, root string) string {
	t.Helper()
	sums := tree(t, dir)
	var b strings.Builder
	fmt.Fprintf(&b, "# benchgrid corpus real, default options: go test -update rewrites this file\n")
	fmt.Fprintf(&b, "# %s\n", compressModule(t))
	for _, l := range sourceHashes(t, root) {
		fmt.Fprintln(&b, l)
	}
	inCorpus := map[string]bool{}
	for _, c := range res.Corpora {
		var listing []string
		for p, sum := range sums {
			if strings.HasPrefix(p, c.Dir+"/") {
				listing = append(listing, sum+"  "+strings.TrimPrefix(p, c.Dir+"/"))
				inCorpus[p] = true
			}
		}
		slices.Sort(listing)
		sum := sha256.Sum256([]byte(strings.Join(listing, "\n") + "\n"))
		fmt.Fprintf(&b, "corpus %-20s %6d files %9d bytes %6d documents %x\n", c.Dir, c.Files, c.Bytes, c.Documents, sum)
	}
	var rest []string
	for p := range sums {
		if !inCorpus[p] && p != SourcesFile {
			rest = append(rest, p)
		}
	}
	slices.Sort(rest)
	for _, p := range rest {
		fmt.Fprintf(&b, "file   %-20s %s\n", p, sums[p])
	}
	return b.String()
}

// TestDeterministic builds the default corpus twice: the trees are
// identical, and match testdata/golden.txt when the sources and the
// compressor are the ones it was made with.
func TestDeterministic(t *testing.T) {
	dir, res := defaultCorpus(t)
	one := tree(t, dir)
	if res.Files != len(one) {
		t.Errorf("Build says %d files; the tree has %d", res.Files, len(one))
	}
	// A second build, now, of three sources in every layout, gives the
	// same bytes; golden.txt, below, is the whole corpus as built when it
	// was last updated (a second full build would double this test's
	// time, some 30 s under -race, to check what golden.txt checks).
	some := []string{"twitter", "citm", "strings"}
	again := filepath.Join(t.TempDir(), "again")
	if _, err := Build(t.Context(), Options{Dir: again, Sources: some}); err != nil {
		t.Fatalf("Build again: %v", err)
	}
	two := tree(t, again)
	compared := 0
	for p, sum := range one {
		src, _, _ := strings.Cut(p, "/")
		if !slices.Contains(some, src) && !slices.Contains(some, strings.TrimSuffix(src, ".query")) {
			continue
		}
		compared++
		if two[p] != sum {
			t.Errorf("%s: differs between two builds", p)
		}
	}
	if compared != len(two)-1 { // all but the top-level SOURCES.txt
		t.Errorf("the second build wrote %d files, the first %d of the same sources", len(two), compared)
	}

	root, err := GOROOT(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := golden(t, dir, res, root)
	const file = "testdata/golden.txt"
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantData, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := string(wantData)
	// The header says what the bytes depend on: other sources (another
	// Go) make another corpus, which is not this test's to judge.
	for _, l := range sourceHashes(t, root) {
		if !strings.Contains(want, l+"\n") {
			t.Skipf("%s: made from other sources than $GOROOT's (%s): not compared", file, l)
		}
	}
	if c := compressModule(t); !strings.Contains(want, "# "+c+"\n") {
		t.Fatalf("%s was made with another compressor than go.mod's %s: the compressed layouts' bytes may differ; rerun with -update and review", file, c)
	}
	if got != want {
		t.Errorf("the corpus differs from %s (rerun with -update and review the diff):\n%s", file, lineDiff(want, got))
	}
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}

// TestNames checks every file's name: in a layout's folder, an input of
// that layout's kind; elsewhere a query file or SOURCES.txt, which are no
// inputs.
func TestNames(t *testing.T) {
	dir, res := defaultCorpus(t)
	layoutOf := map[string]Layout{}
	for _, l := range layouts {
		layoutOf[l.Name] = l
	}
	counts := map[string]int{}
	for p := range tree(t, dir) {
		base := path.Base(p)
		elems := strings.Split(p, "/")
		switch {
		case p == SourcesFile || len(elems) == 2 && base == SourcesFile:
			if query.IsInput(p) {
				t.Errorf("%s is an input of the query workload", p)
			}
			counts["sources"]++
			continue
		case len(elems) == 1 && strings.HasSuffix(p, ".query"):
			if query.IsInput(p) {
				t.Errorf("%s is an input of the query workload", p)
			}
			counts["queries"]++
			continue
		case len(elems) < 3:
			t.Errorf("%s: neither a query file, SOURCES.txt nor in a corpus", p)
			continue
		}
		src, _ := lookupSource(elems[0])
		lay, ok := layoutOf[elems[1]]
		if src == nil || !ok {
			t.Errorf("%s: not in a source's layout folder", p)
			continue
		}
		if !query.IsInput(p) {
			t.Errorf("%s is not an input of the query workload", p)
		}
		if want := inputSuffix(src, lay); !strings.HasSuffix(base, want) || strings.HasSuffix(base, want+".gz") {
			t.Errorf("%s: want a name ending in %s", p, want)
		}
		counts[elems[0]+"/"+elems[1]]++
	}
	if counts["sources"] != 1+len(sources) || counts["queries"] != len(sources) {
		t.Errorf("%d SOURCES.txt files and %d query files, want %d and %d", counts["sources"], counts["queries"], 1+len(sources), len(sources))
	}
	for _, c := range res.Corpora {
		if counts[c.Dir] != c.Files {
			t.Errorf("%s: %d files on disk, Build says %d", c.Dir, counts[c.Dir], c.Files)
		}
	}
	if want := len(sources) * len(layouts); len(res.Corpora) != want {
		t.Errorf("%d corpora, want %d", len(res.Corpora), want)
	}
}

// TestSourcesFile checks that SOURCES.txt says where the documents come
// from: the Go version, each source's path and sha256, and a line per
// document.
func TestSourcesFile(t *testing.T) {
	dir, res := defaultCorpus(t)
	root, err := GOROOT(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	top, err := os.ReadFile(filepath.Join(dir, SourcesFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# go:          " + res.GoVersion + " (GOROOT " + root + ")\n",
		"# copies:      1: every document once in each layout\n",
	} {
		if !bytes.Contains(top, []byte(want)) {
			t.Errorf("SOURCES.txt lacks %q", want)
		}
	}
	if !strings.HasPrefix(res.GoVersion, "go1.") {
		t.Errorf("GoVersion %q, want go1.…", res.GoVersion)
	}
	for _, l := range sourceHashes(t, root) {
		f := strings.Fields(l) // # source NAME SHA
		want := fmt.Sprintf("  file      $GOROOT/%s/%s\n  sha256    %s (as shipped)\n", TestdataDir, f[2], f[3])
		if !bytes.Contains(top, []byte(want)) {
			t.Errorf("SOURCES.txt lacks %q", want)
		}
	}
	perDoc := regexp.MustCompile(`^\[\d\] (/[^\t]*)\t[^\t]+\t[^\t]+:\d+$`)
	for _, c := range res.Corpora {
		if c.Layout != "json" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, c.Source, SourcesFile))
		if err != nil {
			t.Fatal(err)
		}
		docs := 0
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if strings.HasPrefix(line, "#") {
				continue
			}
			if !perDoc.MatchString(line) {
				t.Errorf("%s/%s: line %q is not [N] POINTER\\tFILE\\tLINES:N", c.Source, SourcesFile, line)
			}
			docs++
		}
		if docs != c.Documents {
			t.Errorf("%s/%s lists %d documents, the corpus has %d", c.Source, SourcesFile, docs, c.Documents)
		}
	}
}

// TestQueries checks that each source's query file parses, is written
// into the corpus as embedded, and that queries/ holds no other file.
func TestQueries(t *testing.T) {
	dir, _ := defaultCorpus(t)
	entries, err := queryFiles.ReadDir("queries")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(sources) {
		t.Errorf("queries/ holds %d files, want one per source (%d)", len(entries), len(sources))
	}
	for _, name := range Sources() {
		q, err := Query(name)
		if err != nil {
			t.Fatalf("Query(%q): %v", name, err)
		}
		if _, err := query.Parse(q); err != nil {
			t.Errorf("queries/%s.query: %v", name, err)
		}
		written, err := os.ReadFile(filepath.Join(dir, name+".query"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(written, q) {
			t.Errorf("%s.query as written differs from queries/%s.query", name, name)
		}
	}
	if _, err := Query("nosuch"); err == nil {
		t.Error(`Query("nosuch") succeeded`)
	}
}

// extractors returns every registered query adapter but the floor, std
// (the reference) first.
func extractors(t *testing.T) []query.Adapter {
	t.Helper()
	var out []query.Adapter
	for _, name := range query.Names() {
		a, err := query.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if !query.IsReadOnly(a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 || out[0].Name() != "std" {
		t.Fatalf("query adapters %v: want std first", query.Names())
	}
	return out
}

// tally runs one adapter over every input under dir, sequentially.
func tally(t *testing.T, dir string, q *query.Query, a query.Adapter) (*query.Tally, error) {
	t.Helper()
	ex, err := a.NewExtractor(q)
	if err != nil {
		return nil, err
	}
	tl := query.NewTally(q, ex)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !query.IsInput(p) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		tl.File(filepath.ToSlash(rel), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tl, nil
}

// withoutFiles is a canonical line without its files and bytes, which
// differ between layouts of the same documents.
func withoutFiles(line []byte) string {
	return regexp.MustCompile(`^\{"files":\d+,"bad_files":\d+,"bytes":\d+,`).ReplaceAllString(string(line), "{")
}

// TestAnswers runs each source's query over each of its layouts with
// every query adapter: no file and no document is bad, every layout
// gives the same answer (but files and bytes), every adapter the same
// line, and std's line on the json layout is testdata/answers.txt's.
func TestAnswers(t *testing.T) {
	dir, res := defaultCorpus(t)
	exs := extractors(t)
	var answers strings.Builder
	for _, name := range Sources() {
		data, err := Query(name)
		if err != nil {
			t.Fatal(err)
		}
		q, err := query.Parse(data)
		if err != nil {
			t.Fatalf("%s.query: %v", name, err)
		}
		var answer string
		for _, c := range res.Corpora {
			if c.Source != name {
				continue
			}
			var ref []byte
			for _, a := range exs {
				// The other adapters on the ndjson layout only: the
				// others hold the same documents, and differ from it in
				// decompression and the split into lines, the tally's
				// part, not the adapters'.
				if a.Name() != "std" && (c.Layout != "ndjson" || testing.Short()) {
					continue
				}
				tl, err := tally(t, filepath.Join(dir, c.Dir), q, a)
				if errors.Is(err, query.ErrUnavailable) {
					t.Logf("%s on %s: %v", a.Name(), c.Dir, err)
					continue
				}
				if err != nil {
					t.Fatalf("%s on %s: %v", a.Name(), c.Dir, err)
				}
				if tl.BadFiles != 0 || tl.BadDocuments != 0 {
					t.Errorf("%s on %s: %d bad files, %d bad documents, want none: %v", a.Name(), c.Dir, tl.BadFiles, tl.BadDocuments, tl.Bad[:min(3, len(tl.Bad))])
				}
				if tl.Files != int64(c.Files) || tl.Bytes != c.Bytes || tl.Documents != int64(c.Documents) {
					t.Errorf("%s on %s: %d files, %d bytes, %d documents; Build says %d, %d, %d",
						a.Name(), c.Dir, tl.Files, tl.Bytes, tl.Documents, c.Files, c.Bytes, c.Documents)
				}
				line := tl.Canonical()
				if ref == nil {
					ref = line
				} else if !bytes.Equal(line, ref) {
					t.Errorf("%s on %s:\n got  %s want %s (std)", a.Name(), c.Dir, line, ref)
				}
			}
			switch {
			case answer == "":
				answer = withoutFiles(ref)
				fmt.Fprintf(&answers, "%s %s", c.Dir, ref)
			case withoutFiles(ref) != answer:
				t.Errorf("%s answers\n %s\nwant (as the json layout)\n %s", c.Dir, withoutFiles(ref), answer)
			}
		}
	}
	const file = "testdata/answers.txt"
	if *update {
		if err := os.WriteFile(file, []byte(answers.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if answers.String() != string(want) {
		t.Errorf("answers differ from %s (rerun with -update and review the diff):\n%s", file, lineDiff(string(want), answers.String()))
	}
}

// TestCopies checks -copies: every file N times beside the first, with
// -copyK before the suffix, the same bytes, and N times the documents.
func TestCopies(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	res, err := Build(t.Context(), Options{Dir: dir, Copies: 3, Sources: []string{"twitter"}, Layouts: []string{"json", "ndjson-zst"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Corpora) != 2 {
		t.Fatalf("%d corpora, want 2", len(res.Corpora))
	}
	for _, c := range res.Corpora {
		if c.Documents != 3*100 {
			t.Errorf("%s: %d documents, want 300", c.Dir, c.Documents)
		}
	}
	sums := tree(t, dir)
	copyName := regexp.MustCompile(`-copy([23])(\.json|\.ndjson\.zst)$`)
	firsts := 0
	for p, sum := range sums {
		if !strings.HasPrefix(p, "twitter/") || strings.HasSuffix(p, SourcesFile) {
			continue
		}
		m := copyName.FindStringSubmatchIndex(p)
		if m == nil {
			firsts++
			continue
		}
		first := p[:m[0]] + p[m[4]:m[5]]
		if sums[first] != sum {
			t.Errorf("%s: not the same bytes as %s", p, first)
		}
	}
	if want := res.Corpora[0].Files/3 + res.Corpora[1].Files/3; firsts != want {
		t.Errorf("%d first copies, want %d", firsts, want)
	}
	top, err := os.ReadFile(filepath.Join(dir, SourcesFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(top, []byte("# copies:      3: ")) {
		t.Errorf("SOURCES.txt does not say copies 3:\n%s", top)
	}
}

// TestOptions checks Build's refusals, that a refused or failed build
// leaves nothing behind, and that an empty folder is written into.
func TestOptions(t *testing.T) {
	parent := t.TempDir()
	full := filepath.Join(parent, "full")
	if err := os.MkdirAll(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{}, "no folder to write"},
		{Options{Dir: full}, "not empty"},
		{Options{Dir: filepath.Join(parent, "a"), Copies: -1}, "copies -1"},
		{Options{Dir: filepath.Join(parent, "a"), Sources: []string{"nosuch"}}, `unknown source "nosuch"`},
		{Options{Dir: filepath.Join(parent, "a"), Sources: []string{"citm", "citm"}}, `source "citm" named twice`},
		{Options{Dir: filepath.Join(parent, "a"), Layouts: []string{"csv"}}, `unknown layout "csv"`},
		{Options{Dir: filepath.Join(parent, "a"), GOROOT: parent}, "read " + filepath.Join(parent, TestdataDir)},
	} {
		_, err := Build(t.Context(), tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Build(%+v) = %v, want an error with %q", tc.opts, err, tc.want)
		}
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("refused builds left %v in %s", entries, parent)
	}

	empty := filepath.Join(parent, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(t.Context(), Options{Dir: empty, Sources: []string{"strings"}, Layouts: []string{"ndjson"}}); err != nil {
		t.Fatalf("Build into an empty folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(empty, "strings", "ndjson", "unicode", "blocks.jsonl")); err != nil {
		t.Error(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Build(ctx, Options{Dir: filepath.Join(parent, "cancelled"), Sources: []string{"golang"}}); err == nil {
		t.Error("Build with a cancelled context succeeded")
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 2 {
		t.Errorf("a cancelled build left %v in %s", entries, parent)
	}
}

// TestSplitPreservesBytes checks that every document's strings and
// numbers are the source's bytes: each document, compact, occurs in the
// compacted source (canada's and golang's are built around pieces that
// do: checked by member).
func TestSplitPreservesBytes(t *testing.T) {
	root, err := GOROOT(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"twitter", "citm", "synthea"} {
		s, _ := lookupSource(name)
		l, err := load(root, s)
		if err != nil {
			t.Fatal(err)
		}
		// The documents are the source's values in its order: each is
		// found after the one before.
		whole := compactSource(t, root, s.files[0])
		for _, d := range l.docs {
			i := bytes.Index(whole, d.data)
			if i < 0 {
				t.Errorf("%s %s: the document is not the source's bytes", name, d.pointer)
				break
			}
			whole = whole[i+len(d.data):]
		}
	}
	s, _ := lookupSource("strings")
	l, err := load(root, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range l.docs {
		var m struct{ Block, Text string }
		if err := json.Unmarshal(d.data, &m); err != nil || m.Block == "" || m.Text == "" {
			t.Errorf("strings %s: %s: %v", d.pointer, d.data[:min(60, len(d.data))], err)
		}
	}
	if len(l.docs)%2 != 0 {
		t.Fatalf("%d strings documents, want the same blocks from both files", len(l.docs))
	}
	half := len(l.docs) / 2
	for i := range half {
		var u, e struct{ Block, Text string }
		_ = json.Unmarshal(l.docs[i].data, &u)
		_ = json.Unmarshal(l.docs[half+i].data, &e)
		if u != e || bytes.Equal(l.docs[i].data, l.docs[half+i].data) {
			t.Errorf("block %d: unicode and escaped documents should be equal as values and differ as bytes", i)
		}
	}
}

// compactSource is a source file decompressed and compacted.
func compactSource(t *testing.T, root, file string) []byte {
	t.Helper()
	s := &source{name: "whole", files: []string{file}, split: func(files [][]byte) ([]doc, error) {
		data, err := compact(files[0])
		return []doc{{data: data}}, err
	}}
	l, err := load(root, s)
	if err != nil {
		t.Fatal(err)
	}
	return l.docs[0].data
}

// TestMembers checks the compressed layouts' streams: a .json.gz file is
// one gzip member; an NDJSON file of N lines is ⌈N/LinesPerMember⌉ gzip
// members or zstd frames, each decompressing to whole lines.
func TestMembers(t *testing.T) {
	dir, _ := defaultCorpus(t)
	checked := map[string]int{}
	for p := range tree(t, dir) {
		gz, zst := strings.HasSuffix(p, ".gz"), strings.HasSuffix(p, ".zst")
		if !gz && !zst {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		var members [][]byte
		if gz {
			members, err = gzipMembers(data)
		} else {
			members, err = zstdFrames(data)
		}
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		ndjson := strings.Contains(p, "/ndjson")
		lines := 0
		for i, m := range members {
			n := bytes.Count(m, []byte("\n"))
			if len(m) == 0 || m[len(m)-1] != '\n' {
				t.Errorf("%s: member %d does not end in LF", p, i)
			}
			if last := i == len(members)-1; ndjson && (n > LinesPerMember || !last && n != LinesPerMember) {
				t.Errorf("%s: member %d of %d holds %d lines, want %d (the last at most)", p, i, len(members), n, LinesPerMember)
			}
			lines += n
		}
		want := 1
		if ndjson {
			want = (lines + LinesPerMember - 1) / LinesPerMember
		}
		if len(members) != want {
			t.Errorf("%s: %d members for %d lines, want %d", p, len(members), lines, want)
		}
		if len(members) > 1 {
			checked[path.Ext(p)]++
		}
	}
	if checked[".gz"] == 0 || checked[".zst"] == 0 {
		t.Errorf("files of several members: %v, want some of each compression", checked)
	}
}

// gzipMembers decompresses each gzip member of data.
func gzipMembers(data []byte) ([][]byte, error) {
	br := bytes.NewReader(data)
	z, err := gzip.NewReader(br)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for {
		z.Multistream(false)
		m, err := io.ReadAll(z)
		if err != nil {
			return nil, err
		}
		if z.Header.ModTime.Unix() > 0 || z.Header.Name != "" || z.Header.Comment != "" {
			return nil, fmt.Errorf("member %d has a time, name or comment: %+v", len(out), z.Header)
		}
		out = append(out, m)
		if err := z.Reset(br); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
	}
}

// zstdFrames decompresses each zstd frame of data, walking the frames'
// blocks (RFC 8878 §3.1.1) to find where each ends.
func zstdFrames(data []byte) ([][]byte, error) {
	dec, err := zstd.NewReader(nil)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	var out [][]byte
	for len(data) > 0 {
		var h zstd.Header
		if err := h.Decode(data); err != nil {
			return nil, fmt.Errorf("frame %d: %w", len(out), err)
		}
		if h.Skippable {
			return nil, fmt.Errorf("frame %d: skippable", len(out))
		}
		end := h.HeaderSize
		for {
			if end+3 > len(data) {
				return nil, fmt.Errorf("frame %d: truncated", len(out))
			}
			bh := uint32(data[end]) | uint32(data[end+1])<<8 | uint32(data[end+2])<<16
			size := int(bh >> 3)
			if (bh>>1)&3 == 1 { // RLE: one byte
				size = 1
			}
			end += 3 + size
			if bh&1 == 1 {
				break
			}
		}
		if h.HasCheckSum {
			end += 4
		}
		if end > len(data) {
			return nil, fmt.Errorf("frame %d: truncated", len(out))
		}
		m, err := dec.DecodeAll(data[:end], nil)
		if err != nil {
			return nil, fmt.Errorf("frame %d: %w", len(out), err)
		}
		out = append(out, m)
		data = data[end:]
	}
	return out, nil
}
