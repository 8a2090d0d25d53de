package matrix

import (
	"slices"
	"strings"
	"testing"

	"benchgrid/record"
)

// TestReadersAxis: readers, added through the axis table alone, varies
// the pipeline's cells only, is named only where set, reaches the child's
// Config, and is recorded among the cell's axes.
func TestReadersAxis(t *testing.T) {
	m := Matrix{Parsers: []string{"std"}, Strategies: []string{"pool", "pipeline"}, Workers: []int{2}, Readers: []int{1, 4}}
	cells, err := m.Cells()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cells {
		names = append(names, c.Name())
	}
	want := []string{
		"parser=std/strategy=pool/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=pipeline/workers=2/read=readfile/readers=1/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=pipeline/workers=2/read=readfile/readers=4/gogc=100/gomemlimit=off/build=default",
	}
	if !slices.Equal(names, want) {
		t.Fatalf("cells:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	if got := cells[2].Config().Readers; got != 4 {
		t.Errorf("Config().Readers = %d, want 4", got)
	}
	axes := cells[2].RecordAxes()
	if i := slices.IndexFunc(axes, func(a record.AxisValue) bool { return a.Key == "readers" }); i < 0 || axes[i].Value != "4" {
		t.Errorf("RecordAxes = %v, want readers=4", axes)
	}
	if slices.ContainsFunc(cells[0].RecordAxes(), func(a record.AxisValue) bool { return a.Key == "readers" }) {
		t.Errorf("a pool cell records readers: %v", cells[0].RecordAxes())
	}
	if _, err := (Matrix{Readers: []int{-1}}).Cells(); err == nil || !strings.Contains(err.Error(), "readers") {
		t.Errorf("negative readers: %v, want an error naming readers", err)
	}
}

// TestAxesTable: every axis has what the matrix, the flags, the config
// file and the record need, and the names are unique.
func TestAxesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range Axes {
		for _, name := range []string{"key " + a.Key, "flag " + a.Flag, "config " + a.ConfigKey} {
			if seen[name] {
				t.Errorf("%s appears twice", name)
			}
			seen[name] = true
		}
		if a.Key == "" || a.Flag == "" || a.ConfigKey == "" || a.Usage == "" || a.values == nil || a.setValues == nil ||
			a.defaults == nil || a.check == nil || a.set == nil || a.label == nil || a.value == nil {
			t.Errorf("axis %q is incomplete", a.Key)
		}
		for _, d := range a.defaults() {
			if err := a.check(d); err != nil {
				t.Errorf("axis %s: default %q does not check: %v", a.Key, d, err)
			}
		}
	}
	for _, key := range expansionOrder {
		if _, ok := AxisByKey(key); !ok {
			t.Errorf("expansion order names unknown axis %q", key)
		}
	}
	if len(expansionOrder) != len(Axes) {
		t.Errorf("expansion order has %d axes, the table %d", len(expansionOrder), len(Axes))
	}
}

// TestCacheAxis: cache, added through the axis table alone, names its
// cells cache=warm and cache=cold right after the I/O axes, leaves the
// names of a matrix that does not set it as they were, and is recorded,
// checked and kept in a one-cell matrix.
func TestCacheAxis(t *testing.T) {
	base := Matrix{Parsers: []string{"std"}, Strategies: []string{"pool"}, Workers: []int{2}}
	tests := []struct {
		cache []string
		want  []string
	}{
		{nil, []string{"parser=std/strategy=pool/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default"}},
		{[]string{"warm", "cold"}, []string{
			"parser=std/strategy=pool/workers=2/read=readfile/cache=warm/gogc=100/gomemlimit=off/build=default",
			"parser=std/strategy=pool/workers=2/read=readfile/cache=cold/gogc=100/gomemlimit=off/build=default",
		}},
	}
	for _, tc := range tests {
		m := base
		m.Cache = tc.cache
		if names := cellNames(t, m); !slices.Equal(names, tc.want) {
			t.Errorf("Cells(cache %q) =\n%s\nwant\n%s", tc.cache, strings.Join(names, "\n"), strings.Join(tc.want, "\n"))
		}
	}
	cold := Cell{Parser: "std", Strategy: "pool", Cache: "cold"}
	if v, ok := record.Value(cold.RecordAxes(), "cache"); !ok || v != "cold" {
		t.Errorf("RecordAxes of a cold cell = %v, want cache=cold", cold.RecordAxes())
	}
	if one := OneCell(cold); !slices.Equal(one.Cache, []string{"cold"}) {
		t.Errorf("OneCell(cold).Cache = %q, want [cold]", one.Cache)
	}
	if slices.ContainsFunc((Cell{Parser: "std"}).RecordAxes(), func(a record.AxisValue) bool { return a.Key == "cache" }) {
		t.Errorf("a cell without cache records it")
	}
	if _, err := (Matrix{Cache: []string{"tepid"}}).Cells(); err == nil || !strings.Contains(err.Error(), `cache: unknown cache mode "tepid"`) {
		t.Errorf("cache tepid: %v, want an error naming cache", err)
	}
}

// cellNames returns the names of m's cells.
func cellNames(t *testing.T, m Matrix) []string {
	t.Helper()
	cells, err := m.Cells()
	if err != nil {
		t.Fatalf("Cells(%+v): %v", m, err)
	}
	var names []string
	for _, c := range cells {
		names = append(names, c.Name())
	}
	return names
}
