package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"benchgrid/corpus"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// readCorpus returns every file below dir (inputs and manifest) by
// slash-separated relative path.
func readCorpus(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func generate(t *testing.T, opts GenOptions) (GenStats, string) {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = filepath.Join(t.TempDir(), "corpus")
	}
	st, err := Generate(t.Context(), opts)
	if err != nil {
		t.Fatalf("Generate(%+v) = %v, want no error", opts, err)
	}
	return st, opts.Dir
}

func TestGenerateDeterministic(t *testing.T) {
	opts := GenOptions{Files: 120, Seed: 3, Bad: 2 * len(catalogue())}
	_, dir1 := generate(t, opts)
	// Another run on one thread must give the same bytes.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	_, dir2 := generate(t, opts)
	a, b := readCorpus(t, dir1), readCorpus(t, dir2)
	if len(a) != len(b) {
		t.Fatalf("Generate(%+v) twice: %d files, then %d", opts, len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("Generate(%+v) twice: %s differs", opts, name)
		}
	}
	// Another seed gives another corpus.
	opts.Seed = 4
	_, dir3 := generate(t, opts)
	c := readCorpus(t, dir3)
	if name := "00/00/events-000000.json"; bytes.Equal(a[name], c[name]) {
		t.Errorf("Generate with seeds 3 and 4: %s is the same", name)
	}
}

// TestGenerateGolden pins the bytes of a small corpus, so that a change of
// Go version, machine or code that alters the corpus shows up in review.
func TestGenerateGolden(t *testing.T) {
	opts := GenOptions{Files: 50, Seed: 7, Bad: 40}
	_, dir := generate(t, opts)
	files := readCorpus(t, dir)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "# SHA-256 of every file of Generate(files=50 seed=7 bad=40); go test ./workloads/events/gen -update rewrites it\n")
	for _, name := range names {
		fmt.Fprintf(&b, "%x  %s\n", sha256.Sum256(files[name]), name)
	}
	checkGolden(t, "seed7.sha256", b.String(), fmt.Sprintf("Generate(%+v) = corpus with hashes", opts))
}

// checkGolden compares got with testdata/name, rewriting it first under
// -update; what says what got is, for the failure message.
func checkGolden(t *testing.T, name, got, what string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./workloads/events/gen -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s\n%s\nwant (%s)\n%s", what, got, golden, want)
	}
}

