package corpus

import (
	"fmt"
	"sync"
)

// An UnavailableError says that a read mode cannot run on this machine
// (ReadUring where the kernel or a sandbox refuses io_uring) and why. A
// configuration that asks for it is unavailable, never quietly read
// another way.
type UnavailableError struct {
	Mode   ReadMode
	Reason string
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("read mode %s is unavailable here: %s", e.Mode, e.Reason)
}

// ReadModeAvailable returns nil when mode can run here. Otherwise it is an
// *UnavailableError with the reason, or, when the check itself ran out of
// descriptors or memory, that error (IsResourceExhausted), which is not
// remembered: the next call checks again. Only ReadUring can be
// unavailable; its check sets a ring up and probes its opcodes once per
// process.
func ReadModeAvailable(mode ReadMode) error {
	if mode != ReadUring {
		return nil
	}
	return uringAvailable()
}

// uringProbe checks that io_uring can serve ReadUring here: an error that
// is not an *UnavailableError is a resource the check lacked. Tests
// replace it (setUringProbe).
var uringProbe = probeUring

// uringChecked remembers uringProbe's verdict.
var uringChecked struct {
	sync.Mutex
	done bool
	err  error
}

func uringAvailable() error {
	uringChecked.Lock()
	defer uringChecked.Unlock()
	if uringChecked.done {
		return uringChecked.err
	}
	err := uringProbe()
	if err != nil && IsResourceExhausted(err) {
		return err
	}
	uringChecked.done, uringChecked.err = true, err
	return err
}
