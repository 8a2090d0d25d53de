package events

import (
	"hash/maphash"
	"iter"
	"os"
	"slices"
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
// maps: a repository name met before costs one probe of an
// open-addressing table that keeps each name's hash and count beside it
// (no allocation, and no string made of the bytes), a type name one
// comparison in a short list, a new name is copied into an arena shared
// by all names (no allocation per name), and an actor is one probe of an
// open-addressing set of int64. Merging two interned tallies merges their
// tables, and Result reads them, so the maps are filled only when an
// interned tally meets a plain one. Call it before the first AddGood.
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
	repos     nameTable
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
	if c := f.typeCount(b); c != nil {
		*c++
		return
	}
	f.newType(f.intern(b), 1)
}

// typeCount returns the count of the type b, or nil when it is new.
func (f *fastTally) typeCount(b []byte) *int64 {
	if f.typeIndex == nil {
		for i := range f.types {
			if f.types[i].name == string(b) {
				return &f.types[i].n
			}
		}
		return nil
	}
	if i, ok := f.typeIndex[string(b)]; ok {
		return &f.types[i].n
	}
	return nil
}

// newType adds the type called name, interned and not yet counted, with
// the count n; past maxLinearTypes the types get an index.
func (f *fastTally) newType(name string, n int64) {
	if f.typeIndex == nil && len(f.types) >= maxLinearTypes {
		f.typeIndex = make(map[string]int, 2*maxLinearTypes)
		for i, tc := range f.types {
			f.typeIndex[tc.name] = i
		}
	}
	if f.typeIndex != nil {
		f.typeIndex[name] = len(f.types)
	}
	f.types = append(f.types, nameCount{name, n})
}

func (f *fastTally) addRepo(b []byte) {
	h := hashName(b)
	if c := f.repos.find(h, b); c != nil {
		*c++
		return
	}
	f.repos.insert(h, f.intern(b), 1)
}

// merge adds o's counts to f's tables. f's names then share o's arena,
// which is never written over.
func (f *fastTally) merge(o *fastTally) {
	for _, tc := range o.types {
		if c := f.typeCount(bytesOf(tc.name)); c != nil {
			*c += tc.n
		} else {
			f.newType(tc.name, tc.n)
		}
	}
	f.repos.merge(&o.repos)
	f.actors.merge(&o.actors)
}

// empty reports whether f has counted nothing.
func (f *fastTally) empty() bool {
	return len(f.types) == 0 && f.repos.n == 0 && f.actors.n == 0 && !f.actors.hasZero
}

// fold adds the tables' counts to t's exported maps and empties them.
func (t *Tally) fold() {
	f := t.fast
	if f == nil || f.empty() {
		return
	}
	t.init()
	for _, tc := range f.types {
		t.ByType[tc.name] += tc.n
	}
	for name, n := range f.repos.all() {
		t.Repos[name] += n
	}
	f.actors.each(func(id int64) { t.Actors[id] = struct{}{} })
	*f = fastTally{}
}

// bytesOf returns s's bytes without a copy, for lookups that take bytes;
// they must not be written to.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// nameSeed is the seed of every nameTable's hashes: one for the process,
// so that a merge reuses the hashes its tables keep.
var nameSeed = maphash.MakeSeed()

// hashName returns b's hash for a nameTable: never 0, which marks an
// empty slot.
func hashName(b []byte) uint64 { return maphash.Bytes(nameSeed, b) | 1 }

// nameTable counts names: an open-addressing table with linear probing
// whose slots hold a name's hash, the name and its count, so that a
// lookup touches the slot and the name's bytes and nothing else. A slot
// whose hash is 0 is empty.
type nameTable struct {
	slots []nameSlot // a power of two long, at most three quarters full
	n     int
}

type nameSlot struct {
	hash uint64
	name string
	n    int64
}

// find returns the count of the name b, whose hash is h, or nil when the
// table does not have it.
func (t *nameTable) find(h uint64, b []byte) *int64 {
	if t.n == 0 {
		return nil
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.hash == h && s.name == string(b) {
			return &s.n
		}
		if s.hash == 0 {
			return nil
		}
	}
}

// insert adds name, which the table does not have, with its hash h and
// count n.
func (t *nameTable) insert(h uint64, name string, n int64) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	t.place(nameSlot{h, name, n})
	t.n++
}

// place puts s in the first empty slot of its probe sequence.
func (t *nameTable) place(s nameSlot) {
	mask := uint64(len(t.slots) - 1)
	i := s.hash & mask
	for t.slots[i].hash != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = s
}

// grow doubles the table (64 slots at first: a tally that counts one
// file must not pay for a large one).
func (t *nameTable) grow() {
	old := t.slots
	t.slots = make([]nameSlot, max(64, 2*len(old)))
	for _, s := range old {
		if s.hash != 0 {
			t.place(s)
		}
	}
}

// merge adds o's counts to t, reusing o's hashes; an empty t takes a copy
// of o's slots.
func (t *nameTable) merge(o *nameTable) {
	if t.n == 0 {
		t.slots = slices.Clone(o.slots)
		t.n = o.n
		return
	}
	for _, s := range o.slots {
		if s.hash == 0 {
			continue
		}
		if c := t.find(s.hash, bytesOf(s.name)); c != nil {
			*c += s.n
			continue
		}
		t.insert(s.hash, s.name, s.n)
	}
}

// all yields every name with its count, in no particular order.
func (t *nameTable) all() iter.Seq2[string, int64] {
	return func(yield func(string, int64) bool) {
		for _, s := range t.slots {
			if s.hash != 0 && !yield(s.name, s.n) {
				return
			}
		}
	}
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

// merge adds o's keys to s; an empty s takes a copy of o's slots.
func (s *int64Set) merge(o *int64Set) {
	s.hasZero = s.hasZero || o.hasZero
	if s.n == 0 {
		s.slots = slices.Clone(o.slots)
		s.n = o.n
		return
	}
	for _, k := range o.slots {
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