// TestGenerateContract checks every generated file against the reference
// verdict: batch files are good, adversarial files get their manifest's
// verdict, and the stats add up.
func TestGenerateContract(t *testing.T) {
	kinds := len(catalogue())
	opts := GenOptions{Files: 400, Seed: 11, Bad: 2 * kinds}
	st, dir := generate(t, opts)
	files := readCorpus(t, dir)

	manifest, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(manifest) != opts.Bad {
		t.Fatalf("manifest has %d entries, want %d", len(manifest), opts.Bad)
	}
	adversarial := map[string]ManifestEntry{}
	var wantBad, wantTricky int
	for _, e := range manifest {
		adversarial[e.Path] = e
		if e.Good {
			wantTricky++
		} else {
			wantBad++
		}
	}

	var events, batches, indented int
	var bytesTotal int64
	for name, data := range files {
		if name == ManifestName {
			continue
		}
		bytesTotal += int64(len(data))
		got, verr := contractVerdict(data)
		if e, ok := adversarial[name]; ok {
			if (verr == nil) != e.Good {
				t.Errorf("%s (kind %s): reference verdict %v, manifest says good=%v", name, e.Kind, verr, e.Good)
			}
			continue
		}
		batches++
		if verr != nil {
			t.Errorf("%s: %v, want a good batch", name, verr)
			continue
		}
		if k, dup := duplicateKey(data); dup {
			t.Errorf("%s: member %q appears twice in one object", name, k)
		}
		var top struct {
			Batch  int    `json:"batch"`
			Source string `json:"source"`
		}
		if err := json.Unmarshal(data, &top); err != nil || top.Source != Source || top.Batch < 1 {
			t.Errorf("%s: batch %d, source %q (%v)", name, top.Batch, top.Source, err)
		}
		if len(got) == 0 {
			t.Errorf("%s: no events", name)
		}
		for _, e := range got {
			if !strings.HasPrefix(e.createdAt, "2026-03-") || !strings.HasSuffix(e.createdAt, "Z") || len(e.createdAt) != 20 {
				t.Errorf("%s: created_at %q, want 2026-03-..Z", name, e.createdAt)
			}
			if e.actor <= 0 {
				t.Errorf("%s: actor.id %d, want > 0", name, e.actor)
			}
			if !strings.Contains(e.repo, "/") {
				t.Errorf("%s: repo.name %q", name, e.repo)
			}
		}
		events += len(got)
		if bytes.HasPrefix(data, []byte("{\n  \"batch\"")) {
			indented++
		}
	}
	want := GenStats{Files: opts.Files + opts.Bad, Bytes: bytesTotal, Events: events, Bad: wantBad, Tricky: wantTricky}
	if st != want {
		t.Errorf("Generate(%+v) = %+v, want %+v", opts, st, want)
	}
	if batches != opts.Files {
		t.Errorf("Generate(%+v) wrote %d batch files, want %d", opts, batches, opts.Files)
	}
	if indented < opts.Files/5 || indented > opts.Files*2/5 {
		t.Errorf("Generate(%+v): %d of %d batch files indented, want about 30%%", opts, indented, opts.Files)
	}

	d, err := corpus.Describe(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Files != st.Files || d.Bytes != st.Bytes {
		t.Errorf("Describe = %d files, %d bytes; Generate = %+v", d.Files, d.Bytes, st)
	}
}

// TestGenerateContent checks that the corpus carries what parsers must
// cope with: every event type, escapes, raw and escaped non-ASCII, emoji as
// surrogate pairs, large actor ids.
func TestGenerateContent(t *testing.T) {
	opts := GenOptions{Files: 600, Seed: 5}
	_, dir := generate(t, opts)
	var all bytes.Buffer
	types := map[string]int{}
	for name, data := range readCorpus(t, dir) {
		if name == ManifestName {
			continue
		}
		all.Write(data)
		evs, err := contractVerdict(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range evs {
			types[e.typ]++
		}
	}
	for _, et := range eventTypes {
		if types[et.name] == 0 {
			t.Errorf("Generate(%+v): no %s", opts, et.name)
		}
	}
	for _, s := range []string{`\"`, `\\`, `\n`, `\t`, `\r`, `\/`, `\u00e9`, `\u00E9`, `\ud83d\ude80`, "é", "ü", "中文", "Исправить", "🚀", `"payload"`, `"commits"`, `"pull_request"`, `"labels"`, `"distinct_size"`} {
		if !bytes.Contains(all.Bytes(), []byte(s)) {
			t.Errorf("Generate(%+v): no %s anywhere", opts, s)
		}
	}
	if !bytes.Contains(all.Bytes(), []byte(`"id":9007199254740993`)) && !bytes.Contains(all.Bytes(), []byte(`"id": 9007199254740993`)) {
		t.Logf("Generate(%+v): the actor id 2^53+1 did not come up (fine for a small corpus)", opts)
	}
}

// TestGenerateSizes checks the size distribution: a few KiB at the median,
// a long tail capped near 300 KiB.
func TestGenerateSizes(t *testing.T) {
	files := 3000
	if !testing.Short() {
		files = DefaultFiles
	}
	opts := GenOptions{Files: files, Seed: 1}
	start := time.Now()
	st, dir := generate(t, opts)
	took := time.Since(start)
	d, err := corpus.Describe(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Generate(%+v) = %+v in %v\n%s", opts, st, took, d)
	if d.P50 < 1<<10 || d.P50 > 16<<10 {
		t.Errorf("median size %d, want 1–16 KiB", d.P50)
	}
	if d.Max > 300<<10 {
		t.Errorf("largest file %d bytes, want ≤ 300 KiB", d.Max)
	}
	if d.P99 < 8*d.P50 {
		t.Errorf("p99 %d, p50 %d: want a long tail", d.P99, d.P50)
	}
	if files == DefaultFiles {
		if d.Max < 150<<10 {
			t.Errorf("largest file %d bytes, want a tail into the hundreds of KiB", d.Max)
		}
		if d.Bytes < 80<<20 || d.Bytes > 160<<20 {
			t.Errorf("default corpus %s, want roughly 100 MiB", corpus.FormatBytes(d.Bytes))
		}
		if d.Dirs < 60 || d.Dirs > 200 {
			t.Errorf("default corpus in %d directories, want 100–300 files each", d.Dirs)
		}
	}
}

// TestZipfSkew checks that a few repos and actors have most events, so that
// top_repos and distinct_actors mean something.
func TestZipfSkew(t *testing.T) {
	opts := GenOptions{Files: 1500, Seed: 2}
	_, dir := generate(t, opts)
	repos, actors := map[string]int{}, map[int64]int{}
	total := 0
	for name, data := range readCorpus(t, dir) {
		if name == ManifestName {
			continue
		}
		evs, err := contractVerdict(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range evs {
			repos[e.repo]++
			actors[e.actor]++
			total++
		}
	}
	for _, c := range []struct {
		what   string
		counts []int
	}{
		{"repo", mapValues(repos)},
		{"actor", mapValues(actors)},
	} {
		slices.Sort(c.counts)
		slices.Reverse(c.counts)
		top, median := c.counts[0], c.counts[len(c.counts)/2]
		if top < 20*median || top < total/100 {
			t.Errorf("top %s has %d of %d events, median %d: want a Zipf-like skew", c.what, top, total, median)
		}
		if len(c.counts) < 10 {
			t.Errorf("only %d distinct %ss", len(c.counts), c.what)
		}
	}
}

func mapValues[K comparable](m map[K]int) []int {
	out := make([]int, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestGenerateErrors(t *testing.T) {
	nonEmpty := t.TempDir()
	if err := os.WriteFile(filepath.Join(nonEmpty, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tc := range []struct {
		ctx  context.Context
		opts GenOptions
		want string
	}{
		{t.Context(), GenOptions{}, "no directory"},
		{t.Context(), GenOptions{Dir: t.TempDir(), Files: -1}, "negative"},
		{t.Context(), GenOptions{Dir: t.TempDir(), Bad: -1}, "negative"},
		{t.Context(), GenOptions{Dir: nonEmpty, Files: 1}, "not empty"},
		{cancelled, GenOptions{Dir: t.TempDir(), Files: 10}, context.Canceled.Error()},
	} {
		_, err := Generate(tc.ctx, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Generate(%+v) = %v, want an error containing %q", tc.opts, err, tc.want)
		}
	}
	_, err := Generate(cancelled, GenOptions{Dir: t.TempDir(), Files: 10})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Generate(cancelled) = %v, want context.Canceled", err)
	}
}

func TestLayout(t *testing.T) {
	long := layout(7, 5000)
	if short := layout(7, 50); !slices.Equal(short, long[:50]) {
		t.Errorf("layout(7, 50) = %v, want the first 50 of layout(7, 5000)", short)
	}
	perDir := map[string]int{}
	var order []string
	for _, p := range long {
		d := filepath.Dir(p)
		if perDir[d] == 0 {
			order = append(order, d)
		}
		perDir[d]++
	}
	for _, d := range order[:len(order)-1] { // the last may be partial
		if n := perDir[d]; n < 100 || n > 300 {
			t.Errorf("layout(7, 5000): %d files in %s, want 100–300", n, d)
		}
	}
	if !slices.IsSorted(long) {
		t.Errorf("layout(7, 5000) is not in lexical order")
	}
}

// TestAppendString checks the string writer against encoding/json.
func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", "quote \" backslash \\ slash /", "\x00\x01\x1f\x7f\b\f\n\r\t", "é ü 中文 Исправить 🚀 \u2028\u2029\U0010ffff"} {
		for _, mode := range []escMode{0, escUnicode, escUnicode | escUpper, escSlash} {
			checkAppendString(t, s, mode)
		}
	}
}

func checkAppendString(t *testing.T, s string, mode escMode) {
	t.Helper()
	b := appendString(nil, s, mode)
	var got string
	if err := json.Unmarshal(b, &got); err != nil || got != s {
		t.Errorf("appendString(%q, %d) = %s, decodes to %q (%v)", s, mode, b, got, err)
	}
	if mode&escUnicode != 0 && !isASCII(b) {
		t.Errorf("appendString(%q, %d) = %s, want ASCII only", s, mode, b)
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func FuzzAppendString(f *testing.F) {
	f.Add("é\"\\\n🚀", uint8(1))
	f.Add("\x00/", uint8(4))
	f.Fuzz(func(t *testing.T, s string, mode uint8) {
		if !utf8.ValidString(s) {
			t.Skip()
		}
		checkAppendString(t, s, escMode(mode)&(escUnicode|escUpper|escSlash))
	})
}

// TestCumTable checks the integer sampler against its weights.
func TestCumTable(t *testing.T) {
	table := newCumTable([]uint64{1, 0, 3})
	r := newRNG(1, 1)
	counts := make([]int, 3)
	for range 40000 {
		counts[table.draw(r)]++
	}
	if counts[1] != 0 || counts[0] < 9000 || counts[0] > 11000 || counts[2] < 29000 || counts[2] > 31000 {
		t.Errorf("draw with weights 1:0:3 = %v over 40000 draws", counts)
	}
}
