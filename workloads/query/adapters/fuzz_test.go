package adapters

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"benchgrid/workload"
	"benchgrid/workloads/query"
)

// TestAvailability checks that every adapter is registered and runs here
// but jsonv2 outside its build, which says why.
func TestAvailability(t *testing.T) {
	names := map[string]bool{}
	for _, a := range allAdapters() {
		names[a.Name()] = true
		_, err := a.NewExtractor(qTweets)
		switch {
		case a.Name() == "jsonv2" && !jsonv2Built:
			if !errors.Is(err, workload.ErrUnavailable) || !strings.Contains(err.Error(), "GOEXPERIMENT=jsonv2") {
				t.Errorf("jsonv2.NewExtractor = %v, want unavailable naming GOEXPERIMENT=jsonv2", err)
			}
		case err != nil:
			t.Errorf("%s.NewExtractor = %v", a.Name(), err)
		}
	}
	for _, want := range []string{"sonic", "fastjson", "simdjson", "goccy", "jsonv2"} {
		if !names[want] {
			t.Errorf("adapter %s not registered", want)
		}
	}
}

// TestUnservable checks the queries an adapter cannot serve exactly.
func TestUnservable(t *testing.T) {
	for _, tc := range []struct {
		adapter string
		q       *query.Query
	}{
		{"fastjson", mkQuery("-", `/a\b int`)},
		{"fastjson", mkQuery("-", "/\ufffd int")},
		{"sonic", mkQuery("-", `/a\b int`)},
		{"sonic", mkQuery("-", `/a"b int`)},
		{"sonic", mkQuery("-", "/ int")},
	} {
		for _, a := range allAdapters() {
			if a.Name() != tc.adapter {
				continue
			}
			if _, err := a.NewExtractor(tc.q); !errors.Is(err, workload.ErrUnavailable) {
				t.Errorf("%s.NewExtractor(%q) = %v, want unavailable", a.Name(), tc.q.Fields[0].Path[0].Name, err)
			}
		}
	}
}

// realDocuments returns JSON documents nobody here wrote: encoding/json's
// test data from GOROOT and simdjson-go's from the module cache,
// decompressed, by name.
func realDocuments(t testing.TB) map[string][]byte {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env: %v", err)
	}
	dirs := strings.Fields(string(out))
	var files []string
	for _, pattern := range []string{
		filepath.Join(dirs[0], "github.com/minio/simdjson-go@v0.4.5/testdata/*.json.zst"),
		filepath.Join(dirs[1], "src/encoding/json/internal/jsontest/testdata/*.json.zst"),
	} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no test data in GOROOT or the module cache")
	}
	zr, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	docs := map[string][]byte{}
	for _, f := range files {
		c, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := zr.DecodeAll(c, nil)
		if err != nil {
			t.Fatalf("decompress %s: %v", f, err)
		}
		docs[filepath.Base(filepath.Dir(filepath.Dir(f)))+"/"+strings.TrimSuffix(filepath.Base(f), ".zst")] = data
	}
	return docs
}

// fuzzQueries are the queries the differential fuzz test asks of every
// input: paths into tweets, GitHub events and the table's shapes.
var fuzzQueries = []*query.Query{
	qTweets, qTypes, qIndex, qEscaped, qSelf, qNone, qLang,
	mkQuery("-", " length", "/0 length", "/0/0 int", "/a length"),
	mkQuery("", "/id int", "/type string", "/actor/login string", "/payload/size int?", "/public bool", "/payload length"),
	mkQuery("/statuses/0", "/id int"),
}

// differ checks every adapter against the encoding/json reference on doc.
func differ(t *testing.T, doc []byte) {
	for _, q := range fuzzQueries {
		ref, _ := refAdapter{}.NewExtractor(q)
		want := extract(ref, q, doc)
		for name, x := range extractors(t, q) {
			if got := extract(x, q, doc); !got.same(want) {
				t.Errorf("%s: Extract(%.100q) under %v = %.300s, want %.300s", name, doc, q.Fields, got, want)
			}
		}
	}
}

// FuzzDifferential feeds the same bytes to every adapter under several
// queries and fails on any disagreement with encoding/json in verdict or
// records. Seeded with the contract table and real documents.
func FuzzDifferential(f *testing.F) {
	for _, tc := range contractCases {
		if len(tc.doc) < 4096 {
			f.Add([]byte(tc.doc))
		}
	}
	for _, d := range realDocuments(f) {
		if len(d) < 64<<10 {
			f.Add(d)
		}
	}
	f.Fuzz(differ)
}

// TestRealDocuments checks every adapter against encoding/json on real
// documents, whole and with each tweet of twitter.json as a document.
func TestRealDocuments(t *testing.T) {
	docs := realDocuments(t)
	for name, d := range docs {
		t.Run(name, func(t *testing.T) { differ(t, d) })
	}
	for _, s := range tweets(t) {
		differ(t, s)
	}
}
