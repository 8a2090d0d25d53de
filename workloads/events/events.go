// Package events is the `events` workload of docs/events.md: what one
// file contributes, how contributions add up, and the canonical bytes of
// the result. Parser adapters (package parsers, which registers them here)
// fill a Batch per file; a Tally adds up good and bad files per worker;
// tallies merge into a Result. Workload implements workload.Workload over
// them.
//
// It sits after packages corpus and workload in benchgrid's flow and
// knows nothing about concurrency or timing.
package events

import (
	"benchgrid/workload/strictjson"
	"bytes"
	"fmt"
	"iter"
	"maps"
	"sort"
)

// An Event is what the workload reads of one event. Its byte slices may
// alias the input or a parser's memory: they stay valid until the Batch that
// holds the event is committed to a Tally.
type Event struct {
	Type      []byte
	Repo      []byte
	CreatedAt []byte
	ActorID   int64
	// PushSize is payload.size for a PushEvent and 0 otherwise.
	PushSize int64
}

// A Batch holds one file's events until the file is known to be good, so
// that a bad file never contributes a partial count.
type Batch struct {
	Events []Event
	// Fallback, when set by an adapter, says that this file went beyond
	// what the adapter's parser can do (say, its nesting limit) and was
	// decoded another way, and why. Tallies count fallbacks by reason so
	// that reports can say so: a fallback is never silent.
	Fallback string
	arena    []byte
}

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	b.Events = b.Events[:0]
	b.Fallback = ""
	b.arena = b.arena[:0]
}

// Add appends an event.
func (b *Batch) Add(e Event) { b.Events = append(b.Events, e) }

// Keep copies s into the batch's own memory and returns the copy, for
// strings whose backing memory will not outlive the parse.
func (b *Batch) Keep(s []byte) []byte {
	if cap(b.arena)-len(b.arena) < len(s) {
		// A new arena: earlier copies keep the old one alive.
		b.arena = make([]byte, 0, max(2*cap(b.arena), len(s), 4096))
	}
	start := len(b.arena)
	b.arena = append(b.arena, s...)
	return b.arena[start:len(b.arena):len(b.arena)]
}

// A BadInput is a file that contributed nothing but its size, with the
// reason it was bad.
type BadInput struct {
	Path   string
	Reason string
}

// A Tally adds up the contributions of the files one worker processed.
// The zero value is ready to use. A Tally is not safe for concurrent use:
// give each worker its own and Merge them at the end.
type Tally struct {
	Files        int64
	BadFiles     int64
	Bytes        int64
	Events       int64
	PushCommits  int64
	MaxCreatedAt string
	ByType       map[string]int64
	Repos        map[string]int64
	Actors       map[int64]struct{}
	// Bad lists the bad inputs in the order they were met.
	Bad []BadInput
	// Fallbacks counts files an adapter decoded another way, by reason
	// (see Batch.Fallback).
	Fallbacks map[string]int64
	// fast, when set (InternTally), counts types, repositories and
	// actors until fold adds them to the maps above.
	fast *fastTally
}

// init makes the maps, with no size hint: a worker that lives for one
// file (the perfile strategy) must not pay for a large table, and a
// long-lived one grows its maps once.
func (t *Tally) init() {
	if t.ByType == nil {
		t.ByType = make(map[string]int64)
		t.Repos = make(map[string]int64)
		t.Actors = make(map[int64]struct{})
	}
}

// AddGood counts a good file of size bytes and all the events of b.
func (t *Tally) AddGood(size int64, b *Batch) {
	t.countFallback(b)
	t.Files++
	t.Bytes += size
	t.Events += int64(len(b.Events))
	if f := t.fast; f != nil {
		for i := range b.Events {
			e := &b.Events[i]
			t.PushCommits += e.PushSize
			f.actors.add(e.ActorID)
			f.addType(e.Type)
			f.addRepo(e.Repo)
			if string(e.CreatedAt) > t.MaxCreatedAt {
				t.MaxCreatedAt = string(e.CreatedAt)
			}
		}
		return
	}
	t.init()
	for i := range b.Events {
		e := &b.Events[i]
		t.PushCommits += e.PushSize
		t.Actors[e.ActorID] = struct{}{}
		// m[string(b)] lookups do not allocate; only a new key does.
		if n, ok := t.ByType[string(e.Type)]; ok {
			t.ByType[string(e.Type)] = n + 1
		} else {
			t.ByType[string(e.Type)] = 1
		}
		if n, ok := t.Repos[string(e.Repo)]; ok {
			t.Repos[string(e.Repo)] = n + 1
		} else {
			t.Repos[string(e.Repo)] = 1
		}
		if string(e.CreatedAt) > t.MaxCreatedAt {
			t.MaxCreatedAt = string(e.CreatedAt)
		}
	}
}

func (t *Tally) countFallback(b *Batch) {
	if b == nil || b.Fallback == "" {
		return
	}
	if t.Fallbacks == nil {
		t.Fallbacks = make(map[string]int64)
	}
	t.Fallbacks[b.Fallback]++
}

// AddBad counts a bad file of size bytes; reason says why it is bad. b,
// when not nil, is the batch the adapter filled before it found the file
// bad; only its Fallback is counted.
func (t *Tally) AddBad(path string, size int64, reason error, b *Batch) {
	t.countFallback(b)
	t.Files++
	t.BadFiles++
	t.Bytes += size
	t.Bad = append(t.Bad, BadInput{Path: path, Reason: reason.Error()})
}

// AddRead counts a file that was only read (the `none` pseudo-parser).
func (t *Tally) AddRead(size int64) {
	t.Files++
	t.Bytes += size
}

