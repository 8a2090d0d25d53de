//go:build goexperiment.jsonv2

package adapters

import (
	"bytes"
	"encoding/json/jsontext"
	json "encoding/json/v2"
	"io"

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
	dec := jsontext.NewDecoder(&bytes.Buffer{}, jsonv2Options)
	return newTokenWalker("jsonv2", q, dec, func(r io.Reader) { dec.Reset(r, jsonv2Options) }), nil
}
