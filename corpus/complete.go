package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// IncompleteMarker is the file a generator keeps in a corpus folder
// while it writes it (MarkIncomplete). It is not an input (its name does not end in .json); while it
// is there, the folder holds part of a corpus and is refused.
const IncompleteMarker = ".benchgrid-incomplete"

// ErrIncomplete is the error for a corpus folder that holds the marker.
var ErrIncomplete = errors.New("incomplete: its generation was interrupted or failed (remove the folder and generate it again)")

// MarkIncomplete creates dir if needed and puts the marker in it: until
// MarkComplete, the folder holds part of a corpus and walks refuse it.
func MarkIncomplete(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	text := "benchgrid corpus gen is writing this folder, or was stopped before it finished.\n"
	if err := os.WriteFile(filepath.Join(dir, IncompleteMarker), []byte(text), 0o644); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	return nil
}

// MarkComplete removes the marker MarkIncomplete put in dir.
func MarkComplete(dir string) error {
	if err := os.Remove(filepath.Join(dir, IncompleteMarker)); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	return nil
}

// CheckComplete returns an error wrapping ErrIncomplete when dir holds a
// corpus that its generator did not finish.
func CheckComplete(dir string) error {
	_, err := os.Lstat(filepath.Join(dir, IncompleteMarker))
	switch {
	case err == nil:
		return fmt.Errorf("corpus %s: %w", dir, ErrIncomplete)
	case errors.Is(err, fs.ErrNotExist):
		return nil
	default:
		return fmt.Errorf("corpus %s: %w", dir, err)
	}
}
