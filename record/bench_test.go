package record

import (
	"bytes"
	"slices"
	"testing"

	"golang.org/x/perf/benchfmt"
)

func TestBench(t *testing.T) {
	run := &Run{
		Env:    Env{GOOS: "linux", GOARCH: "amd64", CPU: "Test CPU", GoVersion: "go1.26.8", GOEXPERIMENT: "default", Modules: map[string]string{"github.com/bytedance/sonic": "v1.15.5"}, Commit: "abc"},
		Corpus: Corpus{Path: "c", Files: 3, Bytes: 3000, Digest: "d"},
		Count:  2, ShuffleSeed: 9,
		Cells: []Cell{
			{Name: "parser=std/strategy=pool", GOMAXPROCS: 2, Samples: []Sample{{Round: 0, WallNs: 2e6, Files: 3, Bytes: 3000}, {Round: 1, WallNs: 3e6, Files: 3, Bytes: 3000}}},
			{Name: "parser=sonic/strategy=pool", GOMAXPROCS: 2, Samples: []Sample{{Round: 0, WallNs: 1e6, UserNs: 5e5, SysNs: 5e5, Files: 3, Bytes: 3000}}},
		},
	}
	data, err := Bench(run)
	if err != nil {
		t.Fatal(err)
	}
	r := benchfmt.NewReader(bytes.NewReader(data), "bench.txt")
	var names []string
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok {
			continue // unit metadata
		}
		names = append(names, res.Name.String())
		for _, key := range []string{"goos", "cpu", "go", "module-github.com/bytedance/sonic", "commit", "corpus-digest", "shuffle-seed"} {
			if res.GetConfig(key) == "" {
				t.Errorf("%s: file key %q missing:\n%s", res.Name, key, data)
			}
		}
		if v, ok := res.Value("sec/op"); !ok || v <= 0 {
			t.Errorf("%s: sec/op = %v, %v", res.Name, v, ok)
		}
		if v, ok := res.Value("B/s"); !ok || v <= 0 {
			t.Errorf("%s: MB/s missing: %v", res.Name, v)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"Events/parser=std/strategy=pool-2", "Events/parser=std/strategy=pool-2", "Events/parser=sonic/strategy=pool-2"}
	if !slices.Equal(names, want) {
		t.Errorf("Bench names = %q, want %q (cell order, std first)", names, want)
	}
	if !bytes.Contains(data, []byte("Unit MB/s better=higher")) {
		t.Errorf("no unit metadata for MB/s:\n%s", data)
	}
}
