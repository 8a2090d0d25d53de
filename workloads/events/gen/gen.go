// Package gen is the events workload's corpus generator: deterministic,
// seeded corpora of GitHub-style event batches in GH Archive's shape
// (-size default, tiny or large), with a catalogue of adversarial inputs
// that docs/events.md makes bad or that are tricky but good, and the
// MANIFEST.tsv that records every file's verdict. `benchgrid corpus gen`
// and the default corpus of `make bench` are its output.
package gen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"benchgrid/corpus"
)

// GenOptions says what corpus Generate writes. The zero value of each field
// but Dir means its default.
type GenOptions struct {
	// Dir is where the corpus goes: a directory that does not exist yet or
	// is empty, so that no stale file ever joins a corpus.
	Dir string
	// Files is how many batch files to write; 0 means the size's default
	// (DefaultFilesOf): 20000 of the default size, about 100 MiB.
	Files int
	// Seed selects the corpus; 0 means 1. The same options give the same
	// bytes on every machine.
	Seed uint64
	// Bad is how many adversarial inputs to add under adversarial/, cycling
	// through every kind of Samples (bad and tricky-but-good alike).
	Bad int
	// Size is the profile of the batch files' sizes; "" means SizeDefault.
	// The adversarial inputs are the same in every profile.
	Size Size
}

// DefaultFiles is the number of batch files Generate writes by default.
const DefaultFiles = 20000

// GenStats reports what Generate wrote.
type GenStats struct {
	Files  int   // inputs written, adversarial ones included
	Bytes  int64 // their total size (the manifest excluded)
	Events int   // events in the batch files (adversarial inputs excluded)
	Bad    int   // adversarial inputs whose expected verdict is bad
	Tricky int   // adversarial inputs whose expected verdict is good
}

// AdversarialDir is the subdirectory that holds the adversarial inputs.
const AdversarialDir = "adversarial"

// Source is the "source" member of every generated batch.
const Source = "events-generator/1"

// Streams of the seeded generator: each use draws from its own PCG stream.
const (
	streamPool   = 1 << 62
	streamLayout = 1<<62 + 1
	streamFile   = 0       // + file index
	streamBad    = 1 << 61 // + adversarial index
)

// maxWriters bounds the goroutines that write a corpus: file creation is
// mostly the kernel's work, which a few more writers than CPUs keep busy.
const maxWriters = 8

