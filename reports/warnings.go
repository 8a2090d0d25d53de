package reports

import (
	"encoding/json"
	"fmt"
	"strings"

	"benchgrid/record"
)

// The report's warnings are grouped by kind: its first screen counts them,
// Appendix A lists them.

// A warnKind is a kind of warning, in the order the report gives them.
type warnKind int

const (
	warnMismatch warnKind = iota
	warnLost
	warnShort
	warnNoisy
	warnCell
	warnFallback
	warnUnavailable
	warnRun
	warnProfile
	numWarnKinds
)

// warnTitles name the kinds in Appendix A.
var warnTitles = [numWarnKinds]string{
	warnMismatch:    "Digest mismatches",
	warnLost:        "Lost samples",
	warnShort:       "Cells short of samples",
	warnNoisy:       "Noisy cells",
	warnCell:        "Cell warnings",
	warnFallback:    "Adapter fallbacks",
	warnUnavailable: "Unavailable configurations",
	warnRun:         "Run warnings",
	warnProfile:     "Profiles skipped",
}

// A warning is one line of Appendix A: its kind, the cells it concerns
// and how many events it stands for (samples lost, files that fell back).
type warning struct {
	kind  warnKind
	cells []string
	n     int
	line  string // markdown
	block string // markdown after the line (a mismatch's got and want)
}

// A mismatchGroup is the mismatches that computed the same wrong answer
// for the same reason.
type mismatchGroup struct {
	got, want, why string
	cells          []string // "label (round 3)"
	names          []string
}

// mismatchGroups groups the run's digest mismatches by answer and reason.
func (a *analysis) mismatchGroups() []*mismatchGroup {
	var out []*mismatchGroup
	by := map[[3]string]*mismatchGroup{}
	for _, c := range a.cells {
		for _, f := range c.Failures {
			if f.Kind != record.FailMismatch {
				continue
			}
			k := [3]string{f.Got, f.Want, failureWhy(f.Cause, f.Reason)}
			g := by[k]
			if g == nil {
				g = &mismatchGroup{got: f.Got, want: f.Want, why: k[2]}
				by[k] = g
				out = append(out, g)
			}
			g.cells = append(g.cells, fmt.Sprintf("%s (round %d)", text(c.Name), f.Round))
			if len(g.names) == 0 || g.names[len(g.names)-1] != c.Name {
				g.names = append(g.names, c.Name)
			}
		}
	}
	return out
}

// corpusChanged reports whether every cell whose answer is checked had a
// mismatch that counted other files or bytes than the reference: then the
// corpus changed under the run, rather than the cells computing wrong.
func (a *analysis) corpusChanged() bool {
	checked := 0
	for _, c := range a.cells {
		if c.ReadOnly || (!c.hasSamples() && len(c.Failures) == 0) {
			continue
		}
		checked++
		differs := false
		for _, f := range c.Failures {
			if f.Kind == record.FailMismatch && readsDiffer(f.Got, f.Want) {
				differs = true
				break
			}
		}
		if !differs {
			return false
		}
	}
	return checked > 0
}

// readsDiffer reports whether two canonical lines count different files
// or bytes.
func readsDiffer(got, want string) bool {
	var g, w struct {
		Files *json.Number `json:"files"`
		Bytes *json.Number `json:"bytes"`
	}
	if json.Unmarshal([]byte(got), &g) != nil || json.Unmarshal([]byte(want), &w) != nil {
		return false
	}
	differ := func(x, y *json.Number) bool { return x != nil && y != nil && *x != *y }
	return differ(g.Files, w.Files) || differ(g.Bytes, w.Bytes)
}

