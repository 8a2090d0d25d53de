//go:build !linux

package corpus

import (
	"context"
	"errors"
	"fmt"
)

// walkTypes is the WalkTypes walk, which reads directories with Linux's
// getdents: elsewhere it is unavailable, and says so.
func walkTypes(_ context.Context, root string, _ func(string) bool, _ func([]File) error, _ bool) ([]Skipped, error) {
	return nil, fmt.Errorf("list %s: walk mode %s: %w", root, WalkTypes, errors.ErrUnsupported)
}
