package harness

import (
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
		{Matrix{Workers: []int{-1}}, "workers -1"},
		{Matrix{GOGC: []string{"abc"}}, `gogc "abc"`},
		{Matrix{GOGC: []string{"-5"}}, `gogc "-5"`},
		{Matrix{GOMEMLIMIT: []string{"1GB"}}, `gomemlimit "1GB"`},
		{Matrix{Builds: []string{"jsonv3"}}, `unknown build variant "jsonv3"`},
		{Matrix{Filter: "("}, "filter"},
		{Matrix{Filter: "matches-nothing"}, "no cells"},
	}
	for _, tc := range tests {
		if _, err := tc.matrix.Cells(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Cells(%+v) error = %v, want one containing %q", tc.matrix, err, tc.want)
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
	for name, content := range map[string]string{
		"typo.json":  `{"parser":["std"]}`,
		"two.json":   `{} {}`,
		"array.json": `[]`,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadMatrix(path); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("ReadMatrix(%s) error = %v, want one naming the file", content, err)
		}
	}
}

// FuzzReadMatrix checks that any config file gives a matrix or an error
// naming the file, and that a matrix that reads expands without panicking.
func FuzzReadMatrix(f *testing.F) {
	for _, s := range []string{
		`{"parsers":["std","sonic"],"strategies":["pool"],"gogc":["100","off"]}`,
		`{"workers":[1,2],"gomemlimit":["1GiB"],"build":["default","jsonv2+pgo"],"filter":"std"}`,
		`{"parser":["std"]}`, `[]`, `{} {}`, `{"read":["mmap"],"gomaxprocs":[1]}`,
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
		cells, err := m.Cells()
		if err == nil && len(cells) == 0 {
			t.Fatalf("ReadMatrix(%q).Cells() = no cells and no error", data)
		}
	})
}
