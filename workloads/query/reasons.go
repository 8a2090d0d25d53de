package query

import (
	"errors"

	"benchgrid/workload"
)

// ErrUnavailable is wrapped by the error of an adapter that cannot run on
// this machine or cannot serve a query (Adapter.NewExtractor). It is the
// workload package's value, so that errors.Is finds it whichever name a
// caller uses.
var ErrUnavailable = workload.ErrUnavailable

// The reasons a document is bad that every adapter words alike: the rules
// of docs/query.md that do not depend on how a library reports a problem.
// Reasons that come from a library (a syntax error) keep the library's
// words.
var (
	// ErrInvalidUTF8 is rule 1 for a document that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrRecordsNotArray is rule 2: the query has `records` and the value
	// at that pointer is absent or is not an array.
	ErrRecordsNotArray = errors.New(`"records" is absent or not an array`)
)
