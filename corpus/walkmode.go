package corpus

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
)

// A WalkMode is how a listing learns which directory entries are inputs
// and how large they are: the -walk knob of `benchgrid process`, where the
// walk is part of the measured process.
type WalkMode string

// The walk modes. Both list exactly the same inputs, in the same order,
// and skip the same unreadable folders with the same reasons; they differ
// in system calls per input and in what File.Size holds.
const (
	// WalkLstat is fs.WalkDir over os.DirFS: a directory's entries and
	// then an lstat of every input, so that File.Size is the size the
	// walk saw.
	WalkLstat WalkMode = "lstat"
	// WalkTypes reads each directory with getdents and trusts the entry
	// types it returns (d_type), which are lstat's types: only an entry
	// of unknown type (DT_UNKNOWN, which some file systems return) costs
	// an lstat. An input's size is then unknown until it is read
	// (File.Size is SizeUnknown): its bytes come from the read, and an
	// input that cannot be read is sized by an lstat then (SizeOf).
	WalkTypes WalkMode = "dtype"
)

// WalkModes lists every walk mode, the default first.
var WalkModes = []WalkMode{WalkLstat, WalkTypes}

// ParseWalkMode returns the walk mode called name.
func ParseWalkMode(name string) (WalkMode, error) {
	if slices.Contains(WalkModes, WalkMode(name)) {
		return WalkMode(name), nil
	}
	return "", fmt.Errorf("unknown walk mode %q (have %v)", name, WalkModes)
}

// SizeUnknown is File.Size for an input listed by WalkTypes: the walk did
// not lstat it.
const SizeUnknown = -1

// SizeOf returns f's size: the walk's when it knew it, and otherwise the
// size lstat reports now, or 0 when the file is gone (a vanished input
// adds nothing to the bytes that the walk did not see). Only inputs that
// could not be read need it: a read input's size is its length.
func SizeOf(f File) int64 {
	if f.Size >= 0 {
		return f.Size
	}
	info, err := os.Lstat(f.Path)
	if err != nil {
		return 0
	}
	return info.Size()
}

// ListOptions choose how ListWith lists a corpus.
type ListOptions struct {
	// IsInput accepts the base names of inputs; nil is IsJSON.
	IsInput func(name string) bool
	// Walk is the walk mode; "" is WalkLstat.
	Walk WalkMode
}

// ListWith is ListSkipping with a choice of walk mode: every input below
// root in lexical order, going on past a subdirectory it cannot read
// (returned among the skipped). The root must be readable.
func ListWith(ctx context.Context, root string, opts ListOptions) ([]File, []Skipped, error) {
	isInput := opts.IsInput
	if isInput == nil {
		isInput = IsJSON
	}
	switch opts.Walk {
	case "", WalkLstat:
		return list(ctx, root, nil, isInput, true)
	case WalkTypes:
		return listTypes(ctx, root, isInput)
	}
	return nil, nil, fmt.Errorf("list %s: %w", root, errors.New("unknown walk mode "+string(opts.Walk)))
}
