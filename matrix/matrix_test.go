package matrix

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMatrixCells(t *testing.T) {
	tests := []struct {
		name   string
		matrix Matrix
		want   []string // cell names with their -GOMAXPROCS suffix removed
	}{
		{
			name:   "sequential and perfile are not duplicated across worker counts",
			matrix: Matrix{Parsers: []string{"std"}, Strategies: []string{"sequential", "perfile", "pool"}, Workers: []int{1, 4}},
			want: []string{
				"parser=std/strategy=sequential/workers=1/read=readfile/gogc=100/gomemlimit=off/build=default",
				"parser=std/strategy=perfile/workers=files/read=readfile/gogc=100/gomemlimit=off/build=default",
				"parser=std/strategy=pool/workers=1/read=readfile/gogc=100/gomemlimit=off/build=default",
				"parser=std/strategy=pool/workers=4/read=readfile/gogc=100/gomemlimit=off/build=default",
			},
		},
		{
			name:   "runtime knobs are axes",
			matrix: Matrix{Parsers: []string{"sonic"}, Strategies: []string{"atomic"}, Workers: []int{2}, Reads: []string{"mmap"}, GOGC: []string{"", "off"}, GOMEMLIMIT: []string{"1GiB"}},
			want: []string{
				"parser=sonic/strategy=atomic/workers=2/read=mmap/gogc=100/gomemlimit=1GiB/build=default",
				"parser=sonic/strategy=atomic/workers=2/read=mmap/gogc=off/gomemlimit=1GiB/build=default",
			},
		},
		{
			name:   "filter",
			matrix: Matrix{Parsers: []string{"std", "sonic"}, Strategies: []string{"pool"}, Workers: []int{2}, Filter: "sonic"},
			want:   []string{"parser=sonic/strategy=pool/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default"},
		},
	}
	for _, tc := range tests {
		cells, err := tc.matrix.Cells()
		if err != nil {
			t.Fatalf("%s: Cells() error %v", tc.name, err)
		}
		var got []string
		for _, c := range cells {
			got = append(got, c.Name())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: Cells() =\n%s\nwant\n%s", tc.name, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}

func TestMatrixErrors(t *testing.T) {
	tests := []struct {
		matrix Matrix
		want   string
	}{
		{Matrix{Parsers: []string{"nosuch"}}, `unknown parser "nosuch"`},
		{Matrix{Strategies: []string{"nosuch"}}, `unknown strategy "nosuch"`},
		{Matrix{Reads: []string{"nosuch"}}, `unknown read mode "nosuch"`},
		{Matrix{Workers: []int{-1}}, "workers: -1: want 0 (GOMAXPROCS) or more"},
		{Matrix{GOMAXPROCS: []int{-2}}, "gomaxprocs: -2"},
		{Matrix{GOGC: []string{"abc"}}, `gogc: "abc": want off`},
		{Matrix{GOGC: []string{"-5"}}, `gogc: "-5"`},
		{Matrix{GOMEMLIMIT: []string{"1GB"}}, `gomemlimit: "1GB"`},
		{Matrix{Builds: []string{"jsonv3"}}, `builds: unknown build variant "jsonv3"`},
		{Matrix{Filter: "("}, "filter: error parsing regexp"},
		{Matrix{Filter: "matches-nothing"}, "no cells"},
		// Ten values on each of four axes and the default parsers and
		// strategies: over a million combinations, refused before any
		// is made.
		{Matrix{Workers: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, GOMAXPROCS: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
			GOGC:       []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"},
			GOMEMLIMIT: []string{"1MiB", "2MiB", "3MiB", "4MiB", "5MiB", "6MiB", "7MiB", "8MiB", "9MiB", "10MiB"}}, "more than 100000 combinations"},
	}
	for _, tc := range tests {
		if _, err := tc.matrix.Cells(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Cells(%+v) error = %v, want one containing %q", tc.matrix, err, tc.want)
		}
		var ae *AxisError
		if err := tc.matrix.Check(); tc.want != "no cells" && !strings.Contains(tc.want, "combinations") && !errors.As(err, &ae) {
			t.Errorf("Check(%+v) = %v, want an *AxisError", tc.matrix, err)
		}
	}
}

func TestReadMatrixIsStrict(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, []byte(`{"parsers":["std","sonic"],"strategies":["pool"],"gogc":["100","400"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ReadMatrix(good)
	if err != nil || !slices.Equal(m.Parsers, []string{"std", "sonic"}) || !slices.Equal(m.GOGC, []string{"100", "400"}) {
		t.Errorf("ReadMatrix(good) = %+v, %v", m, err)
	}
	for _, tc := range []struct {
		name, content string
		want          string // in the error, after the file's name
	}{
		{"typo.json", `{"parser":["std"]}`, `unknown field "parser"`},
		{"two.json", `{} {}`, "more than one JSON value"},
		{"array.json", `[]`, "cannot unmarshal array"},
		{"syntax.json", `{"parsers":`, "unexpected EOF"},
		// encoding/json keeps the last of two equal keys, and null means
		// "leave the default": both would silently change the matrix.
		{"dup.json", `{"parsers":["std"],"strategies":["pool"],"parsers":["sonic"]}`, `key "parsers" appears twice`},
		{"null.json", `null`, "the document is null"},
		{"nullkey.json", `{"parsers":["std"],"gogc":null}`, `key "gogc" is null`},
		{"nullitem.json", `{"workers":[1,null]}`, `key "workers", item 2 is null`},
		{"nullfilter.json", `{"filter":null}`, `key "filter" is null`},
		// Values are checked on reading, naming the key.
		{"badgogc.json", `{"gogc":["abc"]}`, `gogc: "abc": want off`},
		{"badparser.json", `{"parsers":["nope"]}`, `parsers: unknown parser "nope"`},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadMatrix(path); err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadMatrix(%s) error = %v, want %q after the file's name", tc.content, err, tc.want)
		}
	}
}

// fuzzMaxCells bounds the matrices FuzzReadMatrix expands: a matrix near
// MaxCombinations with a long filter (matched against every cell's name)
// takes tens of seconds to expand, and one such execution fails a
// fuzzing run as hung. TestMatrixErrors covers the refusal above
// MaxCombinations.
const fuzzMaxCells = 2000

// FuzzReadMatrix checks that any config file gives a matrix or an error
// naming the file, and that a matrix that reads expands without panicking
// (up to fuzzMaxCells combinations).
func FuzzReadMatrix(f *testing.F) {
	for _, s := range []string{
		`{"parsers":["std","sonic"],"strategies":["pool"],"gogc":["100","off"]}`,
		`{"workers":[1,2],"gomemlimit":["1GiB"],"build":["default","jsonv2+pgo"],"filter":"std"}`,
		`{"parser":["std"]}`, `[]`, `{} {}`, `{"read":["mmap"],"gomaxprocs":[1]}`,
		`null`, `{"gogc":null}`, `{"parsers":["std"],"parsers":["std"]}`, `{"workers":[null]}`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "matrix.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := ReadMatrix(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("ReadMatrix(%q) error %q does not name the file", data, err)
			}
			return
		}
		if d := m.withDefaults(); d.combinations(fuzzMaxCells) > fuzzMaxCells {
			return
		}
		cells, err := m.Cells()
		if err == nil && len(cells) == 0 {
			t.Fatalf("ReadMatrix(%q).Cells() = no cells and no error", data)
		}
	})
}