// Generate writes a seeded corpus of GitHub-event batch files, plus
// opts.Bad adversarial inputs and their manifest (ManifestName), into
// opts.Dir. Files are spread over nested directories of 100–300 files
// each (00/03/events-000612.json). In the default size profile, sizes are
// skewed like real small files, a few KiB at the median with a tail up to
// about 300 KiB; see Size for the others. Actors and repos come from
// Zipf-distributed pools.
//
// Every file is made from its own seed derived from (Seed, index), so the
// bytes do not depend on how many goroutines write them. Only integer
// arithmetic on PCG outputs decides anything, so they do not depend on the
// machine either.
//
// Generate returns ctx.Err() once ctx is done; after an error the directory
// may hold part of a corpus.
func Generate(ctx context.Context, opts GenOptions) (GenStats, error) {
	if opts.Dir == "" {
		return GenStats{}, errors.New("generate: no directory")
	}
	if opts.Files < 0 || opts.Bad < 0 {
		return GenStats{}, fmt.Errorf("generate: negative count (files %d, bad %d)", opts.Files, opts.Bad)
	}
	if opts.Size == "" {
		opts.Size = SizeDefault
	}
	if _, err := ParseSize(string(opts.Size)); err != nil {
		return GenStats{}, fmt.Errorf("generate: %w", err)
	}
	if opts.Files == 0 {
		opts.Files = DefaultFilesOf(opts.Size)
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if err := ctx.Err(); err != nil {
		return GenStats{}, err
	}
	if err := checkEmpty(opts.Dir); err != nil {
		return GenStats{}, err
	}
	// Marked incomplete until the last byte and the manifest are written:
	// an interrupted or failed generation (Ctrl-C, a full disk) leaves a
	// folder that every command refuses to measure.
	if err := corpus.MarkIncomplete(opts.Dir); err != nil {
		return GenStats{}, err
	}

	tree := newTree(opts.Seed, opts.Files)
	kinds := cycle(catalogue())
	manifest := make([]ManifestEntry, opts.Bad)
	for i := range manifest {
		k := kinds[i%len(kinds)]
		manifest[i] = ManifestEntry{
			Path: filepath.ToSlash(filepath.Join(AdversarialDir, fmt.Sprintf("%04d-%s.json", i, k.name))),
			Kind: k.name,
			Good: k.good,
		}
	}

	dirList := tree.dirs()
	if opts.Bad > 0 {
		dirList = append(dirList, AdversarialDir)
	}
	for _, d := range dirList {
		p := filepath.Join(opts.Dir, d)
		if err := os.MkdirAll(p, 0o755); err != nil {
			return GenStats{}, fmt.Errorf("mkdir %s: %w", p, err)
		}
	}

	p := newPool(opts.Seed)
	batch := batchWriter(opts.Size)
	var (
		next   atomic.Int64
		bytes  atomic.Int64
		events atomic.Int64
		mu     sync.Mutex
		first  error
		wg     sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
		cancel()
	}
	total := int64(opts.Files + opts.Bad)
	for range min(max(runtime.GOMAXPROCS(0), 4), maxWriters) {
		wg.Go(func() {
			// One generator, rng, path and buffer per writer, reused
			// for every file: a million tiny files cost no more
			// allocations than a few.
			g := &gen{pool: p, r: new(rng)}
			path := append([]byte(filepath.Clean(opts.Dir)), filepath.Separator)
			root := len(path)
			var wrote, evs int64
			defer func() {
				bytes.Add(wrote)
				events.Add(evs)
			}()
			for {
				i := next.Add(1) - 1
				if i >= total || ctx.Err() != nil {
					return
				}
				if i < int64(opts.Files) {
					g.r.seed(opts.Seed, streamFile+uint64(i))
					evs += int64(batch(g, int(i)))
					path = tree.appendPath(path[:root], int(i))
				} else {
					b := int(i) - opts.Files
					g.r.seed(opts.Seed, streamBad+uint64(b))
					g.w.b = kinds[b%len(kinds)].build(g, opts.Files+b, false)
					path = append(path[:root], filepath.FromSlash(manifest[b].Path)...)
				}
				if err := writeNew(string(path), g.w.b); err != nil {
					fail(fmt.Errorf("write %s: %w", path[root:], err))
					return
				}
				wrote += int64(len(g.w.b))
			}
		})
	}
	wg.Wait()
	if first != nil {
		return GenStats{}, first
	}
	if err := ctx.Err(); err != nil {
		return GenStats{}, err
	}
	st := GenStats{Files: int(total), Bytes: bytes.Load(), Events: int(events.Load())}
	for _, m := range manifest {
		if m.Good {
			st.Tricky++
		} else {
			st.Bad++
		}
	}
	if err := WriteManifest(opts.Dir, opts, manifest); err != nil {
		return GenStats{}, err
	}
	if err := corpus.MarkComplete(opts.Dir); err != nil {
		return GenStats{}, err
	}
	return st, nil
}

// writeNew writes data to a new file at path with raw system calls: no
// *os.File, no poller registration, which a million files would pay for.
func writeNew(path string, data []byte) error {
	fd, err := ignoringEINTR(func() (int, error) {
		return syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
	})
	if err != nil {
		return err
	}
	for len(data) > 0 && err == nil {
		var n int
		n, err = ignoringEINTR(func() (int, error) { return syscall.Write(fd, data) })
		data = data[max(n, 0):]
	}
	if cerr := syscall.Close(fd); err == nil {
		err = cerr
	}
	return err
}

// ignoringEINTR calls f until it fails with something other than EINTR.
func ignoringEINTR(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != syscall.EINTR {
			return n, err
		}
	}
}

// checkEmpty accepts a directory that does not exist or has no entries.
func checkEmpty(dir string) error {
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	if err != nil && err != io.EOF {
		return fmt.Errorf("generate: %w", err)
	}
	if len(names) > 0 {
		return fmt.Errorf("generate: %s is not empty", dir)
	}
	return nil
}

// A tree is where the batch files go: leaf directories of 100–300 files,
// 16 leaves per top directory (00/00, 00/01, …, 00/15, 01/00, …). The
// place of the first n files does not depend on how many more there are.
type tree struct {
	files  int
	starts []int // the index of each leaf's first file, ascending
}

func newTree(seed uint64, files int) tree {
	r := newRNG(seed, streamLayout)
	t := tree{files: files}
	for start := 0; start < files; start += r.between(100, 300) {
		t.starts = append(t.starts, start)
	}
	return t
}

// leaf returns the leaf directory that holds file i.
func (t tree) leaf(i int) int {
	k, found := slices.BinarySearch(t.starts, i)
	if !found {
		k--
	}
	return k
}

// dirs returns every leaf's relative path, in order.
func (t tree) dirs() []string {
	out := make([]string, len(t.starts))
	for k := range out {
		out[k] = string(appendLeaf(nil, k))
	}
	return out
}

// appendPath appends the relative path of file i, 00/03/events-000612.json
// (with the OS's separators), to b.
func (t tree) appendPath(b []byte, i int) []byte {
	b = append(appendLeaf(b, t.leaf(i)), filepath.Separator)
	b = append(b, "events-"...)
	b = appendPadded(b, i, 6)
	return append(b, ".json"...)
}

func appendLeaf(b []byte, k int) []byte {
	b = appendPadded(b, k/16, 2)
	b = append(b, filepath.Separator)
	return appendPadded(b, k%16, 2)
}

// appendPadded appends n ≥ 0 in decimal, zero-padded to width digits
// (fmt's %0*d).
func appendPadded(b []byte, n, width int) []byte {
	var digits [20]byte
	s := strconv.AppendInt(digits[:0], int64(n), 10)
	for range width - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}