// Merge adds o's contributions to t. When o is interned (InternTally) and
// neither tally has counted into its maps, t becomes interned too and the
// tables are merged; otherwise both tallies' tables are folded into their
// maps first.
func (t *Tally) Merge(o *Tally) {
	if o.fast != nil && t.mapsEmpty() && o.mapsEmpty() {
		t.InternTally()
		t.fast.merge(o.fast)
	} else {
		t.fold()
		o.fold()
		t.init()
		t.mergeMaps(o)
	}
	t.Files += o.Files
	t.BadFiles += o.BadFiles
	t.Bytes += o.Bytes
	t.Events += o.Events
	t.PushCommits += o.PushCommits
	t.MaxCreatedAt = max(t.MaxCreatedAt, o.MaxCreatedAt)
	t.Bad = append(t.Bad, o.Bad...)
	for k, v := range o.Fallbacks {
		if t.Fallbacks == nil {
			t.Fallbacks = make(map[string]int64)
		}
		t.Fallbacks[k] += v
	}
}

// mapsEmpty reports whether nothing has been counted in t's maps.
func (t *Tally) mapsEmpty() bool {
	return len(t.ByType) == 0 && len(t.Repos) == 0 && len(t.Actors) == 0
}

// mergeMaps adds o's maps to t's, which exist.
func (t *Tally) mergeMaps(o *Tally) {
	for k, v := range o.ByType {
		t.ByType[k] += v
	}
	for k, v := range o.Repos {
		t.Repos[k] += v
	}
	for k := range o.Actors {
		t.Actors[k] = struct{}{}
	}
}

// A RepoCount is one entry of Result.TopRepos.
type RepoCount struct {
	Name   string
	Events int64
}

// A Result is the workload's answer over a whole corpus.
type Result struct {
	Files          int64
	BadFiles       int64
	Bytes          int64
	Events         int64
	PushCommits    int64
	DistinctActors int64
	MaxCreatedAt   string
	ByType         map[string]int64
	TopRepos       []RepoCount
}

// TopRepoCount is how many repositories Result.TopRepos lists at most.
const TopRepoCount = 10

// Result computes the result of everything t has counted.
// An interned tally whose maps are empty is read from its tables.
func (t *Tally) Result() Result {
	r := Result{
		Files:        t.Files,
		BadFiles:     t.BadFiles,
		Bytes:        t.Bytes,
		Events:       t.Events,
		PushCommits:  t.PushCommits,
		MaxCreatedAt: t.MaxCreatedAt,
	}
	if f := t.fast; f != nil && t.mapsEmpty() {
		r.DistinctActors = int64(f.actors.n)
		if f.actors.hasZero {
			r.DistinctActors++
		}
		r.ByType = make(map[string]int64, len(f.types))
		for _, tc := range f.types {
			r.ByType[tc.name] = tc.n
		}
		r.TopRepos = topRepos(f.repos.all())
		return r
	}
	t.fold()
	r.DistinctActors = int64(len(t.Actors))
	r.ByType = maps.Clone(t.ByType)
	if r.ByType == nil {
		r.ByType = map[string]int64{}
	}
	r.TopRepos = topRepos(maps.All(t.Repos))
	return r
}

// topRepos returns the TopRepoCount repositories that rank first, by
// insertion into a list kept sorted, not a sort of every repository (tens
// of thousands in a corpus of tiny files).
func topRepos(repos iter.Seq2[string, int64]) []RepoCount {
	top := make([]RepoCount, 0, TopRepoCount+1)
	for name, n := range repos {
		c := RepoCount{name, n}
		if len(top) == TopRepoCount && !ranksBefore(c, top[len(top)-1]) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return ranksBefore(c, top[i]) })
		top = append(top, RepoCount{})
		copy(top[i+1:], top[i:])
		top[i] = c
		if len(top) > TopRepoCount {
			top = top[:TopRepoCount]
		}
	}
	return top[:len(top):len(top)]
}

// ranksBefore reports whether a comes before b in top_repos: more events
// first, ties by name in byte order (as Go compares strings).
func ranksBefore(a, b RepoCount) bool {
	if a.Events != b.Events {
		return a.Events > b.Events
	}
	return a.Name < b.Name
}

// Canonical returns the result's canonical bytes: one line of compact JSON
// with members in the contract's order and a trailing newline.
func (r Result) Canonical() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"files":%d,"bad_files":%d,"bytes":%d,"events":%d,"push_commits":%d,"distinct_actors":%d,"max_created_at":`,
		r.Files, r.BadFiles, r.Bytes, r.Events, r.PushCommits, r.DistinctActors)
	appendString(&b, r.MaxCreatedAt)
	b.WriteString(`,"by_type":{`)
	types := make([]string, 0, len(r.ByType))
	for k := range r.ByType {
		types = append(types, k)
	}
	sort.Strings(types)
	for i, k := range types {
		if i > 0 {
			b.WriteByte(',')
		}
		appendString(&b, k)
		fmt.Fprintf(&b, ":%d", r.ByType[k])
	}
	b.WriteString(`},"top_repos":[`)
	for i, rc := range r.TopRepos {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":`)
		appendString(&b, rc.Name)
		fmt.Fprintf(&b, `,"events":%d}`, rc.Events)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// appendString writes s to b as a JSON string, as the canonical bytes
// escape it (strictjson.AppendQuoted).
func appendString(b *bytes.Buffer, s string) {
	b.Write(strictjson.AppendQuoted(b.AvailableBuffer(), s))
}

// Summary is a short human description of r, for messages.
func (r Result) Summary() string {
	return fmt.Sprintf("%d files (%d bad), %d bytes, %d events", r.Files, r.BadFiles, r.Bytes, r.Events)
}
