//go:build !linux

package processor

// tightenTimerSlack does nothing where there is no per-thread timer slack
// to set.
func tightenTimerSlack() {}
