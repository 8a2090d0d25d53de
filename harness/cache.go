package harness

import (
	"slices"

	"benchgrid/corpus"
	"benchgrid/matrix"
	"benchgrid/record"
)

// canEvict is corpus.CanEvict; tests replace it.
var canEvict = corpus.CanEvict

// dropCold drops the plan's cold cells when eviction cannot be verified
// for the corpus at dir, listing them among the unavailable with the
// reason: a cold cell never runs as a warm one.
//
// A dry run calls it too (DropCold), so that it lists what a run would
// measure.
func (p *Plan) dropCold(dir string, files []corpus.File) {
	if !slices.ContainsFunc(p.Cells, isCold) {
		return
	}
	reason := canEvict(dir, files)
	if reason == "" {
		return
	}
	p.Cells = slices.DeleteFunc(p.Cells, isCold)
	p.Unavailable = append(p.Unavailable, record.Unavailable{What: "cache=" + corpus.CacheCold, Reason: reason})
	p.countSamples()
}

func isCold(c matrix.Cell) bool { return c.Cache == corpus.CacheCold }

// DropCold drops the plan's cold cells, saying why among the unavailable,
// when the page cache of the corpus at dir cannot be evicted and verified
// here (a memory file system, a sandbox): as a run does before measuring.
// It probes a few files: it evicts their pages.
func (p *Plan) DropCold(dir string, files []corpus.File) { p.dropCold(dir, files) }
