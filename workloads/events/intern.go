package events

import (
	"os"
	"unsafe"
)

// TallyEnv is the environment variable that chooses a Tally's tables for
// a pass: "map" (the default: the exported maps, a map lookup and a map
// assignment per event for the type, the repository and the actor) or
// "intern" (InternTally). It is the matrix's tally axis, which reaches a
// child through its environment, as GOGC does; `benchgrid process` reads
// it too.
const TallyEnv = "BENCHGRID_TALLY"

// The values of TallyEnv.
const (
	TallyMap    = "map"
	TallyIntern = "intern"
)

// TallyModes lists the values of TallyEnv, the default first.
var TallyModes = []string{TallyMap, TallyIntern}

// tallyFromEnv reports whether TallyEnv asks for InternTally.
func tallyFromEnv() bool { return os.Getenv(TallyEnv) == TallyIntern }

// InternTally makes t count with its own tables instead of its exported
// maps until they are needed (Merge, Result, Outcome fold them back): a
// repository or type name met before costs one hash lookup and no
// allocation, a new one is copied into an arena shared by all names (no
// allocation per name), and an actor is one probe of an open-addressing
// set of int64. Call it before the first AddGood.
func (t *Tally) InternTally() {
	if t.fast == nil {
		t.fast = &fastTally{}
	}
}

// fastTally is InternTally's tables.
type fastTally struct {
	// types is a short list searched linearly: a corpus has a few dozen
	// event types at most, and comparing a few short strings is cheaper
	// than hashing one. Past maxLinearTypes, types go to typeIndex.
	types     []nameCount
	typeIndex map[string]int
	repoIndex map[string]int // into repos
	repos     []nameCount
	actors    int64Set
	arena     []byte
}

type nameCount struct {
	name string
	n    int64
}

const maxLinearTypes = 32

// intern returns a string with b's bytes, stored in the arena.
func (f *fastTally) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(f.arena)-len(f.arena) < len(b) {
		// A new chunk: strings in the old one keep it alive.
		f.arena = make([]byte, 0, max(64<<10, len(b)))
	}
	start := len(f.arena)
	f.arena = append(f.arena, b...)
	s := f.arena[start:]
	return unsafe.String(unsafe.SliceData(s), len(s))
}

func (f *fastTally) addType(b []byte) {
	if f.typeIndex == nil {
		for i := range f.types {
			if f.types[i].name == string(b) {
				f.types[i].n++
				return
			}
		}
		if len(f.types) < maxLinearTypes {
			f.types = append(f.types, nameCount{f.intern(b), 1})
			return
		}
		f.typeIndex = make(map[string]int, 2*maxLinearTypes)
		for i, tc := range f.types {
			f.typeIndex[tc.name] = i
		}
	}
	if i, ok := f.typeIndex[string(b)]; ok {
		f.types[i].n++
		return
	}
	name := f.intern(b)
	f.typeIndex[name] = len(f.types)
	f.types = append(f.types, nameCount{name, 1})
}

func (f *fastTally) addRepo(b []byte) {
	if i, ok := f.repoIndex[string(b)]; ok {
		f.repos[i].n++
		return
	}
	if f.repoIndex == nil {
		f.repoIndex = make(map[string]int)
	}
	name := f.intern(b)
	f.repoIndex[name] = len(f.repos)
	f.repos = append(f.repos, nameCount{name, 1})
}

// fold adds the tables' counts to t's exported maps and empties them.
func (t *Tally) fold() {
	f := t.fast
	if f == nil || (len(f.types) == 0 && len(f.repos) == 0 && f.actors.n == 0 && !f.actors.hasZero) {
		return
	}
	t.init()
	for _, tc := range f.types {
		t.ByType[tc.name] += tc.n
	}
	for _, rc := range f.repos {
		t.Repos[rc.name] += rc.n
	}
	f.actors.each(func(id int64) { t.Actors[id] = struct{}{} })
	*f = fastTally{}
}

// int64Set is an open-addressing hash set of int64 with linear probing;
// 0 marks an empty slot, so the key 0 is kept aside.
type int64Set struct {
	slots   []int64
	n       int
	hasZero bool
}

func (s *int64Set) add(k int64) {
	if k == 0 {
		s.hasZero = true
		return
	}
	if 4*(s.n+1) > 3*len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := hash64(k) & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case k:
			return
		case 0:
			s.slots[i] = k
			s.n++
			return
		}
	}
}

func (s *int64Set) grow() {
	old := s.slots
	s.slots = make([]int64, max(1024, 2*len(old)))
	s.n = 0
	for _, k := range old {
		if k != 0 {
			s.add(k)
		}
	}
}

func (s *int64Set) each(fn func(int64)) {
	if s.hasZero {
		fn(0)
	}
	for _, k := range s.slots {
		if k != 0 {
			fn(k)
		}
	}
}

// hash64 is a multiplicative hash (Fibonacci hashing's constant) with the
// high bits folded down, so that sequential ids spread over the table.
func hash64(k int64) uint64 {
	h := uint64(k) * 0x9e3779b97f4a7c15
	return h ^ h>>29
}
