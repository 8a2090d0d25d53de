package query

import "sync"

// SetMaxDecompressed lowers the limit on one input's decompressed size
// for a test, and returns the function that restores it. The pool of
// decompressors is emptied both ways: their zstd decoders carry the limit
// they were made with.
func SetMaxDecompressed(n int) (restore func()) {
	old := maxDecompressed
	maxDecompressed = n
	decompressors = sync.Pool{New: func() any { return new(decompressor) }}
	return func() {
		maxDecompressed = old
		decompressors = sync.Pool{New: func() any { return new(decompressor) }}
	}
}
