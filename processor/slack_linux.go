package processor

import "golang.org/x/sys/unix"

// tightenTimerSlack sets the calling thread's timer slack to 1ns: Linux
// otherwise lets a sleep of an ordinary thread end up to 50µs late, to
// batch wake-ups. It is best effort.
func tightenTimerSlack() { _ = unix.Prctl(unix.PR_SET_TIMERSLACK, 1, 0, 0, 0) }
