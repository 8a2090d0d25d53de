package query

import (
	"fmt"

	"benchgrid/workload"
)

func init() {
	workload.Register(workload.Definition{
		Name:       Name,
		Text:       "the fields a query file names, over any JSON or NDJSON corpus, plain or compressed (docs/query.md)",
		ConfigFlag: "query",
		Open: func(config []byte) (workload.Workload, error) {
			q, err := Parse(config)
			if err != nil {
				return nil, err
			}
			return &Workload{q: q}, nil
		},
	})
}

// Name is the query workload's registered name.
const Name = "query"

// Workload is the query workload of one query file as workload.Workload:
// its inputs are the names IsInput accepts, its adapters those registered
// here (package adapters).
type Workload struct{ q *Query }

// New returns the workload of the parsed query q.
func New(q *Query) *Workload { return &Workload{q: q} }

// Name returns "query".
func (*Workload) Name() string { return Name }

// Query returns the workload's query.
func (w *Workload) Query() *Query { return w.q }

// IsInput reports whether name is an input: see IsInput.
func (*Workload) IsInput(name string) bool { return IsInput(name) }

// Parsers describes the registered adapters in their conventional order.
func (*Workload) Parsers() []workload.Parser {
	var out []workload.Parser
	for _, name := range Names() {
		a, _ := Lookup(name)
		out = append(out, workload.Parser{Name: name, Text: Describe(name), Roles: Roles(name), Build: NeedsBuild(name), ReadOnly: IsReadOnly(a)})
	}
	return out
}

// NewPass checks that the adapter can serve the query in this binary and
// prepares a pass of it.
func (w *Workload) NewPass(parser string) (workload.Pass, error) {
	a, err := Lookup(parser)
	if err != nil {
		return nil, err
	}
	if _, err := a.NewExtractor(w.q); err != nil {
		return nil, fmt.Errorf("parser %s: %w", parser, err)
	}
	return &pass{q: w.q, adapter: a}, nil
}

type pass struct {
	q       *Query
	adapter Adapter
}

func (p *pass) NewCounter() (workload.Counter, error) {
	ex, err := p.adapter.NewExtractor(p.q)
	if err != nil {
		return nil, fmt.Errorf("parser %s: %w", p.adapter.Name(), err)
	}
	return NewTally(p.q, ex), nil
}

func (p *pass) Outcome(counters []workload.Counter) *workload.Outcome {
	var total Tally
	if len(counters) == 0 {
		// No worker ran (no inputs): the answer is still the query's.
		c, err := p.NewCounter()
		if err != nil {
			panic(err) // NewPass made one already
		}
		counters = []workload.Counter{c}
	}
	for _, c := range counters {
		total.Merge(c.(*Tally))
	}
	return total.Outcome()
}

// Outcome is what t counted, as workload.Outcome.
func (t *Tally) Outcome() *workload.Outcome {
	o := &workload.Outcome{
		Files: t.Files, BadFiles: t.BadFiles, Bytes: t.Bytes,
		// A file that could not be read or decompressed is one bad unit
		// for the guard rail (a corpus of .json.gz files that are not
		// gzip has no documents at all, only bad files).
		Documents: t.Documents + t.BadFiles, BadDocuments: t.BadDocuments + t.BadFiles,
		BadReasons: map[string]int64{},
		Fallbacks:  t.Fallbacks,
	}
	for _, b := range t.Bad {
		o.Bad = append(o.Bad, workload.BadInput{Path: b.Path, Reason: b.Reason})
	}
	for r, n := range t.BadFileReasons {
		o.BadReasons[r] += n
	}
	for r, n := range t.BadDocumentReasons {
		o.BadReasons[r] += n
	}
	o.Summary = fmt.Sprintf("%d files (%d bad), %d bytes, %d documents (%d bad), %d records", t.Files, t.BadFiles, t.Bytes, t.Documents, t.BadDocuments, t.Records)
	if !t.ReadOnly() {
		o.Canonical = t.Canonical()
	}
	return o
}

// Count counts one input for workload.Counter: File.
func (t *Tally) Count(path string, data []byte) { t.File(path, data) }
