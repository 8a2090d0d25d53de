// Package corpus owns a benchmark corpus on disk: the walker that finds its
// inputs exactly as WORKLOAD.md defines them, the readers that load a file's
// bytes (the -read modes), the seeded generator of the default corpus, and
// corpus statistics.
//
// It is the first stage of benchgrid's flow (corpus → workload → strategies →
// harness → reports) and knows nothing about JSON parsing, timing or flags.
package corpus

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A File is one input of a corpus.
type File struct {
	// Path is the file's path: the corpus root joined with its relative path.
	Path string
	// Size is the size in bytes reported by lstat during the walk.
	Size int64
}

// Walk calls fn for every input below root, in lexical order: every regular
// file (by lstat) whose name ends in ".json". Symbolic links below root are
// neither followed nor reported; root itself may be a link. A directory named
// "x.json" is walked, not read. Only one directory's entries are held at a
// time, so walking a very large tree costs no more memory than fn keeps.
//
// Walk stops at the first error fn returns and returns it; it returns
// ctx.Err() once ctx is done.
func Walk(ctx context.Context, root string, fn func(File) error) error {
	info, err := os.Stat(root) // follows a link at the root, as WORKLOAD.md allows
	if err != nil {
		return fmt.Errorf("corpus %s: %w", root, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("corpus %s: not a directory", root)
	}
	// WalkDir lstats the root; walking root + "/" makes it descend into a
	// root that is a symbolic link to a directory.
	start := root
	if !strings.HasSuffix(start, string(filepath.Separator)) {
		start += string(filepath.Separator)
	}
	return filepath.WalkDir(start, func(path string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			return fmt.Errorf("walk %s: %w", path, err)
		}
		if d.IsDir() || !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), ".json") {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since the directory was read
		}
		if err != nil {
			return fmt.Errorf("lstat %s: %w", path, err)
		}
		return fn(File{Path: filepath.Join(root, strings.TrimPrefix(path, start)), Size: info.Size()})
	})
}

// List returns every input below root in lexical order; see Walk.
func List(ctx context.Context, root string) ([]File, error) {
	var files []File
	err := Walk(ctx, root, func(f File) error {
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}