// layout returns the relative path of each batch file, slash-separated.
func layout(seed uint64, files int) []string {
	t := newTree(seed, files)
	paths := make([]string, files)
	for i := range paths {
		paths[i] = filepath.ToSlash(string(t.appendPath(nil, i)))
	}
	return paths
}

// The pools of actors, organisations and repos events are drawn from.

type actorRec struct {
	id    int64
	login string
	bot   bool
}

type repoRec struct {
	id    int64
	full  string // owner/name
	name  string
	owner *actorRec // a user, or an organisation
	org   bool
	lang  string
	desc  string
}

type pool struct {
	actors   []actorRec
	orgs     []actorRec
	repos    []repoRec
	actorCum cumTable
	repoCum  cumTable
}

const (
	poolActors = 40000
	poolOrgs   = 1500
	poolRepos  = 20000
)

var (
	poolMu    sync.Mutex
	poolCache = map[uint64]*pool{}
)

// newPool returns the pools for seed; they are read-only once made.
func newPool(seed uint64) *pool {
	poolMu.Lock()
	defer poolMu.Unlock()
	if p := poolCache[seed]; p != nil {
		return p
	}
	if len(poolCache) > 8 {
		clear(poolCache)
	}
	p := makePool(seed)
	poolCache[seed] = p
	return p
}

func makePool(seed uint64) *pool {
	r := newRNG(seed, streamPool)
	p := &pool{}
	logins := map[string]bool{}
	ids := map[int64]bool{}
	uniqueLogin := func() string {
		for {
			n := r.between(1, 3)
			s := ""
			for range n {
				s += pick(r, syllables)
			}
			switch r.intn(4) {
			case 0:
				s += strconv.Itoa(r.between(1, 9999))
			case 1:
				s += "-" + pick(r, words)
			}
			if !logins[s] {
				logins[s] = true
				return s
			}
		}
	}
	uniqueID := func(i int) int64 {
		for {
			var id int64
			switch {
			case i == 50 || i == 1047:
				// Neighbours above 2^53 that float64 cannot tell apart.
				id = 1<<53 + int64(i%2)
			case i == 5000:
				id = 1<<63 - 1
			case r.permille(20):
				id = 1<<40 + int64(r.u64()>>2)
			default:
				id = int64(r.between(1, 200_000_000))
			}
			if !ids[id] {
				ids[id] = true
				return id
			}
		}
	}
	bots := []actorRec{
		{49699333, "dependabot[bot]", true},
		{41898282, "github-actions[bot]", true},
		{29139614, "renovate[bot]", true},
	}
	for _, b := range bots {
		ids[b.id] = true
		logins[b.login] = true
	}
	p.actors = append(p.actors, bots...)
	for i := len(bots); i < poolActors; i++ {
		p.actors = append(p.actors, actorRec{id: uniqueID(i), login: uniqueLogin()})
	}
	for i := range poolOrgs {
		p.orgs = append(p.orgs, actorRec{id: uniqueID(i + poolActors), login: uniqueLogin()})
	}
	names := map[string]bool{}
	for len(p.repos) < poolRepos {
		rp := repoRec{lang: pick(r, languages)}
		if r.permille(350) {
			rp.owner, rp.org = &p.orgs[r.intn(len(p.orgs))], true
		} else {
			rp.owner = &p.actors[r.intn(len(p.actors))]
		}
		rp.name = pick(r, words)
		if r.permille(700) {
			rp.name += "-" + pick(r, words)
		}
		if r.permille(200) {
			rp.name += ".js"
		}
		rp.full = rp.owner.login + "/" + rp.name
		if names[rp.full] {
			continue
		}
		names[rp.full] = true
		rp.id = int64(r.between(1, 900_000_000))
		rp.desc = title(r)
		p.repos = append(p.repos, rp)
	}
	p.actorCum = zipfTable(len(p.actors), 2)
	p.repoCum = zipfTable(len(p.repos), 3)
	return p
}

// gen makes one file at a time; each worker has its own.
type gen struct {
	pool *pool
	r    *rng
	w    jw
}

// Event types with their weights in ‰, roughly as in GH Archive.
var eventTypes = []struct {
	name    string
	permill uint64
	payload func(g *gen, e *evCtx) value
}{
	{"PushEvent", 450, (*gen).pushPayload},
	{"CreateEvent", 110, (*gen).createPayload},
	{"PullRequestEvent", 80, (*gen).pullRequestPayload},
	{"WatchEvent", 80, (*gen).watchPayload},
	{"IssueCommentEvent", 60, (*gen).issueCommentPayload},
	{"DeleteEvent", 40, (*gen).deletePayload},
	{"IssuesEvent", 35, (*gen).issuesPayload},
	{"PullRequestReviewEvent", 35, (*gen).reviewPayload},
	{"PullRequestReviewCommentEvent", 30, (*gen).reviewCommentPayload},
	{"ForkEvent", 25, (*gen).forkPayload},
	{"ReleaseEvent", 15, (*gen).releasePayload},
	{"GollumEvent", 10, (*gen).gollumPayload},
	{"MemberEvent", 10, (*gen).memberPayload},
	{"PublicEvent", 10, (*gen).publicPayload},
	{"CommitCommentEvent", 10, (*gen).commitCommentPayload},
}

