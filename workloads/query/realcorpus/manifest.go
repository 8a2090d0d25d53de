package realcorpus

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// summary is the top-level SOURCES.txt: where the documents come from,
// how they are laid out, and the corpora.
func summary(root, version string, ls []*loaded, lays []Layout, copies int, corpora []Corpus) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# benchgrid corpus real: real JSON documents that ship with Go, split the way data sets come\n")
	fmt.Fprintf(&b, "#\n")
	fmt.Fprintf(&b, "# go:          %s (GOROOT %s)\n", version, root)
	fmt.Fprintf(&b, "# from:        $GOROOT/%s\n", TestdataDir)
	fmt.Fprintf(&b, "# compressors: %s; gzip level %d, no name, comment or time in its headers; zstd level %s, one encoder thread\n",
		compressVersion(), GzipLevel, zstdLevel)
	fmt.Fprintf(&b, "# members:     the compressed NDJSON files hold %d lines per gzip member or zstd frame (the last fewer)\n", LinesPerMember)
	if copies > 1 {
		fmt.Fprintf(&b, "# copies:      %d: every file is written %d times, copy K >= 2 beside the first with -copyK before its suffix\n", copies, copies)
	} else {
		fmt.Fprintf(&b, "# copies:      1: every document once in each layout\n")
	}
	fmt.Fprintf(&b, "#\n")
	fmt.Fprintf(&b, "# Neither this file nor the *.query files are inputs of the query workload (names ending in\n")
	fmt.Fprintf(&b, "# .json, .ndjson or .jsonl, each optionally .gz or .zst); each corpus is one source's layout folder:\n")
	fmt.Fprintf(&b, "#   benchgrid run -query DIR/SOURCE.query -corpus DIR/SOURCE/LAYOUT\n")
	fmt.Fprintf(&b, "# SOURCE/%s lists every document: its JSON Pointer in the source and where each layout has it.\n", SourcesFile)
	fmt.Fprintf(&b, "\n")
	fmt.Fprintf(&b, "layouts:\n")
	for _, l := range lays {
		fmt.Fprintf(&b, "  %-11s %s\n", l.Name, describeLayout(l))
	}
	for _, l := range ls {
		fmt.Fprintf(&b, "\nsource %s\n", l.name)
		for i, f := range l.files {
			fmt.Fprintf(&b, "  file      $GOROOT/%s\n", path.Join(TestdataDir, f))
			fmt.Fprintf(&b, "  sha256    %s (as shipped)\n", l.hashes[i])
			fmt.Fprintf(&b, "  content   sha256 %s, %d bytes decompressed\n", l.rawSHA[i], l.sizes[i])
		}
		fmt.Fprintf(&b, "  documents %d: %s\n", len(l.docs), l.about)
		fmt.Fprintf(&b, "  query     %s.query\n", l.name)
		for _, c := range corpora {
			if c.Source == l.name {
				fmt.Fprintf(&b, "  corpus    %-22s %6d files %11d bytes %7d documents\n", c.Dir, c.Files, c.Bytes, c.Documents)
			}
		}
	}
	return b.Bytes()
}

// describeLayout says in words what a layout's files are.
func describeLayout(l Layout) string {
	s := "one document per .json file, indented by two spaces"
	if l.Lines {
		s = "one compact document per line of .ndjson or .jsonl files, LF after each"
	}
	switch l.Compression {
	case ".gz":
		if l.Lines {
			return s + "; gzip, several members"
		}
		return s + "; gzip, one member"
	case ".zst":
		return s + "; zstd, several frames"
	}
	return s
}

// docTable is a source's SOURCES.txt: one line per document.
func docTable(l *loaded, lays []Layout, copies int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# benchgrid corpus real: source %s, %d documents from\n", l.name, len(l.docs))
	for i, f := range l.files {
		fmt.Fprintf(&b, "#   [%d] $GOROOT/%s (sha256 %s)\n", i, path.Join(TestdataDir, f), l.hashes[i])
	}
	fmt.Fprintf(&b, "# %s\n", l.about)
	fmt.Fprintf(&b, "#\n")
	fmt.Fprintf(&b, "# FROM POINTER: the document's source file and JSON Pointer in it (decompressed)\n")
	fmt.Fprintf(&b, "# FILE: its path, without suffix, in the one-document layouts: LAYOUT/FILE.json, LAYOUT/FILE.json.gz\n")
	fmt.Fprintf(&b, "# LINES:N: its NDJSON file's path, without suffix, and its line: LAYOUT/LINES.%s, .%s.gz, .%s.zst\n", l.ext, l.ext, l.ext)
	if copies > 1 {
		fmt.Fprintf(&b, "# Each file is also written as copies 2..%d, -copyK before its suffix, with the same documents.\n", copies)
	}
	var names []string
	for _, lay := range lays {
		names = append(names, lay.Name)
	}
	fmt.Fprintf(&b, "# Layouts written: %s\n", strings.Join(names, ", "))
	fmt.Fprintf(&b, "#\n# FROM POINTER\tFILE\tLINES:N\n")
	line := map[*doc]int{}
	for _, g := range groups(l.docs) {
		for i, d := range g.docs {
			line[d] = i + 1
		}
	}
	for i := range l.docs {
		d := &l.docs[i]
		fmt.Fprintf(&b, "[%d] %s\t%s\t%s:%d\n", d.from, d.pointer, d.file, d.group, line[d])
	}
	return b.Bytes()
}
