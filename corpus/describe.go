package corpus

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
)

// Stats describes a corpus on disk: what `benchgrid describe` prints.
type Stats struct {
	Files int   // inputs
	Bytes int64 // their total size
	Dirs  int   // directories that hold at least one input
	// Input sizes in bytes at the 50th, 90th and 99th percentiles (nearest
	// rank) and the largest; all zero when there are no inputs.
	P50, P90, P99, Max int64
}

// Describe walks the corpus at dir (see Walk) and returns its Stats; a
// subdirectory it cannot read is an error.
func Describe(ctx context.Context, dir string) (Stats, error) {
	st, _, err := describe(ctx, dir, nil, IsJSON, false)
	return st, err
}

// DescribeSkipping is Describe that lists the corpus as a run does (see
// ListSkipping): a subdirectory it cannot read is skipped, and returned
// among the skipped, instead of failing. isInput selects the inputs by
// name (nil is IsJSON).
func DescribeSkipping(ctx context.Context, dir string, isInput func(name string) bool) (Stats, []Skipped, error) {
	if isInput == nil {
		isInput = IsJSON
	}
	return describe(ctx, dir, nil, isInput, true)
}

// describe lists dir, through fsys when it is not nil (tests).
func describe(ctx context.Context, dir string, fsys fs.FS, isInput func(string) bool, skipping bool) (Stats, []Skipped, error) {
	files, skipped, err := list(ctx, dir, fsys, isInput, skipping)
	if err != nil {
		return Stats{}, nil, err
	}
	return StatsOf(files), skipped, nil
}

// StatsOf computes the Stats of a list of inputs.
func StatsOf(files []File) Stats {
	st := Stats{Files: len(files)}
	sizes := make([]int64, len(files))
	dirs := map[string]bool{}
	for i, f := range files {
		st.Bytes += f.Size
		sizes[i] = f.Size
		dirs[filepath.Dir(f.Path)] = true
	}
	st.Dirs = len(dirs)
	slices.Sort(sizes)
	st.P50 = Percentile(sizes, 50)
	st.P90 = Percentile(sizes, 90)
	st.P99 = Percentile(sizes, 99)
	if n := len(sizes); n > 0 {
		st.Max = sizes[n-1]
	}
	return st
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest value with at least p% of the values at
// or below it. It returns 0 for no values.
func Percentile(sorted []int64, p int) int64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := (p*n + 99) / 100 // ⌈p·n/100⌉
	return sorted[min(max(rank, 1), n)-1]
}

// String renders s as a small aligned table, one figure a line:
//
//	files           20000
//	directories       100
//	bytes       104857600  100.0 MiB
//	size p50         3012    2.9 KiB
func (s Stats) String() string {
	rows := []struct {
		name  string
		n     int64
		bytes bool
	}{
		{"files", int64(s.Files), false},
		{"directories", int64(s.Dirs), false},
		{"bytes", s.Bytes, true},
		{"size p50", s.P50, true},
		{"size p90", s.P90, true},
		{"size p99", s.P99, true},
		{"size max", s.Max, true},
	}
	nw, hw := 0, 0
	for _, r := range rows {
		nw = max(nw, len(fmt.Sprint(r.n)))
		if r.bytes {
			hw = max(hw, len(FormatBytes(r.n)))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%-11s  %*d", r.name, nw, r.n)
		if r.bytes {
			fmt.Fprintf(&b, "  %*s", hw, FormatBytes(r.n))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// FormatBytes renders n bytes in binary units: "812 B", "3.4 KiB",
// "101.2 MiB".
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTP"[i])
}