var typeTable = func() cumTable {
	w := make([]uint64, len(eventTypes))
	for i, t := range eventTypes {
		w[i] = t.permill
	}
	return newCumTable(w)
}()

func typeIndex(name string) int {
	for i, t := range eventTypes {
		if t.name == name {
			return i
		}
	}
	return -1
}

// Events per file: buckets of [lo, hi] with weights in ‰ (a heavy tail).
var eventBuckets = []struct{ lo, hi, permill int }{
	{1, 1, 510},
	{2, 2, 235},
	{3, 4, 135},
	{5, 8, 70},
	{9, 16, 32},
	{17, 40, 13},
	{41, 100, 4},
	{101, 200, 1},
}

var bucketTable = func() cumTable {
	w := make([]uint64, len(eventBuckets))
	for i, b := range eventBuckets {
		w[i] = uint64(b.permill)
	}
	return newCumTable(w)
}()

func (g *gen) eventCount() int {
	b := eventBuckets[bucketTable.draw(g.r)]
	return g.r.between(b.lo, b.hi)
}

// maxFileBytes is where a batch file stops taking events.
const maxFileBytes = 280 << 10

// March 2026, where every created_at falls.
var (
	marchStart = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Unix()
	marchEnd   = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC).Unix()
)

// evCtx is what one event's parts share.
type evCtx struct {
	typ   string
	actor *actorRec
	repo  *repoRec
	at    int64 // unix seconds
	id    int64
}

func (e *evCtx) stamp() string {
	return time.Unix(e.at, 0).UTC().Format(time.RFC3339)
}

// batch holds a file's top level while it is built.
type batch struct {
	number int
	at     int64
	nextID int64
}

func (g *gen) newBatch(index int) *batch {
	b := g.batchValue(index)
	return &b
}

// batchValue is newBatch's batch, not allocated.
func (g *gen) batchValue(index int) batch {
	return batch{
		number: index + 1,
		at:     marchStart + int64(g.r.intn(int(marchEnd-marchStart-7200))),
		nextID: 40_000_000_000 + int64(index)*1000,
	}
}

// event builds one event's envelope; typ "" draws a type.
func (g *gen) event(b *batch, typ string) objVal {
	r := g.r
	ti := typeIndex(typ)
	if ti < 0 {
		ti = typeTable.draw(r)
	}
	e := &evCtx{
		typ:   eventTypes[ti].name,
		actor: &g.pool.actors[g.pool.actorCum.draw(r)],
		repo:  &g.pool.repos[g.pool.repoCum.draw(r)],
		id:    b.nextID,
	}
	b.nextID += int64(r.between(1, 9))
	b.at += int64(r.intn(4))
	e.at = min(b.at, marchEnd-1)

	repoName := strVal(e.repo.full)
	if r.permille(5) {
		repoName = appendString(nil, e.repo.full, escSlash)
	}
	ev := objVal{
		{qk("id"), strVal(strconv.FormatInt(e.id, 10))},
		{qk("type"), strVal(e.typ)},
		{qk("actor"), objVal{
			{qk("id"), intVal(e.actor.id)},
			{qk("login"), strVal(e.actor.login)},
			{qk("display_login"), strVal(e.actor.login)},
			{qk("gravatar_id"), strVal("")},
			{qk("url"), strVal("https://api.github.com/users/" + e.actor.login)},
			{qk("avatar_url"), strVal("https://avatars.githubusercontent.com/u/" + strconv.FormatInt(e.actor.id, 10) + "?")},
		}},
		{qk("repo"), objVal{
			{qk("id"), intVal(e.repo.id)},
			{qk("name"), repoName},
			{qk("url"), strVal("https://api.github.com/repos/" + e.repo.full)},
		}},
		{qk("payload"), eventTypes[ti].payload(g, e)},
		{qk("public"), rawVal("true")},
		{qk("created_at"), strVal(e.stamp())},
	}
	if e.repo.org {
		o := e.repo.owner
		ev = append(ev, kv{qk("org"), objVal{
			{qk("id"), intVal(o.id)},
			{qk("login"), strVal(o.login)},
			{qk("gravatar_id"), strVal("")},
			{qk("url"), strVal("https://api.github.com/orgs/" + o.login)},
			{qk("avatar_url"), strVal("https://avatars.githubusercontent.com/u/" + strconv.FormatInt(o.id, 10) + "?")},
		}})
	}
	if r.permille(10) {
		// Producers do not all keep the API's member order.
		i, j := r.intn(len(ev)), r.intn(len(ev))
		ev[i], ev[j] = ev[j], ev[i]
	}
	return ev
}

// batchFile writes batch file index of the default size into g.w.b and
// returns its event count.
func (g *gen) batchFile(index int) int {
	b := g.newBatch(index)
	return g.writeBatch(b, g.eventCount(), maxFileBytes)
}

