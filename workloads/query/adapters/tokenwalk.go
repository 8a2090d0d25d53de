package adapters

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"benchgrid/workload/leniency"
	"benchgrid/workload/strictjson"
	"benchgrid/workloads/query"
)

// tokenDecoder is what tokenWalker uses of a jsontext.Decoder: the
// methods of encoding/json/jsontext's and of goccy's clone of it, whose
// Kind, Value and Token types differ only in their package.
type tokenDecoder[K ~byte, V ~[]byte, T any] interface {
	PeekKind() K
	ReadToken() (T, error)
	ReadValue() (V, error)
	SkipValue() error
}

// tokenWalker streams one document in one pass through a jsontext
// decoder, following the query's paths token by token: ReadValue for a
// member's name and for a value whose fields are read from its bytes,
// SkipValue for whatever no path needs. A repeated member is simply read
// again, so the last one counts. It is the goccy and jsonv2 adapters'
// extractor, so that the two compare the libraries, not the adapters.
//
// D is the library's *jsontext.Decoder. Its methods are called through
// the generic instance's dictionary, an indirect call a token: against a
// copy of this code for each library, BenchmarkExtract measured +1.2%
// (geomean of goccy and jsonv2 over the tweets, n=12, within the noise
// but for one case of +2.9%), which one shared walk is worth.
type tokenWalker[D tokenDecoder[K, V, T], K ~byte, V ~[]byte, T any] struct {
	stdFallback
	name  string          // the adapter's, for its errors
	dec   D               // reading in
	in    bytes.Buffer    // over the document
	reset func(io.Reader) // resets dec to read from its argument
	raw   *rawWalker
	key   []byte // an escaped member name, unescaped
	// The document being read: its bytes, records and current row.
	doc        []byte
	r          *query.Records
	row        []query.Value
	nrec       int
	gotRecords bool
}

// newTokenWalker returns one worker's extractor for q, named name in its
// errors, reading with dec, which reset points at a document.
func newTokenWalker[D tokenDecoder[K, V, T], K ~byte, V ~[]byte, T any](name string, q *query.Query, dec D, reset func(io.Reader)) *tokenWalker[D, K, V, T] {
	p := newPlan(q)
	return &tokenWalker[D, K, V, T]{stdFallback: stdFallback{p: p}, name: name, dec: dec, reset: reset, raw: newRawWalker(p)}
}

// Extract checks UTF-8 (the adapters let invalid UTF-8 through their
// decoders, see goccyOptions), then streams doc.
func (x *tokenWalker[D, K, V, T]) Extract(doc []byte, r *query.Records) error {
	if !utf8.Valid(doc) {
		return query.ErrInvalidUTF8
	}
	x.in = *bytes.NewBuffer(doc)
	x.reset(&x.in)
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
		return fmt.Errorf("%s: %w", x.name, err)
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
func (x *tokenWalker[D, K, V, T]) peek() (K, error) {
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
func (x *tokenWalker[D, K, V, T]) walk(n *node) error {
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
		x.raw.fill(n, []byte(raw), leniency.Within(x.doc, []byte(raw)), x.row, x.r)
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
			quoted, err := x.dec.ReadValue()
			if err != nil {
				return err
			}
			name := []byte(quoted[1 : len(quoted)-1])
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
func (x *tokenWalker[D, K, V, T]) records() error {
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
