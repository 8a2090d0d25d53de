package reports

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"benchgrid/benchstats"
	"benchgrid/record"
)

// WriteStudy reads studyDir's study.json and writes studyDir/study.md: the
// optimization summary of a `benchgrid study`, in the form of the Rust
// study benchgrid grew out of — original against optimized time, the
// changes in the order they were taken, which kind of knob mattered, the
// failed optimizations with their measured cost, and a ready-to-use preset.
// It needs nothing but study.json.
func WriteStudy(ctx context.Context, studyDir string) error {
	st, err := record.ReadStudy(studyDir)
	if err != nil {
		return fmt.Errorf("study report: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	md := buildStudy(st)
	if err := record.WriteFileAtomic(filepath.Join(studyDir, record.StudyReportFile), md); err != nil {
		return fmt.Errorf("study report: %w", err)
	}
	return nil
}

// classOrder lists the knob classes in the order the report names them.
var classOrder = []string{"parser", "strategy", "io", "gc", "build"}

var classTitle = map[string]string{
	"parser": "Parser", "strategy": "Strategy", "io": "I/O", "gc": "GC", "build": "Build",
}

// buildStudy renders study.md.
func buildStudy(st *record.Study) []byte {
	var b strings.Builder
	b.WriteString("# Optimization study: from the naive program to the best\n\n")
	fmt.Fprintf(&b, "Study started %s", st.Started.UTC().Format("2006-01-02 15:04:05 MST"))
	if !st.Finished.IsZero() {
		fmt.Fprintf(&b, ", finished %s", st.Finished.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	fmt.Fprintf(&b, "; corpus %s (%d files, %s); %d samples per configuration in each step; %s/%s, %s, %d CPUs, %s.",
		code(st.Corpus.Path), st.Corpus.Files, fmtBytes(float64(st.Corpus.Bytes)), st.Count,
		text(st.Env.GOOS), text(st.Env.GOARCH), text(cmpOr(st.Env.CPU, "unknown CPU")), st.Env.NumCPU, text(st.Env.GoVersion))
	if !st.Complete {
		b.WriteString(" **The study is incomplete**: it was interrupted or failed; what follows covers what was measured, and its final configuration is the best found so far.")
	}
	b.WriteString("\n\n")
	writeStudyResults(&b, st)
	writeStudyFindings(&b, st)
	writeStudyRecommendations(&b, st)
	writeStudySteps(&b, st)
	writeStudyConclusion(&b, st)
	return []byte(b.String())
}

func writeStudyResults(b *strings.Builder, st *record.Study) {
	b.WriteString("## Overall Results\n\n")
	fmt.Fprintf(b, "Forward selection from the naive program (%s): every candidate change was measured alone against it, interleaved; the one with the largest significant gain was adopted (benchstat's Mann-Whitney U test at α=%g, and at least %s faster by median); every remaining candidate was measured again on top of it, a candidate on an axis already changed switching that axis; and so on until nothing helped. PGO was tried last, on the final configuration.\n\n",
		configText(st.Baseline), st.Alpha, fmtPct(st.MinGain))

	b.WriteString("### Performance Comparison\n\n")
	r := st.Result
	if r == nil {
		b.WriteString("No result: the study stopped before it measured the naive program.\n\n")
	} else {
		t := table{head: []string{"Program", "Original Time", "Optimized Time", "Improvement", "Key Optimizations"}}
		keys := strings.Join(st.Adopted, " + ")
		if keys == "" {
			keys = "none: nothing beat the naive program"
		}
		t.add("events workload", fmtDur(r.Before.MedianNs), "**"+fmtDur(r.After.MedianNs)+"**", factorText(st, r), text(keys))
		t.write(b)
		if r.Interleaved {
			fmt.Fprintf(b, "Original and optimized were measured side by side in the final step (run %s): the improvement is the original median over the optimized median, with its %.0f%% confidence interval (percentile bootstrap of the ratio of medians, %d resamples, seed %d) and the Mann-Whitney U p-value.\n\n",
				code(r.Run), 100*st.Confidence, st.Resamples, st.Seed)
		} else {
			b.WriteString("The final step did not run, so the improvement is an estimate: the product of the adopted changes' speedups, each measured side by side with the configuration it was tried on; there is no interval.\n\n")
		}
	}

	b.WriteString("### The path, one change at a time\n\n")
	t := table{head: []string{"Step", "Configuration", "Median time", "Change taken", "Time ratio [" + ciLabel(st) + "]", "p", "Speedup"}}
	for _, s := range st.Steps {
		name := strconv.Itoa(s.Index)
		if s.Kind == record.StepFinal {
			name = "final (PGO)"
		}
		if !s.Complete {
			name += " (incomplete)"
		}
		taken, ratio, p, so := "—", "", "", ""
		for _, tr := range s.Trials {
			switch {
			case tr.Adopted:
				taken, ratio, p, so = "**"+text(tr.Change)+"**", ratioText(tr), fmtPValue(tr.P), fmtSpeed(1/tr.Ratio)
			case s.Kind == record.StepFinal:
				taken = "— (" + text(tr.Change) + ": " + outcomeText(tr) + ")"
				if tr.Figures.N > 0 {
					ratio, p = ratioText(tr), fmtPValue(tr.P)
				}
			}
		}
		t.add(name, configText(s.Config), figText(s.Current), taken, ratio, p, so)
	}
	t.write(b)
	b.WriteString("Time ratio: the median wall time with the change over the configuration's without it, measured side by side in the step's run (below 1 is faster). Each step's figures come from its own run, so medians of different steps compare only roughly; the improvement above is measured side by side.\n\n")

	if r != nil {
		b.WriteString("### Final Benchmark: Optimized Configuration\n\n")
		t := table{head: []string{"Configuration", "Median time", "Throughput", "Notes"}}
		t.add("Original", figText(r.Before), fmtRate(mbps(st, r.Before.MedianNs))+" MB/s", text(r.Original.Name))
		note := text(r.Optimized.Name)
		if r.Interleaved && r.Factor > 0 {
			note += fmt.Sprintf("; %.0f%% less time than the original", 100*(1-1/r.Factor))
		}
		t.add("**Optimized**", "**"+figText(r.After)+"**", "**"+fmtRate(mbps(st, r.After.MedianNs))+" MB/s**", note)
		t.write(b)
	}
}

// factorText is the improvement cell: "**3.44× faster** [3.40–3.48×]
// (p=0.000 n=10)".
func factorText(st *record.Study, r *record.StudyResult) string {
	if r.Factor <= 0 {
		return "?"
	}
	s := "**" + fmtSpeed(r.Factor) + "**"
	if r.Lo > 0 && r.Hi > 0 {
		s += " " + fmtInterval(interval{r.Lo, r.Hi, true})
	}
	if r.Interleaved {
		s += fmt.Sprintf(" (p=%.3f n=%d)", r.P, r.After.N)
		if !(r.P < st.Alpha) {
			s = "~ " + s
		}
	} else {
		s += " (estimate)"
	}
	return s
}

// A classGain is what one kind of knob did in the study.
type classGain struct {
	class     string
	adopted   []record.StudyTrial // the adopted changes of the class
	steps     []string            // where each was adopted
	gain      float64             // the product of their speedups
	alone     *record.StudyTrial  // the best significant gain alone, step 1
	aloneSame bool                // tried alone, never significantly faster
}

func classGains(st *record.Study) []classGain {
	var out []classGain
	for _, class := range classOrder {
		g := classGain{class: class, gain: 1}
		for _, s := range st.Steps {
			for _, tr := range s.Trials {
				if tr.Class != class {
					continue
				}
				if tr.Adopted {
					g.adopted = append(g.adopted, tr)
					g.steps = append(g.steps, stepName(s))
					g.gain /= tr.Ratio
				}
				if s.Index == 1 && s.Kind == record.StepSelection && tr.Status != record.TrialUnavailable && tr.Status != record.TrialSkipped {
					if tr.Status == record.TrialFaster {
						if g.alone == nil || tr.Ratio < g.alone.Ratio {
							g.alone = &tr
						}
					} else {
						g.aloneSame = true
					}
				}
			}
		}
		out = append(out, g)
	}
	slices.SortStableFunc(out, func(x, y classGain) int {
		return cmp.Or(cmp.Compare(y.gain, x.gain), cmp.Compare(aloneGain(y), aloneGain(x)))
	})
	return out
}

func aloneGain(g classGain) float64 {
	if g.alone == nil {
		return 1
	}
	return 1 / g.alone.Ratio
}

func stepName(s record.StudyStep) string {
	if s.Kind == record.StepFinal {
		return "the final step"
	}
	return "step " + strconv.Itoa(s.Index)
}

func writeStudyFindings(b *strings.Builder, st *record.Study) {
	b.WriteString("## Key Findings\n\n")
	b.WriteString("### 1. Which kind of knob mattered most\n\n")
	gains := classGains(st)
	if len(gains) > 0 && gains[0].gain > 1 {
		g := gains[0]
		var names []string
		for _, a := range g.adopted {
			names = append(names, text(a.Change))
		}
		fmt.Fprintf(b, "**%s** mattered most: %s made the program %s (%s).\n\n",
			classTitle[g.class], strings.Join(names, " then "), fmtSpeed(g.gain), strings.Join(g.steps, ", "))
	} else {
		b.WriteString("No kind of knob made a significant difference: the naive program stands.\n\n")
	}
	t := table{head: []string{"Knob", "Adopted", "Speedup when adopted", "Best alone vs the naive program"}}
	for _, g := range gains {
		adopted, gain := "—", "—"
		if len(g.adopted) > 0 {
			var parts []string
			for i, a := range g.adopted {
				parts = append(parts, text(a.Change)+" ("+g.steps[i]+")")
			}
			adopted, gain = strings.Join(parts, ", "), fmtSpeed(g.gain)
		}
		alone := "not tried"
		switch {
		case g.alone != nil:
			alone = text(g.alone.Change) + ": " + fmtSpeed(1/g.alone.Ratio)
		case g.aloneSame:
			alone = "~ (no change significantly faster)"
		}
		t.add(classTitle[g.class], adopted, gain, alone)
	}
	t.write(b)

	b.WriteString("### 2. Helped alone, not in combination\n\n")
	var notCombined []string
	for _, tr := range notInCombination(st) {
		last, ls := lastTrial(st, tr.Change)
		verdict := "~ (" + fmtRatio(last.Ratio) + " of the time, " + fmtPValue(last.P) + ")"
		if last.Status == record.TrialSlower {
			verdict = fmtSpeed(1/last.Ratio) + " (" + fmtPValue(last.P) + ")"
		}
		notCombined = append(notCombined, fmt.Sprintf("- %s: %s alone on the naive program, but %s on %s (%s).",
			text(tr.Change), fmtSpeed(1/tr.Ratio), verdict, configText(ls.Config), stepName(*ls)))
	}
	if len(notCombined) == 0 {
		b.WriteString("None: every change that helped alone was adopted, was an alternative to an adopted change, or still helped at the end.\n\n")
	} else {
		b.WriteString("Changes significantly faster than the naive program on their own that no longer helped once other changes were adopted (as measured the last time they were tried; alternatives to an adopted change on the same axis, such as another parser, are not listed: see the failed optimizations):\n\n")
		b.WriteString(strings.Join(notCombined, "\n") + "\n\n")
	}

	b.WriteString("### 3. Failed Optimizations\n\n")
	type failure struct {
		change string
		where  []string
		first  record.StudyTrial
		worst  float64
	}
	var fails []*failure
	byChange := map[string]*failure{}
	var broken []string
	for _, s := range st.Steps {
		for _, tr := range s.Trials {
			switch tr.Status {
			case record.TrialSlower:
				f := byChange[tr.Change]
				if f == nil {
					f = &failure{change: tr.Change, first: tr}
					byChange[tr.Change] = f
					fails = append(fails, f)
				}
				f.where = append(f.where, fmt.Sprintf("%s at %s", fmtRatio(tr.Ratio), stepName(s)))
				f.worst = max(f.worst, tr.Ratio)
			case record.TrialFailed:
				broken = append(broken, fmt.Sprintf("- %s on %s (%s): %s.", text(tr.Change), configText(s.Config), stepName(s), text(tr.Reason)))
			}
		}
	}
	if len(fails) == 0 {
		b.WriteString("None: no change was significantly slower than the configuration it was tried on.\n\n")
	} else {
		b.WriteString("Changes significantly slower than the configuration they were tried on (time ratio above 1, p < α), with their measured cost:\n\n")
		t := table{head: []string{"Change", "First cost [" + ciLabel(st) + "]", "p", "Cost at each step tried"}}
		for _, f := range fails {
			t.add(text(f.change), ratioText(f.first)+" ("+fmtSpeed(1/f.first.Ratio)+")", fmtPValue(f.first.P), strings.Join(f.where, "; "))
		}
		t.write(b)
	}
	if len(broken) > 0 {
		b.WriteString("Candidates whose samples failed (never adopted, whatever their speed):\n\n")
		b.WriteString(strings.Join(broken, "\n") + "\n\n")
	}

	if len(st.Unavailable)+len(st.Skipped) > 0 {
		b.WriteString("### 4. Not measured\n\n")
		for _, u := range st.Unavailable {
			fmt.Fprintf(b, "- %s could not run here: %s.\n", text(u.What), text(u.Reason))
		}
		for _, u := range st.Skipped {
			fmt.Fprintf(b, "- %s was not tried: %s.\n", text(u.What), text(u.Reason))
		}
		b.WriteString("\n")
	}
}

// notInCombination returns the step-1 trials that were significantly
// faster alone, were not adopted, set no axis an adopted change set, and
// were not faster the last time they were tried.
func notInCombination(st *record.Study) []record.StudyTrial {
	adoptedAxes := map[string]bool{}
	for _, name := range st.Adopted {
		for _, a := range changeAxes(st, name) {
			adoptedAxes[a] = true
		}
	}
	var out []record.StudyTrial
	for _, tr := range firstSelection(st) {
		if tr.Status != record.TrialFaster || tr.Adopted || slices.ContainsFunc(changeAxes(st, tr.Change), func(a string) bool { return adoptedAxes[a] }) {
			continue
		}
		if last, ls := lastTrial(st, tr.Change); last != nil && ls.Index != 1 && last.Status != record.TrialFaster {
			out = append(out, tr)
		}
	}
	return out
}

// changeAxes returns the axes the change named name sets: from the
// study's candidate list, else from the name's "axis=value+axis=value"
// form (as the PGO change is named).
func changeAxes(st *record.Study, name string) []string {
	for _, c := range st.Candidates {
		if c.Name == name {
			var axes []string
			for _, s := range c.Settings {
				axes = append(axes, s.Axis)
			}
			return axes
		}
	}
	var axes []string
	for _, part := range strings.Split(name, "+") {
		if axis, _, ok := strings.Cut(part, "="); ok {
			axes = append(axes, axis)
		}
	}
	return axes
}

// firstSelection returns the trials of step 1, the candidates alone.
func firstSelection(st *record.Study) []record.StudyTrial {
	for _, s := range st.Steps {
		if s.Index == 1 && s.Kind == record.StepSelection {
			return s.Trials
		}
	}
	return nil
}

// lastTrial returns the last measured trial of change, and its step.
func lastTrial(st *record.Study, change string) (*record.StudyTrial, *record.StudyStep) {
	for i := len(st.Steps) - 1; i >= 0; i-- {
		s := &st.Steps[i]
		for j := range s.Trials {
			tr := &s.Trials[j]
			if tr.Change == change && tr.Figures.N > 0 {
				return tr, s
			}
		}
	}
	return nil, nil
}

func writeStudyRecommendations(b *strings.Builder, st *record.Study) {
	b.WriteString("## Recommendations\n\n")
	b.WriteString("### Ready-to-use preset\n\n")
	fmt.Fprintf(b, "The final configuration, %s, as a matrix config file: %s measures it again, on this machine or another.\n\n",
		configText(st.Final), code("benchgrid run -config "+record.PresetFile))
	if len(st.Preset) > 0 {
		var pretty bytes.Buffer
		if json.Indent(&pretty, st.Preset, "", "  ") == nil {
			writeFenced(b, "json", strings.TrimSpace(pretty.String()))
		}
	}
	b.WriteString("### Go settings\n\n")
	env, build, notes := goSettings(st)
	if len(env)+len(build) == 0 {
		b.WriteString("None: the final configuration runs with the runtime's defaults and a default build.\n\n")
	} else {
		var sh strings.Builder
		if len(env) > 0 {
			sh.WriteString("# the program's environment\n")
			for _, e := range env {
				fmt.Fprintf(&sh, "export %s\n", e)
			}
		}
		if len(build) > 0 {
			sh.WriteString("# building it\n")
			sh.WriteString(strings.Join(build, " ") + "\n")
		}
		writeFenced(b, "sh", sh.String())
	}
	for _, n := range notes {
		b.WriteString(n + "\n\n")
	}
	fmt.Fprintf(b, "In the program: parser %s, strategy %s, files read with %s.\n\n", code(st.Final.Parser), code(st.Final.Strategy), code(st.Final.Read))

	b.WriteString("### General Best Practices\n\n")
	b.WriteString("1. **Profile first**: the final step's run has CPU and allocation profiles of the original and the optimized configuration, with its report beside them.\n")
	if n := len(notInCombination(st)); n > 0 {
		fmt.Fprintf(b, "2. **Test incrementally**: %d change(s) that helped alone did not help on top of the adopted ones; measure each change on top of the others.\n", n)
	} else {
		b.WriteString("2. **Test incrementally**: measure each change on top of the ones already adopted, as every step here did.\n")
	}
	b.WriteString("3. **Keep it simple**: the settings above are configuration, not code; each one was kept only because it measurably helped.\n")
	b.WriteString("4. **Measure on your machine**: rerun the preset before relying on it; parsers and GC settings depend on the CPU and the core count.\n\n")
}

// goSettings returns the environment and build command of the final
// configuration, and notes on them.
func goSettings(st *record.Study) (env, build, notes []string) {
	f := st.Final
	if f.GOGC != "" && f.GOGC != "100" {
		env = append(env, "GOGC="+shellWord(f.GOGC))
	}
	if f.GOMEMLIMIT != "" && f.GOMEMLIMIT != "off" {
		env = append(env, "GOMEMLIMIT="+shellWord(f.GOMEMLIMIT))
	}
	if f.Build == "" || f.Build == "default" {
		return env, nil, nil
	}
	var experiments, vars, flags []string
	for _, part := range strings.Split(f.Build, "+") {
		switch part {
		case "jsonv2", "nogreenteagc":
			experiments = append(experiments, part)
		case "goamd64v3":
			vars = append(vars, "GOAMD64=v3")
		case "pgo":
			flags = append(flags, "-pgo=default.pgo")
			n := "PGO: `-pgo=default.pgo` is a CPU profile of the final configuration; `go build` also picks up a `default.pgo` in the main package's folder by itself."
			if p := st.BuildSettings["-pgo"]; p != "" {
				n += " The profile this study built with: " + code(p) + "."
			}
			notes = append(notes, n)
		default:
			notes = append(notes, fmt.Sprintf("Build variant %s: see its settings in the final step's run (results.json, builds).", code(part)))
		}
	}
	if len(experiments) > 0 {
		build = append(build, "GOEXPERIMENT="+strings.Join(experiments, ","))
	}
	build = append(build, vars...)
	build = append(build, "go", "build")
	build = append(build, flags...)
	build = append(build, "./cmd/benchgrid")
	return env, build, notes
}

func writeStudySteps(b *strings.Builder, st *record.Study) {
	b.WriteString("## Every step\n\n")
	b.WriteString("Each step is one interleaved run; its folder holds its results, bench.txt for benchstat, and its own report.\n\n")
	for _, s := range st.Steps {
		title := fmt.Sprintf("Step %d", s.Index)
		if s.Kind == record.StepFinal {
			title = "Final step: original, final and PGO"
		}
		fmt.Fprintf(b, "### %s\n\n", title)
		fmt.Fprintf(b, "On %s, median %s", configText(s.Config), figText(s.Current))
		if s.Run != "" {
			fmt.Fprintf(b, "; run %s", link(s.Run, path.Join(s.Run, record.ReportFile)))
		}
		fmt.Fprintf(b, "; %s.", fmtDur(float64(s.ElapsedNs)))
		if !s.Complete {
			b.WriteString(" **Incomplete.**")
		}
		fmt.Fprintf(b, " %s.\n\n", text(upperFirst(s.Decision)))
		t := table{head: []string{"Change", "Outcome", "Median time", "Time ratio [" + ciLabel(st) + "]", "p", "Note"}}
		for _, tr := range s.Trials {
			change, outcome := text(tr.Change), outcomeText(tr)
			if tr.Adopted {
				change, outcome = "**"+change+"**", "**adopted**: "+outcome
			}
			median, ratio, p := "", "", ""
			if tr.Figures.N > 0 {
				median, ratio, p = figText(tr.Figures), ratioText(tr), fmtPValue(tr.P)
			}
			t.add(change, outcome, median, ratio, p, text(tr.Reason))
		}
		t.write(b)
	}
}

func writeStudyConclusion(b *strings.Builder, st *record.Study) {
	b.WriteString("## Conclusion\n\n")
	selections := 0
	for _, s := range st.Steps {
		if s.Kind == record.StepSelection {
			selections++
		}
	}
	r := st.Result
	if r == nil {
		fmt.Fprintf(b, "The study ran %d selection step(s) but measured no result to conclude from.\n", selections)
		return
	}
	taken := "nothing: no change was significantly faster than the naive program"
	if len(st.Adopted) > 0 {
		var adopted []string
		for _, a := range st.Adopted {
			adopted = append(adopted, text(a))
		}
		taken = "taking " + joinAnd(adopted) + ", in that order"
	}
	verdict := "**" + fmtSpeed(r.Factor) + "**"
	if r.Interleaved && !(r.P < st.Alpha) {
		verdict = "not significantly faster (~, " + fmtRatio(r.Factor) + ")"
	}
	fmt.Fprintf(b, "Through %d selection step(s) and a PGO round, the study made the program %s (%s → %s) by %s.",
		selections, verdict, fmtDur(r.Before.MedianNs), fmtDur(r.After.MedianNs), taken)
	if !st.Complete {
		b.WriteString(" The study is incomplete: a longer run may find more.")
	}
	b.WriteString("\n")
}

// configText names a configuration by its axes, escaped: "parser=std,
// strategy=perfile, …".
func configText(c record.StudyConfig) string {
	return text(fmt.Sprintf("parser=%s, strategy=%s, read=%s, GOGC=%s, GOMEMLIMIT=%s, build=%s",
		c.Parser, c.Strategy, c.Read, cmpOr(c.GOGC, "100"), cmpOr(c.GOMEMLIMIT, "off"), cmpOr(c.Build, "default")))
}

// figText formats a median with benchstat's "± x%" interval, or n when
// the sample is too small to have one.
func figText(f record.StudyFigures) string {
	if f.N == 0 {
		return "—"
	}
	s := fmtDur(f.MedianNs)
	if f.LoNs > 0 && f.HiNs > 0 && f.MedianNs > 0 {
		return s + fmt.Sprintf(" ± %.0f%%", 100*math.Max(f.HiNs/f.MedianNs-1, 1-f.LoNs/f.MedianNs))
	}
	return s + fmt.Sprintf(" (n=%d)", f.N)
}

// ratioText formats a trial's time ratio and its interval: "0.40× [0.39–0.41]".
func ratioText(tr record.StudyTrial) string {
	s := fmtRatio(tr.Ratio)
	if tr.Lo > 0 && tr.Hi > 0 {
		s += " " + strings.Replace(fmtInterval(interval{tr.Lo, tr.Hi, true}), "×]", "]", 1)
	}
	return s
}

func outcomeText(tr record.StudyTrial) string {
	switch tr.Status {
	case record.TrialFaster:
		return fmtSpeed(1 / tr.Ratio)
	case record.TrialSlower:
		return fmtSpeed(1/tr.Ratio) + " (failed)"
	case record.TrialSame:
		return "~"
	}
	return text(tr.Status)
}

func fmtPValue(p float64) string { return fmt.Sprintf("p=%.3f", p) }

func fmtPct(f float64) string { return strconv.FormatFloat(100*f, 'f', -1, 64) + "%" }

func mbps(st *record.Study, ns float64) float64 {
	if ns <= 0 {
		return 0
	}
	return float64(st.Corpus.Bytes) / 1e6 / (ns / 1e9)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// joinAnd joins items as "a, b and c".
func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// ciLabel names the study's confidence intervals: "95% CI".
func ciLabel(st *record.Study) string {
	return fmt.Sprintf("%.0f%% CI", 100*cmp.Or(st.Confidence, benchstats.DefaultCriteria.Confidence))
}
