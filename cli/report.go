package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"benchgrid/benchstats"
	"benchgrid/record"
	"benchgrid/reports"
)

// defaultRunDir is the run folder report reads when given none.
var defaultRunDir = filepath.Join("results", "latest")

// runReport implements `benchgrid report [RUN_DIR]`: it writes RUN_DIR's
// report.md and charts, and prints the report's path on stdout.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: benchgrid report [RUN_DIR]\n\nWrites RUN_DIR/%s and its charts from RUN_DIR/%s (default RUN_DIR %s).\n",
			record.ReportFile, record.ResultsFile, defaultRunDir)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("report: want at most one run folder, got %d arguments", fs.NArg())
	}
	dir := defaultRunDir
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	if err := reports.Write(ctx, dir, reports.Options{}); err != nil {
		return err
	}
	_, err := fmt.Fprintln(stdout, filepath.Join(dir, record.ReportFile))
	return err
}

// runCompare implements `benchgrid compare [-threshold T] [-alpha A]
// [-normalize N] [-o FILE] OLD NEW`: it prints (or writes) the comparison and fails, naming them,
// when cells regressed.
func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compare", stderr)
	// A threshold of 0 would mean reports' default, 0.05: hence > 0.
	threshold := addFloat(fs, "threshold", 0.05, "relative slowdown of the median wall time that counts as a regression, a `fraction`", positive)
	alpha := addFloat(fs, "alpha", benchstats.DefaultCriteria.Alpha, "significance `level`", openUnit)
	out := fs.String("o", "", "write the markdown to `FILE` instead of stdout")
	normalize := reports.NormalizeGeomean
	var names []string
	for _, n := range reports.Normalizations {
		names = append(names, string(n))
	}
	fs.Func("normalize", "drift correction, each cell relative to an anchor in its own run: "+strings.Join(names, ", ")+" (default "+string(normalize)+")", func(s string) error {
		if !slices.Contains(reports.Normalizations, reports.Normalization(s)) {
			return fmt.Errorf("want one of %s", strings.Join(names, ", "))
		}
		normalize = reports.Normalization(s)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: benchgrid compare [-threshold 0.05] [-alpha %g] [-normalize geomean|floor|none] [-o FILE] OLD NEW\n", benchstats.DefaultCriteria.Alpha)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("compare: want two run folders, OLD and NEW, got %d arguments", fs.NArg())
	}
	md, regressed, err := reports.Compare(ctx, fs.Arg(0), fs.Arg(1), reports.CompareOptions{Threshold: *threshold, Normalize: normalize, Criteria: benchstats.Criteria{Alpha: *alpha}})
	if err != nil {
		return err
	}
	if *out != "" {
		if err := record.WriteFileAtomic(*out, md); err != nil {
			return fmt.Errorf("compare: %w", err)
		}
	} else if _, err := stdout.Write(md); err != nil {
		return err
	}
	if len(regressed) > 0 {
		return fmt.Errorf("%d cell(s) regressed: %s", len(regressed), strings.Join(regressed, ", "))
	}
	return nil
}
