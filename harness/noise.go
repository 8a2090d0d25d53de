package harness

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/stat: 100 on every Linux
// architecture Go supports.
const clockTicks = 100

// cpuCounters is a reading of the machine's and this process tree's CPU.
type cpuCounters struct {
	at   time.Time
	busy float64 // seconds of CPU busy on all cores (/proc/stat)
	ours float64 // seconds used by this process and its waited children
	ok   bool
}

func readCPU() cpuCounters {
	c := cpuCounters{at: time.Now()}
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return c
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line)
	if len(fields) < 5 || fields[0] != "cpu" {
		return c
	}
	var total, idle float64
	for i, f := range fields[1:] {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return c
		}
		if i >= 8 { // guest time is already counted in user time
			break
		}
		total += v
		if i == 3 || i == 4 { // idle, iowait
			idle += v
		}
	}
	c.busy = (total - idle) / clockTicks
	var self, children syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	c.ours = seconds(self.Utime) + seconds(self.Stime) + seconds(children.Utime) + seconds(children.Stime)
	c.ok = true
	return c
}

func seconds(tv syscall.Timeval) float64 { return float64(tv.Nano()) / 1e9 }

// otherCPU is the CPU, in cores, that processes other than this one and
// its children used between a and b. A child still running at b is counted
// as other: callers read b after waiting for their children.
func otherCPU(a, b cpuCounters) float64 {
	elapsed := b.at.Sub(a.at).Seconds()
	if !a.ok || !b.ok || elapsed <= 0 {
		return 0
	}
	other := (b.busy - a.busy) - (b.ours - a.ours)
	return max(other, 0) / elapsed
}

// measureOtherCPU watches the machine for d and returns the CPU, in cores,
// used by other processes.
func measureOtherCPU(ctx context.Context, d time.Duration) float64 {
	a := readCPU()
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
	return otherCPU(a, readCPU())
}

// loadAvg returns the 1-minute load average.
func loadAvg() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// idleThreshold is the CPU, in cores, other processes may use for the
// machine to count as quiet.
const idleThreshold = 0.1

// waitIdle waits until other processes use less than idleThreshold cores
// over a second, or until limit passes. It reports how long it waited and
// whether the machine became quiet.
func waitIdle(ctx context.Context, limit time.Duration) (time.Duration, bool) {
	start := time.Now()
	for {
		other := measureOtherCPU(ctx, time.Second)
		if ctx.Err() != nil { // a cut-short window measures nothing
			return time.Since(start), false
		}
		if other < idleThreshold {
			return time.Since(start), true
		}
		if time.Since(start) >= limit {
			return time.Since(start), false
		}
	}
}

// cpuModel returns the processor's model name.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// describeCores says how busy the machine was, for warnings.
func describeCores(c float64) string { return fmt.Sprintf("%.2f cores", c) }
