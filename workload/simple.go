package workload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Simple is a workload written as plain Go: a function that adds what one
// input contributes to an answer of type T, a merge of two answers, and
// the answer's canonical bytes. Simple.Definition turns it into a
// Definition for Register, with everything else a Workload needs: one
// answer per goroutine, merged at the end of a pass; bad inputs counted
// with their reasons; the read-only floor adapter "none"; and the roles.
//
//	func init() {
//		workload.Register(workload.Simple[Sum]{
//			Name:      "logsum",
//			Text:      "the total of the bytes field of NDJSON logs",
//			IsInput:   func(name string) bool { return strings.HasSuffix(name, ".ndjson") },
//			Impls:     []workload.Impl[Sum]{{Name: "std", Text: "encoding/json", Count: countStd}},
//			Merge:     func(dst, src *Sum) { dst.Bytes += src.Bytes },
//			Canonical: func(s *Sum) []byte { return fmt.Appendf(nil, `{"bytes":%d}`, s.Bytes) },
//		}.Definition())
//	}
//
// Every implementation of a workload must compute the same answer, byte
// for byte, and the same verdict on every input: the harness checks each
// configuration against the first implementation's answer, and the
// canonical line holds the count of bad inputs beside the answer.
type Simple[T any] struct {
	// Name is the workload's name, as -workload takes it: lower-case
	// letters, digits, '.', '_' and '-'.
	Name string
	// Text is a one-line description.
	Text string
	// IsInput reports whether a regular file of this base name is an
	// input (say, strings.HasSuffix(name, ".ndjson")); other files are not
	// visited. It is required.
	IsInput func(name string) bool
	// Impls are the workload's implementations, the parser axis of its
	// runs, in their conventional order. The first is the reference every
	// answer is checked against, the baseline improvements are measured
	// from and the level reports compare the others with. At least one is
	// required; "none" is added after them.
	Impls []Impl[T]
	// New returns an empty answer, for an answer that needs making (its
	// maps, say); nil is new(T).
	New func() *T
	// Merge adds src's contributions to dst. Merging must not depend on
	// the order: every way of splitting the inputs among goroutines and
	// merging their answers gives the same canonical bytes. It is
	// required.
	Merge func(dst, src *T)
	// Canonical returns the answer's canonical bytes: one JSON value
	// (encoding/json's Marshal sorts map keys), which the canonical line
	// holds as "result"; bytes that are not JSON are held as a string. It
	// is required.
	Canonical func(*T) []byte
	// Summary, if set, describes the answer in a few words for messages;
	// nil describes the inputs only.
	Summary func(*T) string
}

// An Impl is one implementation of a Simple workload: a parser, in
// benchgrid's terms. Exactly one of Count and NewCount is set.
type Impl[T any] struct {
	// Name is the implementation's short name, used in -parsers, result
	// names and file names alike: lower-case letters, digits, '.', '_'
	// and '-', and not "none".
	Name string
	// Text is a one-line description.
	Text string
	// Count adds what the input at path contributes to acc. data is all
	// of the input and stays valid only during the call. An error makes
	// the input bad, with the error's text as its reason; acc must then be
	// as it was (count into locals and add them to acc at the end). Count
	// is called by many goroutines at once, each with its own acc.
	Count CountFunc[T]
	// NewCount, instead of Count, makes the count function of one
	// goroutine, for state it reuses from input to input (a parser, a
	// scratch buffer). An error wrapping ErrUnavailable makes the
	// implementation unavailable in this binary, with the reason.
	NewCount func() (CountFunc[T], error)
	// Build is the build variant the implementation exists in ("jsonv2"),
	// or "" when every build has it.
	Build string
}

// A CountFunc adds what the input at path, whose bytes are data, contributes
// to acc, or returns why the input is bad (see Impl.Count).
type CountFunc[T any] func(path string, data []byte, acc *T) error

// FloorParser is the name of the read-only adapter Simple adds to every
// workload: it reads each input and computes nothing, the I/O floor.
const FloorParser = "none"

// Limits on what an outcome lists of the bad inputs: the first MaxListedBad
// inputs of each goroutine with their reasons, and in BadReasons
// MaxBadReasons distinct reasons, grouped as CommonReasons groups them
// (their numbers as N: "line N: offset N: invalid escape"), the others
// counted under OtherReasons. Every bad input is counted.
const (
	MaxListedBad  = 1000
	MaxBadReasons = 100
	OtherReasons  = "(other reasons)"
)

