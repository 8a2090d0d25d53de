package parsers

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"benchgrid/workloads/events"
)

// realDocuments returns JSON documents that nobody here wrote, by name:
// simdjson-go's test data from the module cache and encoding/json's from
// GOROOT, decompressed.
func realDocuments(t testing.TB) map[string][]byte {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env: %v", err)
	}
	dirs := strings.Fields(string(out))
	if len(dirs) != 2 {
		t.Fatalf("go env GOMODCACHE GOROOT = %q", out)
	}
	var files []string
	for _, pattern := range []string{
		filepath.Join(dirs[0], "github.com/minio/simdjson-go@v0.4.5/testdata/*.json.zst"),
		filepath.Join(dirs[1], "src/encoding/json/internal/jsontest/testdata/*.json.zst"),
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no test data in the module cache or GOROOT")
	}
	zr, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	docs := make(map[string][]byte)
	for _, f := range files {
		compressed, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := zr.DecodeAll(compressed, nil)
		if err != nil {
			t.Fatalf("decompress %s: %v", f, err)
		}
		docs[filepath.Base(filepath.Dir(filepath.Dir(f)))+"/"+strings.TrimSuffix(filepath.Base(f), ".zst")] = data
	}
	return docs
}

// gitHubEvents is simdjson-go's github_events.json, a real array of GitHub
// events, wrapped as a good file of the workload.
func gitHubEvents(t testing.TB) []byte {
	t.Helper()
	data, ok := realDocuments(t)["simdjson-go@v0.4.5/github_events.json"]
	if !ok {
		t.Skip("github_events.json.zst not found")
	}
	return wrapDoc(`{"events":`, data, `}`)
}

// wrapDoc returns data between before and after.
func wrapDoc(before string, data []byte, after string) []byte {
	return append(append([]byte(before), data...), after...)
}

// TestRealDocuments checks every adapter against std on real documents as
// they are (mostly bad: not batches), as a batch's events array, and as an
// ignored member of a good batch; the wrapped GitHub events must be good.
func TestRealDocuments(t *testing.T) {
	docs := realDocuments(t)
	std, err := events.Lookup("std")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range docs {
		for _, in := range []struct {
			how  string
			data []byte
		}{
			{"as is", data},
			{"as events", wrapDoc(`{"events":`, data, `}`)},
			{"ignored", wrapDoc(`{"events":[],"x":`, data, `}`)},
		} {
			if hasDuplicateNames(in.data) {
				continue
			}
			want := decodeWith(t, std, in.data)
			for _, p := range parsersUnderTest(t) {
				got := decodeWith(t, p, in.data)
				if (got.err == nil) != (want.err == nil) || !equalEvents(got.events, want.events) {
					t.Errorf("%s: Decode(%s %s) = %.200v, std = %.200v", p.Name(), name, in.how, got, want)
				}
			}
		}
	}
	for _, p := range parsersUnderTest(t) {
		got := decodeWith(t, p, gitHubEvents(t))
		if got.err != nil || len(got.events) == 0 || got.fallback != "" {
			t.Errorf("%s: Decode(github_events) = %v (fallback %q), want good with events", p.Name(), got.err, got.fallback)
		}
	}
}

// BenchmarkDecode times one worker's decoder of every adapter on the wrapped
// GitHub events document (65 KB), as `benchstat -col /parser` reads it.
func BenchmarkDecode(b *testing.B) {
	data := gitHubEvents(b)
	eachDecoder(b, func(b *testing.B, dec events.Decoder) {
		var batch events.Batch
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			batch.Reset()
			if err := dec.Decode(data, &batch); err != nil {
				b.Fatal(err)
			}
		}
	})
}
