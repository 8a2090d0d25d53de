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
	return len(f.types) == 0 && len(f.repos.names) == 0 && f.actors.n == 0 && !f.actors.hasZero
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

// hashName returns b's hash for a nameTable.
func hashName(b []byte) uint64 { return maphash.Bytes(nameSeed, b) }

// nameTable counts names: an open-addressing index with linear probing
// over a dense list of the names in the order they came, each with its
// count and hash. An index slot is 8 bytes (the hash's high half as a tag
// and the name's place in the list), so that the index of a corpus's
// tens of thousands of repositories stays in a core's cache, growing it
// moves only slots, and a lookup touches a name's entry and bytes only
// when the tag matches.
type nameTable struct {
	slots []nameSlot // a power of two long, at most three quarters full
	names []nameEntry
}

// A nameSlot is empty when at is 0; otherwise names[at-1] is its name.
type nameSlot struct {
	tag uint32
	at  uint32
}

type nameEntry struct {
	name string
	n    int64
	hash uint64
}

// find returns the count of the name b, whose hash is h, or nil when the
// table does not have it.
func (t *nameTable) find(h uint64, b []byte) *int64 {
	if len(t.names) == 0 {
		return nil
	}
	mask := uint64(len(t.slots) - 1)
	tag := uint32(h >> 32)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s.at == 0 {
			return nil
		}
		if s.tag == tag {
			if e := &t.names[s.at-1]; e.name == string(b) {
				return &e.n
			}
		}
	}
}

// insert adds name, which the table does not have, with its hash h and
// count n.
func (t *nameTable) insert(h uint64, name string, n int64) {
	if 4*(len(t.names)+1) > 3*len(t.slots) {
		t.grow()
	}
	t.names = append(t.names, nameEntry{name, n, h})
	t.place(h, uint32(len(t.names)))
}

// place points the first empty slot of h's probe sequence at names[at-1].
func (t *nameTable) place(h uint64, at uint32) {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].at != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = nameSlot{uint32(h >> 32), at}
}

// grow doubles the index (64 slots at first: a tally that counts one file
// must not pay for a large one) and the list's room, and places every
// name again. A table
// holds fewer than 2³² names: its slots' places are 32 bits.
func (t *nameTable) grow() {
	t.slots = make([]nameSlot, max(64, 2*len(t.slots)))
	// The list grows with the index, to what the index can hold: append
	// alone would grow a long list by a quarter at a time.
	if room := 3 * len(t.slots) / 4; cap(t.names) < room {
		names := make([]nameEntry, len(t.names), room)
		copy(names, t.names)
		t.names = names
	}
	for i, e := range t.names {
		t.place(e.hash, uint32(i+1))
	}
}

// merge adds o's counts to t, reusing o's hashes; an empty t takes a copy
// of o's table.
func (t *nameTable) merge(o *nameTable) {
	if len(t.names) == 0 {
		t.slots = slices.Clone(o.slots)
		t.names = slices.Clone(o.names)
		return
	}
	for _, e := range o.names {
		if c := t.find(e.hash, bytesOf(e.name)); c != nil {
			*c += e.n
			continue
		}
		t.insert(e.hash, e.name, e.n)
	}
}

// all yields every name with its count, in the order they came.
func (t *nameTable) all() iter.Seq2[string, int64] {
	return func(yield func(string, int64) bool) {
		for _, e := range t.names {
			if !yield(e.name, e.n) {
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
