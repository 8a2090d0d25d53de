package adapters

import (
	"bytes"
	"testing"
	"unsafe"

	"benchgrid/workloads/query"
	"benchgrid/workloads/query/querytest"
)

var stdFuzzQueries = []string{
	`{"records":"/r","fields":[{"name":"s","path":"/s","type":"string","optional":true},{"name":"i","path":"/i","type":"int","optional":true},` +
		`{"name":"b","path":"/o/b","type":"bool","optional":true},{"name":"l","path":"/l","type":"length","optional":true},{"name":"x","path":"/a/0/~1","type":"int","optional":true}],` +
		`"aggregates":[{"op":"count_by","field":"s"},{"op":"top","field":"i","n":3},{"op":"sum","field":"i"},{"op":"min","field":"s"},{"op":"max","field":"l"},{"op":"distinct","field":"b"},{"op":"sum","field":"x"}]}`,
	`{"fields":[{"name":"s","path":"/s","type":"string"},{"name":"self","path":"","type":"length","optional":true},{"name":"S","path":"/S","type":"int","optional":true}],` +
		`"aggregates":[{"op":"top","field":"s","n":2},{"op":"min","field":"self"},{"op":"count_by","field":"S"}]}`,
}

// FuzzTallyFile feeds the std adapter's tally arbitrary inputs: no panic,
// and the result independent of the order of the files and of how they
// are split among tallies.
func FuzzTallyFile(f *testing.F) {
	f.Add([]byte("{\"r\":[{\"s\":\"a\",\"i\":1,\"o\":{\"b\":true},\"l\":[1]}]}\n{\"s\":\"b\"}\n{\"r\":[{\"a\":[{\"/\":5}]},3]}\n"), uint8(1))
	f.Add([]byte("{\"s\":\"\\ud800\",\"S\":2,\"s\":\"x\"}\n[1,2]\n{\"r\":{}}\n\xff\n"), uint8(2))
	f.Add([]byte("{\"r\":[{\"i\":9223372036854775807},{\"i\":9223372036854775807}]}\n{\"r\":[{\"I\":1,\"S\":\"a\"}]}"), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, seed uint8) {
		// Cut data at LFs into up to four files of several kinds.
		var files []querytest.File
		kinds := []string{".ndjson", ".json", ".ndjson.gz", ".jsonl.zst"}
		for i := 0; len(data) > 0 && i < 4; i++ {
			cut := len(data)
			if i < 3 {
				if j := bytes.IndexByte(data[min(len(data), int(seed)%7+i):], '\n'); j >= 0 {
					cut = min(len(data), int(seed)%7+i) + j + 1
				}
			}
			part := string(data[:cut])
			data = data[cut:]
			name := string(rune('a'+i)) + kinds[(int(seed)+i)%len(kinds)]
			switch {
			case bytes.HasSuffix([]byte(name), []byte(".gz")):
				part = querytest.Gzip(part)
			case bytes.HasSuffix([]byte(name), []byte(".zst")):
				part = querytest.Zstd(part)
			}
			files = append(files, querytest.File{Name: name, Data: part})
		}
		for _, qt := range stdFuzzQueries {
			q, err := query.Parse([]byte(qt))
			if err != nil {
				t.Fatal(err)
			}
			newTally := func() *query.Tally {
				ex, err := stdAdapter{}.NewExtractor(q)
				if err != nil {
					t.Fatal(err)
				}
				return query.NewTally(q, ex)
			}
			one := newTally()
			for _, fl := range files {
				one.File(fl.Name, []byte(fl.Data))
			}
			var merged query.Tally
			merged.Merge(newTally())
			for i := len(files) - 1; i >= 0; i-- {
				each := newTally()
				each.File(files[i].Name, []byte(files[i].Data))
				merged.Merge(each)
			}
			if a, b := one.Canonical(), merged.Canonical(); !bytes.Equal(a, b) {
				t.Fatalf("order or split changed the result:\n%s%s", a, b)
			}
			if one.BadDocuments > one.Documents || one.BadFiles > one.Files {
				t.Fatalf("counts: %+v", one)
			}
		}
	})
}

// TestStdAliases checks what the std adapter relies on: encoding/json
// hands an Unmarshaler a subslice of Unmarshal's input, so a capture's
// bytes and a string Value without escapes alias the document.
func TestStdAliases(t *testing.T) {
	q, err := query.Parse([]byte(`{"records":"/r","fields":[{"name":"s","path":"/a/s","type":"string"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	ex, err := stdAdapter{}.NewExtractor(q)
	if err != nil {
		t.Fatal(err)
	}
	doc := []byte(`{"r":[{"a":{"s":"hello"}},{"a":{"s":"world"}}]}`)
	r := &query.Records{Width: 1}
	if err := ex.Extract(doc, r); err != nil || r.Len() != 2 {
		t.Fatalf("Extract: %v, %d records", err, r.Len())
	}
	lo, hi := uintptr(unsafe.Pointer(&doc[0])), uintptr(unsafe.Pointer(&doc[len(doc)-1]))
	for i := range 2 {
		s := r.Values[i].Str
		if p := uintptr(unsafe.Pointer(unsafe.SliceData(s))); p < lo || p > hi {
			t.Errorf("record %d: %q does not alias the document", i, s)
		}
	}
}