var simpleName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// Check reports what s lacks or gets wrong, naming it.
func (s Simple[T]) Check() error {
	var errs []error
	if !simpleName.MatchString(s.Name) {
		errs = append(errs, fmt.Errorf("name %q: want lower-case letters, digits, '.', '_' and '-'", s.Name))
	}
	if s.IsInput == nil {
		errs = append(errs, errors.New("no IsInput"))
	}
	if s.Merge == nil {
		errs = append(errs, errors.New("no Merge"))
	}
	if s.Canonical == nil {
		errs = append(errs, errors.New("no Canonical"))
	}
	if len(s.Impls) == 0 {
		errs = append(errs, errors.New("no Impls"))
	}
	seen := map[string]bool{}
	for i, im := range s.Impls {
		switch {
		case !simpleName.MatchString(im.Name):
			errs = append(errs, fmt.Errorf("parser name %q (Impls[%d]): want lower-case letters, digits, '.', '_' and '-'", im.Name, i))
		case im.Name == FloorParser:
			errs = append(errs, fmt.Errorf("parser %q (Impls[%d]) is the read-only floor, added by Simple", im.Name, i))
		case seen[im.Name]:
			errs = append(errs, fmt.Errorf("parser %q (Impls[%d]) is a duplicate", im.Name, i))
		}
		seen[im.Name] = true
		if (im.Count == nil) == (im.NewCount == nil) {
			errs = append(errs, fmt.Errorf("parser %q (Impls[%d]): want exactly one of Count and NewCount", im.Name, i))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("workload %s: %w", s.Name, err)
	}
	return nil
}

// Definition returns the definition that registers s; it panics when s is
// incomplete (see Check), as Register does.
func (s Simple[T]) Definition() Definition {
	if err := s.Check(); err != nil {
		panic(err)
	}
	s.Impls = append([]Impl[T](nil), s.Impls...) // s is the caller's no longer
	return Definition{
		Name: s.Name,
		Text: s.Text,
		Open: func(config []byte) (Workload, error) {
			if len(config) > 0 {
				return nil, errors.New("takes no configuration")
			}
			return simpleWorkload[T]{s}, nil
		},
	}
}

// simpleWorkload is a Simple as a Workload.
type simpleWorkload[T any] struct{ s Simple[T] }

func (w simpleWorkload[T]) Name() string { return w.s.Name }

func (w simpleWorkload[T]) IsInput(name string) bool { return w.s.IsInput(name) }

func (w simpleWorkload[T]) Parsers() []Parser {
	out := make([]Parser, 0, len(w.s.Impls)+1)
	for i, im := range w.s.Impls {
		p := Parser{Name: im.Name, Text: im.Text, Build: im.Build}
		if i == 0 {
			p.Roles = []Role{RoleReference, RoleBaseline, RoleVersus}
		}
		out = append(out, p)
	}
	return append(out, Parser{Name: FloorParser, Text: "no parsing: only reads each input, the I/O floor",
		Roles: []Role{RoleFloor}, ReadOnly: true})
}

func (w simpleWorkload[T]) NewPass(parser string) (Pass, error) {
	if parser == FloorParser {
		return &simplePass[T]{w: w}, nil
	}
	for _, im := range w.s.Impls {
		if im.Name != parser {
			continue
		}
		p := &simplePass[T]{w: w, impl: &im}
		if im.NewCount != nil { // can it run here? (a goroutine's state, discarded)
			if _, err := p.newCount(); err != nil {
				return nil, err
			}
		}
		return p, nil
	}
	return nil, fmt.Errorf("unknown parser %q for workload %s (have %v)", parser, w.s.Name, ParserNames(w))
}

// simplePass is one pass of an implementation, or of the floor when impl
// is nil.
type simplePass[T any] struct {
	w    simpleWorkload[T]
	impl *Impl[T]
}

func (p *simplePass[T]) newCount() (CountFunc[T], error) {
	if p.impl.Count != nil {
		return p.impl.Count, nil
	}
	f, err := p.impl.NewCount()
	if err != nil {
		return nil, fmt.Errorf("parser %s: %w", p.impl.Name, err)
	}
	if f == nil {
		return nil, fmt.Errorf("parser %s: NewCount returned no function", p.impl.Name)
	}
	return f, nil
}

func (p *simplePass[T]) newAnswer() *T {
	if p.w.s.New != nil {
		return p.w.s.New()
	}
	return new(T)
}

func (p *simplePass[T]) NewCounter() (Counter, error) {
	c := &simpleCounter[T]{}
	if p.impl == nil {
		return c, nil
	}
	count, err := p.newCount()
	if err != nil {
		return nil, err
	}
	c.count, c.acc = count, p.newAnswer()
	return c, nil
}

func (p *simplePass[T]) Outcome(counters []Counter) *Outcome {
	o := &Outcome{}
	acc := p.newAnswer()
	for _, c := range counters {
		sc := c.(*simpleCounter[T])
		o.Files += sc.files
		o.BadFiles += sc.badFiles
		o.Bytes += sc.bytes
		o.Bad = append(o.Bad, sc.bad...)
		for r, n := range sc.reasons {
			addReason(o, r, n)
		}
		if p.impl != nil {
			p.w.s.Merge(acc, sc.acc)
		}
	}
	o.Documents, o.BadDocuments = o.Files, o.BadFiles
	inputs := fmt.Sprintf("%d files (%d bad), %d bytes", o.Files, o.BadFiles, o.Bytes)
	if p.impl == nil {
		o.Summary = "read " + inputs
		return o
	}
	o.Canonical = canonicalLine(o, p.w.s.Canonical(acc))
	o.Summary = inputs
	if p.w.s.Summary != nil {
		o.Summary = inputs + ": " + p.w.s.Summary(acc)
	}
	return o
}

// addReason counts n bad inputs of reason in o, within MaxBadReasons.
func addReason(o *Outcome, reason string, n int64) {
	if o.BadReasons == nil {
		o.BadReasons = map[string]int64{}
	}
	if _, ok := o.BadReasons[reason]; !ok && len(o.BadReasons) >= MaxBadReasons {
		reason = OtherReasons
	}
	o.BadReasons[reason] += n
}

// canonicalLine is the canonical line of a Simple workload's outcome: the
// inputs counted and the answer, as one JSON object ending in a newline.
func canonicalLine(o *Outcome, answer []byte) []byte {
	var result bytes.Buffer
	if err := json.Compact(&result, answer); err != nil || result.Len() == 0 {
		result.Reset()
		quoted, _ := json.Marshal(string(answer)) // invalid UTF-8 becomes U+FFFD
		result.Write(quoted)
	}
	return fmt.Appendf(nil, `{"files":%d,"bad_files":%d,"bytes":%d,"result":%s}`+"\n", o.Files, o.BadFiles, o.Bytes, result.Bytes())
}

// simpleCounter is one goroutine's tally: its count function and answer
// (nil for the floor), and its inputs.
type simpleCounter[T any] struct {
	count                  CountFunc[T]
	acc                    *T
	files, badFiles, bytes int64
	bad                    []BadInput
	reasons                map[string]int64
}

// Count counts the input once its count function has returned: a mapped
// input truncated under it aborts the call (corpus.GuardMapped) and is
// then counted once, as unreadable.
func (c *simpleCounter[T]) Count(path string, data []byte) {
	if c.count != nil {
		if err := c.count(path, data, c.acc); err != nil {
			c.addBad(path, int64(len(data)), err)
			return
		}
	}
	c.files++
	c.bytes += int64(len(data))
}

func (c *simpleCounter[T]) Unreadable(path string, size int64, err error) {
	c.addBad(path, size, err)
}

// addBad counts a bad input of size bytes. Its reason is the error's
// text, less a leading "PATH: " (the path is listed beside it).
func (c *simpleCounter[T]) addBad(path string, size int64, err error) {
	c.files++
	c.bytes += size
	c.badFiles++
	reason := strings.TrimPrefix(err.Error(), path+": ")
	if len(c.bad) < MaxListedBad {
		c.bad = append(c.bad, BadInput{Path: path, Reason: reason})
	}
	if c.reasons == nil {
		c.reasons = map[string]int64{}
	}
	reason = digitRuns.ReplaceAllString(reason, "N")
	if _, ok := c.reasons[reason]; !ok && len(c.reasons) >= MaxBadReasons {
		reason = OtherReasons
	}
	c.reasons[reason]++
}
