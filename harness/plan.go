package harness

import (
	"fmt"
	"time"

	"benchgrid/parsers"
	"benchgrid/record"
)

// MinCountForCI is the smallest count for which benchstat can give a 95%
// confidence interval.
const MinCountForCI = 6

// Plan is what a run would do: its cells and an estimate of its length.
type Plan struct {
	Cells       []Cell
	Unavailable []record.Unavailable
	Samples     int
	Estimate    time.Duration
}

// MakePlan expands the matrix and drops the cells that cannot run here,
// saying why.
//
// Parsers are checked in this process for the default build; a cell of
// another build variant is checked when that variant is built (see
// Builder), since a variant may have adapters this binary lacks.
func MakePlan(opts Options, corpusBytes int64) (Plan, error) {
	cells := opts.Cells
	if len(cells) == 0 {
		var err error
		if cells, err = opts.Matrix.Cells(); err != nil {
			return Plan{}, err
		}
	}
	var plan Plan
	availability := ParserAvailability()
	reported := map[string]bool{}
	for _, c := range cells {
		if !isDefaultBuild(c.Build) {
			plan.Cells = append(plan.Cells, c)
			continue
		}
		reason, known := availability[c.Parser]
		if !known {
			return Plan{}, fmt.Errorf("unknown parser %q (have %v)", c.Parser, parsers.Names())
		}
		if reason != "" {
			if !reported[c.Parser] {
				reported[c.Parser] = true
				plan.Unavailable = append(plan.Unavailable, record.Unavailable{What: "parser=" + c.Parser, Reason: reason})
			}
			continue
		}
		plan.Cells = append(plan.Cells, c)
	}
	count := max(opts.Count, 1)
	plan.Samples = len(plan.Cells) * count
	// A rough model: process start, walk and warm-up, then a pass at a
	// conservative 100 MB/s; profiling gathers ProfileMinCPU per cell.
	perSample := 150*time.Millisecond + time.Duration(float64(corpusBytes)/100e6*float64(time.Second))
	plan.Estimate = time.Duration(plan.Samples) * perSample
	if len(opts.Profiles) > 0 {
		plan.Estimate += time.Duration(len(plan.Cells)) * (opts.profileMinCPU()/2 + perSample)
	}
	return plan, nil
}