// writeBatch writes batch b of up to n events into g.w.b, stopping once it
// holds maxBytes, and returns its event count.
func (g *gen) writeBatch(b *batch, n, maxBytes int) int {
	w := &g.w
	w.reset(g.r.permille(300))
	w.obj()
	w.kint("batch", int64(b.number))
	w.kstr("source", Source)
	w.key("events")
	w.arr()
	written := 0
	for written < n && len(w.b) < maxBytes {
		w.elem()
		g.event(b, "").write(w)
		written++
	}
	w.endArr()
	w.endObj()
	w.b = append(w.b, '\n')
	return written
}

// esc draws how a free-text string is escaped: mostly raw UTF-8, sometimes
// every non-ASCII character escaped, as some producers do.
func (g *gen) esc() escMode {
	switch x := g.r.intn(100); {
	case x < 10:
		return escUnicode
	case x < 13:
		return escUnicode | escUpper
	}
	return 0
}

func (g *gen) text(w *jw, s string) {
	w.esc = g.esc()
	w.str(s)
}

func (g *gen) ktext(w *jw, k, s string) {
	w.key(k)
	g.text(w, s)
}

func nodeID(prefix string, id int64) string {
	return prefix + strconv.FormatUint(uint64(id)*2654435761%(1<<40), 36)
}

func (g *gen) user(w *jw, a *actorRec) {
	w.obj()
	w.kstr("login", a.login)
	w.kint("id", a.id)
	w.kstr("node_id", nodeID("U_kgDO", a.id))
	w.kstr("avatar_url", "https://avatars.githubusercontent.com/u/"+strconv.FormatInt(a.id, 10)+"?v=4")
	w.kstr("gravatar_id", "")
	w.kstr("url", "https://api.github.com/users/"+a.login)
	w.kstr("html_url", "https://github.com/"+a.login)
	if a.bot {
		w.kstr("type", "Bot")
	} else {
		w.kstr("type", "User")
	}
	w.kbool("site_admin", false)
	w.endObj()
}

func (g *gen) randomActor() *actorRec { return &g.pool.actors[g.pool.actorCum.draw(g.r)] }

func (g *gen) stampAt(at int64) string { return time.Unix(at, 0).UTC().Format(time.RFC3339) }

func (g *gen) reactions(w *jw, url string) {
	r := g.r
	w.key("reactions")
	w.obj()
	w.kstr("url", url+"/reactions")
	counts := [8]int64{}
	var total int64
	if r.permille(300) {
		for i := range counts {
			if r.permille(250) {
				counts[i] = int64(r.between(1, 30))
				total += counts[i]
			}
		}
	}
	w.kint("total_count", total)
	for i, k := range []string{"+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"} {
		w.kint(k, counts[i])
	}
	w.endObj()
}

func (g *gen) labels(w *jw) {
	r := g.r
	w.key("labels")
	w.arr()
	for range r.intn(4) {
		w.elem()
		w.obj()
		w.kint("id", int64(r.between(1, 9_000_000_000)))
		g.ktext(w, "name", pick(r, labelNames))
		w.kstr("color", hexString(r, 6))
		w.kbool("default", r.permille(200))
		if r.permille(400) {
			w.kstr("description", "Something isn't working 🐛")
		} else {
			w.knull("description")
		}
		w.endObj()
	}
	w.endArr()
}

// pushSizes draws a push's commit count (payload.size) and how many of its
// commits are new to the repo (distinct_size).
func pushSizes(r *rng) (size, distinct int) {
	switch x := r.intn(1000); {
	case x < 5:
		size = 0
	case x < 640:
		size = 1
	case x < 910:
		size = r.between(2, 4)
	case x < 985:
		size = r.between(5, 20)
	default:
		size = r.between(21, 300)
	}
	distinct = size
	if size > 0 && r.permille(150) {
		distinct = r.between(0, size)
	}
	return size, distinct
}

func (g *gen) pushPayload(e *evCtx) value {
	r := g.r
	size, distinct := pushSizes(r)
	listed := min(size, 20) // the API lists at most 20 commits
	ref := "refs/heads/" + pick(r, branches)
	commits := fnVal(func(w *jw) {
		w.arr()
		for i := range listed {
			sha := hexString(r, 40)
			w.elem()
			w.obj()
			w.kstr("sha", sha)
			w.key("author")
			w.obj()
			a := pick(r, personNames)
			w.kstr("email", fmt.Sprintf("%d+user@users.noreply.github.com", r.between(1, 99_999_999)))
			g.ktext(w, "name", a)
			w.endObj()
			g.ktext(w, "message", commitMessage(r))
			w.kbool("distinct", i < distinct)
			w.kstr("url", "https://api.github.com/repos/"+e.repo.full+"/commits/"+sha)
			w.endObj()
		}
		w.endArr()
	})
	return objVal{
		{qk("repository_id"), intVal(e.repo.id)},
		{qk("push_id"), intVal(int64(r.between(10_000_000_000, 29_999_999_999)))},
		{qk("size"), intVal(int64(size))},
		{qk("distinct_size"), intVal(int64(distinct))},
		{qk("ref"), strVal(ref)},
		{qk("head"), strVal(hexString(r, 40))},
		{qk("before"), strVal(hexString(r, 40))},
		{qk("commits"), commits},
	}
}

