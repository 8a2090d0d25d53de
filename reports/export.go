package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// File names of the exports Write puts beside report.md.
const (
	// MatrixCSV has one row per cell: its axes, n, the median wall time
	// and its confidence interval, and the medians of CPU time, B/op,
	// allocs/op, GC cycles and peak RSS.
	MatrixCSV = "matrix.csv"
	// SamplesCSV has one row per sample: the cell, its axes, the round
	// and everything the sample measured.
	SamplesCSV = "samples.csv"
	// BenchmarkActionJSON is the cells' median wall times in
	// github-action-benchmark's customSmallerIsBetter form, for a CI to
	// chart their history.
	BenchmarkActionJSON = "benchmark-action.json"
)

// An export is a file written beside the report.
type export struct {
	file string
	data []byte
}

// exports renders the three exports of a's run. Cells are named by their
// full benchmark names (record.Cell.FullName, as bench.txt names them), in
// results.json's order, and their axes are columns, in the run's order.
func (a *analysis) exports() ([]export, error) {
	m, err := a.matrixCSV()
	if err != nil {
		return nil, err
	}
	s, err := a.samplesCSV()
	if err != nil {
		return nil, err
	}
	j, err := a.benchmarkActionJSON()
	if err != nil {
		return nil, err
	}
	return []export{{MatrixCSV, m}, {SamplesCSV, s}, {BenchmarkActionJSON, j}}, nil
}

// axisKeys are the run's axes, as CSV column names.
func (a *analysis) axisKeys() []string {
	var keys []string
	for _, ax := range a.axes {
		keys = append(keys, ax.name)
	}
	return keys
}

func (a *analysis) axisValues(c *cellStat) []string {
	var vs []string
	for _, ax := range a.axes {
		vs = append(vs, c.value(ax))
	}
	return vs
}

// num formats a float for CSV: integral values without a fraction, NaN
// and infinities empty.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', 8, 64)
}

func writeCSV(name string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// matrixCSV is one row per cell. The interval is benchstat's of the
// median (empty when there is none, below six samples).
func (a *analysis) matrixCSV() ([]byte, error) {
	head := append([]string{"name"}, a.axisKeys()...)
	head = append(head, "n", "failures", "mismatch", "median_wall_ns", "ci_lo_ns", "ci_hi_ns", "mb_per_s",
		"cpu_ns", "alloc_bytes", "allocs", "gc_cycles", "peak_rss_bytes")
	rows := [][]string{head}
	for _, c := range a.cells {
		row := append([]string{c.FullName()}, a.axisValues(c)...)
		row = append(row, strconv.Itoa(c.n()), strconv.Itoa(len(c.Failures)), strconv.FormatBool(c.mismatch))
		if !c.hasSamples() {
			row = append(row, "", "", "", "", "", "", "", "", "")
		} else {
			row = append(row, num(c.median()), num(c.wallS.Lo), num(c.wallS.Hi), num(c.mbpsS.Center),
				num(c.cpu), num(c.allocB), num(c.allocN), num(c.gc), num(c.rss))
		}
		rows = append(rows, row)
	}
	return writeCSV(MatrixCSV, rows)
}

// samplesCSV is one row per sample, in each cell's order.
func (a *analysis) samplesCSV() ([]byte, error) {
	head := append([]string{"name"}, a.axisKeys()...)
	head = append(head, "round", "wall_ns", "user_ns", "sys_ns", "alloc_bytes", "allocs", "gc_cycles", "gc_pause_ns",
		"peak_rss_bytes", "files", "bytes", "resident")
	rows := [][]string{head}
	for _, c := range a.cells {
		for _, s := range c.Samples {
			row := append([]string{c.FullName()}, a.axisValues(c)...)
			for _, v := range []int64{int64(s.Round), s.WallNs, s.UserNs, s.SysNs, s.AllocBytes, s.AllocObjects, s.GCCycles, s.GCPauseNs, s.PeakRSS, s.Files, s.Bytes} {
				row = append(row, strconv.FormatInt(v, 10))
			}
			rows = append(rows, append(row, num(s.Resident)))
		}
	}
	return writeCSV(SamplesCSV, rows)
}

// A benchmarkActionEntry is one entry of github-action-benchmark's
// customSmallerIsBetter input.
type benchmarkActionEntry struct {
	Name  string  `json:"name"`
	Unit  string  `json:"unit"`
	Value float64 `json:"value"`
	Range string  `json:"range,omitempty"`
	Extra string  `json:"extra,omitempty"`
}

// benchmarkActionJSON is the median wall time of every cell with samples,
// in nanoseconds, its range the half-width of benchstat's interval, and
// extra the sample count and the other medians.
func (a *analysis) benchmarkActionJSON() ([]byte, error) {
	entries := []benchmarkActionEntry{}
	for _, c := range a.cells {
		if !c.hasSamples() {
			continue
		}
		e := benchmarkActionEntry{Name: "BenchmarkEvents/" + c.FullName(), Unit: "ns/op", Value: c.median()}
		if lo, hi := c.wallS.Lo, c.wallS.Hi; !math.IsInf(lo, 0) && !math.IsInf(hi, 0) && !math.IsNaN(lo) && !math.IsNaN(hi) {
			e.Range = "± " + num(math.Round(max(hi-c.median(), c.median()-lo)))
		}
		e.Extra = fmt.Sprintf("n=%d\nMB/s=%s\nB/op=%s\nallocs/op=%s\nGC cycles=%s", c.n(), fmtRate(c.mbpsS.Center), num(c.allocB), num(c.allocN), num(c.gc))
		if c.mismatch {
			e.Extra += "\nMISMATCH: computed a wrong answer"
		}
		entries = append(entries, e)
	}
	data, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", BenchmarkActionJSON, err)
	}
	return append(data, '\n'), nil
}
