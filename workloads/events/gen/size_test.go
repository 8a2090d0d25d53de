package gen

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"benchgrid/corpus"
)

func TestParseSize(t *testing.T) {
	for _, s := range Sizes {
		if got, err := ParseSize(string(s)); got != s || err != nil {
			t.Errorf("ParseSize(%q) = %q, %v, want %q", s, got, err, s)
		}
	}
	for _, name := range []string{"", "Tiny", "huge"} {
		if _, err := ParseSize(name); err == nil {
			t.Errorf("ParseSize(%q) = no error, want one", name)
		}
	}
	if _, err := Generate(t.Context(), GenOptions{Dir: t.TempDir(), Files: 1, Size: "huge"}); err == nil || !strings.Contains(err.Error(), `unknown size "huge"`) {
		t.Errorf("Generate(size huge) = %v, want an unknown-size error", err)
	}
}

// TestGenerateTinyGolden pins the bytes of a small tiny corpus, one hash a
// directory (of its files' names and bytes, in order), so that a change
// that alters the tiny profile shows up in review.
func TestGenerateTinyGolden(t *testing.T) {
	opts := GenOptions{Files: 700, Seed: 7, Bad: 10, Size: SizeTiny}
	_, dir := generate(t, opts)
	files := readCorpus(t, dir)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	byDir := map[string][]string{}
	var dirs []string
	for _, name := range names {
		d := path.Dir(name)
		if byDir[d] == nil {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# SHA-256 of each directory (every file's name, NUL, bytes, NUL) of Generate(files=%d seed=%d bad=%d size=%s); go test ./workloads/events/gen -update rewrites it\n", opts.Files, opts.Seed, opts.Bad, opts.Size)
	for _, d := range dirs {
		h := sha256.New()
		for _, name := range byDir[d] {
			fmt.Fprintf(h, "%s\x00%s\x00", name, files[name])
		}
		fmt.Fprintf(&b, "%x  %3d  %s\n", h.Sum(nil), len(byDir[d]), d)
	}
	checkGolden(t, "tiny-seed7.sha256", b.String(), fmt.Sprintf("Generate(%+v) = corpus with hashes", opts))
	if !strings.Contains(string(files[ManifestName]), "# benchgrid corpus: files=700 seed=7 bad=10 size=tiny\n") {
		t.Errorf("manifest of a tiny corpus:\n%s\nwant its header to say size=tiny", files[ManifestName])
	}
}

// TestGenerateTiny checks the tiny profile: every batch file good to the
// contract, one or two events, about 300 bytes, varied like the default
// profile, and the same bytes on one thread as on many.
func TestGenerateTiny(t *testing.T) {
	opts := GenOptions{Files: 4000, Seed: 5, Size: SizeTiny}
	st, dir := generate(t, opts)
	files := readCorpus(t, dir)
	var all bytes.Buffer
	types := map[string]int{}
	var events, two, indented int
	for name, data := range files {
		if name == ManifestName {
			continue
		}
		all.Write(data)
		evs, err := contractVerdict(data)
		if err != nil {
			t.Fatalf("%s: %v, want a good batch\n%s", name, err, data)
		}
		if k, dup := duplicateKey(data); dup {
			t.Errorf("%s: member %q appears twice in one object", name, k)
		}
		if n := len(evs); n < 1 || n > 2 {
			t.Errorf("%s: %d events, want 1 or 2", name, n)
		}
		if len(evs) == 2 {
			two++
		}
		for _, e := range evs {
			types[e.typ]++
		}
		events += len(evs)
		if bytes.HasPrefix(data, []byte("{\n  \"batch\"")) {
			indented++
		}
		if len(data) > 1<<10 {
			t.Errorf("%s: %d bytes, want under 1 KiB", name, len(data))
		}
	}
	if st.Events != events || st.Files != opts.Files {
		t.Errorf("Generate(%+v) = %+v; the files hold %d events", opts, st, events)
	}
	if mean := st.Bytes / int64(st.Files); mean < 250 || mean > 350 {
		t.Errorf("Generate(%+v): mean file %d bytes, want about 300", opts, mean)
	}
	if two < opts.Files/10 || two > opts.Files*3/10 {
		t.Errorf("Generate(%+v): %d files of two events, want about a fifth", opts, two)
	}
	if indented == 0 || indented > opts.Files/10 {
		t.Errorf("Generate(%+v): %d files indented, want a few", opts, indented)
	}
	for _, et := range eventTypes {
		if types[et.name] == 0 {
			t.Errorf("Generate(%+v): no %s", opts, et.name)
		}
	}
	for _, s := range []string{`\/`, `\"`, `\\`, `\u00e9`, "é", "测试用例", `"created_at":"2026-03-`, `"size":0,`, `"id":9007199254740992,`} {
		if !bytes.Contains(all.Bytes(), []byte(s)) {
			t.Errorf("Generate(%+v): no %s anywhere", opts, s)
		}
	}

	// The same bytes on one thread (one writer per GOMAXPROCS, at least
	// four) as on several.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	opts.Files = 600
	_, dir1 := generate(t, opts)
	for name, data := range readCorpus(t, dir1) {
		if want, ok := files[name]; name != ManifestName && (!ok || !bytes.Equal(data, want)) {
			t.Errorf("Generate(%+v) on one thread: %s differs from the first 600 of 4000", opts, name)
		}
	}
}

// TestTinyBatchAllocs checks that a tiny batch costs no allocation once a
// writer's buffer has grown: a million files must not mean a million
// objects for the collector.
func TestTinyBatchAllocs(t *testing.T) {
	g := &gen{pool: newPool(1), r: new(rng)}
	tr := newTree(1, 1000)
	var path []byte
	i := 0
	allocs := testing.AllocsPerRun(500, func() {
		g.r.seed(1, streamFile+uint64(i))
		g.tinyBatch(i)
		path = tr.appendPath(path[:0], i)
		i = (i + 1) % 1000
	})
	if allocs != 0 {
		t.Errorf("tinyBatch and appendPath: %v allocations a file, want 0", allocs)
	}
}

// TestGenerateLarge checks the large profile: a few good batches of
// hundreds of events, about a MiB each.
func TestGenerateLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a few MiB")
	}
	opts := GenOptions{Files: 3, Seed: 2, Size: SizeLarge}
	st, dir := generate(t, opts)
	for name, data := range readCorpus(t, dir) {
		if name == ManifestName {
			continue
		}
		evs, err := contractVerdict(data)
		if err != nil {
			t.Fatalf("%s: %v, want a good batch", name, err)
		}
		if n := len(evs); n < 200 || n > 800 {
			t.Errorf("%s: %d events, want 200–800", name, n)
		}
		if len(data) < 100<<10 || len(data) > maxLargeFileBytes+300<<10 {
			t.Errorf("%s: %s, want about 1 MiB", name, corpus.FormatBytes(int64(len(data))))
		}
	}
	t.Logf("Generate(%+v) = %+v (%s)", opts, st, corpus.FormatBytes(st.Bytes))
}

func TestAppendPadded(t *testing.T) {
	for _, n := range []int{0, 7, 15, 99, 100, 312, 999999, 1000000, 12345678} {
		for _, width := range []int{2, 6} {
			if got, want := string(appendPadded([]byte("x"), n, width)), fmt.Sprintf("x%0*d", width, n); got != want {
				t.Errorf("appendPadded(x, %d, %d) = %q, want %q", n, width, got, want)
			}
		}
	}
	tr := newTree(3, 100_000)
	for _, i := range []int{0, 1, 99, 5000, 99_999} {
		k := tr.leaf(i)
		want := fmt.Sprintf("%02d/%02d/events-%06d.json", k/16, k%16, i)
		if got := filepath.ToSlash(string(tr.appendPath(nil, i))); got != want {
			t.Errorf("appendPath(%d) = %q, want %q", i, got, want)
		}
		if k < 0 || tr.starts[k] > i || (k+1 < len(tr.starts) && tr.starts[k+1] <= i) {
			t.Errorf("leaf(%d) = %d, whose files start at %d", i, k, tr.starts[k])
		}
	}
}
