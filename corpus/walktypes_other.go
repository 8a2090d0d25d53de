//go:build !linux

package corpus

import (
	"context"
	"errors"
	"fmt"
)

// listTypes is ListWith's WalkTypes, which reads directories with Linux's
// getdents: elsewhere it is unavailable, and says so.
func listTypes(_ context.Context, root string, _ func(string) bool) ([]File, []Skipped, error) {
	return nil, nil, fmt.Errorf("list %s: walk mode %s: %w", root, WalkTypes, errors.ErrUnsupported)
}
