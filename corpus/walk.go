// Package corpus owns a benchmark corpus on disk: the walker that finds its
// inputs exactly as docs/events.md defines them (a workload says which
// names are inputs), the readers that load a file's bytes (the -read
// modes), the page cache's state, the marker of a corpus being generated,
// and corpus statistics. The generators live with their workloads
// (workloads/events/gen, workloads/query/realcorpus).
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
	"syscall"
)

// A File is one input of a corpus.
type File struct {
	// Path is the file's path: the corpus root joined with its relative path.
	Path string
	// Size is the size in bytes reported by lstat during the walk, or
	// SizeUnknown where the walk did not lstat the file (WalkTypes).
	Size int64
}

// Walk calls fn for every input below root, in lexical order: every regular
// file (by lstat) whose name ends in ".json" (see ListSkipping for other
// names). Symbolic links below root are
// neither followed nor reported; root itself may be a link. A directory named
// "x.json" is walked, not read. Only one directory's entries are held at a
// time, so walking a very large tree costs no more memory than fn keeps.
//
// Walk stops at the first error fn returns, or at a directory it cannot
// read, and returns it; it returns ctx.Err() once ctx is done.
func Walk(ctx context.Context, root string, fn func(File) error) error {
	return walk(ctx, root, nil, IsJSON, fn, nil)
}

// IsJSON reports whether name ends in ".json": the events workload's
// inputs, and what Walk and List visit.
func IsJSON(name string) bool { return strings.HasSuffix(name, ".json") }

// A Skipped directory could not be read: the inputs below it are unknown.
// A Skipped input is one whose path is too long to be opened by its name
// (see tooLong).
type Skipped struct {
	Path   string
	Reason string
}

// pathMax is the kernel's PATH_MAX: the most bytes, with the terminating
// NUL, of a path it resolves.
const pathMax = 4096

// tooLong returns the Skipped entry of an input at path (rel below the
// root) that is too long to be opened by its name, if it is. Only a read
// relative to its directory (openat) could read such a file, so it would
// be good in some read modes and bad in others, and lstat in the walk
// fails on it: both walks skip it instead, and say why, as they do an
// unreadable folder.
func tooLong(path, rel string) (Skipped, bool) {
	if len(path)+1 <= pathMax {
		return Skipped{}, false
	}
	return Skipped{Path: path, Reason: (&fs.PathError{Op: "lstat", Path: rel, Err: syscall.ENAMETOOLONG}).Error()}, true
}

// List returns every input below root in lexical order; see Walk.
func List(ctx context.Context, root string) ([]File, error) {
	files, _, err := list(ctx, root, nil, IsJSON, false)
	return files, err
}

// ListSkipping is List of the regular files whose base name isInput
// accepts (nil is IsJSON), that goes on past a subdirectory it cannot
// read, returning it among the skipped, instead of failing: one unreadable
// folder loses its own inputs and nothing else. The root must be readable.
func ListSkipping(ctx context.Context, root string, isInput func(name string) bool) ([]File, []Skipped, error) {
	if isInput == nil {
		isInput = IsJSON
	}
	return list(ctx, root, nil, isInput, true)
}

// list lists root's inputs, through fsys when it is not nil (tests).
func list(ctx context.Context, root string, fsys fs.FS, isInput func(string) bool, skipping bool) ([]File, []Skipped, error) {
	var files []File
	var skipped []Skipped
	var onSkip func(Skipped)
	if skipping {
		onSkip = func(s Skipped) { skipped = append(skipped, s) }
	}
	err := walk(ctx, root, fsys, isInput, func(f File) error {
		files = append(files, f)
		return nil
	}, onSkip)
	if err != nil {
		return nil, nil, err
	}
	return files, skipped, nil
}

// walk walks root (through fsys, or os.DirFS(root)); an unreadable
// subdirectory goes to skip when it is not nil, and is an error otherwise.
func walk(ctx context.Context, root string, fsys fs.FS, isInput func(string) bool, fn func(File) error, skip func(Skipped)) error {
	info, err := os.Stat(root) // follows a link at the root, as docs/events.md allows
	if err != nil {
		return fmt.Errorf("corpus %s: %w", root, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("corpus %s: not a directory", root)
	}
	if err := CheckComplete(root); err != nil {
		return err
	}
	if fsys == nil {
		// os.DirFS opens root itself (following a link there); below it,
		// directory entries carry lstat's types, so links are not
		// followed.
		fsys = os.DirFS(root)
	}
	return fs.WalkDir(fsys, ".", func(rel string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		path := filepath.Join(root, filepath.FromSlash(rel))
		if err != nil {
			// A folder the program cannot read for want of its own
			// resources (file descriptors, memory) is not the corpus's
			// fault: that fails the walk instead of skipping inputs.
			if skip != nil && rel != "." && d != nil && d.IsDir() && !IsResourceExhausted(err) {
				skip(Skipped{Path: path, Reason: err.Error()})
				return fs.SkipDir
			}
			return fmt.Errorf("walk %s: %w", path, err)
		}
		if d.IsDir() || !d.Type().IsRegular() || !isInput(d.Name()) {
			return nil
		}
		if s, ok := tooLong(path, rel); ok {
			if skip == nil {
				return fmt.Errorf("walk %s: %s", path, s.Reason)
			}
			skip(s)
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since the directory was read
		}
		if err != nil {
			return fmt.Errorf("lstat %s: %w", path, err)
		}
		return fn(File{Path: path, Size: info.Size()})
	})
}
