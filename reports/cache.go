package reports

import (
	"fmt"
	"strings"
)

// cacheAxis is the axis whose "cold" cells read a corpus evicted from the
// page cache before every sample; the report says what that covers.
const (
	cacheAxis = "cache"
	coldCache = "cold"
)

// writeCacheNote says what a cold sample does and does not cover, with
// the median residency of the cold samples: only in a run with cold cells.
func (a *analysis) writeCacheNote(b *strings.Builder) {
	var cells int
	var resident []float64
	for _, c := range a.cells {
		if c.value(axis{cacheAxis}) != coldCache {
			continue
		}
		cells++
		for _, s := range c.Samples {
			resident = append(resident, s.Resident)
		}
	}
	if cells == 0 {
		return
	}
	measured := "no cold sample succeeded, so none was measured"
	if len(resident) > 0 {
		measured = fmt.Sprintf("the median over the %d cold samples is %.1f%% of the corpus's pages", len(resident), 100*median(resident))
	}
	noun := "cells"
	if cells == 1 {
		noun = "cell"
	}
	fmt.Fprintf(b, "**Cold cache** (%s=%s, %d %s): before every cold sample's timed pass, the child evicted the data pages of every input from the page cache with POSIX_FADV_DONTNEED, then measured with mincore how much of the corpus was still resident and recorded it with the sample (%s; a sample still resident above the limit failed instead). Directory entries, inodes and the files' metadata stay cached: dropping them needs /proc/sys/vm/drop_caches, which the harness does not touch, so a cold pass still lists and opens its files from memory. The cold reads come from whatever storage holds the corpus (above), and say nothing of another disk, a network file system or an object store.\n\n",
		cacheAxis, coldCache, cells, noun, measured)
}
