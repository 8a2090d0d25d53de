package query

// SetMaxDecompressed lowers the limit on one input's decompressed size
// for a test, and returns the function that restores it.
func SetMaxDecompressed(n int) (restore func()) {
	old := maxDecompressed
	maxDecompressed = n
	return func() { maxDecompressed = old }
}
