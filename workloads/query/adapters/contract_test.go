package adapters

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"benchgrid/workload"
	"benchgrid/workloads/query"
)

// ptr parses a JSON Pointer as package query does: ~1 is /, ~0 is ~, and
// a token is an index when it is a decimal without leading zeros.
func ptr(s string) query.Pointer {
	if s == "" {
		return nil
	}
	if s[0] != '/' {
		panic("pointer without a leading slash: " + s)
	}
	var p query.Pointer
	for _, t := range strings.Split(s[1:], "/") {
		t = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
		idx := -1
		if t == "0" || t != "" && t[0] != '0' && strings.Trim(t, "0123456789") == "" && len(t) < 10 {
			idx, _ = strconv.Atoi(t)
		}
		p = append(p, query.Token{Name: t, Index: idx})
	}
	return p
}

// field is a test's shorthand for a query.Field: "name path type" with
// an optional trailing "?".
func mkQuery(records string, fields ...string) *query.Query {
	q := &query.Query{}
	if records != "-" {
		q.HasRecords = true
		q.Records = ptr(records)
	}
	types := map[string]query.Type{"string": query.String, "int": query.Int, "bool": query.Bool, "length": query.Length}
	for i, f := range fields {
		path, typ, _ := strings.Cut(f, " ")
		opt := strings.HasSuffix(typ, "?")
		typ = strings.TrimSuffix(typ, "?")
		t, ok := types[typ]
		if !ok {
			panic("unknown type in " + f)
		}
		q.Fields = append(q.Fields, query.Field{Name: fmt.Sprint("f", i), Path: ptr(path), Type: t, Optional: opt})
	}
	return q
}

// outcome is one document's extraction, printable and comparable.
type outcome struct {
	err      error
	rows     [][]query.Value
	fallback string
}

func (o outcome) String() string {
	if o.err != nil {
		return "bad: " + o.err.Error()
	}
	var b strings.Builder
	for _, row := range o.rows {
		b.WriteString("[")
		for i, v := range row {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(fmtValue(v))
		}
		b.WriteString("]")
	}
	if len(o.rows) == 0 {
		b.WriteString("no records")
	}
	return b.String()
}

func fmtValue(v query.Value) string {
	switch v.Kind {
	case query.Absent:
		return "absent"
	case query.Null:
		return "null"
	case query.Mismatch:
		return "mismatch"
	}
	if v.Str != nil {
		return strconv.Quote(string(v.Str))
	}
	return strconv.FormatInt(v.Int, 10)
}

func (o outcome) same(p outcome) bool {
	if (o.err == nil) != (p.err == nil) {
		return false
	}
	return o.err != nil || o.String() == p.String()
}

// extract runs x on doc, copying what it found (strings may alias x's
// memory until its next call).
func extract(x query.Extractor, q *query.Query, doc []byte) outcome {
	var r query.Records
	r.Width = len(q.Fields)
	err := x.Extract(doc, &r)
	o := outcome{err: err}
	if f, ok := x.(Fallbacker); ok {
		o.fallback = f.Fallback()
	}
	if err != nil {
		return o
	}
	for i := range r.Len() {
		row := make([]query.Value, r.Width)
		copy(row, r.Values[i*r.Width:(i+1)*r.Width])
		for j := range row {
			if row[j].Kind == query.Found && q.Fields[j].Type == query.String {
				row[j].Str = append([]byte{}, row[j].Str...)
			}
		}
		o.rows = append(o.rows, row)
	}
	if r.Width == 0 {
		o.rows = make([][]query.Value, r.Len())
	}
	return o
}

// available returns the adapters that run here, with their extractors
// for q, skipping the unavailable ones (jsonv2 outside its build).
func extractors(t testing.TB, q *query.Query) map[string]query.Extractor {
	t.Helper()
	out := map[string]query.Extractor{}
	for _, a := range allAdapters() {
		x, err := a.NewExtractor(q)
		if errors.Is(err, workload.ErrUnavailable) {
			continue
		}
		if err != nil {
			t.Fatalf("%s.NewExtractor: %v", a.Name(), err)
		}
		out[a.Name()] = x
	}
	return out
}

// allAdapters returns the registered adapters that parse: every one but
// the reference (std), which the tests compare them with, and the floor.
func allAdapters() []query.Adapter {
	var out []query.Adapter
	for _, name := range query.Names() {
		a, _ := query.Lookup(name)
		if name == "std" || query.IsReadOnly(a) {
			continue
		}
		out = append(out, a)
	}
	return out
}
