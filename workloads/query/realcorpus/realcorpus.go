package realcorpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/sync/errgroup"
)

// queryFiles holds one query file per source, queries/<source>.query.
//
//go:embed queries/*.query
var queryFiles embed.FS

// SourcesFile is the name of the file, at the top of a built folder and in
// each source's folder, that says where every document comes from. Its
// name is no input of the query workload's, nor are the query files'.
const SourcesFile = "SOURCES.txt"

// The fixed parameters of the compressed layouts: the same documents give
// the same bytes on every run with the same compressor version.
const (
	// GzipLevel is the gzip layouts' compression level.
	GzipLevel = 6
	// LinesPerMember is how many lines each gzip member and each zstd
	// frame of the compressed NDJSON layouts holds (the last fewer), so
	// that every file of more lines is several members or frames.
	LinesPerMember = 16
)

// zstdLevel is the zstd layout's level; kept out of the exported constants
// because its type is the compressor's.
const zstdLevel = zstd.SpeedDefault

// A Layout is how one source's documents are laid out in files.
type Layout struct {
	// Name names the layout's folder inside the source's: json, json-gz,
	// ndjson, ndjson-gz, ndjson-zst.
	Name string
	// Lines says whether a file holds one document per line (else one
	// document per file).
	Lines bool
	// Compression is the suffix after the input's own: "", ".gz" or
	// ".zst".
	Compression string
}

// layouts is every layout, in the order they are built and listed.
var layouts = []Layout{
	{Name: "json"},
	{Name: "json-gz", Compression: ".gz"},
	{Name: "ndjson", Lines: true},
	{Name: "ndjson-gz", Lines: true, Compression: ".gz"},
	{Name: "ndjson-zst", Lines: true, Compression: ".zst"},
}

// Sources returns the names of the sources, in the order Build writes them.
func Sources() []string {
	names := make([]string, len(sources))
	for i, s := range sources {
		names[i] = s.name
	}
	return names
}

// Layouts returns the layouts, in the order Build writes them.
func Layouts() []Layout { return slices.Clone(layouts) }

// Query returns the query file of the source called name, as Build writes
// it into the folder as name.query.
func Query(name string) ([]byte, error) {
	if _, ok := lookupSource(name); !ok {
		return nil, fmt.Errorf("unknown source %q (have %s)", name, strings.Join(Sources(), ", "))
	}
	return queryFiles.ReadFile("queries/" + name + ".query")
}

// Options says what Build writes where.
type Options struct {
	// Dir is the folder to write; it must not exist or be empty. It is
	// written under a temporary name beside it and renamed when complete,
	// so a folder of that name is always a whole corpus.
	Dir string
	// GOROOT is the Go tree whose test data is read; empty means the one
	// `go env GOROOT` names.
	GOROOT string
	// Copies is how many times each document is written in each layout
	// (0 means 1): copy K ≥ 2 of a file is beside the first, its name
	// with -copyK before the suffix.
	Copies int
	// Sources and Layouts choose by name; empty means every one.
	Sources []string
	Layouts []string
}

// A Corpus is one source in one layout: a folder to run a query over.
type Corpus struct {
	// Source and Layout name the source and the layout.
	Source string
	Layout string
	// Dir is the corpus's folder and Query its query file, both relative
	// to the built folder (slash-separated).
	Dir   string
	Query string
	// Files, Bytes and Documents count its inputs, their size on disk and
	// the documents in them.
	Files     int
	Bytes     int64
	Documents int
}

// A Result is what Build wrote.
type Result struct {
	// Dir is Options.Dir, now the whole corpus.
	Dir string
	// GoVersion is the version of the Go tree the documents came from,
	// from its VERSION file.
	GoVersion string
	// Corpora lists each source's layouts, sources and layouts in the
	// order of Sources and Layouts.
	Corpora []Corpus
	// Files and Bytes total every file written, SOURCES.txt and query
	// files included.
	Files int
	Bytes int64
}