func (g *gen) createPayload(e *evCtx) value {
	r := g.r
	return fnVal(func(w *jw) {
		w.obj()
		switch r.intn(3) {
		case 0:
			w.knull("ref")
			w.kstr("ref_type", "repository")
		case 1:
			w.kstr("ref", pick(r, branches))
			w.kstr("ref_type", "branch")
		default:
			w.kstr("ref", fmt.Sprintf("v%d.%d.%d", r.intn(5), r.intn(30), r.intn(10)))
			w.kstr("ref_type", "tag")
		}
		w.kstr("master_branch", "main")
		if r.permille(600) {
			g.ktext(w, "description", e.repo.desc)
		} else {
			w.knull("description")
		}
		w.kstr("pusher_type", "user")
		w.endObj()
	})
}

func (g *gen) deletePayload(*evCtx) value {
	r := g.r
	return fnVal(func(w *jw) {
		w.obj()
		if r.permille(700) {
			w.kstr("ref", pick(r, branches))
			w.kstr("ref_type", "branch")
		} else {
			w.kstr("ref", fmt.Sprintf("v%d.%d.%d", r.intn(5), r.intn(30), r.intn(10)))
			w.kstr("ref_type", "tag")
		}
		w.kstr("pusher_type", "user")
		w.endObj()
	})
}

func (g *gen) watchPayload(*evCtx) value { return rawVal(`{"action":"started"}`) }

func (g *gen) publicPayload(*evCtx) value { return rawVal(`{}`) }

// repoObject writes a full repository object, as in pull_request.head.repo.
func (g *gen) repoObject(w *jw, rp *repoRec, at int64) {
	w.obj()
	w.kint("id", rp.id)
	w.kstr("node_id", nodeID("R_kgDO", rp.id))
	w.kstr("name", rp.name)
	w.kstr("full_name", rp.full)
	w.kbool("private", false)
	w.key("owner")
	g.user(w, rp.owner)
	w.kstr("html_url", "https://github.com/"+rp.full)
	g.ktext(w, "description", rp.desc)
	w.kbool("fork", false)
	w.kstr("url", "https://api.github.com/repos/"+rp.full)
	w.kstr("created_at", g.stampAt(at-int64(g.r.between(86400, 400_000_000))))
	w.kstr("updated_at", g.stampAt(at-int64(g.r.between(0, 86400))))
	w.kstr("pushed_at", g.stampAt(at))
	w.kint("stargazers_count", int64(g.r.intn(50000)))
	w.kint("watchers_count", int64(g.r.intn(50000)))
	if rp.lang == "" {
		w.knull("language")
	} else {
		w.kstr("language", rp.lang)
	}
	w.kint("forks_count", int64(g.r.intn(5000)))
	w.kint("open_issues_count", int64(g.r.intn(900)))
	w.kstr("default_branch", "main")
	w.key("topics")
	w.arr()
	for range g.r.intn(4) {
		w.elem()
		w.str(pick(g.r, words))
	}
	w.endArr()
	w.endObj()
}

func (g *gen) ref(w *jw, k string, e *evCtx, rp *repoRec, full bool) {
	r := g.r
	w.key(k)
	w.obj()
	br := pick(r, branches)
	w.kstr("label", rp.owner.login+":"+br)
	w.kstr("ref", br)
	w.kstr("sha", hexString(r, 40))
	if full {
		w.key("user")
		g.user(w, rp.owner)
		w.key("repo")
		g.repoObject(w, rp, e.at)
	}
	w.endObj()
}

// pullRequest writes a pull_request object; full adds what the API sends
// with PullRequestEvent.
func (g *gen) pullRequest(w *jw, e *evCtx, number int64, full bool) {
	r := g.r
	url := "https://api.github.com/repos/" + e.repo.full + "/pulls/" + strconv.FormatInt(number, 10)
	w.obj()
	w.kstr("url", url)
	w.kint("id", int64(r.between(1_000_000_000, 2_999_999_999)))
	w.kstr("html_url", "https://github.com/"+e.repo.full+"/pull/"+strconv.FormatInt(number, 10))
	w.kint("number", number)
	state := "open"
	if r.permille(300) {
		state = "closed"
	}
	w.kstr("state", state)
	w.kbool("locked", false)
	g.ktext(w, "title", title(r))
	w.key("user")
	author := g.randomActor()
	g.user(w, author)
	if full {
		w.key("body")
		if b := body(r, 16); b == "" {
			w.null()
		} else {
			g.text(w, b)
		}
		w.kstr("created_at", g.stampAt(e.at-int64(r.between(0, 2_000_000))))
		w.kstr("updated_at", e.stamp())
		if state == "closed" {
			w.kstr("closed_at", e.stamp())
			w.kstr("merged_at", e.stamp())
			w.kstr("merge_commit_sha", hexString(r, 40))
		} else {
			w.knull("closed_at")
			w.knull("merged_at")
			w.knull("merge_commit_sha")
		}
		w.knull("assignee")
		w.key("assignees")
		w.arr()
		w.endArr()
		w.key("requested_reviewers")
		w.arr()
		for range r.intn(3) {
			w.elem()
			g.user(w, g.randomActor())
		}
		w.endArr()
		g.labels(w)
		w.kbool("draft", r.permille(100))
	}
	g.ref(w, "head", e, e.repo, full)
	g.ref(w, "base", e, e.repo, full)
	w.kstr("author_association", pick(r, []string{"OWNER", "MEMBER", "CONTRIBUTOR", "NONE", "FIRST_TIME_CONTRIBUTOR"}))
	if full {
		w.kbool("merged", state == "closed")
		w.kint("comments", int64(r.intn(40)))
		w.kint("review_comments", int64(r.intn(40)))
		w.kint("commits", int64(r.between(1, 60)))
		w.kint("additions", int64(r.intn(5000)))
		w.kint("deletions", int64(r.intn(3000)))
		w.kint("changed_files", int64(r.between(1, 120)))
	}
	w.endObj()
}

