package processor

import (
	"context"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// Simulated storage latency (Config.Latency) is a fixed wait before every
// input's read, timed with the read: the round trip of a network file
// system or an object store, where a file costs a request before its
// first byte. There is no limit on the requests in flight and no
// bandwidth cap, so a strategy that has more files waiting at once
// overlaps more of the waits: a goroutine per file or a large pool hides
// them, two workers cannot. It is a simulation, not a device: the bytes
// still come from the local file, and the wait is a timer, never CPU.
//
// The Go runtime's timers sleep in whole milliseconds once every P is idle
// (the netpoller waits in milliseconds), which turns a 200µs wait into
// about 1.1ms on Linux, and only for configurations with few goroutines:
// the error would favour wide concurrency. So one pass's waits are kept
// by a clock, a goroutine on its own OS thread that sleeps with
// nanosleep(2) until the earliest deadline and wakes the files due.
// Every wait is the same latency, so deadlines come in the order they are
// asked for and the clock never needs waking early. A wait still ends
// some tens of microseconds late (the thread's wake-up, then the
// waiter's).

// coarseWait is the part of a wait the clock leaves to a Go timer, which
// can be stopped, rather than to nanosleep, which cannot: what is left
// for nanosleep is at most this long, and so is the delay of a clock's
// stop.
const coarseWait = 2 * time.Millisecond

// A clock delivers the waits of one pass (see startClock).
type clock struct {
	latency time.Duration

	mu sync.Mutex
	// due holds the waits asked for, oldest first: their deadlines are
	// in order, all being one latency after the ask.
	due []pendingWait

	kick    chan struct{} // a wait was asked for (buffered: one is enough)
	stop    chan struct{} // closed by close
	stopped chan struct{} // closed when the clock's goroutine returns
}

// A pendingWait is one asked-for wait: its deadline and the channel closed
// at it.
type pendingWait struct {
	deadline time.Time
	done     chan struct{}
}

// startClock starts the clock of a pass whose every wait is latency.
func startClock(latency time.Duration) *clock {
	c := &clock{latency: latency, kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	go c.run()
	return c
}

// wait returns latency after it is called, or ctx.Err() as soon as ctx
// is done.
func (c *clock) wait(ctx context.Context) error {
	done := make(chan struct{})
	c.mu.Lock()
	// The deadline is taken under the lock, so that due stays in order.
	c.due = append(c.due, pendingWait{deadline: time.Now().Add(c.latency), done: done})
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close stops the clock and returns once its goroutine has, at most about
// coarseWait later. Waits still pending (of cancelled files) never end.
func (c *clock) close() {
	close(c.stop)
	<-c.stopped
}

// run is the clock's goroutine. It keeps its OS thread, whose timer slack
// it tightens, and exits with it, so that the thread is not reused.
func (c *clock) run() {
	runtime.LockOSThread()
	defer close(c.stopped)
	tightenTimerSlack()
	for {
		select {
		case <-c.stop:
			return
		default:
		}
		c.mu.Lock()
		if len(c.due) == 0 {
			c.mu.Unlock()
			select {
			case <-c.kick:
				continue
			case <-c.stop:
				return
			}
		}
		next := c.due[0].deadline
		c.mu.Unlock()
		if !c.sleepUntil(next) {
			return
		}
		now := time.Now()
		c.mu.Lock()
		n := 0
		for n < len(c.due) && !c.due[n].deadline.After(now) {
			close(c.due[n].done)
			n++
		}
		c.due = c.due[n:]
		c.mu.Unlock()
	}
}

// sleepUntil sleeps until t and reports whether it did, rather than being
// stopped.
func (c *clock) sleepUntil(t time.Time) bool {
	for {
		d := time.Until(t)
		switch {
		case d <= 0:
			return true
		case d > coarseWait:
			timer := time.NewTimer(d - coarseWait)
			select {
			case <-timer.C:
			case <-c.stop:
				timer.Stop()
				return false
			}
		default:
			ts := syscall.NsecToTimespec(d.Nanoseconds())
			_ = syscall.Nanosleep(&ts, nil) // EINTR: the loop sleeps the rest
		}
	}
}
