package matrix

import (
	"slices"
	"strings"
	"testing"
	"time"

	"benchgrid/record"
)

// expand returns m's cells, failing t unless they are named want.
func expand(t *testing.T, m Matrix, want ...string) []Cell {
	t.Helper()
	if names := cellNames(t, m); !slices.Equal(names, want) {
		t.Fatalf("cells:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	cells, _ := m.Cells() // cellNames expanded it
	return cells
}

// TestReadersAxis: readers, added through the axis table alone, varies
// the pipeline's cells only, is named only where set, reaches the child's
// Config, and is recorded among the cell's axes.
func TestReadersAxis(t *testing.T) {
	m := Matrix{Parsers: []string{"std"}, Strategies: []string{"pool", "pipeline"}, Workers: []int{2}, Readers: []int{1, 4}}
	cells := expand(t, m,
		"parser=std/strategy=pool/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=pipeline/workers=2/read=readfile/readers=1/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=pipeline/workers=2/read=readfile/readers=4/gogc=100/gomemlimit=off/build=default",
	)
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
		w, err := Matrix{}.workload()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range a.defaults(w) {
			if err := a.check(w, d); err != nil {
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

// TestLatencyAxis: latency, added through the axis table alone, varies
// every strategy, is named only where set (a matrix without it names
// cells as before), spelled as time.Duration does ("0" for none), reaches
// the child's Config and is recorded among the cell's axes.
func TestLatencyAxis(t *testing.T) {
	m := Matrix{Parsers: []string{"std"}, Strategies: []string{"sequential", "pool"}, Workers: []int{2}, Latencies: []string{"0", "200us", "1000us"}}
	cells := expand(t, m,
		"parser=std/strategy=sequential/workers=1/read=readfile/latency=0/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=pool/workers=2/read=readfile/latency=0/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=sequential/workers=1/read=readfile/latency=200µs/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=pool/workers=2/read=readfile/latency=200µs/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=sequential/workers=1/read=readfile/latency=1ms/gogc=100/gomemlimit=off/build=default",
		"parser=std/strategy=pool/workers=2/read=readfile/latency=1ms/gogc=100/gomemlimit=off/build=default",
	)
	if got := cells[3].Config().Latency; got != 200*time.Microsecond {
		t.Errorf("Config().Latency = %v, want 200µs", got)
	}
	if got := cells[0].Config().Latency; got != 0 {
		t.Errorf("Config().Latency of latency=0 = %v, want 0", got)
	}
	axes := cells[5].RecordAxes()
	if i := slices.IndexFunc(axes, func(a record.AxisValue) bool { return a.Key == "latency" }); i < 0 || axes[i].Value != "1ms" {
		t.Errorf("RecordAxes = %v, want latency=1ms", axes)
	}
	if one := OneCell(cells[5]); !slices.Equal(one.Latencies, []string{"1ms"}) {
		t.Errorf("OneCell(latency=1ms).Latencies = %q, want [1ms]", one.Latencies)
	}

	plain := expand(t, Matrix{Parsers: []string{"std"}, Strategies: []string{"pool"}, Workers: []int{2}},
		"parser=std/strategy=pool/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default")
	if slices.ContainsFunc(plain[0].RecordAxes(), func(a record.AxisValue) bool { return a.Key == "latency" }) || plain[0].Config().Latency != 0 {
		t.Errorf("a cell without latency records or waits one: %v", plain[0].RecordAxes())
	}
	if len(OneCell(plain[0]).Latencies) != 0 {
		t.Errorf("OneCell of a cell without latency lists one")
	}

	// With the page cache too, the latency comes first.
	expand(t, Matrix{Parsers: []string{"std"}, Strategies: []string{"pool"}, Workers: []int{2}, Latencies: []string{"1ms"}, Cache: []string{"cold"}},
		"parser=std/strategy=pool/workers=2/read=readfile/latency=1ms/cache=cold/gogc=100/gomemlimit=off/build=default")

	for _, bad := range []string{"-1ms", "fast", "10"} {
		if _, err := (Matrix{Latencies: []string{bad}}).Cells(); err == nil || !strings.HasPrefix(err.Error(), "latency: ") {
			t.Errorf("latency %q: %v, want an error naming latency", bad, err)
		}
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
