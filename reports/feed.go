package reports

import (
	"fmt"
	"slices"
	"strings"
)

// feedAxis is the axis whose walk and stream cells time the corpus's
// listing as well as its processing; the report says so, since their
// times do not compare with those of cells that leave it out (list).
const feedAxis = "feed"

// writeFeedNote says what the timed pass of a cell with a feed other
// than list covers, and what its times compare with: only in a run with
// such cells.
func (a *analysis) writeFeedNote(b *strings.Builder) {
	var cells int
	var values []string
	for _, c := range a.cells {
		v := c.value(axis{feedAxis})
		if v == "" || v == "list" {
			continue
		}
		cells++
		if setting := feedAxis + "=" + v; !slices.Contains(values, setting) {
			values = append(values, setting)
		}
	}
	if cells == 0 {
		return
	}
	noun := "cells"
	if cells == 1 {
		noun = "cell"
	}
	fmt.Fprintf(b, "**Feed** (%s, %d %s): the timed pass of these cells lists the corpus too, where a cell that leaves %s unset (list) lists it before its clock starts: %s=walk lists it and then processes the list, %s=stream hands the files to the workers while the walk goes on (the strategy's streaming form), and their -dtype forms do the same with the d_type walk. Compare them with each other (stream over walk is what streaming from the walk is worth, walk-dtype over walk what the d_type walk is), not with cells that leave %s unset, whose time leaves the walk out.\n\n",
		text(strings.Join(values, ", ")), cells, noun, feedAxis, feedAxis, feedAxis, feedAxis)
}
