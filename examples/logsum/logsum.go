package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"benchgrid/workload"
)

// The workload, to the byte, which both implementations meet exactly:
//
//   - Its inputs are the files whose names end in ".ndjson".
//   - An input is lines separated by "\n"; a line that is empty once JSON
//     whitespace (space, tab, CR) is trimmed is skipped.
//   - Every other line must be one JSON object (RFC 8259; encoding/json's
//     grammar, so invalid UTF-8 inside strings is allowed). If its
//     top-level key "bytes" (matched exactly, after unescaping; the last
//     one when repeated) is present, its value must be an integer in
//     int64's range, written without fraction or exponent.
//   - An input with a line that breaks these rules is bad and contributes
//     nothing but its count; a good one contributes its lines.
//
// The answer counts the records (lines that are objects), the records
// with "bytes", and the total of "bytes" (wrapping around on overflow, as
// int64 addition does, so that the order of the additions cannot matter).
func init() {
	workload.Register(workload.Simple[Totals]{
		Name:    "logsum",
		Text:    `the total of the "bytes" field of NDJSON access logs`,
		IsInput: func(name string) bool { return strings.HasSuffix(name, ".ndjson") },
		Impls: []workload.Impl[Totals]{
			{Name: "std", Text: "encoding/json, one map of raw values per line", NewCount: newStdCount},
			{Name: "scan", Text: "a hand-rolled single-pass scanner", Count: countScan},
		},
		Merge:     func(dst, src *Totals) { dst.Add(src) },
		Canonical: func(t *Totals) []byte { return t.Canonical() },
		Summary: func(t *Totals) string {
			return fmt.Sprintf("%d records, %d bytes in all", t.Records, t.Bytes)
		},
	}.Definition())
}

// Totals is the answer: what the good inputs' lines add up to.
type Totals struct {
	Records   int64 `json:"records"`
	WithBytes int64 `json:"with_bytes"`
	Bytes     int64 `json:"bytes"`
}

// Add adds o's counts to t.
func (t *Totals) Add(o *Totals) {
	t.Records += o.Records
	t.WithBytes += o.WithBytes
	t.Bytes += o.Bytes
}

// Canonical is t as one JSON object.
func (t *Totals) Canonical() []byte {
	return fmt.Appendf(nil, `{"records":%d,"with_bytes":%d,"bytes":%d}`, t.Records, t.WithBytes, t.Bytes)
}

// lines calls line for each line of data that is not blank, with its
// 1-based number, and stops at the first error, which it returns as
// "line N: …".
func lines(data []byte, line func(b []byte) error) error {
	for n := 1; len(data) > 0; n++ {
		b, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		if len(bytes.Trim(b, " \t\r")) == 0 {
			continue
		}
		if err := line(b); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	return nil
}

// newStdCount makes one goroutine's encoding/json count function, which
// reuses its map from line to line. A map of raw values, not a struct:
// encoding/json matches struct fields case-insensitively, so a struct
// would take "BYTES" for "bytes", and the contract matches keys exactly.
func newStdCount() (workload.CountFunc[Totals], error) {
	fields := map[string]json.RawMessage{}
	return func(path string, data []byte, acc *Totals) error {
		var t Totals // added to acc only if the whole input is good
		err := lines(data, func(b []byte) error {
			clear(fields)
			if err := json.Unmarshal(b, &fields); err != nil {
				return err
			}
			if fields == nil { // the line was null, which Unmarshal takes for an empty map
				fields = map[string]json.RawMessage{}
				return fmt.Errorf("not a JSON object")
			}
			t.Records++
			raw, ok := fields["bytes"]
			if !ok {
				return nil
			}
			n, err := strconv.ParseInt(string(raw), 10, 64)
			if err != nil {
				return fmt.Errorf(`"bytes" is %.40s, not an int64`, raw)
			}
			t.WithBytes++
			t.Bytes += n
			return nil
		})
		if err != nil {
			return err
		}
		acc.Add(&t)
		return nil
	}, nil
}

// countScan is the hand-rolled implementation (scan.go).
func countScan(path string, data []byte, acc *Totals) error {
	var t Totals
	err := lines(data, func(b []byte) error {
		n, has, err := scanLine(b)
		if err != nil {
			return err
		}
		t.Records++
		if has {
			t.WithBytes++
			t.Bytes += n
		}
		return nil
	})
	if err != nil {
		return err
	}
	acc.Add(&t)
	return nil
}
