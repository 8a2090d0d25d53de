package strictjson

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"unicode/utf8"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		lit  string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"7", 7, true},
		{"-42", -42, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false},
		{"99999999999999999999999", 0, false},
		{"01", 0, false},
		{"-01", 0, false},
		{"1.0", 0, false},
		{"1e3", 0, false},
		{"1E3", 0, false},
		{`"3"`, 0, false},
		{"-", 0, false},
		{"", 0, false},
		{"+1", 0, false},
		{"null", 0, false},
		{"true", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseInt([]byte(tc.lit))
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseInt(%q) = %d, %v, want %d, ok=%v", tc.lit, got, err, tc.want, tc.ok)
		}
	}
}

// FuzzParseInt checks ParseInt against strconv on literals that are
// integers by the JSON grammar.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-0", "12", "-9223372036854775808", "1.0", "01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, lit string) {
		got, err := ParseInt([]byte(lit))
		isJSONInt := json.Valid([]byte(lit)) && lit != "" && !bytes.ContainsAny([]byte(lit), ".eE\"tfn[{ \t\r\n")
		want, werr := strconv.ParseInt(lit, 10, 64)
		ok := isJSONInt && werr == nil
		if (err == nil) != ok || err == nil && got != want {
			t.Fatalf("ParseInt(%q) = %d, %v; strconv = %d, %v; JSON integer: %v", lit, got, err, want, werr, isJSONInt)
		}
	})
}

// FuzzAppendUnescaped checks that strings decode exactly as encoding/json
// decodes them.
func FuzzAppendUnescaped(f *testing.F) {
	for _, s := range []string{`a\"b`, `\ud83d\ude80`, `\ud800`, `\udc00\ud800x`, `\ud800\u0041`, `\u00e9\n\t\/`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		quoted := []byte(`"` + raw + `"`)
		if !json.Valid(quoted) || !utf8.ValidString(raw) {
			return
		}
		var want string
		if err := json.Unmarshal(quoted, &want); err != nil {
			t.Fatal(err)
		}
		got, err := AppendUnescaped(nil, []byte(raw))
		if err != nil || string(got) != want {
			t.Fatalf("AppendUnescaped(%q) = %q, %v, want %q", raw, got, err, want)
		}
	})
}

// TestAppendQuoted: the canonical bytes' escaping, JSON's minimum: no
// escaping of /, <, >, &, DEL, U+2028 or U+2029, lower-case \u00xx.
func TestAppendQuoted(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x1f", `"\u0000\u001f"`},
		{"/<>&\x7f\u2028\u2029é😀", "\"/<>&\x7f\u2028\u2029é😀\""},
	} {
		if got := string(AppendQuoted([]byte("x"), tc.in)); got != "x"+tc.want {
			t.Errorf("AppendQuoted(%q) = %s, want x%s", tc.in, got, tc.want)
		}
	}
}
