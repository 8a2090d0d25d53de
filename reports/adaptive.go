package reports

import (
	"fmt"
	"strings"
	"time"

	"benchgrid/record"
)

// asked is how many samples c was meant to get: the run's count, or, in an
// adaptive run, the rounds it ran in (a cell stopped early asked no more).
func (c *cellStat) asked(run *record.Run) int {
	if run.Adaptive != nil {
		return c.Rounds
	}
	return run.Count
}

// adaptiveStops says how an adaptive run's cells stopped: "target ±3%,
// 4 cells target reached, 2 cells budget".
func adaptiveStops(run *record.Run) string {
	parts := []string{"target ±" + fmtPct(run.Adaptive.TargetCI)}
	for _, reason := range record.StopReasons {
		n := 0
		for _, c := range run.Cells {
			if c.Stopped == reason {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d cells %s", n, reason))
		}
	}
	return strings.Join(parts, ", ")
}

// budget is the adaptive run's budget for its rounds.
func budget(a *record.Adaptive) time.Duration { return time.Duration(a.BudgetNs) }