// warnings collects every warning of the run, grouped as Appendix A lists
// them.
func (a *analysis) warnings() []warning {
	run := a.run
	var out []warning
	for _, g := range a.mismatchGroups() {
		line := fmt.Sprintf("%d %s computed the same wrong answer: %s. Reason: %s", len(g.names), cellsWord(len(g.names)), strings.Join(g.cells, ", "), g.why)
		var blk strings.Builder
		writeFenced(&blk, "", "got:  "+oneLine(g.got)+"\nwant: "+oneLine(g.want))
		out = append(out, warning{kind: warnMismatch, cells: g.names, n: len(g.cells), line: line, block: blk.String()})
	}
	var fbReasons []string
	fbCells := map[string][]string{}
	fbNames := map[string][]string{}
	fbFiles := map[string]int{}
	var noisy []string
	for _, c := range a.cells {
		// Repeated failures of a cell are grouped by kind, cause, reason
		// and stderr.
		type failKey struct {
			kind                  record.FailureKind
			cause, reason, stderr string
		}
		var keys []failKey
		rounds := map[failKey][]string{}
		for _, f := range c.Failures {
			if !f.Kind.Lost() { // with the mismatches above
				continue
			}
			k := failKey{f.Kind, f.Cause, f.Reason, lastLines(f.Stderr, 3)}
			if rounds[k] == nil {
				keys = append(keys, k)
			}
			rounds[k] = append(rounds[k], fmt.Sprint(f.Round))
		}
		for _, k := range keys {
			rs := rounds[k]
			kind, why := text(strings.ToUpper(string(k.kind))), failureWhy(k.cause, k.reason)
			msg := fmt.Sprintf("**%s** in %s, round %s: %s", kind, text(c.Name), rs[0], why)
			if len(rs) > 1 {
				msg = fmt.Sprintf("**%s** ×%d in %s, rounds %s: %s", kind, len(rs), text(c.Name), strings.Join(rs, ", "), why)
			}
			if k.stderr != "" {
				msg += " — stderr: " + code(k.stderr)
			}
			out = append(out, warning{kind: warnLost, cells: []string{c.Name}, n: len(rs), line: msg})
		}
		if !c.hasSamples() {
			out = append(out, warning{kind: warnShort, cells: []string{c.Name}, n: 1, line: text(c.Name) + " has no successful sample."})
		} else if want := c.asked(a.run); c.n() < want {
			out = append(out, warning{kind: warnShort, cells: []string{c.Name}, n: 1, line: fmt.Sprintf("%s has %d of %d samples.", text(c.Name), c.n(), want)})
		}
		for _, w := range c.Warnings {
			if strings.HasPrefix(w, "noisy:") {
				noisy = append(noisy, fmt.Sprintf("%s (%s)", text(c.Name), text(strings.TrimSpace(strings.TrimPrefix(w, "noisy:")))))
				continue
			}
			out = append(out, warning{kind: warnCell, cells: []string{c.Name}, n: 1, line: fmt.Sprintf("%s: %s", text(c.Name), text(w))})
		}
		// Fallbacks are grouped by reason: adapters tend to fall back the
		// same way under every strategy.
		for _, fb := range c.Fallback {
			if fbCells[fb.Reason] == nil {
				fbReasons = append(fbReasons, fb.Reason)
			}
			fbCells[fb.Reason] = append(fbCells[fb.Reason], fmt.Sprintf("%s (%d files)", text(c.Name), fb.Files))
			fbNames[fb.Reason] = append(fbNames[fb.Reason], c.Name)
			fbFiles[fb.Reason]++
		}
	}
	if len(noisy) > 0 {
		out = append(out, warning{kind: warnNoisy, n: len(noisy), cells: noisy,
			line: fmt.Sprintf("The harness found %d %s noisy, the coefficient of variation of their wall times above %.0f%% (the first screen says how noisy the machine was): %s.", len(noisy), cellsWord(len(noisy)), 100*record.NoisyCV, strings.Join(noisy, ", "))})
	}
	for _, r := range fbReasons {
		out = append(out, warning{kind: warnFallback, cells: fbNames[r], n: 1, line: fmt.Sprintf("%s: %s", text(r), strings.Join(fbCells[r], ", "))})
	}
	for _, u := range run.Unavailable {
		out = append(out, warning{kind: warnUnavailable, n: 1, line: fmt.Sprintf("%s: %s", text(u.What), text(u.Reason))})
	}
	for _, w := range run.Warnings {
		out = append(out, warning{kind: warnRun, n: 1, line: text(w)})
	}
	for _, cp := range a.profiles {
		for _, r := range cp.refused {
			out = append(out, warning{kind: warnProfile, cells: []string{cp.cell.Name}, n: 1, line: fmt.Sprintf("Profile %s of %s skipped: %s", code(r.path), text(cp.cell.Name), text(r.reason))})
		}
	}
	return out
}

