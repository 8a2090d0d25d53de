package events

import (
	"fmt"
	"strings"

	"benchgrid/workload"
)

func init() {
	workload.Register(workload.Definition{
		Name: Name,
		Text: "GitHub-style event batches, one JSON object per file (docs/events.md)",
		Open: func([]byte) (workload.Workload, error) { return Workload{}, nil },
	})
}

// Name is the events workload's registered name.
const Name = "events"

// Workload is the events workload as workload.Workload: its inputs are
// the files whose names end in ".json", its adapters those registered here
// (package parsers).
type Workload struct{}

// Name returns "events".
func (Workload) Name() string { return Name }

// IsInput reports whether name ends in ".json" (case-sensitive).
func (Workload) IsInput(name string) bool { return strings.HasSuffix(name, ".json") }

// Parsers describes the registered adapters in their conventional order.
func (Workload) Parsers() []workload.Parser {
	var out []workload.Parser
	for _, name := range Names() {
		p, _ := Lookup(name)
		d, _ := describe(name)
		out = append(out, workload.Parser{Name: name, Text: d.text, Roles: d.roles, Build: d.build, ReadOnly: IsReadOnly(p)})
	}
	return out
}

// NewPass checks that the adapter can run in this binary and prepares a
// pass of it.
func (Workload) NewPass(parser string) (workload.Pass, error) {
	p, err := Lookup(parser)
	if err != nil {
		return nil, err
	}
	if _, err := p.NewDecoder(); err != nil {
		return nil, fmt.Errorf("parser %s: %w", parser, err)
	}
	return pass{parser: p, readOnly: IsReadOnly(p), intern: tallyFromEnv()}, nil
}

type pass struct {
	parser   Parser
	readOnly bool
	intern   bool // TallyEnv asks for InternTally
}

func (p pass) NewCounter() (workload.Counter, error) {
	dec, err := p.parser.NewDecoder()
	if err != nil {
		return nil, fmt.Errorf("parser %s: %w", p.parser.Name(), err)
	}
	c := &counter{dec: dec, readOnly: p.readOnly}
	if p.intern {
		c.tally.InternTally()
	}
	return c, nil
}

func (p pass) Outcome(counters []workload.Counter) *workload.Outcome {
	var t Tally
	for _, c := range counters {
		t.Merge(&c.(*counter).tally)
	}
	return t.Outcome(p.readOnly)
}

// counter is one goroutine's state: its decoder (a reused parser), its
// batch and its tally.
type counter struct {
	dec      Decoder
	readOnly bool
	batch    Batch
	tally    Tally
}

func (c *counter) Count(path string, data []byte) {
	size := int64(len(data))
	if c.readOnly {
		c.tally.AddRead(size)
		return
	}
	c.batch.Reset()
	if err := c.dec.Decode(data, &c.batch); err != nil {
		c.tally.AddBad(path, size, err, &c.batch)
		return
	}
	c.tally.AddGood(size, &c.batch)
}

func (c *counter) Unreadable(path string, size int64, err error) {
	c.tally.AddBad(path, size, err, nil)
}

// Outcome is what t counted, as workload.Outcome; readOnly says that
// files were only read, so that there is no answer.
func (t *Tally) Outcome(readOnly bool) *workload.Outcome {
	o := &workload.Outcome{
		Files: t.Files, BadFiles: t.BadFiles, Bytes: t.Bytes,
		Documents: t.Files, BadDocuments: t.BadFiles,
		Fallbacks: t.Fallbacks,
	}
	for _, b := range t.Bad {
		o.Bad = append(o.Bad, workload.BadInput{Path: b.Path, Reason: b.Reason})
		if o.BadReasons == nil {
			o.BadReasons = map[string]int64{}
		}
		o.BadReasons[b.Reason]++
	}
	if readOnly {
		o.Summary = fmt.Sprintf("read %d files, %d bytes", t.Files, t.Bytes)
		return o
	}
	r := t.Result()
	o.Canonical = r.Canonical()
	o.Summary = r.Summary()
	return o
}
