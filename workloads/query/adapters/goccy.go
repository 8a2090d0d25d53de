package adapters

import (
	"bytes"
	"io"

	"github.com/goccy/go-json/jsontext"
	json "github.com/goccy/go-json/v2"

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
// Its jsontext.Decoder streams each document in one pass (tokenWalker,
// which the jsonv2 adapter shares): the adapter follows the query's paths
// token by token (ReadValue for a member's name, SkipValue for whatever no
// path needs), and a repeated member is simply read again, so the last one
// counts. goccy's v2 API has no UnmarshalDecode to hand a
// reflect.StructOf struct the decoder half-way through, and decoding a
// struct from ReadValue's bytes would read every object on a path twice:
// the token walk is the one-pass way.
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
	dec := jsontext.NewDecoder(&bytes.Buffer{}, goccyOptions)
	return newTokenWalker("goccy", q, dec, func(r io.Reader) { dec.Reset(r, goccyOptions) }), nil
}
