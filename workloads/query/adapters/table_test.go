package adapters

import (
	"strings"
	"testing"

	"benchgrid/workloads/query"
)

// contractCase is one document under one query, with the outcome every
// adapter must give: "bad" for a document bad by rule 1 or 2, else the
// records as outcome.String prints them.
type contractCase struct {
	name string
	q    *query.Query
	doc  string
	want string
}

func nest(depth int, inner string) string {
	return strings.Repeat("[", depth) + inner + strings.Repeat("]", depth)
}

var (
	qLang    = mkQuery("-", "/lang string")
	qTweets  = mkQuery("/statuses", "/lang string", "/user/id int", "/retweet_count int?", "/entities/hashtags length?")
	qTypes   = mkQuery("-", "/s string", "/i int", "/b bool", "/l length")
	qInt     = mkQuery("-", "/i int")
	qIndex   = mkQuery("-", "/a/0 int", "/a/1 int", "/a/01 int", "/a/10 int", "/o/0 int", "/o/01 int")
	qEscaped = mkQuery("-", "/a~1b int", "/m~0n int", "/ int", "/x/ int")
	qSelf    = mkQuery("/r", " length", "/0 int", "/k string")
	qNone    = mkQuery("/r")
)

var contractCases = []contractCase{
	// Types.
	{"types", qTypes, `{"s":"x","i":-12,"b":true,"l":[1,2,3]}`, `["x" -12 1 3]`},
	{"types: object length", qTypes, `{"s":"","i":0,"b":false,"l":{"a":1,"b":[2]}}`, `["" 0 0 2]`},
	{"types: nulls", qTypes, `{"s":null,"i":null,"b":null,"l":null}`, `[null null null null]`},
	{"types: absent", qTypes, `{}`, `[absent absent absent absent]`},
	{"types: mismatches", qTypes, `{"s":1,"i":"3","b":0,"l":"[]"}`, `[mismatch mismatch mismatch mismatch]`},
	{"types: containers mismatch", qTypes, `{"s":[],"i":{},"b":[true],"l":true}`, `[mismatch mismatch mismatch mismatch]`},
	{"types: empty containers", qTypes, `{"l":[]}`, `[absent absent absent 0]`},
	{"types: empty object", qTypes, `{"l":{}}`, `[absent absent absent 0]`},
	// Integers.
	{"int -0", qInt, `{"i":-0}`, `[0]`},
	{"int 1.0", qInt, `{"i":1.0}`, `[mismatch]`},
	{"int 1e3", qInt, `{"i":1e3}`, `[mismatch]`},
	{"int 1E3", qInt, `{"i":1E3}`, `[mismatch]`},
	{"int -0.0", qInt, `{"i":-0.0}`, `[mismatch]`},
	{"int string", qInt, `{"i":"3"}`, `[mismatch]`},
	{"int max", qInt, `{"i":9223372036854775807}`, `[9223372036854775807]`},
	{"int min", qInt, `{"i":-9223372036854775808}`, `[-9223372036854775808]`},
	{"int 2^63", qInt, `{"i":9223372036854775808}`, `[mismatch]`},
	{"int below min", qInt, `{"i":-9223372036854775809}`, `[mismatch]`},
	{"int huge", qInt, `{"i":123456789012345678901234567890}`, `[mismatch]`},
	{"int 1e400", qInt, `{"i":1e400}`, `[mismatch]`},
	{"int elsewhere 1e400", qInt, `{"i":1,"x":1e400}`, `[1]`},
	// Strings.
	{"string escapes", qLang, `{"lang":"a\"b\\c\/d\b\f\n\r\t\u00e9\u20ac"}`, `["a\"b\\c/d\b\f\n\r\té€"]`},
	{"string pair", qLang, `{"lang":"\ud83d\ude00"}`, `["😀"]`},
	{"string lone high", qLang, `{"lang":"\ud800"}`, "[\"\ufffd\"]"},
	{"string lone low", qLang, `{"lang":"\udc00x"}`, "[\"\ufffdx\"]"},
	{"string high then A", qLang, `{"lang":"\ud800\u0041"}`, "[\"\ufffdA\"]"},
	{"string two highs", qLang, `{"lang":"\ud800\ud800\udc00"}`, "[\"\ufffd𐀀\"]"},
	{"string lone elsewhere", qLang, `{"x":"\ud800","lang":"en"}`, `["en"]`},
	{"string raw utf8", qLang, `{"lang":"日本語 ✓"}`, `["日本語 ✓"]`},
	{"string long escape", qLang, `{"lang":"` + strings.Repeat("a", 40) + `\n` + strings.Repeat("b", 40) + `"}`, `["` + strings.Repeat("a", 40) + `\n` + strings.Repeat("b", 40) + `"]`},
	// Member names.
	{"name escaped", qLang, `{"l\u0061ng":"en"}`, `["en"]`},
	{"name case", qLang, `{"Lang":"en"}`, `[absent]`},
	{"name case upper", qLang, `{"LANG":"en","lang":"ja","lAng":"x"}`, `["ja"]`},
	{"name kelvin", mkQuery("-", "/k string"), `{"\u212a":"x"}`, `[absent]`},
	{"name fold s", mkQuery("-", "/s string"), `{"ſ":"x"}`, `[absent]`},
	{"name duplicate last wins", qLang, `{"lang":"en","lang":"ja"}`, `["ja"]`},
	{"name duplicate null last", qLang, `{"lang":"en","lang":null}`, `[null]`},
	{"name duplicate null first", qLang, `{"lang":null,"lang":"en"}`, `["en"]`},
	{"name duplicate mismatch", qLang, `{"lang":1,"lang":"en"}`, `["en"]`},
	{"name duplicate parent", mkQuery("-", "/a/b int", "/a/c int"), `{"a":{"b":1},"a":{"c":2}}`, `[absent 2]`},
	{"name duplicate parent scalar", mkQuery("-", "/a/b int"), `{"a":{"b":1},"a":5}`, `[absent]`},
	{"name duplicate length", mkQuery("-", "/o length"), `{"o":{"a":1,"a":2,"b":3}}`, `[2]`},
	{"name duplicate length escaped", mkQuery("-", "/o length"), `{"o":{"a":1,"\u0061":2}}`, `[1]`},
	{"name escaped tokens", qEscaped, `{"a/b":1,"m~n":2,"":3,"x":{"":4}}`, `[1 2 3 4]`},
	{"name tokens raw", qEscaped, `{"a~1b":1,"m~0n":2}`, `[absent absent absent absent]`},
	{"name unicode", mkQuery("-", "/名前 string"), `{"名前":"x"}`, `["x"]`},
	{"name unicode escaped", mkQuery("-", "/名前 string"), `{"\u540d\u524d":"x"}`, `["x"]`},
	{"name with quote", mkQuery("-", `/a"b int`, `/c,d int`), `{"a\"b":1,"c,d":2}`, `[1 2]`},
	// Pointers and indices.
	{"index", qIndex, `{"a":[5,6,7],"o":{"0":1,"01":2}}`, `[5 6 absent absent 1 2]`},
	{"index out of range", qIndex, `{"a":[],"o":{}}`, `[absent absent absent absent absent absent]`},
	{"index on scalar", qIndex, `{"a":"xy","o":3}`, `[absent absent absent absent absent absent]`},
	{"index long", qIndex, `{"a":[0,1,2,3,4,5,6,7,8,9,10,11]}`, `[0 1 absent 10 absent absent]`},
	{"index nested", mkQuery("-", "/a/1/b string", "/a/1/0 int"), `{"a":[{"b":"x"},{"b":"y"},[1]]}`, `["y" absent]`},
	{"index nested array", mkQuery("-", "/a/2/0 int"), `{"a":[{"b":"x"},{"b":"y"},[1]]}`, `[1]`},
	{"scalar path", mkQuery("-", "/a/b int"), `{"a":1}`, `[absent]`},
	{"root is scalar", qLang, `"en"`, `[absent]`},
	{"root is array", mkQuery("-", "/0 string", " length"), `["en",2]`, `["en" 2]`},
	{"root itself", mkQuery("-", " length", " int"), `7`, `[mismatch 7]`},
	{"root null", mkQuery("-", " int", "/a int"), `null`, `[null absent]`},
	{"leaf and container", mkQuery("-", "/a length", "/a/x int", "/a/y/0 int"), `{"a":{"x":1,"y":[2,3]}}`, `[2 1 2]`},
	{"leaf and array container", mkQuery("-", "/a length", "/a/1 int"), `{"a":[1,2,3]}`, `[3 2]`},
	// Records.
	{"records", qTweets, `{"statuses":[{"lang":"en","user":{"id":1},"retweet_count":3,"entities":{"hashtags":[1,2]}},{"lang":"ja","user":{"id":2}}]}`, `["en" 1 3 2]["ja" 2 absent absent]`},
	{"records empty", qTweets, `{"statuses":[]}`, `no records`},
	{"records absent", qTweets, `{"status":[]}`, `bad`},
	{"records null", qTweets, `{"statuses":null}`, `bad`},
	{"records object", qTweets, `{"statuses":{}}`, `bad`},
	{"records string", qTweets, `{"statuses":"[]"}`, `bad`},
	{"records top array", qTweets, `[]`, `bad`},
	{"records not objects", qSelf, `{"r":[{"k":"a"},[9,8],3,null,"s",{}]}`, `[1 absent "a"][2 9 absent][mismatch absent absent][null absent absent][mismatch absent absent][0 absent absent]`},
	{"records mixed", mkQuery("/r", "/k string", "/0 int"), `{"r":[{"k":"a"},[9],3,null,{"k":1}]}`, `["a" absent][absent 9][absent absent][absent absent][mismatch absent]`},
	{"records mixed late", mkQuery("/r", "/k string"), `{"r":[{"k":"a"},{"k":"b"},"x"]}`, `["a"]["b"][absent]`},
	{"records nulls", mkQuery("/r", "/k string"), `{"r":[null,{"k":null}]}`, `[absent][null]`},
	{"records duplicate", qTweets, `{"statuses":[{"lang":"en"}],"statuses":[{"user":{"id":2}}]}`, `[absent 2 absent absent]`},
	{"records duplicate then bad", qTweets, `{"statuses":[{"lang":"en"}],"statuses":1}`, `bad`},
	{"records duplicate parent", mkQuery("/a/r", "/x int"), `{"a":{"r":[{"x":1}]},"a":{}}`, `bad`},
	{"records nested", mkQuery("/a/1/r", "/x int"), `{"a":[0,{"r":[{"x":1},{"x":2}]}]}`, `[1][2]`},
	{"records root", mkQuery("", "/x int"), `[{"x":1},{"x":"2"}]`, `[1][mismatch]`},
	{"records root object", mkQuery("", "/x int"), `{"x":1}`, `bad`},
	{"records no fields", qNone, `{"r":[1,2,3]}`, `[][][]`},
	{"records no fields duplicate", qNone, `{"r":[1,2,3],"r":[4]}`, `[]`},
	{"records record duplicate member", qTweets, `{"statuses":[{"user":{"id":1},"user":{"name":"x"}}]}`, `[absent absent absent absent]`},
	{"records case", qTweets, `{"Statuses":[]}`, `bad`},
	{"records escaped", qTweets, `{"st\u0061tuses":[{"lang":"x"}]}`, `["x" absent absent absent]`},
	// Bad documents (rule 1).
	{"bom", qLang, "\ufeff{}", `bad`},
	{"nul before", qLang, "\x00{}", `bad`},
	{"nul after", qLang, "{}\x00", `bad`},
	{"trailing garbage", qLang, `{"lang":"en"}x`, `bad`},
	{"two values", qLang, `{"lang":"en"} {}`, `bad`},
	{"trailing ws", qLang, " \t\r\n{\"lang\":\"en\"} \t\r\n", `["en"]`},
	{"trailing cr", qLang, "{\"lang\":\"en\"}\r", `["en"]`},
	{"vertical tab", qLang, "{}\v", `bad`},
	{"form feed", qLang, "\f{}", `bad`},
	{"nbsp", qLang, "{}\u00a0", `bad`},
	{"nel", qLang, "{}\u0085", `bad`},
	{"empty", qLang, ``, `bad`},
	{"spaces", qLang, `   `, `bad`},
	{"invalid utf8", qLang, "{\"lang\":\"\xff\"}", `bad`},
	{"invalid utf8 elsewhere", qLang, "{\"x\":\"\xc3\x28\",\"lang\":\"en\"}", `bad`},
	{"overlong utf8", qLang, "{\"x\":\"\xc0\xaf\"}", `bad`},
	{"utf8 surrogate", qLang, "{\"x\":\"\xed\xa0\x80\"}", `bad`},
	{"cut utf8", qLang, "{\"x\":\"\xe2\x82\"}", `bad`},
	{"NaN", qLang, `{"x":NaN}`, `bad`},
	{"Infinity", qLang, `{"x":-Infinity}`, `bad`},
	{"leading zero", qLang, `{"x":01}`, `bad`},
	{"minus leading zero", qLang, `{"x":-01.5}`, `bad`},
	{"plus", qLang, `{"x":+1}`, `bad`},
	{"dot", qLang, `{"x":.5}`, `bad`},
	{"trailing dot", qLang, `{"x":1.}`, `bad`},
	{"bad exponent", qLang, `{"x":1e}`, `bad`},
	{"hex", qLang, `{"x":0x1}`, `bad`},
	{"control char", qLang, "{\"lang\":\"a\tb\"}", `bad`},
	{"control char elsewhere", qLang, "{\"x\":\"a\nb\",\"lang\":\"en\"}", `bad`},
	{"control char in name", qLang, "{\"a\x01\":1}", `bad`},
	{"control char long", qLang, "{\"x\":\"" + strings.Repeat("a", 40) + "\x01" + strings.Repeat("a", 40) + "\"}", `bad`},
	{"bad escape", qLang, `{"x":"\x"}`, `bad`},
	{"bad escape long", qLang, `{"x":"` + strings.Repeat("a", 40) + `\x` + strings.Repeat("b", 40) + `"}`, `bad`},
	{"bad u escape", qLang, `{"x":"\u12"}`, `bad`},
	{"bad u escape long", qLang, `{"x":"` + strings.Repeat("a", 40) + `\u12g4` + strings.Repeat("b", 40) + `"}`, `bad`},
	{"single quotes", qLang, `{'lang':'en'}`, `bad`},
	{"trailing comma", qLang, `{"lang":"en",}`, `bad`},
	{"array trailing comma", qLang, `{"x":[1,]}`, `bad`},
	{"unclosed", qLang, `{"lang":"en"`, `bad`},
	{"unclosed string", qLang, `{"lang":"en}`, `bad`},
	{"literal", qLang, `{"x":tru}`, `bad`},
	{"literal case", qLang, `{"x":True}`, `bad`},
	{"comment", qLang, `{"lang":"en"/*c*/}`, `bad`},
	{"depth 10000", qLang, `{"x":` + nest(9999, "") + `,"lang":"en"}`, `["en"]`},
	{"depth 10001", qLang, `{"x":` + nest(10000, "") + `}`, `bad`},
	{"depth 10000 top", mkQuery("-", " length"), nest(10000, "1"), `[1]`},
	{"depth 10001 top", mkQuery("-", " length"), nest(10001, "1"), `bad`},
	{"depth 500", qLang, `{"x":` + nest(499, "1") + `,"lang":"en"}`, `["en"]`},
	{"depth 5000", qLang, `{"x":` + nest(4999, `"s"`) + `,"lang":"en"}`, `["en"]`},
	{"depth 5000 read", mkQuery("-", "/x length"), `{"x":` + nest(4999, `{}`) + `}`, `[1]`},
}

// TestContract checks every adapter against the table, each with a fresh
// extractor and with one reused over the whole table, and the table itself
// against the encoding/json reference.
func TestContract(t *testing.T) {
	reused := map[*query.Query]map[string]query.Extractor{}
	for _, tc := range contractCases {
		ref, _ := refAdapter{}.NewExtractor(tc.q)
		check := func(who string, x query.Extractor) {
			t.Helper()
			got := extract(x, tc.q, []byte(tc.doc))
			if s := got.String(); tc.want == "bad" && got.err == nil || tc.want != "bad" && s != tc.want {
				t.Errorf("%s: %s: Extract(%.80q) = %s, want %s", who, tc.name, tc.doc, s, tc.want)
			}
		}
		check("ref", ref)
		for name, x := range extractors(t, tc.q) {
			check(name, x)
		}
		if reused[tc.q] == nil {
			reused[tc.q] = extractors(t, tc.q)
		}
		for name, x := range reused[tc.q] {
			check(name+" (reused)", x)
		}
	}
}
