//go:build goexperiment.jsonv2

package adapters

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"encoding/json/jsontext"
	json "encoding/json/v2"

	"benchgrid/workload/leniency"
	"benchgrid/workload/strictjson"
	"benchgrid/workloads/query"
)

func init() { query.Register(jsonv2Adapter{}) }

// jsonv2Built reports whether this build has the real jsonv2 adapter.
const jsonv2Built = true

// jsonv2Adapter is encoding/json/v2, present only in a build with
// GOEXPERIMENT=jsonv2 (the jsonv2 build variant; elsewhere jsonv2_stub.go
// registers it as unavailable). Its defaults are the contract's: member
// names match exactly and case-sensitively, the grammar is checked
// strictly everywhere, skipped values included, nesting is limited to
// 10,000 levels, and invalid UTF-8 is an error. It has the shape of the
// goccy adapter (goccy's v2 API is this package's clone), so the two
// compare the libraries, not the adapters: its jsontext.Decoder streams
// each document in one pass, the adapter following the query's paths
// token by token and skipping the rest, a repeated member read again so
// that the last one counts.
type jsonv2Adapter struct{}

func (jsonv2Adapter) Name() string { return "jsonv2" }

// jsonv2Options relax two v2 defaults that are stricter than the contract:
//   - AllowInvalidUTF8: v2 rejects a lone surrogate escape such as
//     `\ud800`, which the contract accepts as U+FFFD; the option does
//     exactly that. It also lets raw invalid UTF-8 through, so Extract
//     checks utf8.Valid first.
//   - AllowDuplicateNames: repeated names are valid JSON (the last one
//     counts), and tracking every object's names is a large share of v2's work.
var jsonv2Options = json.JoinOptions(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))

// NewExtractor returns one worker's reused decoder.
func (jsonv2Adapter) NewExtractor(q *query.Query) (query.Extractor, error) {
	p := newPlan(q)
	return &jsonv2Extractor{stdFallback: stdFallback{p: p}, dec: jsontext.NewDecoder(&bytes.Buffer{}, jsonv2Options), raw: newRawWalker(p)}, nil
}

// jsonv2Extractor is one worker's state, reused across its documents.
type jsonv2Extractor struct {
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

// Extract checks UTF-8 (see jsonv2Options), then streams doc.
func (x *jsonv2Extractor) Extract(doc []byte, r *query.Records) error {
	if !utf8.Valid(doc) {
		return query.ErrInvalidUTF8
	}
	x.in = *bytes.NewBuffer(doc)
	x.dec.Reset(&x.in, jsonv2Options)
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
		return fmt.Errorf("jsonv2: %w", err)
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
func (x *jsonv2Extractor) peek() (jsontext.Kind, error) {
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
func (x *jsonv2Extractor) walk(n *node) error {
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
func (x *jsonv2Extractor) records() error {
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
