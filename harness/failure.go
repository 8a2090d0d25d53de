package harness

import (
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"unicode/utf8"
)

// How much of a failed child's standard error is kept: its head, where a
// Go panic or fatal error names its cause and the first goroutine's frames,
// and its tail, where the child's own last words are. A fatal error with
// many goroutines prints megabytes; what lies between is counted, not kept.
const (
	stderrHead = 16 << 10
	stderrTail = 4 << 10
)

// stderrBuffer keeps the first head and the last tail bytes written to it
// and counts the rest.
type stderrBuffer struct {
	head, tail int
	first      []byte
	last       []byte
	omitted    int64
}

func newStderrBuffer() *stderrBuffer {
	return &stderrBuffer{head: stderrHead, tail: stderrTail}
}

func (b *stderrBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if room := b.head - len(b.first); room > 0 {
		take := min(room, len(p))
		b.first = append(b.first, p[:take]...)
		p = p[take:]
	}
	b.last = append(b.last, p...)
	if over := len(b.last) - b.tail; over > 0 {
		b.omitted += int64(over)
		b.last = append(b.last[:0], b.last[over:]...)
	}
	return n, nil
}

// String is the head, a line saying how much was left out if anything was,
// and the tail.
func (b *stderrBuffer) String() string {
	if b.omitted == 0 {
		return string(b.first) + string(b.last)
	}
	return fmt.Sprintf("%s\n… [%d bytes omitted] …\n%s", b.first, b.omitted, b.last)
}

// maxCauseLen bounds a failure's one-line cause.
const maxCauseLen = 300

// crashCause finds the one-line cause of a child's failure in its stderr
// (searched from the top: the Go runtime writes the cause before the
// goroutines' stacks) and its exit status:
//
//   - a Go panic: its "panic: …" line, with the "[signal …]" line after it;
//   - a Go fatal error: the "runtime: …" line before it, if any, and its
//     "fatal error: …" line (say, "fatal error: thread exhaustion"), with
//     the "[signal …]" line;
//   - a signal in non-Go code: the "SIGSEGV: segmentation violation" line;
//   - a child killed by a signal from outside: that signal;
//   - otherwise the child's own last line (its error message).
func crashCause(stderr string, err error) string {
	lines := strings.Split(stderr, "\n")
	var parts []string
	for i, line := range lines {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "panic: "), strings.HasPrefix(line, "fatal error: "):
			if strings.HasPrefix(line, "fatal error: ") && i > 0 {
				if prev := strings.TrimSpace(lines[i-1]); strings.HasPrefix(prev, "runtime: ") {
					parts = append(parts, prev)
				}
			}
			parts = append(parts, line)
			if i+1 < len(lines) {
				if next := strings.TrimSpace(lines[i+1]); strings.HasPrefix(next, "[signal ") {
					parts = append(parts, next)
				}
			}
		case isSignalLine(line):
			parts = append(parts, line)
		}
		if len(parts) > 0 {
			break
		}
	}
	if len(parts) == 0 {
		if sig, ok := killedBy(err); ok {
			parts = append(parts, fmt.Sprintf("killed by %s (%v) from outside the child: the kernel's OOM killer, a user or a supervisor", signalName(sig), sig))
		} else if last := lastLine(stderr); last != "" {
			parts = append(parts, last)
		} else if err != nil {
			parts = append(parts, err.Error())
		}
	}
	return oneLine(strings.Join(parts, "; "))
}

// isSignalLine reports whether line is the runtime's report of a signal in
// code it does not own, such as "SIGBUS: bus error".
func isSignalLine(line string) bool {
	name, rest, ok := strings.Cut(line, ": ")
	if !ok || !strings.HasPrefix(name, "SIG") || len(name) < 5 || rest == "" {
		return false
	}
	for _, r := range name[3:] {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// killedBy reports the signal that ended a child, if one did.
func killedBy(err error) (syscall.Signal, bool) {
	exitErr, ok := err.(*exec.ExitError)
	if !ok {
		return 0, false
	}
	ws, ok := exitErr.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return 0, false
	}
	return ws.Signal(), true
}

func signalName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGKILL:
		return "SIGKILL"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGSEGV:
		return "SIGSEGV"
	case syscall.SIGBUS:
		return "SIGBUS"
	case syscall.SIGABRT:
		return "SIGABRT"
	}
	return fmt.Sprintf("signal %d", int(sig))
}

// oneLine makes s a single line of at most maxCauseLen bytes.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= maxCauseLen {
		return s
	}
	cut := maxCauseLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