// countText counts one kind of warning for the first screen: "2 digest
// mismatches (1 cell)".
func countText(k warnKind, ws []warning) string {
	n := 0
	cells := map[string]bool{}
	for _, w := range ws {
		n += w.n
		for _, c := range w.cells {
			cells[c] = true
		}
	}
	in := ""
	if len(cells) > 0 && k != warnShort && k != warnNoisy {
		in = fmt.Sprintf(" (%d %s)", len(cells), cellsWord(len(cells)))
	}
	nouns := [numWarnKinds][2]string{
		warnMismatch:    {"digest mismatch", "digest mismatches"},
		warnLost:        {"lost sample", "lost samples"},
		warnShort:       {"cell short of samples", "cells short of samples"},
		warnNoisy:       {"noisy cell", "noisy cells"},
		warnCell:        {"cell warning", "cell warnings"},
		warnFallback:    {"adapter fallback", "adapter fallbacks"},
		warnUnavailable: {"unavailable configuration", "unavailable configurations"},
		warnRun:         {"run warning", "run warnings"},
		warnProfile:     {"profile skipped", "profiles skipped"},
	}
	noun := nouns[k][1]
	if n == 1 {
		noun = nouns[k][0]
	}
	return fmt.Sprintf("%d %s%s", n, noun, in)
}

// writeWarningCounts counts the warnings by kind, on the first screen.
func (a *analysis) writeWarningCounts(b *strings.Builder) {
	ws := a.warnings()
	if len(ws) == 0 {
		b.WriteString("No warnings.\n\n")
		return
	}
	var parts []string
	for k := range numWarnKinds {
		var of []warning
		for _, w := range ws {
			if w.kind == k {
				of = append(of, w)
			}
		}
		if len(of) > 0 {
			parts = append(parts, countText(k, of))
		}
	}
	fmt.Fprintf(b, "**Warnings:** %s; details in Appendix A.\n\n", strings.Join(parts, ", "))
}

// writeWarnings writes Appendix A: every warning, by kind.
func (a *analysis) writeWarnings(b *strings.Builder) {
	b.WriteString("## Appendix A: warnings\n\n")
	ws := a.warnings()
	if len(ws) == 0 {
		b.WriteString("None.\n\n")
		return
	}
	for k := range numWarnKinds {
		var of []warning
		for _, w := range ws {
			if w.kind == k {
				of = append(of, w)
			}
		}
		if len(of) == 0 {
			continue
		}
		fmt.Fprintf(b, "### %s\n\n", warnTitles[k])
		if k == warnMismatch {
			b.WriteString("These configurations computed a different answer from the reference. Their timings are not comparable and they are left out of the baseline, the best, the ties and the factors.")
			if a.corpusChanged() {
				b.WriteString(" Every configuration read different files or bytes from the reference: the corpus changed during the run.")
			}
			b.WriteString("\n\n")
			for _, w := range of {
				fmt.Fprintf(b, "%s\n\n%s", w.line, w.block)
			}
			continue
		}
		for _, w := range of {
			fmt.Fprintf(b, "- %s\n", w.line)
		}
		b.WriteString("\n")
	}
}
