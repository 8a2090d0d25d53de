package query

import "strings"

// A compression is how an input's bytes are compressed.
type compression uint8

const (
	plain compression = iota
	gzipped
	zstded
)

// inputKind splits an input's name into its compression and whether it
// holds one document per line; ok is false when the name is no input's.
func inputKind(name string) (c compression, lines bool, ok bool) {
	switch {
	case strings.HasSuffix(name, ".gz"):
		c, name = gzipped, name[:len(name)-len(".gz")]
	case strings.HasSuffix(name, ".zst"):
		c, name = zstded, name[:len(name)-len(".zst")]
	}
	switch {
	case strings.HasSuffix(name, ".json"):
		return c, false, true
	case strings.HasSuffix(name, ".ndjson"), strings.HasSuffix(name, ".jsonl"):
		return c, true, true
	}
	return c, false, false
}

// IsInput reports whether a regular file called name is one of the query
// workload's inputs: its name ends in .json (one document), .ndjson or
// .jsonl (one document per line), each optionally followed by .gz (gzip)
// or .zst (Zstandard), case-sensitively. name may be a path.
func IsInput(name string) bool {
	_, _, ok := inputKind(name)
	return ok
}