func (g *gen) pullRequestPayload(e *evCtx) value {
	r := g.r
	return fnVal(func(w *jw) {
		number := int64(r.between(1, 40000))
		w.obj()
		w.kstr("action", pick(r, []string{"opened", "closed", "reopened", "synchronize", "labeled"}))
		w.kint("number", number)
		w.key("pull_request")
		g.pullRequest(w, e, number, true)
		w.endObj()
	})
}

func (g *gen) issue(w *jw, e *evCtx, withBody bool) {
	r := g.r
	number := int64(r.between(1, 40000))
	url := "https://api.github.com/repos/" + e.repo.full + "/issues/" + strconv.FormatInt(number, 10)
	w.obj()
	w.kstr("url", url)
	w.kstr("repository_url", "https://api.github.com/repos/"+e.repo.full)
	w.kint("id", int64(r.between(1_000_000_000, 2_999_999_999)))
	w.kint("number", number)
	g.ktext(w, "title", title(r))
	w.key("user")
	g.user(w, g.randomActor())
	g.labels(w)
	w.kstr("state", pick(r, []string{"open", "closed"}))
	w.kbool("locked", false)
	w.knull("assignee")
	w.kint("comments", int64(r.intn(80)))
	w.kstr("created_at", g.stampAt(e.at-int64(r.between(0, 9_000_000))))
	w.kstr("updated_at", e.stamp())
	w.knull("closed_at")
	w.kstr("author_association", pick(r, []string{"OWNER", "MEMBER", "CONTRIBUTOR", "NONE"}))
	w.key("body")
	if b := body(r, 20); withBody && b != "" {
		g.text(w, b)
	} else {
		w.null()
	}
	g.reactions(w, url)
	w.endObj()
}

func (g *gen) issuesPayload(e *evCtx) value {
	r := g.r
	return fnVal(func(w *jw) {
		w.obj()
		w.kstr("action", pick(r, []string{"opened", "closed", "reopened"}))
		w.key("issue")
		g.issue(w, e, true)
		w.endObj()
	})
}

func (g *gen) comment(w *jw, e *evCtx, url string) {
	r := g.r
	id := int64(r.between(1_000_000_000, 2_999_999_999))
	url += "/comments/" + strconv.FormatInt(id, 10)
	w.obj()
	w.kstr("url", url)
	w.kint("id", id)
	w.key("user")
	g.user(w, e.actor)
	w.kstr("created_at", e.stamp())
	w.kstr("updated_at", e.stamp())
	w.kstr("author_association", pick(r, []string{"OWNER", "MEMBER", "CONTRIBUTOR", "NONE"}))
	b := body(r, 25)
	if b == "" {
		b = "👍"
	}
	g.ktext(w, "body", b)
	g.reactions(w, url)
	w.endObj()
}

func (g *gen) issueCommentPayload(e *evCtx) value {
	return fnVal(func(w *jw) {
		w.obj()
		w.kstr("action", "created")
		w.key("issue")
		g.issue(w, e, false)
		w.key("comment")
		g.comment(w, e, "https://api.github.com/repos/"+e.repo.full+"/issues")
		w.endObj()
	})
}

func (g *gen) reviewPayload(e *evCtx) value {
	r := g.r
	return fnVal(func(w *jw) {
		number := int64(r.between(1, 40000))
		w.obj()
		w.kstr("action", "created")
		w.key("review")
		w.obj()
		w.kint("id", int64(r.between(1_000_000_000, 2_999_999_999)))
		w.key("user")
		g.user(w, e.actor)
		w.key("body")
		if b := body(r, 10); b == "" {
			w.null()
		} else {
			g.text(w, b)
		}
		w.kstr("commit_id", hexString(r, 40))
		w.kstr("submitted_at", e.stamp())
		w.kstr("state", pick(r, []string{"approved", "commented", "changes_requested"}))
		w.kstr("author_association", "MEMBER")
		w.endObj()
		w.key("pull_request")
		g.pullRequest(w, e, number, false)
		w.endObj()
	})
}

