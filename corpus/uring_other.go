//go:build !linux

package corpus

import (
	"context"
	"runtime"
)

// uringSession is empty where io_uring does not exist.
type uringSession struct{}

// probeUring says that io_uring is Linux's.
func probeUring() error {
	return &UnavailableError{Mode: ReadUring, Reason: "io_uring is Linux's, and this is " + runtime.GOOS}
}

// readUring fails every file: the mode is unavailable (ReadModeAvailable
// says so before a pass starts).
func (s *Session) readUring(_ context.Context, files []File, data [][]byte, errs []error) {
	err := uringAvailable()
	for i := range files {
		data[i], errs[i] = nil, err
	}
}

func (u *uringSession) closeRing() {}

// ringPool is empty where io_uring does not exist.
type ringPool struct{}

func (*ringPool) close() {}
