package query

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	q, err := Parse([]byte(`{
	  "records": "/statuses",
	  "fields": [
	    {"name": "lang", "path": "/lang", "type": "string"},
	    {"name": "user", "path": "/user/id", "type": "int"},
	    {"name": "n", "path": "/a~1b/0/~0/01", "type": "length", "optional": true},
	    {"name": "self", "path": "", "type": "bool", "optional": false}
	  ],
	  "aggregates": [
	    {"op": "count_by", "field": "lang"},
	    {"n": 5, "op": "top", "field": "user"},
	    {"op": "sum", "field": "n"},
	    {"op": "min", "field": "self"},
	    {"op": "max", "field": "lang"},
	    {"op": "distinct", "field": "user"}
	  ]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Query{
		HasRecords: true,
		Records:    Pointer{{Name: "statuses", Index: -1}},
		Fields: []Field{
			{Name: "lang", Path: Pointer{{"lang", -1}}, Type: String},
			{Name: "user", Path: Pointer{{"user", -1}, {"id", -1}}, Type: Int},
			{Name: "n", Path: Pointer{{"a/b", -1}, {"0", 0}, {"~", -1}, {"01", -1}}, Type: Length, Optional: true},
			{Name: "self", Path: Pointer{}, Type: Bool},
		},
		Aggregates: []Aggregate{
			{Op: CountBy, Field: 0}, {Op: Top, Field: 1, N: 5}, {Op: Sum, Field: 2},
			{Op: Min, Field: 3}, {Op: Max, Field: 0}, {Op: Distinct, Field: 1},
		},
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("Parse =\n%+v\nwant\n%+v", q, want)
	}
	if got := q.Name(q.Aggregates[1]); got != "top:user" {
		t.Errorf("Name = %q", got)
	}

	for _, ok := range []string{`{}`, `{"fields":[],"aggregates":[]}`, `{"records":""}`, " {\"fields\" : [ ] }\r\n",
		`{"fields":[{"name":"é\u0000","path":"/\ud800","type":"int"}],"aggregates":[{"op":"sum","field":"é\u0000"}]}`,
		`{"fields":[{"name":"a","path":"/a","type":"int"}],"aggregates":[{"op":"top","field":"a","n":9223372036854775807}]}`,
		`{"fields":[{"name":"a","path":"/a","type":"int"}],"aggregates":[{"op":"top","field":"a","n":1},{"op":"count_by","field":"a"}]}`,
	} {
		if _, err := Parse([]byte(ok)); err != nil {
			t.Errorf("Parse(%s): %v", ok, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	f := func(fields, aggs string) string { return `{"fields":[` + fields + `],"aggregates":[` + aggs + `]}` }
	lang := `{"name":"lang","path":"/lang","type":"string"}`
	n := `{"name":"n","path":"/n","type":"int"}`
	for _, c := range []struct{ query, want string }{
		{``, "not valid JSON"},
		{`{"fields":[]`, "not valid JSON"},
		{"\xef\xbb\xbf{}", "not valid JSON"},
		{"{\"records\":\"/\xff\"}", "not valid JSON"},
		{`{} {}`, "not valid JSON"},
		{`[]`, "the query file: want an object, have an array"},
		{`{"record":"/a"}`, `unknown member "record" in the query file`},
		{`{"Fields":[]}`, `unknown member "Fields"`},
		{`{"fields":[],"fields":[]}`, `duplicate member "fields" in the query file`},
		{`{"f\u0069elds":[],"fields":[]}`, `duplicate member "fields"`},
		{f(`{"name":"a","name":"b","path":"","type":"int"}`, ``), `duplicate member "name" in fields[0]`},
		{f(lang, `{"op":"count_by","field":"lang","op":"max"}`), `duplicate member "op" in aggregates[0]`},
		{`{"records":5}`, "records: want a string, have a number"},
		{`{"records":"statuses"}`, `records: invalid JSON Pointer "statuses": it must be "" or start with "/"`},
		{`{"records":"/a~2"}`, `records: invalid JSON Pointer "/a~2": token 1: "~" followed by "2" (want ~0 or ~1)`},
		{`{"records":"/a/~"}`, `token 2: "~" at the end`},
		{`{"fields":{}}`, "fields: want an array, have an object"},
		{f(`5`, ``), "fields[0]: want an object, have a number"},
		{f(`{"path":"/a","type":"int"}`, ``), `fields[0]: "name" is missing`},
		{f(`{"name":"a","type":"int"}`, ``), `fields[0]: "path" is missing`},
		{f(`{"name":"a","path":"/a"}`, ``), `fields[0]: "type" is missing`},
		{f(`{"name":"","path":"/a","type":"int"}`, ``), `fields[0].name: a field's name must not be empty`},
		{f(`{"name":1,"path":"/a","type":"int"}`, ``), `fields[0].name: want a string, have a number`},
		{f(`{"name":"a","path":"a","type":"int"}`, ``), `fields[0].path: invalid JSON Pointer "a"`},
		{f(`{"name":"a","path":"/~x","type":"int"}`, ``), `fields[0].path: invalid JSON Pointer "/~x": token 1: "~" followed by "x"`},
		{f(`{"name":"a","path":"/a","type":"float"}`, ``), `fields[0].type: unknown type "float" (want string, int, bool or length)`},
		{f(`{"name":"a","path":"/a","type":"Int"}`, ``), `unknown type "Int"`},
		{f(`{"name":"a","path":"/a","type":"int","optional":"yes"}`, ``), `fields[0].optional: want true or false, have a string`},
		{f(`{"name":"a","path":"/a","type":"int","n":1}`, ``), `fields[0]: unknown member "n"`},
		{f(lang+`,`+n+`,`+lang, ``), `fields[2]: name "lang" is already fields[0]'s`},
		{f(lang, `{"field":"lang"}`), `aggregates[0]: "op" is missing`},
		{f(lang, `{"op":"count_by"}`), `aggregates[0]: "field" is missing`},
		{f(lang, `{"op":"avg","field":"lang"}`), `aggregates[0]: unknown op "avg" (want count_by, distinct, sum, min, max or top)`},
		{f(lang, `{"op":"COUNT_BY","field":"lang"}`), `unknown op "COUNT_BY"`},
		{f(lang, `{"op":"count_by","field":"Lang"}`), `aggregates[0]: field "Lang" is not defined in fields`},
		{f(lang, `{"op":"count_by","field":"lang","extra":1}`), `aggregates[0]: unknown member "extra"`},
		{f(lang+`,`+n, `{"op":"count_by","field":"lang"},{"op":"sum","field":"n"},{"op":"sum","field":"lang"}`),
			`aggregates[2]: op "sum" does not fit field "lang" of type string`},
		{f(`{"name":"l","path":"/l","type":"length"}`, `{"op":"count_by","field":"l"}`), `op "count_by" does not fit field "l" of type length`},
		{f(`{"name":"l","path":"/l","type":"length"}`, `{"op":"distinct","field":"l"}`), `op "distinct" does not fit`},
		{f(`{"name":"l","path":"/l","type":"length"}`, `{"op":"top","field":"l","n":1}`), `op "top" does not fit`},
		{f(`{"name":"b","path":"/b","type":"bool"}`, `{"op":"sum","field":"b"}`), `op "sum" does not fit field "b" of type bool`},
		{f(lang, `{"op":"top","field":"lang"}`), `aggregates[0]: top needs "n", an integer of 1 or more`},
		{f(lang, `{"op":"top","field":"lang","n":0}`), `aggregates[0].n: want an integer of 1 or more, have 0`},
		{f(lang, `{"op":"top","field":"lang","n":-1}`), `have -1`},
		{f(lang, `{"op":"top","field":"lang","n":1.0}`), `have 1.0`},
		{f(lang, `{"op":"top","field":"lang","n":1e2}`), `have 1e2`},
		{f(lang, `{"op":"top","field":"lang","n":"5"}`), `aggregates[0].n: want an integer of 1 or more, have a string`},
		{f(lang, `{"op":"top","field":"lang","n":9223372036854775808}`), `have 9223372036854775808`},
		{f(lang, `{"op":"count_by","field":"lang","n":5}`), `aggregates[0]: "n" belongs to top alone, not to count_by`},
		{f(lang, `{"op":"count_by","field":"lang"},{"op":"count_by","field":"lang"}`), `aggregates[1]: "count_by:lang" is already aggregates[0]`},
		{f(lang, `{"op":"top","field":"lang","n":1},{"op":"top","field":"lang","n":2}`), `aggregates[1]: "top:lang" is already aggregates[0]`},
		{`{"aggregates":[{"op":"sum","field":"x"}]}`, `field "x" is not defined`},
	} {
		_, err := Parse([]byte(c.query))
		if err == nil {
			t.Errorf("Parse(%s) = nil error, want %q", c.query, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%s):\n\t%v\nwant it to contain\n\t%s", c.query, err, c.want)
		}
	}
}

func TestParsePointer(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Pointer
	}{
		{"", Pointer{}},
		{"/", Pointer{{"", -1}}},
		{"//", Pointer{{"", -1}, {"", -1}}},
		{"/a/0/12/01/-/ 1/1a", Pointer{{"a", -1}, {"0", 0}, {"12", 12}, {"01", -1}, {"-", -1}, {" 1", -1}, {"1a", -1}}},
		{"/~01/~10/~0~1", Pointer{{"~1", -1}, {"/0", -1}, {"~/", -1}}},
		{"/99999999999999999999", Pointer{{"99999999999999999999", -1}}},
		{"/9223372036854775807", Pointer{{"9223372036854775807", 9223372036854775807}}},
		{"/+1/-1/0x1", Pointer{{"+1", -1}, {"-1", -1}, {"0x1", -1}}},
		{"/é/😀", Pointer{{"é", -1}, {"😀", -1}}},
	} {
		got, err := ParsePointer(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParsePointer(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
		if err == nil && got.String() != c.in {
			t.Errorf("ParsePointer(%q).String() = %q", c.in, got.String())
		}
	}
	for _, bad := range []string{"a", " /a", "~0", "/~", "/~2", "/a~", "/a/~a", "#/a"} {
		if p, err := ParsePointer(bad); err == nil {
			t.Errorf("ParsePointer(%q) = %v, want an error", bad, p)
		}
	}
}

func TestIsInput(t *testing.T) {
	for name, want := range map[string]bool{
		"a.json": true, "a.ndjson": true, "a.jsonl": true,
		"a.json.gz": true, "a.ndjson.gz": true, "a.jsonl.gz": true,
		"a.json.zst": true, "a.ndjson.zst": true, "a.jsonl.zst": true,
		"dir/x.y.json": true, ".json": true,
		"a.JSON": false, "a.json.GZ": false, "a.Json": false, "a.json.gz.gz": false,
		"a.json.zst.gz": false, "a.gz": false, "a.zst": false, "a.txt": false, "a.json5": false,
		"a.json.bz2": false, "a.jsonx": false, "a.ndjson.zstd": false, "a.json.gzip": false, "json": false,
	} {
		if got := IsInput(name); got != want {
			t.Errorf("IsInput(%q) = %v, want %v", name, got, want)
		}
	}
}

// FuzzParse checks that Parse never panics and that what it accepts is
// consistent: unique field names, aggregates on defined fields whose op
// fits, one aggregate per op and field, n for top alone.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"records":"/statuses","fields":[{"name":"lang","path":"/lang","type":"string"},{"name":"u","path":"/u/0/~1","type":"int","optional":true}],"aggregates":[{"op":"top","field":"lang","n":5},{"op":"sum","field":"u"}]}`))
	f.Add([]byte(`{"fields":[{"name":"l","path":"","type":"length"}],"aggregates":[{"op":"max","field":"l"}]}`))
	f.Add([]byte(`{"fields":[],"aggregates":[],"records":"/~0"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := Parse(data)
		if err != nil {
			if q != nil {
				t.Fatal("a query and an error")
			}
			return
		}
		names := map[string]bool{}
		for _, fl := range q.Fields {
			if fl.Name == "" || names[fl.Name] || fl.Type < String || fl.Type > Length {
				t.Fatalf("bad field %+v", fl)
			}
			names[fl.Name] = true
			if _, err := ParsePointer(fl.Path.String()); err != nil {
				t.Fatalf("path %v does not round-trip: %v", fl.Path, err)
			}
		}
		seen := map[string]bool{}
		for _, a := range q.Aggregates {
			if a.Field < 0 || a.Field >= len(q.Fields) || !a.Op.Fits(q.Fields[a.Field].Type) || seen[q.Name(a)] || (a.Op == Top) != (a.N >= 1) {
				t.Fatalf("bad aggregate %+v", a)
			}
			seen[q.Name(a)] = true
		}
	})
}
