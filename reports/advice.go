package reports

import (
	"fmt"
	"slices"
	"strings"

	"benchgrid/benchstats"
)

// runtimeEnv maps the axes that a program sets through its environment
// to the variable: the Go settings of a recommendation.
var runtimeEnv = map[string]string{"gogc": "GOGC", "gomemlimit": "GOMEMLIMIT", "gomaxprocs": "GOMAXPROCS"}

// writeAdvice writes the Recommendations section, in the form of
// study.md's: the configuration, its Go settings, what to measure before
// trusting it, and the best of each regime.
func (a *analysis) writeAdvice(b *strings.Builder) {
	b.WriteString("## Recommendations\n\n")
	if a.best == nil {
		b.WriteString("None: no configuration produced a usable sample.\n\n")
		return
	}
	best := a.best
	b.WriteString("### The configuration\n\n")
	var settings []string
	for _, ax := range a.axes {
		if v := best.value(ax); v != "" && !slices.Contains(regimeAxes, ax.name) {
			settings = append(settings, ax.name+"="+v)
		}
	}
	fmt.Fprintf(b, "%s: %s, measured at %s %s (%s MB/s).", text(best.Name), text(strings.Join(settings, ", ")), fmtDur(best.median()), fmtCI(best.wallS), fmtRate(best.mbpsS.Center))
	if len(a.tied) > 0 {
		fmt.Fprintf(b, " Tied with it: %s; choose among them on what else matters to you (memory, simplicity).", a.tiedText())
	}
	b.WriteString("\n\n")

	b.WriteString("### Go settings\n\n")
	var env []string
	for _, ax := range a.axes {
		if name, ok := runtimeEnv[ax.name]; ok {
			if v := best.value(ax); v != "" {
				env = append(env, "export "+name+"="+v)
			}
		}
	}
	build := best.value(axis{"build"})
	if len(env) == 0 && (build == "" || build == "default") {
		b.WriteString("None: the run varied no runtime setting, and the configuration is a default build.\n\n")
	} else {
		if len(env) > 0 {
			writeFenced(b, "sh", "# the program's environment\n"+strings.Join(env, "\n")+"\n")
		}
		if build != "" && build != "default" {
			fmt.Fprintf(b, "Built as the %s variant (see the Environment section for its settings).\n\n", code("build="+build))
		}
	}

	b.WriteString("### Before trusting it\n\n")
	var todo []string
	if a.allLow {
		todo = append(todo, fmt.Sprintf("Measure again with at least %d samples per cell (%s, or %s): with %d the report tells nothing apart.",
			benchstats.MinSamples, code(fmt.Sprintf("-count %d", max(benchstats.MinSamples, 10))), code("-count auto"), a.best.n()))
	} else if len(a.unsure) > 0 {
		todo = append(todo, fmt.Sprintf("Get %d or more samples of the %d %s the report cannot tell from the best (%s): they may be as fast.",
			benchstats.MinSamples, len(a.unsure), cellsWord(len(a.unsure)), text(namesOf(a.unsure))))
	}
	if n := len(a.mismatched()); n > 0 {
		todo = append(todo, fmt.Sprintf("Mend or leave out the %d %s that computed a wrong answer (Appendix A): %s.", n, cellsWord(n), text(namesOf(a.mismatched()))))
	}
	if len(a.tied) > 0 && !a.allLow {
		closest := a.tied[0]
		t := a.pair(closest, best)
		todo = append(todo, fmt.Sprintf("To choose within the group of fastest, measure only its cells, longer: %s measured %s slower than %s, which needs %s to tell.",
			text(closest.Name), fmtPctf(t.Ratio-1), text(best.Name), a.needText(t)))
	}
	if busy := a.busyRounds(); busy > 0 {
		todo = append(todo, fmt.Sprintf("Measure on a quieter machine (or with %s): other processes used %.2f cores or more in %d of %d rounds.", code("-wait-idle"), busyOtherCPU, busy, len(a.run.Rounds)))
	}
	for _, f := range a.fits {
		if f.res != nil && f.res.Rising {
			todo = append(todo, fmt.Sprintf("Measure more workers for %s: its fitted throughput still rises at %d, the largest count measured.", text(a.shortKey(f.cells[0], workersAxis)), f.workers[len(f.workers)-1]))
		}
	}
	if !hasCPUProfile(best.Cell) {
		todo = append(todo, "Profile the configuration (the run took no CPU profile of it) to see where its time goes.")
	}
	if len(todo) == 0 {
		b.WriteString("Nothing in this run asks for more: the comparisons it makes have enough rounds, every answer was right and the machine was quiet.\n\n")
	} else {
		for _, s := range todo {
			fmt.Fprintf(b, "- %s\n", s)
		}
		b.WriteString("\n")
	}
	a.writeRecommendations(b)
}

