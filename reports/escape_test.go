package reports

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"text, plain", text("parser=sonic/strategy=pool"), "parser=sonic/strategy=pool"},
		{"text, a line break", text("a\nb\r\nc\rd"), "a ⏎ b ⏎ c ⏎ d"},
		{"text, a heading", text("# Heading"), `\# Heading`},
		{"text, a quote", text("> quote"), `\> quote`},
		{"text, a list item", text("- item"), `\- item`},
		{"text, an ordered list item", text("12. item"), `12\. item`},
		{"text, an ordered list item with )", text("3) item"), `3\) item`},
		{"text, a number", text("1.5 is not an integer"), `1\.5 is not an integer`},
		{"text, indented code", text("    code"), "code"},
		{"text, inline markup", text("*a* _b_ `c` [d](e) ~f~ \\"), "\\*a\\* \\_b\\_ \\`c\\` \\[d](e) \\~f\\~ \\\\"},
		{"text, HTML", text("<script>&amp;"), `\<script>\&amp;`},
		{"text, a pipe is the table's", text("a|b"), "a|b"},
		{"text, control characters", text("a\x1b[31m\u202eb\tc\x00"), `a\\x1b\[31m\\u202eb c\\x00`},
		{"text, invalid UTF-8", text("a\xffb"), "a\uFFFDb"},
		{"code, plain", code("a b"), "`a b`"},
		{"code, a backquote", code("a`b"), "``a`b``"},
		{"code, backquotes at the ends", code("`a``"), "``` `a`` ```"},
		{"code, spaces at both ends", code(" a "), "`  a  `"},
		{"code, a line break", code("a\n# b"), "`a ⏎ # b`"},
		{"code, empty", code(""), "(empty)"},
		{"code, HTML stays literal", code("<b>&"), "`<b>&`"},
		{"link, a plain path", link("step-1", "step-1/report.md"), "[step-1](step-1/report.md)"},
		{"link, outside", link("x", "../x/report.md"), "`x`"},
		{"link, absolute", link("x", "/x/report.md"), "`x`"},
		{"link, markup in the path", link("a)b", "a)b/report.md"), "`a)b`"},
		{"shellWord, plain", shellWord("1GiB"), "1GiB"},
		{"shellWord, a command", shellWord("$(rm -rf ~)"), "'$(rm -rf ~)'"},
		{"shellWord, a quote", shellWord("it's"), `'it'\''s'`},
		{"shellWord, empty", shellWord(""), "''"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestWriteFenced(t *testing.T) {
	tests := []struct {
		info, body, want string
	}{
		{"", "got:  x\nwant: y", "```\ngot:  x\nwant: y\n```\n\n"},
		{"json", "{\"a\": \"```\"}\n", "````json\n{\"a\": \"```\"}\n````\n\n"},
		{"sh", "a\n``````\nb", "```````sh\na\n``````\nb\n```````\n\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		writeFenced(&b, tt.info, tt.body)
		if b.String() != tt.want {
			t.Errorf("writeFenced(%q, %q) = %q, want %q", tt.info, tt.body, b.String(), tt.want)
		}
	}
}

// A table escapes the "|" of its cells, in text and in code spans.
func TestTableEscapesPipes(t *testing.T) {
	var b strings.Builder
	tb := table{head: []string{"a", "b"}}
	tb.add(text(`x|y\`), code("-filter 'std|sonic'"))
	tb.write(&b)
	want := "| a | b |\n| --- | --- |\n| x\\|y\\\\ | `-filter 'std\\|sonic'` |\n\n"
	if b.String() != want {
		t.Errorf("table = %q, want %q", b.String(), want)
	}
}