// GOROOT returns the Go tree `go env GOROOT` names.
func GOROOT(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return "", fmt.Errorf("go env GOROOT: %w: %s", err, bytes.TrimSpace(ee.Stderr))
		}
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	root := strings.TrimSpace(string(out))
	if root == "" {
		return "", errors.New("go env GOROOT: empty")
	}
	return root, nil
}

// A loaded source is a source read from GOROOT and cut into documents.
type loaded struct {
	*source
	hashes []string // sha256 of each file as shipped (compressed)
	sizes  []int    // each file's decompressed size
	rawSHA []string // sha256 of each file decompressed
	docs   []doc
}

// load reads a source's files from GOROOT and splits them.
func load(root string, s *source) (*loaded, error) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	defer dec.Close()
	l := &loaded{source: s}
	var contents [][]byte
	for _, name := range s.files {
		p := filepath.Join(root, filepath.FromSlash(TestdataDir), name)
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		content, err := dec.DecodeAll(data, nil)
		if err != nil {
			return nil, fmt.Errorf("decompress %s: %w", p, err)
		}
		sum := sha256.Sum256(data)
		rawSum := sha256.Sum256(content)
		l.hashes = append(l.hashes, hex.EncodeToString(sum[:]))
		l.rawSHA = append(l.rawSHA, hex.EncodeToString(rawSum[:]))
		l.sizes = append(l.sizes, len(content))
		contents = append(contents, content)
	}
	if l.docs, err = s.split(contents); err != nil {
		return nil, fmt.Errorf("split %s: %w", path.Join(TestdataDir, s.files[0]), err)
	}
	if len(l.docs) == 0 {
		return nil, fmt.Errorf("split %s: no documents", path.Join(TestdataDir, s.files[0]))
	}
	return l, nil
}

// goVersion is the Go version of the tree at root, from its VERSION file.
func goVersion(root string) string {
	data, err := os.ReadFile(filepath.Join(root, "VERSION"))
	if err != nil {
		return "unknown (no VERSION file)"
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(line)
}

// compressVersion is the version of the compressor built into this
// binary, which the compressed layouts' bytes depend on.
func compressVersion() string {
	const mod = "github.com/klauspost/compress"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == mod {
				if d.Replace != nil {
					d = d.Replace
				}
				return mod + " " + d.Version
			}
		}
	}
	return mod + " (version unknown)"
}

