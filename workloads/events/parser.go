package events

import "benchgrid/workload"

// A Parser is one JSON parser's adapter for the workload.
type Parser interface {
	// Name is the adapter's short registered name ("std", "sonic", …).
	Name() string
	// NewDecoder returns the state one worker uses for every file it
	// parses (a reused parser, scratch buffers). It fails, naming the
	// reason, when the parser cannot run on this machine.
	NewDecoder() (Decoder, error)
}

// A Decoder parses files for one worker at a time.
type Decoder interface {
	// Decode adds the events of one file's bytes to b, which is empty on
	// entry. When the file is bad it returns the reason, and whatever it
	// added to b is discarded. Strings it adds may alias data or the
	// decoder's memory until the next call.
	Decode(data []byte, b *Batch) error
}

// A ReadOnly parser only reads files: it computes no result. The `none`
// pseudo-parser is the I/O floor every configuration is measured against.
type ReadOnly interface {
	ReadOnly() bool
}

// IsReadOnly reports whether p only reads files.
func IsReadOnly(p Parser) bool {
	r, ok := p.(ReadOnly)
	return ok && r.ReadOnly()
}

// ErrUnavailable marks a parser that cannot run on this machine; errors from
// NewDecoder wrap it.
var ErrUnavailable = workload.ErrUnavailable

// PushEvent is the event type whose payload.size counts towards
// Result.PushCommits.
const PushEvent = "PushEvent"
