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

// SizeOr returns f's size as the walk gave it, or n (the length it was
// read into) when the walk gave none.
func (f File) SizeOr(n int) int64 {
	if f.Size >= 0 {
		return f.Size
	}
	return int64(n)
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
		var files []File
		skipped, err := walkTypes(ctx, root, isInput, func(fs []File) error {
			files = fs
			return nil
		}, true)
		if err != nil {
			return nil, nil, err
		}
		return files, skipped, nil
	}
	return nil, nil, unknownWalk(root, opts.Walk)
}

func unknownWalk(root string, w WalkMode) error {
	return fmt.Errorf("list %s: %w", root, errors.New("unknown walk mode "+string(w)))
}

// StreamBatch is how many inputs WalkWith hands over at most in one call
// in the lstat mode, which learns them one at a time.
const StreamBatch = 256

// WalkWith is ListWith that hands the inputs over while it walks, instead
// of returning them at the end: it calls emit with the next inputs in
// lexical order (in the dtype mode, the inputs of one directory up to its
// next subdirectory, or its end; in the lstat mode, up to StreamBatch at
// a time), each slice its own, which emit may keep and share with other
// goroutines. Concatenated, the slices are exactly ListWith's list, and
// the skipped folders, returned at the end, are its skipped folders. It
// stops at the first error emit returns, and returns it.
func WalkWith(ctx context.Context, root string, opts ListOptions, emit func([]File) error) ([]Skipped, error) {
	isInput := opts.IsInput
	if isInput == nil {
		isInput = IsJSON
	}
	switch opts.Walk {
	case "", WalkLstat:
		var skipped []Skipped
		batch := make([]File, 0, StreamBatch)
		err := walk(ctx, root, nil, isInput, func(f File) error {
			batch = append(batch, f)
			if len(batch) < StreamBatch {
				return nil
			}
			err := emit(batch)
			batch = make([]File, 0, StreamBatch)
			return err
		}, func(s Skipped) { skipped = append(skipped, s) })
		if err == nil && len(batch) > 0 {
			err = emit(batch)
		}
		if err != nil {
			return nil, err
		}
		return skipped, nil
	case WalkTypes:
		return walkTypes(ctx, root, isInput, emit, false)
	}
	return nil, unknownWalk(root, opts.Walk)
}
