package workload_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"benchgrid/workload"
)

// tally is the answer of the test workload: the sum of every input's
// number, and the sum by key. Inputs are "key=N".
type tally struct {
	Sum   int64            `json:"sum"`
	ByKey map[string]int64 `json:"by_key"`
}

func newTally() *tally { return &tally{ByKey: map[string]int64{}} }

func mergeTally(dst, src *tally) {
	dst.Sum += src.Sum
	for k, v := range src.ByKey {
		dst.ByKey[k] += v
	}
}

func canonicalTally(t *tally) []byte {
	b, err := json.Marshal(t) // map keys sorted
	if err != nil {
		panic(err)
	}
	return b
}

// countCut parses with strings.Cut and strconv.
func countCut(path string, data []byte, acc *tally) error {
	k, v, ok := strings.Cut(string(data), "=")
	if !ok {
		return fmt.Errorf("%s: no '='", path)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	acc.Sum += n
	acc.ByKey[k] += n
	return nil
}

// newCountBytes makes a count function with state of its own (a key
// buffer), as a reused parser would be.
func newCountBytes() (workload.CountFunc[tally], error) {
	var key []byte
	return func(path string, data []byte, acc *tally) error {
		i := bytes.IndexByte(data, '=')
		if i < 0 {
			return errors.New("no '='")
		}
		key = append(key[:0], data[:i]...)
		var n int64
		neg := false
		digits := data[i+1:]
		if len(digits) > 0 && digits[0] == '-' {
			neg, digits = true, digits[1:]
		}
		if len(digits) == 0 {
			return errors.New("no digits")
		}
		for _, c := range digits {
			if c < '0' || c > '9' {
				return fmt.Errorf("not a digit: %q", c)
			}
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		acc.Sum += n
		acc.ByKey[string(key)] += n
		return nil
	}, nil
}

func testSimple() workload.Simple[tally] {
	return workload.Simple[tally]{
		Name:    "kv",
		Text:    "sums of key=N files",
		IsInput: func(name string) bool { return strings.HasSuffix(name, ".kv") },
		Impls: []workload.Impl[tally]{
			{Name: "cut", Text: "strings.Cut and strconv", Count: countCut},
			{Name: "bytes", Text: "a hand-rolled scanner", NewCount: newCountBytes},
		},
		New:       newTally,
		Merge:     mergeTally,
		Canonical: canonicalTally,
		Summary:   func(t *tally) string { return fmt.Sprintf("sum %d", t.Sum) },
	}
}

func openSimple(t *testing.T, s workload.Simple[tally]) workload.Workload {
	t.Helper()
	w, err := s.Definition().Open(nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return w
}

// input is one file given to a counter: its bytes, or unreadable.
type input struct {
	path       string
	data       string
	unreadable bool
}

var inputs = []input{
	{path: "a/1.kv", data: "x=3"},
	{path: "a/2.kv", data: "y=-4"},
	{path: "a/3.kv", data: "x=10"},
	{path: "b/4.kv", data: "nothing here"},
	{path: "b/5.kv", data: "z="},
	{path: "b/6.kv", data: "z=7"},
	{path: "c/7.kv", data: "0123456789", unreadable: true},
}

// pass counts ins with one pass of parser, the inputs dealt to counters
// goroutines as split says (the index of each input's counter), each
// counter on a goroutine of its own.
func pass(t *testing.T, w workload.Workload, parser string, ins []input, counters int, split []int) *workload.Outcome {
	t.Helper()
	p, err := w.NewPass(parser)
	if err != nil {
		t.Fatalf("NewPass(%q): %v", parser, err)
	}
	cs := make([]workload.Counter, counters)
	for i := range cs {
		if cs[i], err = p.NewCounter(); err != nil {
			t.Fatalf("NewCounter: %v", err)
		}
	}
	var wg sync.WaitGroup
	for ci, c := range cs {
		wg.Go(func() {
			for i, in := range ins {
				if split[i] != ci {
					continue
				}
				if in.unreadable {
					c.Unreadable(in.path, int64(len(in.data)), fmt.Errorf("read %s: input/output error", in.path))
					continue
				}
				c.Count(in.path, []byte(in.data))
			}
		})
	}
	wg.Wait()
	return p.Outcome(cs)
}

func sequential(n int) []int { return make([]int, n) }

func TestSimpleOutcome(t *testing.T) {
	w := openSimple(t, testSimple())
	const want = `{"files":7,"bad_files":3,"bytes":38,"result":{"sum":16,"by_key":{"x":13,"y":-4,"z":7}}}` + "\n"
	for _, parser := range []string{"cut", "bytes"} {
		o := pass(t, w, parser, inputs, 1, sequential(len(inputs)))
		if string(o.Canonical) != want {
			t.Errorf("parser %s: Canonical = %q, want %q", parser, o.Canonical, want)
		}
		if o.Files != 7 || o.BadFiles != 3 || o.Bytes != 38 || o.Documents != 7 || o.BadDocuments != 3 {
			t.Errorf("parser %s: files %d bad %d bytes %d documents %d bad %d, want 7 3 38 7 3",
				parser, o.Files, o.BadFiles, o.Bytes, o.Documents, o.BadDocuments)
		}
		var paths []string
		for _, b := range o.Bad {
			paths = append(paths, b.Path)
			if b.Reason == "" || strings.HasPrefix(b.Reason, b.Path) {
				t.Errorf("parser %s: bad %s has reason %q, want the error less its path", parser, b.Path, b.Reason)
			}
		}
		if want := []string{"b/4.kv", "b/5.kv", "c/7.kv"}; !slices.Equal(paths, want) {
			t.Errorf("parser %s: bad inputs %v, want %v", parser, paths, want)
		}
		var reasons int64
		for _, n := range o.BadReasons {
			reasons += n
		}
		if reasons != 3 {
			t.Errorf("parser %s: BadReasons %v count %d inputs, want 3", parser, o.BadReasons, reasons)
		}
		if want := "7 files (3 bad), 38 bytes: sum 16"; o.Summary != want {
			t.Errorf("parser %s: Summary = %q, want %q", parser, o.Summary, want)
		}
	}
	if o := pass(t, w, "cut", inputs, 1, sequential(len(inputs))); o.BadReasons["read c/N.kv: input/output error"] != 1 {
		t.Errorf("BadReasons = %v, want the unreadable input's error", o.BadReasons)
	}
}

func TestSimpleFloor(t *testing.T) {
	w := openSimple(t, testSimple())
	o := pass(t, w, workload.FloorParser, inputs, 2, []int{0, 1, 0, 1, 0, 1, 0})
	if o.Canonical != nil {
		t.Errorf("floor Canonical = %q, want nil", o.Canonical)
	}
	// The floor parses nothing: only the unreadable input is bad.
	if o.Files != 7 || o.BadFiles != 1 || o.Bytes != 38 {
		t.Errorf("floor: files %d bad %d bytes %d, want 7 1 38", o.Files, o.BadFiles, o.Bytes)
	}
}

// TestSimpleMergeOrder checks that the answer does not depend on how the
// inputs are dealt to goroutines, nor on the order of the counters merged.
func TestSimpleMergeOrder(t *testing.T) {
	w := openSimple(t, testSimple())
	var ins []input
	for i := range 500 {
		in := input{path: fmt.Sprintf("d%d/%d.kv", i%7, i), data: fmt.Sprintf("k%d=%d", i%13, i*7-1000)}
		switch {
		case i%37 == 0:
			in.data = "bad"
		case i%101 == 0:
			in.unreadable = true
		}
		ins = append(ins, in)
	}
	want := pass(t, w, "cut", ins, 1, sequential(len(ins))).Canonical
	rng := rand.New(rand.NewPCG(1, 2))
	for _, parser := range []string{"cut", "bytes"} {
		for _, counters := range []int{1, 2, 3, 8} {
			for trial := range 5 {
				split := make([]int, len(ins))
				for i := range split {
					split[i] = rng.IntN(counters)
				}
				got := pass(t, w, parser, ins, counters, split).Canonical
				if !bytes.Equal(got, want) {
					t.Errorf("parser %s, %d counters, trial %d: Canonical = %q, want %q", parser, counters, trial, got, want)
				}
			}
		}
	}
}

func TestSimpleParsers(t *testing.T) {
	w := openSimple(t, testSimple())
	ps := w.Parsers()
	if got, want := workload.ParserNames(w), []string{"cut", "bytes", "none"}; !slices.Equal(got, want) {
		t.Fatalf("ParserNames = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		role workload.Role
		want string
	}{
		{workload.RoleReference, "cut"},
		{workload.RoleBaseline, "cut"},
		{workload.RoleVersus, "cut"},
		{workload.RoleFloor, "none"},
	} {
		if got := workload.WithRole(w, tc.role); got != tc.want {
			t.Errorf("WithRole(%s) = %q, want %q", tc.role, got, tc.want)
		}
	}
	if !ps[2].ReadOnly || ps[0].ReadOnly || ps[1].ReadOnly {
		t.Errorf("ReadOnly = %v %v %v, want only none", ps[0].ReadOnly, ps[1].ReadOnly, ps[2].ReadOnly)
	}
	if w.Name() != "kv" || !w.IsInput("x.kv") || w.IsInput("x.json") {
		t.Errorf("Name %q, IsInput(x.kv) %v, IsInput(x.json) %v; want kv, true, false", w.Name(), w.IsInput("x.kv"), w.IsInput("x.json"))
	}
	if _, err := w.NewPass("nosuch"); err == nil || !strings.Contains(err.Error(), `unknown parser "nosuch"`) {
		t.Errorf(`NewPass("nosuch") = %v, want unknown parser`, err)
	}
}

func TestSimpleUnavailable(t *testing.T) {
	s := testSimple()
	s.Impls = append(s.Impls, workload.Impl[tally]{Name: "gone", NewCount: func() (workload.CountFunc[tally], error) {
		return nil, fmt.Errorf("needs a CPU with AVX-512: %w", workload.ErrUnavailable)
	}})
	w := openSimple(t, s)
	_, err := w.NewPass("gone")
	if !errors.Is(err, workload.ErrUnavailable) || !strings.Contains(err.Error(), "parser gone: needs a CPU with AVX-512") {
		t.Errorf(`NewPass("gone") = %v, want "parser gone: needs …" wrapping ErrUnavailable`, err)
	}
}

func TestSimpleCanonical(t *testing.T) {
	for _, tc := range []struct {
		answer, want string
	}{
		{`{"a": 1,` + "\n" + ` "b": [1, 2]}` + "\n", `{"a":1,"b":[1,2]}`},
		{`42`, `42`},
		{`sum 42`, `"sum 42"`},
		{``, `""`},
		{"line\nbreak", `"line\nbreak"`},
		{"\xff", `"\ufffd"`},
	} {
		s := testSimple()
		s.Canonical = func(*tally) []byte { return []byte(tc.answer) }
		o := pass(t, openSimple(t, s), "cut", nil, 1, nil)
		want := `{"files":0,"bad_files":0,"bytes":0,"result":` + tc.want + "}\n"
		if string(o.Canonical) != want {
			t.Errorf("Canonical returning %q: line %q, want %q", tc.answer, o.Canonical, want)
		}
	}
}

func TestSimpleBadReasonsBounded(t *testing.T) {
	w := openSimple(t, testSimple())
	var ins []input
	for i := range workload.MaxBadReasons + 50 {
		// A reason of its own (letters: numbers would be grouped).
		ins = append(ins, input{path: fmt.Sprintf("%d.kv", i), data: "k=x" + strings.Repeat("y", i)})
	}
	o := pass(t, w, "cut", ins, 2, func() []int {
		s := make([]int, len(ins))
		for i := range s {
			s[i] = i % 2
		}
		return s
	}())
	var total int64
	for _, n := range o.BadReasons {
		total += n
	}
	if len(o.BadReasons) > workload.MaxBadReasons+1 || o.BadReasons[workload.OtherReasons] == 0 || total != int64(len(ins)) {
		t.Errorf("%d distinct bad reasons: kept %d, %d as %q, %d in all; want at most %d+1, some other, %d in all",
			len(ins), len(o.BadReasons), o.BadReasons[workload.OtherReasons], workload.OtherReasons, total, workload.MaxBadReasons, len(ins))
	}
	if o.BadFiles != int64(len(ins)) || len(o.Bad) != len(ins) {
		t.Errorf("BadFiles %d, %d listed; want %d", o.BadFiles, len(o.Bad), len(ins))
	}
}

func TestSimpleCheck(t *testing.T) {
	count := workload.CountFunc[tally](countCut)
	for _, tc := range []struct {
		name   string
		change func(*workload.Simple[tally])
		want   string // in the error; "" for none
	}{
		{"complete", func(*workload.Simple[tally]) {}, ""},
		{"no name", func(s *workload.Simple[tally]) { s.Name = "" }, `name ""`},
		{"name with slash", func(s *workload.Simple[tally]) { s.Name = "a/b" }, `name "a/b"`},
		{"upper case", func(s *workload.Simple[tally]) { s.Name = "KV" }, `name "KV"`},
		{"no IsInput", func(s *workload.Simple[tally]) { s.IsInput = nil }, "no IsInput"},
		{"no Merge", func(s *workload.Simple[tally]) { s.Merge = nil }, "no Merge"},
		{"no Canonical", func(s *workload.Simple[tally]) { s.Canonical = nil }, "no Canonical"},
		{"no Impls", func(s *workload.Simple[tally]) { s.Impls = nil }, "no Impls"},
		{"impl named none", func(s *workload.Simple[tally]) { s.Impls[1].Name = "none" }, `parser "none" (Impls[1]) is the read-only floor`},
		{"duplicate impl", func(s *workload.Simple[tally]) { s.Impls[1].Name = "cut" }, `parser "cut" (Impls[1]) is a duplicate`},
		{"impl with comma", func(s *workload.Simple[tally]) { s.Impls[0].Name = "a,b" }, `parser name "a,b" (Impls[0])`},
		{"both counts", func(s *workload.Simple[tally]) { s.Impls[1].Count = count }, `parser "bytes" (Impls[1]): want exactly one of Count and NewCount`},
		{"no count", func(s *workload.Simple[tally]) { s.Impls[0].Count = nil }, `parser "cut" (Impls[0]): want exactly one of Count and NewCount`},
	} {
		s := testSimple()
		s.Impls = slices.Clone(s.Impls)
		tc.change(&s)
		err := s.Check()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: Check() = %v, want nil", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: Check() = %v, want an error containing %q", tc.name, err, tc.want)
		}
		if tc.want != "" {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: Definition() did not panic", tc.name)
					}
				}()
				s.Definition()
			}()
		}
	}
}