func (g *gen) reviewCommentPayload(e *evCtx) value {
	r := g.r
	return fnVal(func(w *jw) {
		number := int64(r.between(1, 40000))
		w.obj()
		w.kstr("action", "created")
		w.key("comment")
		w.obj()
		w.kint("id", int64(r.between(1_000_000_000, 2_999_999_999)))
		line := int64(r.between(1, 900))
		w.kstr("diff_hunk", fmt.Sprintf("@@ -%d,7 +%d,8 @@ func main() {\n \tx := \"héllo\"\n-\tfmt.Println(x)\n+\tfmt.Printf(\"%%q\\n\", x)", line, line))
		w.kstr("path", pick(r, paths))
		w.kint("position", int64(r.between(1, 40)))
		w.kstr("commit_id", hexString(r, 40))
		w.key("user")
		g.user(w, e.actor)
		b := body(r, 8)
		if b == "" {
			b = "nit: “smart quotes” here"
		}
		g.ktext(w, "body", b)
		w.kstr("created_at", e.stamp())
		w.kstr("author_association", "CONTRIBUTOR")
		w.kint("line", line)
		w.kstr("side", "RIGHT")
		w.endObj()
		w.key("pull_request")
		g.pullRequest(w, e, number, false)
		w.endObj()
	})
}

func (g *gen) forkPayload(e *evCtx) value {
	return fnVal(func(w *jw) {
		fork := *e.repo
		fork.owner = e.actor
		fork.org = false
		fork.full = e.actor.login + "/" + fork.name
		fork.id = int64(g.r.between(900_000_000, 999_999_999))
		w.obj()
		w.key("forkee")
		g.repoObject(w, &fork, e.at)
		w.endObj()
	})
}

func (g *gen) releasePayload(e *evCtx) value {
	r := g.r
	return fnVal(func(w *jw) {
		tag := fmt.Sprintf("v%d.%d.%d", r.intn(5), r.intn(30), r.intn(10))
		w.obj()
		w.kstr("action", "published")
		w.key("release")
		w.obj()
		id := int64(r.between(100_000_000, 299_999_999))
		w.kstr("url", "https://api.github.com/repos/"+e.repo.full+"/releases/"+strconv.FormatInt(id, 10))
		w.kint("id", id)
		w.kstr("tag_name", tag)
		w.kstr("target_commitish", "main")
		g.ktext(w, "name", tag+" — "+title(r))
		w.kbool("draft", false)
		w.kbool("prerelease", r.permille(150))
		w.kstr("created_at", e.stamp())
		w.kstr("published_at", e.stamp())
		w.key("author")
		g.user(w, e.actor)
		w.key("assets")
		w.arr()
		for i := range r.intn(6) {
			w.elem()
			w.obj()
			w.kstr("name", fmt.Sprintf("%s_%s_%d.tar.gz", e.repo.name, tag, i))
			w.kint("size", int64(r.between(1000, 90_000_000)))
			w.kint("download_count", int64(r.intn(100000)))
			w.kstr("content_type", "application/gzip")
			w.endObj()
		}
		w.endArr()
		g.ktext(w, "body", body(r, 40))
		w.endObj()
		w.endObj()
	})
}

func (g *gen) gollumPayload(e *evCtx) value {
	r := g.r
	return fnVal(func(w *jw) {
		w.obj()
		w.key("pages")
		w.arr()
		for range r.between(1, 3) {
			name := pick(r, []string{"Home", "Installation", "FAQ", "Über-uns", "Guía-rápida", "日本語"})
			w.elem()
			w.obj()
			g.ktext(w, "page_name", name)
			g.ktext(w, "title", name)
			w.knull("summary")
			w.kstr("action", pick(r, []string{"created", "edited"}))
			w.kstr("sha", hexString(r, 40))
			w.kstr("html_url", "https://github.com/"+e.repo.full+"/wiki/"+name)
			w.endObj()
		}
		w.endArr()
		w.endObj()
	})
}

func (g *gen) memberPayload(*evCtx) value {
	return fnVal(func(w *jw) {
		w.obj()
		w.key("member")
		g.user(w, g.randomActor())
		w.kstr("action", "added")
		w.endObj()
	})
}

func (g *gen) commitCommentPayload(e *evCtx) value {
	r := g.r
	return fnVal(func(w *jw) {
		w.obj()
		w.key("comment")
		w.obj()
		id := int64(r.between(100_000_000, 199_999_999))
		w.kstr("url", "https://api.github.com/repos/"+e.repo.full+"/comments/"+strconv.FormatInt(id, 10))
		w.kint("id", id)
		w.kstr("commit_id", hexString(r, 40))
		w.key("user")
		g.user(w, e.actor)
		b := body(r, 10)
		if b == "" {
			b = "LGTM 👍"
		}
		g.ktext(w, "body", b)
		if r.permille(500) {
			w.kstr("path", pick(r, paths))
			w.kint("line", int64(r.between(1, 900)))
			w.kint("position", int64(r.between(1, 40)))
		} else {
			w.knull("path")
			w.knull("line")
			w.knull("position")
		}
		w.kstr("created_at", e.stamp())
		w.kstr("author_association", "NONE")
		w.endObj()
		w.endObj()
	})
}
