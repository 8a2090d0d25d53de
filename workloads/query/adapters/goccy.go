package adapters

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/goccy/go-json/jsontext"
	json "github.com/goccy/go-json/v2"

	"benchgrid/workload/leniency"
	"benchgrid/workload/strictjson"
	"benchgrid/workloads/query"
)

func init() { query.Register(goccyAdapter{}) }

// goccyAdapter is github.com/goccy/go-json, through its encoding/json/v2
// API, whose defaults are the contract's: member names match exactly and
// case-sensitively (its v1-compatible API folds case, as encoding/json
// does), the grammar is checked strictly everywhere, skipped values
// included, nesting is limited to 10,000 levels, and invalid UTF-8 is an
// error.
//
// Its jsontext.Decoder streams each document in one pass: the adapter
// follows the query's paths token by token (ReadValue for a member's name,
// SkipValue for whatever no path needs), and a repeated member is simply
// read again, so the last one counts. goccy's v2 API has no UnmarshalDecode
// to hand a reflect.StructOf struct the decoder half-way through, and
// decoding a struct from ReadValue's bytes would read every object on a
// path twice: the token walk is the one-pass way.
type goccyAdapter struct{}

func (goccyAdapter) Name() string { return "goccy" }

// goccyOptions relax two v2 defaults that are stricter than the contract:
//   - AllowInvalidUTF8: v2 rejects a lone surrogate escape such as
//     `\ud800`, which the contract accepts as U+FFFD; the option does
//     exactly that. It also lets raw invalid UTF-8 through, so Extract
//     checks utf8.Valid first.
//   - AllowDuplicateNames: repeated names are valid JSON (the last one
//     counts), and tracking names costs v2 about a third of its speed.
var goccyOptions = json.JoinOptions(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))

// NewExtractor returns one worker's reused decoder.
func (goccyAdapter) NewExtractor(q *query.Query) (query.Extractor, error) {
	p := newPlan(q)
	return &goccyExtractor{stdFallback: stdFallback{p: p}, dec: jsontext.NewDecoder(&bytes.Buffer{}, goccyOptions), raw: newRawWalker(p)}, nil
}

// goccyExtractor is one worker's state, reused across its documents.
type goccyExtractor struct {
	stdFallback
	dec *jsontext.Decoder
	in  bytes.Buffer
	raw *rawWalker
	key []byte
	// The document being read: its bytes, records and current row.
	doc        []byte
	r          *query.Records
	row        []query.Value
	nrec       int
	gotRecords bool
}

// Extract checks UTF-8 (see goccyOptions), then streams doc.
func (x *goccyExtractor) Extract(doc []byte, r *query.Records) error {
	if !utf8.Valid(doc) {
		return query.ErrInvalidUTF8
	}
	x.in = *bytes.NewBuffer(doc)
	x.dec.Reset(&x.in, goccyOptions)
	x.doc, x.r, x.row, x.nrec, x.gotRecords = doc, r, nil, 0, false
	if !x.p.q.HasRecords {
		x.row = r.Add()
	}
	err := x.walk(x.p.doc)
	if err == nil {
		// Anything but whitespace after the value is an error.
		if _, err = x.dec.ReadToken(); err == io.EOF {
			err = nil
		} else if err == nil {
			err = errors.New("more than one JSON value")
		}
	}
	x.in, x.doc, x.r, x.row = bytes.Buffer{}, nil, nil, nil // do not pin the document
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("goccy: %w", err)
	}
	if x.p.q.HasRecords {
		if !x.gotRecords {
			return errRecords
		}
		if r.Width == 0 {
			for range x.nrec {
				r.Add()
			}
		}
	}
	return nil
}

// peek returns the kind of the next value, or the syntax error there.
func (x *goccyExtractor) peek() (jsontext.Kind, error) {
	if k := x.dec.PeekKind(); k != 0 {
		return k, nil
	}
	_, err := x.dec.ReadValue()
	if err == nil {
		err = errors.New("no value")
	}
	return 0, err
}

// walk reads the next value, the one at n.
func (x *goccyExtractor) walk(n *node) error {
	if n.records {
		return x.records()
	}
	if n.chain {
		// A later member of a name on the chain replaces the earlier's
		// records.
		x.gotRecords, x.nrec = false, 0
		if x.r.Width > 0 {
			x.r.Values = x.r.Values[:0]
		}
	}
	reset(n, x.row)
	k, err := x.peek()
	if err != nil {
		return err
	}
	if len(n.fields) > 0 {
		raw, err := x.dec.ReadValue()
		if err != nil {
			return err
		}
		x.raw.fill(n, raw, leniency.Within(x.doc, raw), x.row, x.r)
		return nil
	}
	switch {
	case k == '{' && len(n.kids) > 0:
		if _, err := x.dec.ReadToken(); err != nil {
			return err
		}
		for {
			if k, err := x.peek(); err != nil {
				return err
			} else if k == '}' {
				_, err := x.dec.ReadToken()
				return err
			}
			name, err := x.dec.ReadValue()
			if err != nil {
				return err
			}
			name = name[1 : len(name)-1]
			if bytes.IndexByte(name, '\\') >= 0 {
				x.key, _ = strictjson.AppendUnescaped(x.key[:0], name)
				name = x.key
			}
			if c := n.kidNamed(name); c != nil {
				err = x.walk(c)
			} else {
				err = x.dec.SkipValue()
			}
			if err != nil {
				return err
			}
		}
	case k == '[' && n.maxIndex >= 0:
		if _, err := x.dec.ReadToken(); err != nil {
			return err
		}
		for i := 0; ; i++ {
			if k, err := x.peek(); err != nil {
				return err
			} else if k == ']' {
				_, err := x.dec.ReadToken()
				return err
			}
			if c := n.kidAt(i); c != nil {
				err = x.walk(c)
			} else {
				err = x.dec.SkipValue()
			}
			if err != nil {
				return err
			}
		}
	}
	return x.dec.SkipValue()
}

// records reads the records array, replacing any read before (a repeated
// name).
func (x *goccyExtractor) records() error {
	x.gotRecords, x.nrec = false, 0
	if x.r.Width > 0 {
		x.r.Values = x.r.Values[:0]
	}
	if k, err := x.peek(); err != nil {
		return err
	} else if k != '[' {
		return x.dec.SkipValue()
	}
	if _, err := x.dec.ReadToken(); err != nil {
		return err
	}
	for {
		if k, err := x.peek(); err != nil {
			return err
		} else if k == ']' {
			if _, err := x.dec.ReadToken(); err != nil {
				return err
			}
			x.gotRecords = true
			return nil
		}
		x.nrec++
		var err error
		if x.r.Width > 0 {
			x.row = x.r.Add()
			err = x.walk(x.p.rec)
		} else {
			err = x.dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
}
