package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/perf/benchmath"
)

// sig formats v with about four significant digits and no exponent.
//
// It is not golang.org/x/perf/benchunit's Scale, checked against every
// value the reports' tests format: benchunit prints 0 as "0.000" (sig "0",
// in the golden files); scaling ns to seconds with benchunit.Tidy rounds
// some golden values the other way (1.2345e9 ns: "1.235 s", sig "1.234 s");
// and it prints other digits at the edges of a prefix: "10.00" for 9.9996
// (sig "10.000"), "1.000 µs" for 999.96 ns (sig "1000.0 ns"), "1020.0 KiB"
// (sig "1020 KiB"), "1.500 ks" past the largest unit (sig "1500 s") and
// four decimals below 1 ("0.5000", sig "0.500").
func sig(v float64) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	d := 3 - int(math.Floor(math.Log10(math.Abs(v))))
	d = max(0, min(d, 3))
	return strconv.FormatFloat(v, 'f', d, 64)
}

// fmtDur formats a duration given in nanoseconds.
func fmtDur(ns float64) string {
	a := math.Abs(ns)
	switch {
	case a >= 1e9:
		return sig(ns/1e9) + " s"
	case a >= 1e6:
		return sig(ns/1e6) + " ms"
	case a >= 1e3:
		return sig(ns/1e3) + " µs"
	}
	return sig(ns) + " ns"
}

// fmtBytes formats a byte count with binary prefixes, as benchstat does for B/op.
func fmtBytes(b float64) string {
	a := math.Abs(b)
	switch {
	case a >= 1<<30:
		return sig(b/(1<<30)) + " GiB"
	case a >= 1<<20:
		return sig(b/(1<<20)) + " MiB"
	case a >= 1<<10:
		return sig(b/(1<<10)) + " KiB"
	}
	return sig(b) + " B"
}

// fmtCount formats a count with decimal prefixes.
func fmtCount(n float64) string {
	a := math.Abs(n)
	switch {
	case a >= 1e9:
		return sig(n/1e9) + "G"
	case a >= 1e6:
		return sig(n/1e6) + "M"
	case a >= 1e3:
		return sig(n/1e3) + "k"
	case n == math.Trunc(n):
		return strconv.FormatFloat(n, 'f', 0, 64)
	}
	return sig(n)
}

// fmtRate formats a throughput in MB/s.
func fmtRate(mbps float64) string { return strconv.FormatFloat(mbps, 'f', 1, 64) }

// fmtRatio formats a ratio as a multiple.
func fmtRatio(r float64) string {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return "?"
	case r >= 10:
		return strconv.FormatFloat(r, 'f', 1, 64) + "×"
	case nearOne(r):
		// Near 1, a third decimal keeps a difference of a few tenths of
		// a percent, which paired comparisons resolve, from reading 1.00×.
		return strconv.FormatFloat(r, 'f', 3, 64) + "×"
	}
	return strconv.FormatFloat(r, 'f', 2, 64) + "×"
}

// nearOne reports whether fmtRatio gives r a third decimal.
func nearOne(r float64) bool { return r > 0.9 && r < 1.1 }

// fmtSpeed says how many times faster (ratio > 1) or slower a
// configuration is, given ratio = other's time / this one's time.
func fmtSpeed(ratio float64) string {
	if ratio >= 1 {
		return fmtRatio(ratio) + " faster"
	}
	return fmtRatio(1/ratio) + " slower"
}

// fmtInterval formats a ratio's confidence interval, or "n/a" when there
// is none.
func fmtInterval(iv interval) string {
	if !iv.ok {
		return "n/a"
	}
	lo, hi := fmtRatio(iv.lo), fmtRatio(iv.hi)
	if nearOne(iv.lo) != nearOne(iv.hi) { // one precision for both ends
		lo, hi = strconv.FormatFloat(iv.lo, 'f', 3, 64)+"×", strconv.FormatFloat(iv.hi, 'f', 3, 64)+"×"
	}
	return "[" + strings.TrimSuffix(lo, "×") + "–" + hi + "]"
}

// fmtP formats a comparison's p-value and sample sizes as benchstat does
// ("p=0.000 n=10", "p=0.008 n=5+4"), always with the p-value.
func fmtP(c benchmath.Comparison) string {
	n := strconv.Itoa(c.N1)
	if c.N1 != c.N2 {
		n = fmt.Sprintf("%d+%d", c.N1, c.N2)
	}
	return fmt.Sprintf("p=%.3f n=%s", c.P, n)
}

// fmtCI formats a summary's confidence interval as benchstat does: "± 3%",
// "± ∞" when the sample is too small to have one.
func fmtCI(s benchmath.Summary) string { return "± " + s.PctRangeString() }

// fmtDelta formats the relative change from old to new, or "~" when cmp is
// not significant at alpha.
func fmtDelta(cmp benchmath.Comparison, alpha, old, new float64) string {
	if !(cmp.P < alpha) {
		return "~"
	}
	if old == 0 {
		return "?"
	}
	return fmt.Sprintf("%+.2f%%", (new/old-1)*100)
}

// table is a markdown table under construction. Its cells are markdown
// (data in them escaped by text or code); the table escapes every "|" in
// them, which GitHub-flavoured markdown reads as a "|" of the cell's
// content, inside code spans too.
type table struct {
	head []string
	rows [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(b *strings.Builder) {
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" ")
			b.WriteString(strings.ReplaceAll(c, "|", `\|`))
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	row(t.head)
	sep := make([]string, len(t.head))
	for i := range sep {
		sep[i] = "---"
	}
	row(sep)
	for _, r := range t.rows {
		row(r)
	}
	b.WriteString("\n")
}