// busyRounds counts the rounds around which other processes used
// busyOtherCPU cores or more.
func (a *analysis) busyRounds() int {
	n := 0
	for _, r := range a.run.Rounds {
		if max(r.OtherCPUBefore, r.OtherCPUDuring) >= busyOtherCPU {
			n++
		}
	}
	return n
}

// namesOf joins the cells' labels.
func namesOf(cs []*cellStat) string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

// writeMethod writes the notes on method: how the verdicts were reached.
func (a *analysis) writeMethod(b *strings.Builder) {
	b.WriteString("## Notes on method\n\n")
	n := a.countTests()
	fmt.Fprintf(b, "- **Paired by round.** Every round ran every cell once, in a shuffled order (seed %d), so the ratio of two cells' wall times within a round cancels the machine's drift from round to round. The summary's improvement, the ties, the findings, the factors, the failed optimizations and the %s × %s interaction come from these per-round ratios: their geometric mean, with a %.0f%% interval by percentile bootstrap over the rounds (%d resamples, seed %d), and a t-test of the log ratios. Rounds in which either cell has no sample are left out.\n",
		a.run.ShuffleSeed, text(a.versusNoun(0)), text(a.versusNoun(1)), 100*a.opts.Confidence, a.opts.Resamples, a.opts.Seed)
	fmt.Fprintf(b, "- **Many comparisons.** The report makes %d such comparisons; their p-values are adjusted together by Holm–Bonferroni, so the chance that any one of its \"faster\", \"slower\", \"larger\" or \"depends\" is false is at most α=%g. A comparison separates two cells when, from at least %d rounds, its adjusted p-value is below α and its interval excludes 1.\n",
		n, a.opts.Alpha, benchstats.MinSamples)
	fmt.Fprintf(b, "- **Ties.** Cells the evidence does not separate from the best are tied with it, as a group: the report names no winner among them, and calls a factor the largest, or a change failed, only when the evidence separates it.\n")
	fmt.Fprintf(b, "- **Too few samples.** Below %d rounds a comparison \"cannot tell\", whatever it measured, and says how many rounds would tell: the rounds a paired t-test needs to find the measured difference with 80%% power at the measured spread.\n", benchstats.MinSamples)
	fmt.Fprintf(b, "- **Benchstat's figures.** The Matrix and Comparisons tables are benchstat's (golang.org/x/perf/benchmath): unpaired medians, their %.0f%% intervals and Mann-Whitney U p-values, not adjusted, so that they match %s on bench.txt.\n",
		100*a.opts.Confidence, code("go tool benchstat"))
	fmt.Fprintf(b, "- **Exports.** Beside this report: %s (one row per cell), %s (one row per sample) and %s (github-action-benchmark's customSmallerIsBetter form, the median wall time of each cell).\n\n",
		code(MatrixCSV), code(SamplesCSV), code(BenchmarkActionJSON))
}

// versusNoun names the i-th axis of the roles' comparisons.
func (a *analysis) versusNoun(i int) string {
	if i < len(a.roles.Versus) {
		return axis{a.roles.Versus[i].Key}.noun()
	}
	return "?"
}
