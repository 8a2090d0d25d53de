package processor

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"benchgrid/corpus"
	"benchgrid/workload"
)

// TestReadReplacedByFIFO: a listed input that became a FIFO is a bad input
// with its reason, and the pass finishes instead of blocking for ever.
func TestReadReplacedByFIFO(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"a.json", "b.json"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(`{"events":[]}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := corpus.List(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(files[1].Path)
	if err := syscall.Mkfifo(files[1].Path, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, mode := range corpus.ReadModes {
		proc, err := New(Config{Parser: "std", Strategy: "pool", Read: mode})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan *workload.Outcome, 1)
		go func() {
			tally, err := proc.Run(t.Context(), files)
			if err != nil {
				t.Error(err)
			}
			done <- tally
		}()
		select {
		case tally := <-done:
			if tally == nil || tally.BadFiles != 1 || !strings.Contains(tally.Bad[0].Reason, "not a regular file") {
				t.Errorf("%s: tally %+v, want the FIFO as one bad input", mode, tally)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the pass blocked on a FIFO", mode)
		}
	}
}

// TestMappedInputShrinks: a mapped input that shrinks before it is parsed
// is a bad input "changed while mapped", not a crash.
func TestMappedInputShrinks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.json")
	doc := `{"events":[` + strings.Repeat(`{"type":"X","actor":{"id":1},"repo":{"name":"a/b"},"created_at":""},`, 200) + `{"type":"X","actor":{"id":1},"repo":{"name":"a/b"},"created_at":""}]}`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, parser := range []string{"std", "sonic", "fastjson", "goccy"} {
		ev, err := workload.Open(workload.Default, nil)
		if err != nil {
			t.Fatal(err)
		}
		pass, err := ev.NewPass(parser)
		if err != nil {
			t.Fatal(err)
		}
		j := &job{pass: pass, reader: corpus.NewReader(corpus.ReadMmap), mapped: true}
		w, err := j.newWorker()
		if err != nil {
			t.Skipf("%s: %v", parser, err)
		}
		f := corpus.File{Path: path, Size: int64(len(doc))}
		data, err := j.reader.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, 0); err != nil {
			t.Fatal(err)
		}
		if err := w.Process(f, data, nil); err != nil {
			t.Fatal(err)
		}
		j.reader.Release(data)
		tally := pass.Outcome(j.counters)
		if tally.BadFiles != 1 || !strings.Contains(tally.Bad[0].Reason, "changed while mapped") {
			t.Errorf("%s: tally %+v, want one bad input changed while mapped", parser, tally)
		}
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMappedQueryInputShrinks: a mapped NDJSON input of the query
// workload that shrinks while it is counted is one bad file, not a file
// and a bad file.
func TestMappedQueryInputShrinks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.ndjson")
	doc := strings.Repeat(`{"a":1}`+"\n", 200000)
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	q, err := workload.Open("query", []byte(`{"fields":[{"name":"a","path":"/a","type":"int"}],"aggregates":[{"op":"sum","field":"a"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	pass, err := q.NewPass("std")
	if err != nil {
		t.Fatal(err)
	}
	j := &job{pass: pass, reader: corpus.NewReader(corpus.ReadMmap), mapped: true}
	w, err := j.newWorker()
	if err != nil {
		t.Fatal(err)
	}
	f := corpus.File{Path: path, Size: int64(len(doc))}
	data, err := j.reader.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	if err := w.Process(f, data, nil); err != nil {
		t.Fatal(err)
	}
	j.reader.Release(data)
	o := pass.Outcome(j.counters)
	if o.Files != 1 || o.BadFiles != 1 || o.Bytes != int64(len(doc)) || !strings.Contains(o.Bad[0].Reason, "changed while mapped") {
		t.Errorf("outcome %d files, %d bad, %d bytes, %+v; want one bad file changed while mapped", o.Files, o.BadFiles, o.Bytes, o.Bad)
	}
}
