package gen

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ManifestName is the file at a generated corpus's root that lists its
// adversarial inputs. Its name does not end in ".json", so the walker never
// takes it for an input.
const ManifestName = "MANIFEST.tsv"

// A ManifestEntry is one adversarial input of a generated corpus.
type ManifestEntry struct {
	Path string // relative to the corpus root, with forward slashes
	Kind string // the Sample name
	Good bool   // the expected verdict
}

// verdict is the manifest's word for good.
func verdict(good bool) string {
	if good {
		return "good"
	}
	return "bad"
}

// WriteManifest writes the manifest of a corpus generated with opts into
// dir: comment lines starting with '#', then one line per entry with path,
// kind and verdict ("good" or "bad") separated by tabs.
func WriteManifest(dir string, opts GenOptions, entries []ManifestEntry) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# benchgrid corpus: files=%d seed=%d bad=%d", opts.Files, opts.Seed, opts.Bad)
	if opts.Size != "" && opts.Size != SizeDefault {
		// Only other sizes say so: a default corpus's manifest is as it
		// was before size profiles.
		fmt.Fprintf(&b, " size=%s", opts.Size)
	}
	b.WriteByte('\n')
	b.WriteString("# adversarial inputs and the verdict the events contract (docs/events.md) gives each\n")
	b.WriteString("# path\tkind\tverdict\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", e.Path, e.Kind, verdict(e.Good))
	}
	path := filepath.Join(dir, ManifestName)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadManifest reads the manifest of the corpus at dir.
func ReadManifest(dir string) ([]ManifestEntry, error) {
	path := filepath.Join(dir, ManifestName)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	defer f.Close()
	entries, err := ParseManifest(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return entries, nil
}

// ParseManifest parses a manifest as WriteManifest writes it. Blank lines
// and lines starting with '#' are skipped.
func ParseManifest(r io.Reader) ([]ManifestEntry, error) {
	var entries []ManifestEntry
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" || text[0] == '#' {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(fields) != 3 {
			return nil, fmt.Errorf("line %d: %d fields, want 3 (path, kind, verdict)", line, len(fields))
		}
		e := ManifestEntry{Path: fields[0], Kind: fields[1]}
		switch fields[2] {
		case "good":
			e.Good = true
		case "bad":
		default:
			return nil, fmt.Errorf("line %d: verdict %q, want good or bad", line, fields[2])
		}
		if e.Path == "" || e.Kind == "" {
			return nil, fmt.Errorf("line %d: empty path or kind", line)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return entries, nil
}
