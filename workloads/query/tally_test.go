package query_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"benchgrid/workloads/query"
	_ "benchgrid/workloads/query/adapters" // std
	"benchgrid/workloads/query/querytest"
)

const countQuery = `{"fields":[{"name":"v","path":"/v","type":"int","optional":true}],"aggregates":[{"op":"sum","field":"v"}]}`

func mustParse(t testing.TB, s string) *query.Query {
	t.Helper()
	q, err := query.Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func stdTally(t testing.TB, q *query.Query) *query.Tally {
	t.Helper()
	a, err := query.Lookup("std")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := a.NewExtractor(q)
	if err != nil {
		t.Fatal(err)
	}
	return query.NewTally(q, ex)
}

// outcome is what a tally made of one file: files, bad files, documents,
// bad documents, and the sum of v.
func outcome(t *testing.T, name, data string) string {
	t.Helper()
	tl := stdTally(t, mustParse(t, countQuery))
	tl.File(name, []byte(data))
	line := string(tl.Canonical())
	i := strings.Index(line, `"sum:v":`)
	return fmt.Sprintf("bad_files=%d documents=%d bad_documents=%d sum=%s", tl.BadFiles, tl.Documents, tl.BadDocuments, strings.TrimSuffix(line[i+len(`"sum:v":`):], "}}\n"))
}

func TestDecompression(t *testing.T) {
	gz := querytest.Gzip
	zs := querytest.Zstd
	skip := querytest.ZstdSkippable
	doc := `{"v":1}` + "\n"
	good := func(docs, sum int) string {
		return fmt.Sprintf("bad_files=0 documents=%d bad_documents=0 sum=%d", docs, sum)
	}
	bad := "bad_files=1 documents=0 bad_documents=0 sum=0"
	whole := zs(doc)
	flipped := []byte(whole)
	flipped[len(flipped)-6] ^= 0xff // inside the block or the checksum
	gzFlipped := []byte(gz(strings.Repeat(doc, 50)))
	gzFlipped[len(gzFlipped)-6] ^= 0xff // the CRC
	for _, c := range []struct{ name, file, data, want string }{
		{"gzip", "a.ndjson.gz", gz(doc), good(1, 1)},
		{"gzip members", "a.ndjson.gz", gz(doc, doc, `{"v"`, ":1}\n"), good(3, 3)},
		{"gzip empty member", "a.ndjson.gz", gz(doc, "", doc), good(2, 2)},
		{"gzip of nothing", "a.ndjson.gz", gz(""), good(0, 0)},
		{"gzip .json", "a.json.gz", gz(`{"v":`, `5}`), good(1, 5)},
		{"gzip trailing garbage", "a.ndjson.gz", gz(doc) + "x", bad},
		{"gzip trailing zeros", "a.ndjson.gz", gz(doc) + "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", bad},
		{"gzip trailing partial header", "a.ndjson.gz", gz(doc) + gz(doc)[:5], bad},
		{"gzip truncated", "a.ndjson.gz", gz(doc, doc)[:len(gz(doc, doc))-1], bad},
		{"gzip truncated in the first member", "a.ndjson.gz", gz(doc)[:12] + gz(doc), bad},
		{"gzip corrupt CRC", "a.ndjson.gz", string(gzFlipped), bad},
		{"gzip empty file", "a.ndjson.gz", "", bad},
		{"not gzip", "a.json.gz", `{"v":1}`, bad},
		{"zstd", "a.ndjson.zst", zs(doc), good(1, 1)},
		{"zstd frames", "a.ndjson.zst", zs(doc, doc, `{"v"`, ":1}\n"), good(3, 3)},
		{"zstd skippable first", "a.ndjson.zst", skip("meta") + zs(doc), good(1, 1)},
		{"zstd skippable between", "a.ndjson.zst", zs(doc) + skip("") + skip("x\x00y") + zs(doc), good(2, 2)},
		{"zstd skippable last", "a.ndjson.zst", zs(doc) + skip("end"), good(1, 1)},
		{"zstd only skippable", "a.ndjson.zst", skip("x"), good(0, 0)},
		{"zstd skippable magic 0x184D2A5F", "a.ndjson.zst", "\x5f\x2a\x4d\x18\x01\x00\x00\x00z" + zs(doc), good(1, 1)},
		{"zstd empty frame", "a.ndjson.zst", zs("", doc), good(1, 1)},
		{"zstd trailing garbage", "a.ndjson.zst", zs(doc) + "garbage!", bad},
		{"zstd trailing byte", "a.ndjson.zst", zs(doc) + "\x00", bad},
		{"zstd trailing 3 bytes", "a.ndjson.zst", zs(doc) + "\x28\xb5\x2f", bad},
		{"zstd truncated", "a.ndjson.zst", whole[:len(whole)-1], bad},
		{"zstd truncated header", "a.ndjson.zst", whole[:5], bad},
		{"zstd truncated skippable", "a.ndjson.zst", zs(doc) + skip("abcdef")[:10], bad},
		{"zstd corrupt", "a.ndjson.zst", string(flipped), bad},
		{"zstd empty file", "a.ndjson.zst", "", bad},
		{"not zstd", "a.json.zst", `{"v":1}`, bad},
		{"zstd .json", "a.json.zst", zs(`{"v":7}`), good(1, 7)},
		{"zstd .jsonl", "a.jsonl.zst", zs(doc + doc), good(2, 2)},
	} {
		if got := outcome(t, c.file, c.data); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestDocuments(t *testing.T) {
	for _, c := range []struct{ name, file, data, want string }{
		{"blank lines", "a.ndjson", "\n\n{\"v\":1}\n \t\r\n\n{\"v\":2}\n\n", "bad_files=0 documents=2 bad_documents=0 sum=3"},
		{"CRLF", "a.ndjson", "{\"v\":1}\r\n{\"v\":2}\r\n", "bad_files=0 documents=2 bad_documents=0 sum=3"},
		{"final line without LF", "a.jsonl", "{\"v\":1}\n{\"v\":2}", "bad_files=0 documents=2 bad_documents=0 sum=3"},
		{"final line only CR", "a.jsonl", "{\"v\":1}\n\r", "bad_files=0 documents=1 bad_documents=0 sum=1"},
		{"a CR alone inside is whitespace", "a.ndjson", "{\"v\":\r1}\n", "bad_files=0 documents=1 bad_documents=0 sum=1"},
		{"bare CR does not split", "a.ndjson", "{\"v\":1}\r{\"v\":2}\n", "bad_files=0 documents=1 bad_documents=1 sum=0"},
		{"empty file", "a.ndjson", "", "bad_files=0 documents=0 bad_documents=0 sum=0"},
		{"only blank", "a.ndjson", "\n\r\n \t \n", "bad_files=0 documents=0 bad_documents=0 sum=0"},
		{"a document split over lines", "a.ndjson", "{\"v\":\n1}\n", "bad_files=0 documents=2 bad_documents=2 sum=0"},
		{"vertical tab is not blank", "a.ndjson", "\v\n", "bad_files=0 documents=1 bad_documents=1 sum=0"},
		{"empty .json", "a.json", "", "bad_files=0 documents=1 bad_documents=1 sum=0"},
		{"blank .json", "a.json", " \r\n", "bad_files=0 documents=1 bad_documents=1 sum=0"},
		{".json is not split", "a.json", "{\"v\":1}\n{\"v\":2}\n", "bad_files=0 documents=1 bad_documents=1 sum=0"},
		{".json over lines", "a.json", "{\n\"v\"\n:\n1\n}\n", "bad_files=0 documents=1 bad_documents=0 sum=1"},
		{"a bad line among good", "a.ndjson", "{\"v\":1}\n{\"v\":\"x\"}\n{\"v\":4}\n", "bad_files=0 documents=3 bad_documents=1 sum=5"},
	} {
		if got := outcome(t, c.file, c.data); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestBadInputs(t *testing.T) {
	q := mustParse(t, `{"records":"/r","fields":[{"name":"v","path":"/v","type":"int"}]}`)
	tl := stdTally(t, q)
	tl.File("b.ndjson", []byte("{\"r\":[{\"v\":1}]}\n{\"r\":[{\"v\":1},{}]}\n\n{\"r\":[{\"v\":\"x\"}]}\n{\"r\":5}\n{\"r\":[}\n"))
	tl.File("a.json.gz", []byte("not a gzip file"))
	tl.Unreadable("c.json", 42, &fs.PathError{Op: "open", Path: "c.json", Err: fs.ErrPermission})
	tl.File("a.json", []byte("\xff"))
	want := []query.BadInput{
		{Path: "a.json", Reason: "invalid UTF-8"},
		{Path: "a.json.gz", Reason: "gzip: invalid header"},
		{Path: "b.ndjson:2", Reason: `records[1]: field "v" is absent or null`},
		{Path: "b.ndjson:4", Reason: `records[0]: field "v" is not of type int`},
		{Path: "b.ndjson:5", Reason: `"records" is absent or not an array`},
		{Path: "b.ndjson:6", Reason: "invalid character '}' looking for beginning of value"},
		{Path: "c.json", Reason: "open c.json: permission denied"},
	}
	var got []query.BadInput
	for _, b := range tl.Bad {
		got = append(got, query.BadInput{Path: b.Path, Reason: b.Reason})
	}
	if !slices.Equal(got, want) {
		t.Errorf("Bad =\n%v\nwant\n%v", got, want)
	}
	if tl.Files != 4 || tl.BadFiles != 2 || tl.Documents != 6 || tl.BadDocuments != 5 || tl.Records != 1 || tl.Bytes != int64(42+15+1+len("{\"r\":[{\"v\":1}]}\n{\"r\":[{\"v\":1},{}]}\n\n{\"r\":[{\"v\":\"x\"}]}\n{\"r\":5}\n{\"r\":[}\n")) {
		t.Errorf("counts: %+v", tl)
	}
	if got := tl.BadFileReasons; len(got) != 2 || got["gzip: invalid header"] != 1 || got["permission denied"] != 1 {
		t.Errorf("BadFileReasons = %v", got)
	}
	if got := tl.BadDocumentReasons; len(got) != 5 || got[`field "v" is absent or null`] != 1 {
		t.Errorf("BadDocumentReasons = %v", got)
	}
}

func TestExamplesDeterministic(t *testing.T) {
	q := mustParse(t, countQuery)
	var names []string
	for i := range 150 {
		names = append(names, fmt.Sprintf("f%03d.ndjson", i))
	}
	data := []byte("{\"v\":1}\nbad\n{}\nbad\n")
	forward := stdTally(t, q)
	for _, n := range names {
		forward.File(n, data)
	}
	var merged query.Tally
	for i := len(names) - 1; i >= 0; i -= 7 {
		part := stdTally(t, q)
		for j := i; j > i-7 && j >= 0; j-- {
			part.File(names[j], data)
		}
		merged.Merge(part)
	}
	if len(forward.Bad) != query.MaxExamples || !slices.Equal(forward.Bad, merged.Bad) {
		t.Errorf("examples differ by order: %d and %d kept", len(forward.Bad), len(merged.Bad))
	}
	if forward.Bad[0].Path != "f000.ndjson:2" || forward.Bad[99].Path != "f049.ndjson:4" {
		t.Errorf("examples: first %v, last %v", forward.Bad[0], forward.Bad[99])
	}
	if !bytes.Equal(forward.Canonical(), merged.Canonical()) || forward.BadDocumentReasons[`invalid character 'b' looking for beginning of value`] != 300 {
		t.Errorf("forward %s merged %s, reasons %v", forward.Canonical(), merged.Canonical(), forward.BadDocumentReasons)
	}
}

func TestFloor(t *testing.T) {
	q := mustParse(t, countQuery)
	a, err := query.Lookup("none")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := a.NewExtractor(q)
	if err != nil || ex != nil {
		t.Fatalf("none.NewExtractor = %v, %v", ex, err)
	}
	if !query.IsReadOnly(a) {
		t.Error("IsReadOnly(none) = false")
	}
	floor := query.NewTally(q, nil)
	ref := stdTally(t, q)
	for _, tl := range []*query.Tally{floor, ref} {
		tl.File("a.ndjson.gz", []byte(querytest.Gzip("{\"v\":1}\n\nbad\n")))
		tl.File("b.json", []byte("bad"))
		tl.File("c.json.zst", []byte("corrupt"))
	}
	if floor.Files != 3 || floor.BadFiles != 1 || floor.Documents != 3 || floor.BadDocuments != 0 || floor.Records != 0 ||
		floor.Bytes != ref.Bytes || floor.Documents != ref.Documents {
		t.Errorf("floor: %+v", floor)
	}
	if c := floor.Canonical(); c != nil || !floor.ReadOnly() {
		t.Errorf("floor.Canonical() = %q, ReadOnly %v", c, floor.ReadOnly())
	}
	var total query.Tally
	total.Merge(floor)
	if total.Canonical() != nil || total.Documents != 3 {
		t.Errorf("merged floor: %q, %d documents", total.Canonical(), total.Documents)
	}
}

func TestRegistry(t *testing.T) {
	names := query.Names()
	if len(names) < 2 || names[0] != "std" || names[len(names)-1] != "none" {
		t.Errorf("Names() = %v, want std first and none last", names)
	}
	if _, err := query.Lookup("nope"); err == nil || !strings.Contains(err.Error(), `unknown query adapter "nope"`) {
		t.Errorf("Lookup(nope) = %v", err)
	}
	if query.WithRole(query.RoleReference) != "std" || query.WithRole(query.RoleFloor) != "none" || query.WithRole(query.RoleBaseline) != "std" {
		t.Error("roles")
	}
	if query.NeedsBuild("jsonv2") != "jsonv2" || query.NeedsBuild("std") != "" || query.Describe("std") == "" || query.Describe("nope") != "" {
		t.Error("descriptions")
	}
	defer func() {
		if recover() == nil {
			t.Error("a second std registered without a panic")
		}
	}()
	a, _ := query.Lookup("std")
	query.Register(a)
}

// fake is an Extractor that reads nothing: each document is one record
// whose string is the document and whose int is its length.
type fake struct{}

func (fake) Extract(doc []byte, r *query.Records) error {
	if len(doc) > 0 && doc[0] == 'x' {
		return errors.New("bad")
	}
	row := r.Add()
	row[0] = query.Value{Kind: query.Found, Str: doc}
	row[1] = query.Value{Kind: query.Found, Int: int64(len(doc))}
	row[2] = query.Value{Kind: query.Found, Int: int64(len(doc) & 1)}
	return nil
}

// TestSteadyStateAllocs checks the tally's hot path allocates nothing
// once its keys are known and its buffers grown: reading, decompressing,
// splitting, checking and aggregating.
func TestSteadyStateAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts are not exact under the race detector")
	}
	q := mustParse(t, `{"fields":[{"name":"s","path":"/s","type":"string"},{"name":"i","path":"/i","type":"int"},{"name":"b","path":"/b","type":"bool"}],
	"aggregates":[{"op":"count_by","field":"s"},{"op":"top","field":"s","n":3},{"op":"min","field":"s"},{"op":"max","field":"s"},
	{"op":"count_by","field":"i"},{"op":"sum","field":"i"},{"op":"distinct","field":"i"},{"op":"max","field":"i"},{"op":"count_by","field":"b"}]}`)
	var lines []string
	for i := range 200 {
		lines = append(lines, fmt.Sprintf("doc %d", i%37))
	}
	text := strings.Join(lines, "\n") + "\n"
	for _, c := range []struct{ name, data string }{
		{"a.ndjson", text},
		{"a.ndjson.gz", querytest.Gzip(text, text)},
		{"a.ndjson.zst", querytest.Zstd(text) + querytest.ZstdSkippable("x") + querytest.Zstd(text)},
	} {
		tl := query.NewTally(q, fake{})
		data := []byte(c.data)
		tl.File(c.name, data)
		tl.File(c.name, data)
		if n := testing.AllocsPerRun(20, func() { tl.File(c.name, data) }); n != 0 {
			t.Errorf("%s: %v allocations a file", c.name, n)
		}
	}
}

func TestNoGoroutinesLeft(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		tl := query.NewTally(mustParse(t, countQuery), nil)
		tl.File("a.json.zst", []byte(querytest.Zstd("{}")))
	}
	runtime.GC()
	if after := runtime.NumGoroutine(); after > before+2 {
		t.Errorf("%d goroutines before, %d after 20 tallies with zstd decoders", before, after)
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }

// TestDecompressionBomb: an input that decompresses to more than the
// limit is a bad file with its reason, never a worker out of memory; one
// just under it is read.
func TestDecompressionBomb(t *testing.T) {
	defer query.SetMaxDecompressed(1 << 20)()
	line := `{"v":1}` + strings.Repeat(" ", 1000) + "\n" // 1,009 bytes
	under := strings.Repeat(line, 1000)                  // 1,009,000 bytes: under 1 MiB
	over := strings.Repeat(line, 1100)                   // 1,109,900 bytes
	for _, c := range []struct{ name, file, data, want, reason string }{
		{"gzip under", "a.ndjson.gz", querytest.Gzip(under), "bad_files=0 documents=1000 bad_documents=0 sum=1000", ""},
		{"gzip over", "a.ndjson.gz", querytest.Gzip(over), "bad_files=1 documents=0 bad_documents=0 sum=0", "decompresses to more than 1 MiB"},
		{"gzip members over", "a.ndjson.gz", querytest.Gzip(under, under), "bad_files=1 documents=0 bad_documents=0 sum=0", "decompresses to more than 1 MiB"},
		{"zstd under", "a.ndjson.zst", querytest.Zstd(under), "bad_files=0 documents=1000 bad_documents=0 sum=1000", ""},
		{"zstd over", "a.ndjson.zst", querytest.Zstd(over), "bad_files=1 documents=0 bad_documents=0 sum=0", "decompresses to more than 1 MiB"},
		{"zstd frames over", "a.ndjson.zst", querytest.Zstd(under, under), "bad_files=1 documents=0 bad_documents=0 sum=0", "decompresses to more than 1 MiB"},
	} {
		if got := outcome(t, c.file, c.data); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
		if c.reason == "" {
			continue
		}
		tl := stdTally(t, mustParse(t, countQuery))
		tl.File(c.file, []byte(c.data))
		if len(tl.Bad) != 1 || !strings.Contains(tl.Bad[0].Reason, c.reason) {
			t.Errorf("%s: bad %+v, want the reason %q", c.name, tl.Bad, c.reason)
		}
	}
}