func TestSimpleRegister(t *testing.T) {
	s := testSimple()
	s.Name = "kv-registered"
	workload.Register(s.Definition())
	w, err := workload.Open("kv-registered", nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if w.Name() != "kv-registered" {
		t.Errorf("Name() = %q, want kv-registered", w.Name())
	}
	if _, err := workload.Open("kv-registered", []byte("x")); err == nil || !strings.Contains(err.Error(), "takes no configuration") {
		t.Errorf("Open with a configuration = %v, want an error", err)
	}
}

// TestSimpleReasonsGrouped checks that reasons differing only in their
// numbers count as one, as the guard rail's CommonReasons groups them.
func TestSimpleReasonsGrouped(t *testing.T) {
	w := openSimple(t, testSimple())
	var ins []input
	for i := range 2 * workload.MaxBadReasons {
		ins = append(ins, input{path: fmt.Sprintf("%d.kv", i), data: fmt.Sprintf("k=%d.5", i)})
	}
	o := pass(t, w, "cut", ins, 1, sequential(len(ins)))
	const want = `strconv.ParseInt: parsing "N.N": invalid syntax`
	if len(o.BadReasons) != 1 || o.BadReasons[want] != int64(len(ins)) {
		t.Errorf("BadReasons = %v, want {%q: %d}", o.BadReasons, want, len(ins))
	}
	if o.Bad[3].Reason != `strconv.ParseInt: parsing "3.5": invalid syntax` {
		t.Errorf("Bad[3].Reason = %q, want the exact error", o.Bad[3].Reason)
	}
}