// Build writes the corpora opts asks for and returns what it wrote.
func Build(ctx context.Context, opts Options) (*Result, error) {
	if opts.Dir == "" {
		return nil, errors.New("no folder to write")
	}
	if opts.Copies < 0 {
		return nil, fmt.Errorf("copies %d: want 1 or more", opts.Copies)
	}
	copies := max(opts.Copies, 1)
	srcs, err := chooseSources(opts.Sources)
	if err != nil {
		return nil, err
	}
	lays, err := chooseLayouts(opts.Layouts)
	if err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(opts.Dir); err == nil && len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(opts.Dir, SourcesFile)); err == nil {
			return nil, fmt.Errorf("%s: holds a corpus already (its %s says which); remove it to build another", opts.Dir, SourcesFile)
		}
		return nil, fmt.Errorf("%s: not empty", opts.Dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", opts.Dir, err)
	}
	root := opts.GOROOT
	if root == "" {
		if root, err = GOROOT(ctx); err != nil {
			return nil, err
		}
	}
	// Sources load, and corpora are written, in parallel: each writes
	// files of its own, so the bytes do not depend on the order.
	ls := make([]*loaded, len(srcs))
	g := new(errgroup.Group)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, s := range srcs {
		g.Go(func() error {
			var err error
			ls[i], err = load(root, s)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	parent := filepath.Dir(filepath.Clean(opts.Dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, ".realcorpus-*")
	if err != nil {
		return nil, fmt.Errorf("create a folder beside %s: %w", opts.Dir, err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	w, err := newWriter(tmp)
	if err != nil {
		return nil, err
	}
	defer w.close()
	res := &Result{Dir: opts.Dir, GoVersion: goVersion(root)}
	res.Corpora = make([]Corpus, len(ls)*len(lays))
	written := make([][2]int64, len(res.Corpora)) // files and bytes of each job
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, l := range ls {
		for j, lay := range lays {
			k := i*len(lays) + j
			g.Go(func() error {
				w, err := newWriter(tmp)
				if err != nil {
					return err
				}
				defer w.close()
				res.Corpora[k], err = w.corpus(gctx, l, lay, copies)
				written[k] = [2]int64{int64(w.files), w.bytes}
				return err
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, fb := range written {
		w.files += int(fb[0])
		w.bytes += fb[1]
	}
	for _, l := range ls {
		q, err := Query(l.name)
		if err != nil {
			return nil, err
		}
		if err := w.write(l.name+".query", q); err != nil {
			return nil, err
		}
		if err := w.write(l.name+"/"+SourcesFile, docTable(l, lays, copies)); err != nil {
			return nil, err
		}
	}
	// Last: its presence says the folder is whole (it is renamed whole
	// anyway, but a Makefile may look for it).
	if err := w.write(SourcesFile, summary(root, res.GoVersion, ls, lays, copies, res.Corpora)); err != nil {
		return nil, err
	}
	res.Files, res.Bytes = w.files, w.bytes
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("chmod %s: %w", tmp, err)
	}
	// os.Rename does not replace a folder, even an empty one: an empty
	// Dir (checked above) is removed first; os.Remove fails on one that
	// has gained entries since.
	if err := os.Remove(opts.Dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("replace %s: %w", opts.Dir, err)
	}
	if err := os.Rename(tmp, opts.Dir); err != nil {
		return nil, fmt.Errorf("move the corpus into place: %w", err)
	}
	done = true
	return res, nil
}

func chooseSources(names []string) ([]*source, error) {
	if len(names) == 0 {
		names = Sources()
	}
	var out []*source
	for _, n := range names {
		s, ok := lookupSource(n)
		if !ok {
			return nil, fmt.Errorf("unknown source %q (have %s)", n, strings.Join(Sources(), ", "))
		}
		if slices.Contains(out, s) {
			return nil, fmt.Errorf("source %q named twice", n)
		}
		out = append(out, s)
	}
	return out, nil
}

func chooseLayouts(names []string) ([]Layout, error) {
	if len(names) == 0 {
		return Layouts(), nil
	}
	var out []Layout
	for _, n := range names {
		i := slices.IndexFunc(layouts, func(l Layout) bool { return l.Name == n })
		if i < 0 {
			var have []string
			for _, l := range layouts {
				have = append(have, l.Name)
			}
			return nil, fmt.Errorf("unknown layout %q (have %s)", n, strings.Join(have, ", "))
		}
		if slices.ContainsFunc(out, func(l Layout) bool { return l.Name == n }) {
			return nil, fmt.Errorf("layout %q named twice", n)
		}
		out = append(out, layouts[i])
	}
	return out, nil
}

// fileName is the name of copy k (from 1) of a file whose path without
// suffix is base.
func fileName(base string, k int, suffix string) string {
	if k > 1 {
		base += fmt.Sprintf("-copy%d", k)
	}
	return base + suffix
}

// inputSuffix is the suffix of l's files for source s.
func inputSuffix(s *source, l Layout) string {
	if l.Lines {
		return "." + s.ext + l.Compression
	}
	return ".json" + l.Compression
}

// A writer writes files under one folder, counting them, with the
// compressors it reuses.
type writer struct {
	root  string
	gz    *gzip.Writer
	zst   *zstd.Encoder
	buf   bytes.Buffer
	dirs  map[string]bool
	files int
	bytes int64
}

func newWriter(root string) (*writer, error) {
	gz, err := gzip.NewWriterLevel(io.Discard, GzipLevel)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	zst, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstdLevel), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return &writer{root: root, gz: gz, zst: zst, dirs: map[string]bool{}}, nil
}

func (w *writer) close() { w.zst.Close() }

// write writes data to rel (slash-separated) under the root, creating its
// folders; a file that exists already is an error (two documents cut to
// one name), not overwritten.
func (w *writer) write(rel string, data []byte) error {
	p := filepath.Join(w.root, filepath.FromSlash(rel))
	if d := filepath.Dir(p); !w.dirs[d] {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
		w.dirs[d] = true
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", rel, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", rel, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	w.files++
	w.bytes += int64(len(data))
	return nil
}

// gzipMembers compresses each of chunks as one gzip member, one after
// another: no name, no comment, no modification time.
func (w *writer) gzipMembers(chunks ...[]byte) ([]byte, error) {
	w.buf.Reset()
	for _, c := range chunks {
		w.gz.Reset(&w.buf)
		if _, err := w.gz.Write(c); err != nil {
			return nil, err
		}
		if err := w.gz.Close(); err != nil {
			return nil, err
		}
	}
	return bytes.Clone(w.buf.Bytes()), nil
}

// zstdFrames compresses each of chunks as one zstd frame, one after
// another.
func (w *writer) zstdFrames(chunks ...[]byte) []byte {
	var out []byte
	for _, c := range chunks {
		out = w.zst.EncodeAll(c, out)
	}
	return out
}

// encode returns the bytes of a file holding chunks (one chunk for a
// document per file; for NDJSON, runs of up to LinesPerMember lines) as l
// compresses them.
func (w *writer) encode(l Layout, chunks [][]byte) ([]byte, error) {
	switch l.Compression {
	case ".gz":
		return w.gzipMembers(chunks...)
	case ".zst":
		return w.zstdFrames(chunks...), nil
	}
	return bytes.Join(chunks, nil), nil
}

// pretty is a document as a .json file holds it: indented by two spaces,
// then a newline, its strings and numbers byte for byte.
func pretty(data []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// corpus writes source l in layout lay, copies times.
func (w *writer) corpus(ctx context.Context, l *loaded, lay Layout, copies int) (Corpus, error) {
	c := Corpus{Source: l.name, Layout: lay.Name, Dir: l.name + "/" + lay.Name, Query: l.name + ".query"}
	suffix := inputSuffix(l.source, lay)
	put := func(base string, chunks [][]byte, docs int) error {
		data, err := w.encode(lay, chunks)
		if err != nil {
			return fmt.Errorf("compress %s: %w", base, err)
		}
		for k := 1; k <= copies; k++ {
			if err := w.write(c.Dir+"/"+fileName(base, k, suffix), data); err != nil {
				return err
			}
			c.Files++
			c.Bytes += int64(len(data))
			c.Documents += docs
		}
		return nil
	}
	if !lay.Lines {
		for _, d := range l.docs {
			if err := ctx.Err(); err != nil {
				return c, err
			}
			data, err := pretty(d.data)
			if err != nil {
				return c, fmt.Errorf("%s %s: %w", l.name, d.pointer, err)
			}
			if err := put(d.file, [][]byte{data}, 1); err != nil {
				return c, err
			}
		}
		return c, nil
	}
	for _, g := range groups(l.docs) {
		if err := ctx.Err(); err != nil {
			return c, err
		}
		var chunks [][]byte
		for i := 0; i < len(g.docs); i += LinesPerMember {
			var chunk []byte
			for _, d := range g.docs[i:min(i+LinesPerMember, len(g.docs))] {
				chunk = append(append(chunk, d.data...), '\n')
			}
			chunks = append(chunks, chunk)
		}
		if err := put(g.name, chunks, len(g.docs)); err != nil {
			return c, err
		}
	}
	return c, nil
}

// A group is the documents of one NDJSON file, in their order.
type group struct {
	name string
	docs []*doc
}

// groups gathers docs by group, in the order each group first appears.
func groups(docs []doc) []group {
	var out []group
	at := map[string]int{}
	for i := range docs {
		d := &docs[i]
		j, ok := at[d.group]
		if !ok {
			j = len(out)
			at[d.group] = j
			out = append(out, group{name: d.group})
		}
		out[j].docs = append(out[j].docs, d)
	}
	return out
}
