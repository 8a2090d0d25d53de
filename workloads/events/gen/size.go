package gen

import (
	"fmt"
	"slices"
	"time"
)

// A Size is a profile of the batch files' sizes: corpus gen's -size. Each
// profile writes valid batches of the same events, from the same pools;
// they differ in how many events a file holds and how much each carries.
type Size string

const (
	// SizeDefault is GH Archive's shape: 1–200 events a file, a few KiB at
	// the median and a tail up to about 300 KiB; 20,000 files make about
	// 100 MiB. Corpora written before profiles existed are of this size,
	// byte for byte.
	SizeDefault Size = "default"
	// SizeTiny is batches of about 300 bytes: one event, or two in a fifth
	// of the files, each with little more than the members docs/events.md
	// reads: an id, a login, a payload of a member or two and, now and then, indentation,
	// reordered members, escapes and non-ASCII text. It is for corpora of
	// a million files, where the costs per file (open, read, close, a
	// parser's set-up, a task's scheduling) are all there is to measure.
	SizeTiny Size = "tiny"
	// SizeLarge is batches of about 1 MiB, 200–800 events of the default
	// kind (at most 4 MiB); 100 files by default. It is for the other end,
	// where reading and parsing bytes are all there is.
	SizeLarge Size = "large"
)

// Sizes lists the size profiles, the default first.
var Sizes = []Size{SizeDefault, SizeTiny, SizeLarge}

// ParseSize returns the size profile called name.
func ParseSize(name string) (Size, error) {
	if slices.Contains(Sizes, Size(name)) {
		return Size(name), nil
	}
	return "", fmt.Errorf("unknown size %q (have %v)", name, Sizes)
}

// DefaultFilesOf is how many batch files Generate writes of size s when
// GenOptions.Files is 0: DefaultFiles, or 100 large ones (about 100 MiB).
func DefaultFilesOf(s Size) int {
	if s == SizeLarge {
		return 100
	}
	return DefaultFiles
}

// batchWriter returns the function that writes batch file index of size s
// into g.w.b and returns its event count.
func batchWriter(s Size) func(g *gen, index int) int {
	switch s {
	case SizeTiny:
		return (*gen).tinyBatch
	case SizeLarge:
		return (*gen).largeBatch
	}
	return (*gen).batchFile
}

// maxLargeFileBytes is where a large batch file stops taking events.
const maxLargeFileBytes = 4 << 20

func (g *gen) largeBatch(index int) int {
	b := g.newBatch(index)
	return g.writeBatch(b, g.r.between(200, 800), maxLargeFileBytes)
}

// tinyBatch writes batch file index of the tiny size straight into g.w.b,
// without building values first: nothing is allocated once the writer's
// buffer has grown.
func (g *gen) tinyBatch(index int) int {
	r, w := g.r, &g.w
	b := g.batchValue(index)
	n := 1
	if r.permille(200) {
		n = 2
	}
	w.reset(r.permille(30))
	w.obj()
	w.kint("batch", int64(b.number))
	w.kstr("source", Source)
	w.key("events")
	w.arr()
	for range n {
		w.elem()
		g.tinyEvent(&b)
	}
	w.endArr()
	w.endObj()
	w.b = append(w.b, '\n')
	return n
}

// tinyEvent writes one small event of batch b.
func (g *gen) tinyEvent(b *batch) {
	r, w := g.r, &g.w
	ti := typeTable.draw(r)
	actor := &g.pool.actors[g.pool.actorCum.draw(r)]
	repo := &g.pool.repos[g.pool.repoCum.draw(r)]
	id := b.nextID
	b.nextID += int64(r.between(1, 9))
	b.at += int64(r.intn(4))
	at := min(b.at, marchEnd-1)
	// Producers do not all keep the API's member order.
	stampFirst := r.permille(20)

	w.obj()
	if stampFirst {
		w.kstamp("created_at", at)
	}
	w.key("id")
	w.b = append(w.b, '"')
	w.int(id)
	w.b = append(w.b, '"')
	w.kstr("type", eventTypes[ti].name)
	w.key("actor")
	w.obj()
	w.kint("id", actor.id)
	w.kstr("login", actor.login)
	w.endObj()
	w.key("repo")
	w.obj()
	if r.permille(5) {
		w.esc = escSlash
	}
	w.kstr("name", repo.full)
	w.endObj()
	w.key("payload")
	g.tinyPayload(eventTypes[ti].name)
	if !stampFirst {
		w.kstamp("created_at", at)
	}
	w.endObj()
}

// tinyPayload writes a payload of a member or two for an event of type
// typ: a push's size (docs/events.md reads it), an action, a ref type.
func (g *gen) tinyPayload(typ string) {
	r, w := g.r, &g.w
	w.obj()
	switch typ {
	case "PushEvent":
		size, distinct := pushSizes(r)
		w.kint("size", int64(size))
		w.kint("distinct_size", int64(distinct))
		w.kstr("ref", pick(r, branches))
		if r.permille(150) {
			g.ktext(w, "message", pick(r, things))
		}
	case "CreateEvent", "DeleteEvent":
		w.kstr("ref_type", pick(r, refTypes))
	case "WatchEvent":
		w.kstr("action", "started")
	case "PullRequestEvent", "IssuesEvent", "IssueCommentEvent", "PullRequestReviewEvent", "PullRequestReviewCommentEvent":
		w.kstr("action", pick(r, actions))
		w.kint("number", int64(r.between(1, 40000)))
	}
	w.endObj()
}

var (
	refTypes = []string{"branch", "tag", "repository"}
	actions  = []string{"opened", "closed", "created", "reopened"}
)

// kstamp writes member k, a created_at of unix time at, in RFC 3339.
func (w *jw) kstamp(k string, at int64) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = time.Unix(at, 0).UTC().AppendFormat(w.b, time.RFC3339)
	w.b = append(w.b, '"')
}
