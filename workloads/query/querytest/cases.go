package querytest

import (
	"strconv"
	"strings"
)

// mkQuery writes a query file. records is the records pointer, or "-" for
// none; each field is "name|path|type" with "|?" appended when optional;
// each aggregate is "op|field" or "top|field|n".
func mkQuery(records string, fields []string, aggs ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	if records != "-" {
		b.WriteString(`"records":` + strconv.Quote(records) + ",")
	}
	b.WriteString(`"fields":[`)
	for i, f := range fields {
		p := strings.Split(f, "|")
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":` + strconv.Quote(p[0]) + `,"path":` + strconv.Quote(p[1]) + `,"type":"` + p[2] + `"`)
		if len(p) > 3 {
			b.WriteString(`,"optional":true`)
		}
		b.WriteByte('}')
	}
	b.WriteString(`],"aggregates":[`)
	for i, a := range aggs {
		p := strings.Split(a, "|")
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"op":"` + p[0] + `","field":` + strconv.Quote(p[1]))
		if len(p) > 2 {
			b.WriteString(`,"n":` + p[2])
		}
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.String()
}

var (
	qTypes = mkQuery("-", []string{"s|/s|string|?", "i|/i|int|?", "b|/b|bool|?", "l|/l|length|?"})
	// qPointers: ~1 and ~0, indices (0, a leading zero, beyond int, "-"),
	// an object member named "0", the member named "", the record itself.
	qPointers = mkQuery("-", []string{
		"slash|/a~1b|string|?", "tilde|/m~0n|string|?", "x0|/x/0|int|?", "x01|/x/01|int|?",
		"xbig|/x/99999999999999999999|int|?", "xdash|/x/-|int|?", "o0|/o/0|int|?",
		"empty|/|string|?", "self||length|?", "deep|/x/1/k|int|?",
	})
	// qNames: names that encoding/json would fold (tags can say them).
	qNames = mkQuery("-", []string{"lang|/lang|string|?", "k|/k|int|?", "s|/s|int|?", "ID|/ID|int|?", "u|/u/id|int|?"})
	// qOdd: names that no struct tag can say, beside one that can.
	qOdd     = mkQuery("-", []string{"lang|/lang|string|?", "odd|/a,b\"c|string|?", "emoji|/😀|string|?", "empty|/|string|?", "nested|/x/a b'c|int|?"})
	qRecords = mkQuery("/items", []string{"v|/v|int|?"})
	qSelf    = mkQuery("/items", []string{"self||string|?"})
	qAll     = mkQuery("", []string{"v|/v|int|?"})
	qNested  = mkQuery("/a/1", []string{"v|/v|int|?"})
	qNone    = mkQuery("-", nil)
	qNoneRec = mkQuery("/r", nil)
)

// DocCases returns the per-document cases.
func DocCases() []DocCase {
	all := []string{"absent", "absent", "absent", "absent"}
	mism := []string{"mismatch", "mismatch", "mismatch", "mismatch"}
	rec := func(vs ...string) string { return "{" + strings.Join(vs, " ") + "}" }
	iAlone := func(v string) string { return rec("absent", v, "absent", "absent") }
	sAlone := func(v string) string { return rec(v, "absent", "absent", "absent") }
	lAlone := func(v string) string { return rec("absent", "absent", "absent", v) }
	cases := []DocCase{
		// Every type.
		{Name: "types", Query: qTypes, Doc: `{"s":"x","i":5,"b":true,"l":[1,2,3]}`, Want: []string{`{"x" 5 true 3}`}},
		{Name: "types zero", Query: qTypes, Doc: `{"s":"","i":-0,"b":false,"l":{}}`, Want: []string{`{"" 0 false 0}`}},
		{Name: "nulls", Query: qTypes, Doc: `{"s":null,"i":null,"b":null,"l":null}`, Want: []string{"{null null null null}"}},
		{Name: "absent", Query: qTypes, Doc: `{"other":1}`, Want: []string{rec(all...)}},
		{Name: "mismatches", Query: qTypes, Doc: `{"s":1,"i":"3","b":0,"l":"abc"}`, Want: []string{rec(mism...)}},
		{Name: "mismatches 2", Query: qTypes, Doc: `{"s":[],"i":true,"b":"true","l":5}`, Want: []string{rec(mism...)}},
		{Name: "mismatches 3", Query: qTypes, Doc: `{"s":{},"i":[],"b":null,"l":"[]"}`, Want: []string{"{mismatch mismatch null mismatch}"}},
		{Name: "int max", Query: qTypes, Doc: `{"i":9223372036854775807}`, Want: []string{iAlone("9223372036854775807")}},
		{Name: "int min", Query: qTypes, Doc: `{"i":-9223372036854775808}`, Want: []string{iAlone("-9223372036854775808")}},
		{Name: "int -0", Query: qTypes, Doc: `{"i":-0}`, Want: []string{iAlone("0")}},
		{Name: "int 1.0", Query: qTypes, Doc: `{"i":1.0}`, Want: []string{iAlone("mismatch")}},
		{Name: "int 1e3", Query: qTypes, Doc: `{"i":1e3}`, Want: []string{iAlone("mismatch")}},
		{Name: "int 1E+3", Query: qTypes, Doc: `{"i":1E+3}`, Want: []string{iAlone("mismatch")}},
		{Name: "int 0.5", Query: qTypes, Doc: `{"i":-0.5}`, Want: []string{iAlone("mismatch")}},
		{Name: "int 2^63", Query: qTypes, Doc: `{"i":9223372036854775808}`, Want: []string{iAlone("mismatch")}},
		{Name: "int -2^63-1", Query: qTypes, Doc: `{"i":-9223372036854775809}`, Want: []string{iAlone("mismatch")}},
		{Name: "int huge", Query: qTypes, Doc: `{"i":123456789012345678901234567890}`, Want: []string{iAlone("mismatch")}},
		{Name: "int string", Query: qTypes, Doc: `{"i":"3"}`, Want: []string{iAlone("mismatch")}},
		{Name: "length array", Query: qTypes, Doc: `{"l":[[],{},null,"x",1]}`, Want: []string{lAlone("5")}},
		{Name: "length object", Query: qTypes, Doc: `{"l":{"a":1,"b":{"c":2},"d":[]}}`, Want: []string{lAlone("3")}},
		{Name: "length object duplicates", Query: qTypes, Doc: `{"l":{"a":1,"b":2,"a":3}}`, Want: []string{lAlone("2")}},
		{Name: "length object escaped duplicates", Query: qTypes, Doc: `{"l":{"a":1,"\u0061":2}}`, Want: []string{lAlone("1")}},
		{Name: "length empty", Query: qTypes, Doc: `{"l":[ ]}`, Want: []string{lAlone("0")}},
		// Names that differ only in how lone surrogate escapes decode:
		// both read as U+FFFD, so they are one name.
		{Name: "length lone surrogate names", Query: qTypes, Doc: `{"l":{"\ud800":1,"\udc00":2}}`, Want: []string{lAlone("1")}},
		{Name: "length surrogate then letter names", Query: qTypes, Doc: `{"l":{"\ud800\u0041":1,"\ufffd":2}}`, Want: []string{lAlone("2")}},
		{Name: "length surrogate names and U+FFFD", Query: qTypes, Doc: `{"l":{"\ud800":1,"\ufffd":2,"\ud800\udc00":3}}`, Want: []string{lAlone("2")}},

		// Strings.
		{Name: "escapes", Query: qTypes, Doc: `{"s":"a\"b\\c\/d\b\f\n\r\t\u00e9\u20AC\ud83d\ude00 é😀"}`, Want: []string{sAlone(strconv.Quote("a\"b\\c/d\b\f\n\r\t\u00e9€😀 é😀"))}},
		{Name: "lone high surrogate", Query: qTypes, Doc: `{"s":"\ud800x"}`, Want: []string{sAlone(strconv.Quote("\uFFFDx"))}},
		{Name: "lone low surrogate", Query: qTypes, Doc: `{"s":"\udc00"}`, Want: []string{sAlone(strconv.Quote("\uFFFD"))}},
		{Name: "reversed surrogates", Query: qTypes, Doc: `{"s":"\udc00\ud800"}`, Want: []string{sAlone(strconv.Quote("\uFFFD\uFFFD"))}},
		{Name: "high surrogate then letter", Query: qTypes, Doc: `{"s":"\ud800\u0041"}`, Want: []string{sAlone(strconv.Quote("\uFFFDA"))}},
		{Name: "controls escaped", Query: qTypes, Doc: `{"s":"\u0000\u001f\u007f"}`, Want: []string{sAlone(strconv.Quote("\x00\x1f\x7f"))}},

		// Member names.
		{Name: "escaped member name", Query: qNames, Doc: `{"l\u0061ng":"en"}`, Want: []string{`{"en" absent absent absent absent}`}},
		{Name: "case matters", Query: qNames, Doc: `{"Lang":"en","LANG":"x","K":1,"ſ":2,"id":3,"Id":4}`, Want: []string{"{absent absent absent absent absent}"}},
		{Name: "Kelvin sign is not k", Query: qNames, Doc: `{"K":1,"k":2}`, Want: []string{"{absent 2 absent absent absent}"}},
		{Name: "exact beside folded", Query: qNames, Doc: `{"LANG":"x","lang":"en","Lang":"y","ID":7}`, Want: []string{`{"en" absent absent 7 absent}`}},
		{Name: "odd names", Query: qOdd, Doc: `{"a,b\"c":"q","😀":"e","":"f","x":{"a b'c":1},"lang":"en"}`, Want: []string{`{"en" "q" "e" "f" 1}`}},
		{Name: "odd names escaped", Query: qOdd, Doc: `{"a,b\u0022c":"q","\ud83d\ude00":"e","x":{"a b\u0027c":2}}`, Want: []string{`{absent "q" "e" absent 2}`}},
		{Name: "odd names folded", Query: qOdd, Doc: `{"A,B\"C":"q","LANG":"e","x":{"A B'C":1}}`, Want: []string{`{absent absent absent absent absent}`}},
		{Name: "odd names, duplicates", Query: qOdd, Doc: `{"😀":"e","😀":null,"x":{"a b'c":1},"x":{}}`, Want: []string{`{absent absent null absent absent}`}},
		{Name: "duplicates: the last counts", Query: qNames, Doc: `{"lang":"a","lang":"b","k":1,"k":null}`, Want: []string{`{"b" null absent absent absent}`}},
		{Name: "duplicate object: the last whole", Query: qNames, Doc: `{"u":{"id":1},"u":{}}`, Want: []string{"{absent absent absent absent absent}"}},
		{Name: "duplicate object then scalar", Query: qNames, Doc: `{"u":{"id":1},"u":5}`, Want: []string{"{absent absent absent absent absent}"}},
		{Name: "duplicate object, last has it", Query: qNames, Doc: `{"u":{"id":1},"u":{"x":0,"id":2}}`, Want: []string{"{absent absent absent absent 2}"}},
		{Name: "duplicate within nested", Query: qNames, Doc: `{"u":{"id":1,"id":"x"}}`, Want: []string{"{absent absent absent absent mismatch}"}},

		// Pointers.
		{Name: "pointer escapes and indices", Query: qPointers,
			Doc:  `{"a/b":"s","m~n":"t","x":[7,{"k":8}],"o":{"0":9},"":"e"}`,
			Want: []string{`{"s" "t" 7 absent absent absent 9 "e" 5 8}`}},
		{Name: "unescaped tokens do not match", Query: qPointers, Doc: `{"a~1b":"s","m~0n":"t","a":{"b":"u"},"m":{"n":"v"}}`,
			Want: []string{"{absent absent absent absent absent absent absent absent 4 absent}"}},
		{Name: "tokens on an object", Query: qPointers, Doc: `{"x":{"0":1,"01":2,"-":3,"99999999999999999999":4,"1":{"k":5}}}`,
			Want: []string{"{absent absent 1 2 4 3 absent absent 1 5}"}},
		{Name: "index out of range", Query: qPointers, Doc: `{"x":[]}`, Want: []string{"{absent absent absent absent absent absent absent absent 1 absent}"}},
		{Name: "index on a scalar", Query: qPointers, Doc: `{"x":"str","o":[1]}`, Want: []string{"{absent absent absent absent absent absent 1 absent 2 absent}"}},
		{Name: "index to a wrong type", Query: qPointers, Doc: `{"x":[[1],2]}`, Want: []string{"{absent absent mismatch absent absent absent absent absent 1 absent}"}},
		{Name: "the record itself", Query: qPointers, Doc: `[1,2,3]`, Want: []string{"{absent absent absent absent absent absent absent absent 3 absent}"}},
		{Name: "the record itself, a scalar", Query: qPointers, Doc: ` "str" `, Want: []string{"{absent absent absent absent absent absent absent absent mismatch absent}"}},
		{Name: "null record", Query: qPointers, Doc: `null`, Want: []string{"{absent absent absent absent absent absent absent absent null absent}"}},

		// Records.
		{Name: "records of every type", Query: qRecords, Doc: `{"items":[1,"a",null,{"v":2},[3],{"v":"x"},{}]}`,
			Want: []string{"{absent}", "{absent}", "{absent}", "{2}", "{absent}", "{mismatch}", "{absent}"}},
		{Name: "records empty", Query: qRecords, Doc: `{"items":[]}`},
		{Name: "records an object", Query: qRecords, Doc: `{"items":{"v":1}}`, Bad: true},
		{Name: "records null", Query: qRecords, Doc: `{"items":null}`, Bad: true},
		{Name: "records absent", Query: qRecords, Doc: `{"other":[]}`, Bad: true},
		{Name: "records in an array doc", Query: qRecords, Doc: `[{"items":[]}]`, Bad: true},
		{Name: "records in a scalar doc", Query: qRecords, Doc: `7`, Bad: true},
		{Name: "records: the last member", Query: qRecords, Doc: `{"items":[{"v":1},{"v":2}],"items":[{"w":3}]}`, Want: []string{"{absent}"}},
		{Name: "records: the last member, not an array", Query: qRecords, Doc: `{"items":[{"v":1}],"items":0}`, Bad: true},
		{Name: "records: duplicates in a record", Query: qRecords, Doc: `{"items":[{"v":1,"v":2},{"v":3}]}`, Want: []string{"{2}", "{3}"}},
		{Name: "records: strings", Query: qSelf, Doc: `{"items":["a","b\n",3,null]}`, Want: []string{`{"a"}`, `{"b\n"}`, "{mismatch}", "{null}"}},
		{Name: "records: the document", Query: qAll, Doc: ` [{"v":1},{"v":2}] `, Want: []string{"{1}", "{2}"}},
		{Name: "records: the document, an object", Query: qAll, Doc: `{"v":1}`, Bad: true},
		{Name: "records: nested path", Query: qNested, Doc: `{"a":[0,[{"v":5},{}]]}`, Want: []string{"{5}", "{absent}"}},
		{Name: "records: nested path, object member 1", Query: qNested, Doc: `{"a":{"1":[{"v":6}]}}`, Want: []string{"{6}"}},
		{Name: "records: nested path, out of range", Query: qNested, Doc: `{"a":[0]}`, Bad: true},
		{Name: "no fields", Query: qNone, Doc: `{"a":1}`, Want: []string{"{}"}},
		{Name: "no fields, records", Query: qNoneRec, Doc: `{"r":[1,2,{}]}`, Want: []string{"{}", "{}", "{}"}},
		{Name: "no fields, invalid", Query: qNone, Doc: `{"a":1`, Bad: true},
		{Name: "depth 10000", Query: qTypes, Doc: deep(10000), Want: []string{rec(all...)}},
		{Name: "depth 10000 in a member", Query: qTypes, Doc: `{"l":` + deep(9999) + `}`, Want: []string{lAlone("1")}},
		{Name: "whitespace around", Query: qTypes, Doc: "\r\n\t {\"i\" : 1 } \r", Want: []string{iAlone("1")}},
	}
	// Rule 1: not valid JSON and UTF-8. Each under several queries, so
	// that an adapter that reads only a part of the document is caught.
	bad := []struct{ name, doc string }{
		{"empty", ""},
		{"only whitespace", " \t\r\n"},
		{"BOM", "\xef\xbb\xbf{}"},
		{"NUL after", "{}\x00"},
		{"NUL before", "\x00{}"},
		{"trailing garbage", `{} x`},
		{"two values", `{}{}`},
		{"depth 10001", deep(10001)},
		{"depth 10001 in a member", `{"s":"x","z":` + deep(10000) + `}`},
		{"invalid UTF-8 in a string", "{\"s\":\"\xff\"}"},
		{"invalid UTF-8 in an ignored member", "{\"z\":\"a\xfe\",\"s\":\"x\"}"},
		{"overlong", "{\"s\":\"\xc0\xaf\"}"},
		{"encoded surrogate", "{\"s\":\"\xed\xa0\x80\"}"},
		{"truncated sequence", "{\"s\":\"\xe2\x82\"}"},
		{"Latin-1 member name", "{\"\xe9\":1}"},
		{"leading zero", `{"i":01}`},
		{"NaN", `{"i":NaN}`},
		{"single quotes", `{'s':'x'}`},
		{"raw control character", "{\"s\":\"a\tb\"}"},
		{"trailing comma", `{"s":"x",}`},
		{"truncated", `{"s":"x"`},
		{"bad escape", `{"s":"\x"}`},
		{"short unicode escape", `{"s":"\u12"}`},
		{"literal", `tru`},
		{"unquoted name", `{s:1}`},
		{"vertical tab as space", "{\v}"},
		{"form feed as space", "{\f}"},
		{"NBSP as space", "{\u00a0}"},
		{"plus sign", `{"i":+1}`},
		{"lone minus", `{"i":-}`},
		{"dot without digits", `{"i":1.}`},
		{"hex", `{"i":0x10}`},
	}
	for _, b := range bad {
		for _, q := range []string{qTypes, qRecords, qNone, qSelf} {
			cases = append(cases, DocCase{Name: "bad: " + b.name, Query: q, Doc: b.doc, Bad: true})
		}
	}
	// The same documents made valid again are good, under qTypes.
	for _, doc := range []string{`{}`, ` {} `, "{}\r", `{"s":"\u00e9"}`} {
		want := []string{rec(all...)}
		if strings.Contains(doc, `\u00e9`) {
			want = []string{sAlone(strconv.Quote("é"))}
		}
		cases = append(cases, DocCase{Name: "good: " + strconv.Quote(doc), Query: qTypes, Doc: doc, Want: want})
	}
	return cases
}

// exampleQuery is docs/query.md's example query file.
const exampleQuery = `{
  "records": "/statuses",
  "fields": [
    {"name": "lang",     "path": "/lang",            "type": "string"},
    {"name": "user",     "path": "/user/id",         "type": "int"},
    {"name": "retweets", "path": "/retweet_count",   "type": "int",    "optional": true},
    {"name": "verified", "path": "/user/verified",   "type": "bool",   "optional": true},
    {"name": "hashtags", "path": "/entities/hashtags", "type": "length", "optional": true}
  ],
  "aggregates": [
    {"op": "count_by", "field": "lang"},
    {"op": "distinct", "field": "user"},
    {"op": "sum",      "field": "retweets"},
    {"op": "max",      "field": "retweets"},
    {"op": "top",      "field": "lang", "n": 5}
  ]
}`

func size(files []File) string {
	n := 0
	for _, f := range files {
		n += len(f.Data)
	}
	return strconv.Itoa(n)
}

// FileCases returns the cases over whole inputs.
func FileCases() []FileCase {
	var cases []FileCase
	add := func(name, q string, files []File, want string) {
		want = strings.ReplaceAll(want, "BYTES", size(files))
		cases = append(cases, FileCase{Name: name, Query: q, Files: files, Want: want})
	}

	// docs/query.md's example, byte for byte.
	b := File{"b.ndjson", `{"statuses":[{"lang":"en","user":{"id":1},"retweet_count":0}]}` + "\n" + `{"statuses":5}` + "\n"}
	a := File{"a.json", pad(`{"statuses":[{"lang":"en","user":{"id":1,"verified":true},"retweet_count":9,"entities":{"hashtags":[]}},`+
		`{"lang":"en","user":{"id":2},"retweet_count":8},{"lang":"ja","user":{"id":3}}]}`, 931-len(b.Data))}
	add("the example", exampleQuery, []File{a, b},
		`{"files":2,"bad_files":0,"bytes":931,"documents":3,"bad_documents":1,"records":4,"aggregates":{"count_by:lang":{"en":3,"ja":1},"distinct:user":3,"sum:retweets":17,"max:retweets":9,"top:lang":[{"value":"en","count":3},{"value":"ja","count":1}]}}`)

	every := mkQuery("-", []string{"s|/s|string|?", "i|/i|int|?", "b|/b|bool|?", "l|/l|length|?"},
		"count_by|s", "distinct|s", "min|s", "max|s", "top|s|2",
		"count_by|i", "distinct|i", "sum|i", "min|i", "max|i", "top|i|3",
		"count_by|b", "distinct|b", "min|b", "max|b", "top|b|1",
		"sum|l", "min|l", "max|l")
	add("every aggregate", every, []File{{"x.ndjson", `{"s":"b","i":2,"b":true,"l":[1]}
{"s":"a","i":-12,"b":false,"l":{}}
{"s":"b","i":10,"b":true}
{"s":"é","i":2,"l":[1,2,3]}
{"s":"B","i":-1}
{}
`}},
		`{"files":1,"bad_files":0,"bytes":BYTES,"documents":6,"bad_documents":0,"records":6,"aggregates":{`+
			`"count_by:s":{"B":1,"a":1,"b":2,"é":1},"distinct:s":4,"min:s":"B","max:s":"é","top:s":[{"value":"b","count":2},{"value":"B","count":1}],`+
			`"count_by:i":{"-1":1,"-12":1,"10":1,"2":2},"distinct:i":4,"sum:i":1,"min:i":-12,"max:i":10,"top:i":[{"value":2,"count":2},{"value":-1,"count":1},{"value":-12,"count":1}],`+
			`"count_by:b":{"false":1,"true":2},"distinct:b":2,"min:b":false,"max:b":true,"top:b":[{"value":true,"count":2}],`+
			`"sum:l":4,"min:l":0,"max:l":3}}`)
	add("no values", every, []File{{"x.json", `{"s":null}`}},
		`{"files":1,"bad_files":0,"bytes":BYTES,"documents":1,"bad_documents":0,"records":1,"aggregates":{`+
			`"count_by:s":{},"distinct:s":0,"min:s":null,"max:s":null,"top:s":[],`+
			`"count_by:i":{},"distinct:i":0,"sum:i":0,"min:i":null,"max:i":null,"top:i":[],`+
			`"count_by:b":{},"distinct:b":0,"min:b":null,"max:b":null,"top:b":[],`+
			`"sum:l":0,"min:l":null,"max:l":null}}`)
	add("no inputs", every, nil,
		`{"files":0,"bad_files":0,"bytes":0,"documents":0,"bad_documents":0,"records":0,"aggregates":{`+
			`"count_by:s":{},"distinct:s":0,"min:s":null,"max:s":null,"top:s":[],`+
			`"count_by:i":{},"distinct:i":0,"sum:i":0,"min:i":null,"max:i":null,"top:i":[],`+
			`"count_by:b":{},"distinct:b":0,"min:b":null,"max:b":null,"top:b":[],`+
			`"sum:l":0,"min:l":null,"max:l":null}}`)
	add("only false", every, []File{{"x.json", `{"b":false}`}, {"y.json", `{"b":false}`}},
		`{"files":2,"bad_files":0,"bytes":BYTES,"documents":2,"bad_documents":0,"records":2,"aggregates":{`+
			`"count_by:s":{},"distinct:s":0,"min:s":null,"max:s":null,"top:s":[],`+
			`"count_by:i":{},"distinct:i":0,"sum:i":0,"min:i":null,"max:i":null,"top:i":[],`+
			`"count_by:b":{"false":2},"distinct:b":1,"min:b":false,"max:b":false,"top:b":[{"value":false,"count":2}],`+
			`"sum:l":0,"min:l":null,"max:l":null}}`)

	sums := mkQuery("-", []string{"v|/v|int"}, "sum|v", "min|v", "max|v", "distinct|v")
	add("sum beyond int64", sums, []File{{"a.ndjson", strings.Repeat(`{"v":9223372036854775807}`+"\n", 3)}},
		`{"files":1,"bad_files":0,"bytes":BYTES,"documents":3,"bad_documents":0,"records":3,"aggregates":{"sum:v":27670116110564327421,"min:v":9223372036854775807,"max:v":9223372036854775807,"distinct:v":1}}`)
	add("sum below int64", sums, []File{{"a.ndjson", `{"v":-9223372036854775808}` + "\n"}, {"b.ndjson", `{"v":-9223372036854775808}` + "\n"}},
		`{"files":2,"bad_files":0,"bytes":BYTES,"documents":2,"bad_documents":0,"records":2,"aggregates":{"sum:v":-18446744073709551616,"min:v":-9223372036854775808,"max:v":-9223372036854775808,"distinct:v":1}}`)
	add("sum back in range", sums, []File{{"a.ndjson", `{"v":9223372036854775807}
{"v":9223372036854775807}
{"v":-9223372036854775808}
{"v":-9223372036854775808}
{"v":-0}
`}},
		`{"files":1,"bad_files":0,"bytes":BYTES,"documents":5,"bad_documents":0,"records":5,"aggregates":{"sum:v":-2,"min:v":-9223372036854775808,"max:v":9223372036854775807,"distinct:v":3}}`)
	lengths := mkQuery("/r", []string{"l|/l|length"}, "sum|l")
	add("sum of lengths", lengths, []File{{"a.json", `{"r":[{"l":[1,2]},{"l":{"a":1,"b":2,"c":3}},{"l":[]}]}`}},
		`{"files":1,"bad_files":0,"bytes":BYTES,"documents":1,"bad_documents":0,"records":3,"aggregates":{"sum:l":5}}`)

	// Canonical strings: the member name and the keys are escaped the
	// minimal way; U+FFFD for lone surrogates.
	esc := `{"fields":[{"name":"q\"\\\u0001\u001f/<>&\u2028é","path":"/f","type":"string"}],"aggregates":[{"op":"count_by","field":"q\"\\\u0001\u001f/<>&\u2028é"},{"op":"max","field":"q\"\\\u0001\u001f/<>&\u2028é"}]}`
	add("escaping", esc, []File{{"a.ndjson", `{"f":"\b\f\n\r\t\u0000\u007f\u2029</script>é"}` + "\n" + `{"f":"\ud800"}` + "\n" + `{"f":"\udfff"}` + "\n"}},
		"{\"files\":1,\"bad_files\":0,\"bytes\":BYTES,\"documents\":3,\"bad_documents\":0,\"records\":3,\"aggregates\":{"+
			"\"count_by:q\\\"\\\\\\u0001\\u001f/<>&\u2028é\":{\"\\b\\f\\n\\r\\t\\u0000\x7f\u2029</script>é\":1,\"\uFFFD\":2},"+
			"\"max:q\\\"\\\\\\u0001\\u001f/<>&\u2028é\":\"\uFFFD\"}}")
	bytewise := mkQuery("-", []string{"s|/s|string"}, "count_by|s", "min|s", "max|s", "top|s|3")
	add("bytewise order", bytewise, []File{{"a.ndjson", `{"s":"b"}
{"s":"B"}
{"s":"a"}
{"s":"ab"}
{"s":"Z"}
{"s":"é"}
{"s":"e\u0301"}
{"s":""}
{"s":"~"}
{"s":"😀"}
{"s":"\uffff"}
`}},
		`{"files":1,"bad_files":0,"bytes":BYTES,"documents":11,"bad_documents":0,"records":11,"aggregates":{`+
			`"count_by:s":{"":1,"B":1,"Z":1,"a":1,"ab":1,"b":1,"`+"e\u0301"+`":1,"~":1,"`+"\u00e9"+`":1,"`+"\uffff"+`":1,"😀":1},`+
			`"min:s":"","max:s":"😀","top:s":[{"value":"","count":1},{"value":"B","count":1},{"value":"Z","count":1}]}}`)
	add("top ties by key form", mkQuery("-", []string{"i|/i|int"}, "top|i|2", "count_by|i"), []File{{"a.ndjson", `{"i":3}
{"i":20}
{"i":3}
{"i":100}
{"i":20}
{"i":-5}
`}},
		`{"files":1,"bad_files":0,"bytes":BYTES,"documents":6,"bad_documents":0,"records":6,"aggregates":{"top:i":[{"value":20,"count":2},{"value":3,"count":2}],"count_by:i":{"-5":1,"100":1,"20":2,"3":2}}}`)
	add("no aggregates", mkQuery("-", []string{"s|/s|string"}), []File{{"a.json", `{"s":"x"}`}, {"b.json", `{"s":1}`}},
		`{"files":2,"bad_files":0,"bytes":BYTES,"documents":2,"bad_documents":1,"records":1,"aggregates":{}}`)
	add("no fields", mkQuery("/r", nil), []File{{"a.json", `{"r":[1,2,3]}`}, {"b.json", `{"r":{}}`}},
		`{"files":2,"bad_files":0,"bytes":BYTES,"documents":2,"bad_documents":1,"records":3,"aggregates":{}}`)

	// Rule 3: a required field absent or null, or any field of another
	// type, makes the whole document bad, records before it included.
	rule3 := mkQuery("/r", []string{"lang|/lang|string", "n|/n|int|?"}, "count_by|lang", "sum|n")
	add("rule 3", rule3, []File{{"a.ndjson", `{"r":[{"lang":"en","n":1},{"lang":null}]}
{"r":[{"lang":"en","n":"x"}]}
{"r":[{"lang":"en","n":null},{"lang":"ja","n":2}]}
{"r":[{"lang":"de"},{"n":1}]}
{"r":[{"lang":"fr","n":1.5}]}
{"r":[{"lang":5}]}
`}},
		`{"files":1,"bad_files":0,"bytes":BYTES,"documents":6,"bad_documents":5,"records":2,"aggregates":{"count_by:lang":{"en":1,"ja":1},"sum:n":2}}`)

	// Inputs of every kind.
	v := mkQuery("-", []string{"v|/v|int|?"}, "sum|v", "count_by|v")
	trunc := Zstd(`{"v":100}` + "\n")
	add("inputs", v, []File{
		{"empty.json", ""},
		{"lines.ndjson", "{\"v\":1}\r\n\r\n  \t\n{\"v\":2}\n\n{\"v\":3}"},
		{"l.jsonl", "{\"v\":4}\n"},
		{"m.json.gz", Gzip(`{"v":`, `5}`)},
		{"z.ndjson.zst", Zstd("{\"v\":6}\n{\"v\"") + ZstdSkippable("junk") + Zstd(":7}\n")},
		{"bad.json.gz", Gzip(`{"v":100}`) + "garbage"},
		{"bad.ndjson.zst", trunc[:len(trunc)-3]},
		{"crlf.json", "{\"v\":8}\r\n"},
		{"bad.ndjson", "{\"v\":9}\n{\"v\":\n"},
		{"gz.jsonl.gz", Gzip("{\"v\":10}\n", "", "{\"v\":11}")},
		{"blank.ndjson", "\n\r\n \n"},
		{"empty.ndjson", ""},
	},
		`{"files":12,"bad_files":2,"bytes":BYTES,"documents":13,"bad_documents":2,"records":11,"aggregates":{"sum:v":66,`+
			`"count_by:v":{"1":1,"10":1,"11":1,"2":1,"3":1,"4":1,"5":1,"6":1,"7":1,"8":1,"9":1}}}`)
	return cases
}
