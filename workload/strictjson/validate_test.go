package strictjson

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		in   string
		good bool
	}{
		{`{}`, true},
		{` [1, -0, 0.5, 1e3, 1E-3, -1.5e+10, "a\u00e9\ud800", true, false, null] `, true},
		{`{"a":{"b":[{}]}}`, true},
		{"{ \"a\" :\t1 ,\r\n \"b\" : [ 1 , { } ] }", true},
		{`"` + strings.Repeat("abcdefgh", 9) + `"`, true},
		{`"éèà ✓ 😀 ` + strings.Repeat("x", 17) + `"`, true},
		{``, false},
		{` `, false},
		{`{`, false},
		{`{"a"}`, false},
		{`{"a":}`, false},
		{`{"a":1,}`, false},
		{`[1,]`, false},
		{`[1 2]`, false},
		{`01`, false},
		{`-`, false},
		{`1.`, false},
		{`.5`, false},
		{`1e`, false},
		{`+1`, false},
		{`NaN`, false},
		{`nul`, false},
		{`"\x"`, false},
		{`"\u12g4"`, false},
		{"\"a\x01\"", false},
		{"\"" + strings.Repeat("a", 13) + "\x1f\"", false},
		{"\"\xff\"", false},
		{"\"" + strings.Repeat("a", 9) + "\xed\xa0\x80\"", false},
		{"\xef\xbb\xbf{}", false},
		{"{}\x00", false},
		{"{}\f", false},
		{`{} {}`, false},
		{`"abc`, false},
		{strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), true},
		{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), false},
	}
	for _, tc := range tests {
		err := Validate([]byte(tc.in))
		if (err == nil) != tc.good {
			t.Errorf("Validate(%.60q) = %v, want good=%v", tc.in, err, tc.good)
		}
	}
}

// FuzzValidate checks Validate against encoding/json's grammar check plus
// utf8.Valid, which together define the contract's validity.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{`{}`, `{"a": 1, "b" : [ 2 ] }`, `{"events":[{"a":"\ud800"}]}`, `[1.5e3,-0]`, "\"\xe2\x9c\x93\"", `"\u0041"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := json.Valid(data) && utf8.Valid(data)
		if err := Validate(data); (err == nil) != want {
			t.Fatalf("Validate(%q) = %v, want good=%v", data, err, want)
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	doc := []byte(`{"events":[` + strings.Repeat(`{"type":"PushEvent","message":"Fix \"quoted\" text\nsecond line ✓ and a longer commit message body","id":12345678,"f":1.5e3},`, 200) + `{}]}`)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if err := Validate(doc); err != nil {
			b.Fatal(err)
		}
	}
}
