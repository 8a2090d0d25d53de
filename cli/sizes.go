package cli

import (
	"context"
	"fmt"
	"io"

	"benchgrid/record"
	"benchgrid/reports"
)

// runSizes implements `benchgrid sizes [-tolerance 0.1] [-o FILE] RUN_DIR...`:
// it prints (or writes) sizes.md, how each cell's time grows across runs of
// the same cells on corpora of different sizes.
func runSizes(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sizes", stderr)
	tolerance := addFloat(fs, "tolerance", 0.10, "how far from their median each corpus's time per file may be for time to grow in proportion, a `fraction`", openUnit)
	out := fs.String("o", "", "write the markdown to `FILE` instead of stdout")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: benchgrid sizes [-tolerance 0.1] [-o FILE] RUN_DIR RUN_DIR...")
		fmt.Fprintln(stderr, "\nCompares runs of the same cells on corpora of different sizes: time per file and per MB, a fit of time against files and bytes, and whether time grows linearly.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 2 {
		return usagef("sizes: want at least two run folders, got %d arguments", fs.NArg())
	}
	md, err := reports.Sizes(ctx, fs.Args(), reports.SizesOptions{Tolerance: *tolerance})
	if err != nil {
		return err
	}
	if *out != "" {
		if err := record.WriteFileAtomic(*out, md); err != nil {
			return fmt.Errorf("sizes: %w", err)
		}
		return nil
	}
	_, err = stdout.Write(md)
	return err
}
