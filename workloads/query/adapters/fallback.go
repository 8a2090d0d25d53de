package adapters

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"benchgrid/workload/strictjson"
	"benchgrid/workloads/query"
)

// Fallbacker is query.Fallbacker: the adapters that fall back say so.
type Fallbacker = query.Fallbacker

// stdFallback is the exact, slow extraction the adapters fall back to:
// encoding/json into interface values (json.Number for numbers), whose
// maps take the last of repeated member names and whose strings read lone
// surrogate escapes as U+FFFD.
type stdFallback struct {
	p      *plan
	reason string
}

// Fallback implements Fallbacker's method for the adapters embedding it.
func (f *stdFallback) Fallback() string { return f.reason }

// retry decides a document the parser failed on: bad when strictjson finds
// it invalid (the parser's own error is kept as the reason), else decoded
// by encoding/json with the reason recorded.
func (f *stdFallback) retry(doc []byte, r *query.Records, parserErr error, reason string) error {
	if err := strictjson.Validate(doc); err != nil {
		return parserErr
	}
	r.Reset()
	f.reason = reason // the parser's words vary by document; the reason is what they share
	return f.extract(doc, r)
}

// extract decodes doc with encoding/json and adds its records to r.
func (f *stdFallback) extract(doc []byte, r *query.Records) error {
	if !utf8.Valid(doc) {
		return query.ErrInvalidUTF8
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	for _, c := range doc[dec.InputOffset():] {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return errors.New("data after the top-level value")
		}
	}
	if !f.p.q.HasRecords {
		f.fill(f.p.rec, v, r.Add(), r)
		return nil
	}
	for _, tok := range f.p.q.Records {
		v = anyChild(v, tok)
	}
	list, ok := v.([]any)
	if !ok {
		return errRecords
	}
	for _, e := range list {
		f.fill(f.p.rec, e, r.Add(), r)
	}
	return nil
}

// missing stands for an absent value.
type missing struct{}

func anyChild(v any, tok query.Token) any {
	switch v := v.(type) {
	case map[string]any:
		if c, ok := v[tok.Name]; ok {
			return c
		}
	case []any:
		if tok.Index >= 0 && tok.Index < len(v) {
			return v[tok.Index]
		}
	}
	return missing{}
}

func (f *stdFallback) fill(n *node, v any, row []query.Value, r *query.Records) {
	if _, ok := v.(missing); ok {
		return
	}
	for _, i := range n.fields {
		row[i] = anyValue(v, f.p.types[i], r)
	}
	for _, k := range n.kids {
		f.fill(k.n, anyChild(v, query.Token{Name: k.name, Index: k.index}), row, r)
	}
}

func anyValue(v any, t query.Type, r *query.Records) query.Value {
	switch v := v.(type) {
	case nil:
		return query.Value{Kind: query.Null}
	case string:
		if t == query.String {
			return query.Value{Kind: query.Found, Str: r.Keep([]byte(v))}
		}
	case json.Number:
		if t == query.Int {
			if n, err := strictjson.ParseInt([]byte(v)); err == nil {
				return query.Value{Kind: query.Found, Int: n}
			}
		}
	case bool:
		if t == query.Bool {
			b := int64(0)
			if v {
				b = 1
			}
			return query.Value{Kind: query.Found, Int: b}
		}
	case []any:
		if t == query.Length {
			return query.Value{Kind: query.Found, Int: int64(len(v))}
		}
	case map[string]any:
		if t == query.Length {
			return query.Value{Kind: query.Found, Int: int64(len(v))}
		}
	default:
		panic(fmt.Sprintf("adapters: encoding/json decoded a %T", v))
	}
	return query.Value{Kind: query.Mismatch}
}
