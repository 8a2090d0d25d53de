package corpus

import (
	"sync"
	"time"
)

// startPoller makes the Go runtime set up its poller (an epoll descriptor
// and an eventfd) now, once per process, rather than at the first input
// file a worker opens. The runtime sets it up lazily, and when it finds no
// descriptors to spare for it, it cannot return an error: it ends the
// process with a fatal "netpollinit failed". Left to the first open in a
// pass whose workers are spending descriptors, that is what a tight
// descriptor limit came to, instead of the EMFILE failure it should be.
// Set up before any reading, the poller holds its two descriptors for the
// life of the process, and a pass out of descriptors fails with EMFILE
// named, like any other resource failure.
//
// Every mode needs it, sooner or later: ReadFile's reads are *os.File's,
// which register with the poller, and in the others, which read with
// plain system calls, the runtime starts it itself at a moment of its own
// choosing (the GC's background scavenger sleeps on a timer, and timers
// run on the poller). Seen without this, at a limit that left the reads
// one descriptor: a sequential pass in read mode sized ran to the end in
// 7 runs of 8 and ended mid-pass in the 8th, "eventfd failed" from inside
// the scavenger. With it, the poller either starts before the first read
// or the process ends there, every time; and at the next limit up, the
// pass fails with EMFILE named in every mode.
//
// A timer is what sets it up here, because it needs no descriptor of its
// own (a pipe would need two more at the worst moment).
func startPoller() {
	pollerOnce.Do(func() { time.AfterFunc(time.Hour, func() {}).Stop() })
}

var pollerOnce sync.Once
