package reports

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Every string a report takes from the result files — paths, reasons,
// commands, labels, versions, warnings, stderr, canonical lines, cell names
// — goes through one of these on its way into markdown, for the place it
// goes: text for inline text (paragraphs, list items, headings, table
// cells), code for a code span, writeFenced for a fenced code block, link
// for a link. The table escapes "|" in its cells itself. So data can never
// start a line, end a table cell, open or close a block, or become HTML or a
// link.

// visible makes s one line of valid UTF-8 with every control character
// shown: a line break as " ⏎ ", a tab as a space, any other control or
// bidirectional formatting character as a Go escape (\x1b, \u202e).
func visible(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteString(" ⏎ ")
		case r == '\t':
			b.WriteByte(' ')
		case r < utf8.RuneSelf && unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oneLine is s without its final line break, visible: a canonical line
// in a fenced code block.
func oneLine(s string) string { return visible(strings.TrimRight(s, "\n")) }

// inlineSpecial are the characters that can start inline markup anywhere
// in a line: escapes, code, emphasis, links and images, HTML and entities,
// strikethrough. (A "]" or a ">" alone starts nothing.)
const inlineSpecial = "\\`*_[<&~"

// leadingSpecial are the characters that can open a block at the start of
// a line or of a list item: headings, block quotes, list items, setext
// underlines.
const leadingSpecial = "#>+-="

// text escapes s for inline markdown: visible, trimmed, and with every
// character that could open markup backslash-escaped, so it renders as
// the very characters of s, wherever it stands in a line.
func text(s string) string {
	s = strings.TrimSpace(visible(s))
	var b strings.Builder
	for i, r := range s {
		if strings.ContainsRune(inlineSpecial, r) || (i == 0 && strings.ContainsRune(leadingSpecial, r)) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	out := b.String()
	// An ordered list marker: up to nine digits, then "." or ")".
	if n := len(out) - len(strings.TrimLeft(out, "0123456789")); n > 0 && n <= 9 && n < len(out) && (out[n] == '.' || out[n] == ')') {
		out = out[:n] + `\` + out[n:]
	}
	return out
}

// altText escapes s for an image's alt text: as text, and a "]" does not
// end it.
func altText(s string) string { return strings.ReplaceAll(text(s), "]", `\]`) }

// code wraps s in a code span, visible, with a fence of backquotes longer
// than any run of them in s, padded with a space where a backquote or a
// space at either end would otherwise be lost.
func code(s string) string {
	s = visible(s)
	if s == "" {
		return "(empty)"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") ||
		(strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.Trim(s, " ") != "") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// writeFenced writes body as a fenced code block with the given info
// string ("json", "sh" or ""), fenced by more backquotes than any run of
// them in body, so no line of body can close it.
func writeFenced(b *strings.Builder, info, body string) {
	fence := strings.Repeat("`", max(3, longestRun(body, '`')+1))
	b.WriteString(fence + info + "\n" + strings.TrimRight(body, "\n") + "\n" + fence + "\n\n")
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := range len(s) {
		if s[i] != c {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return longest
}

// safeDest matches the link destinations a report writes from data: plain
// relative paths.
var safeDest = regexp.MustCompile(`^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$`)

// link links label to dest, a relative path from the result files, when
// dest is a plain path inside the folder; else it shows label as code and
// links nothing.
func link(label, dest string) string {
	for _, part := range strings.Split(dest, "/") {
		if part == ".." {
			return code(label)
		}
	}
	if !safeDest.MatchString(dest) || path.IsAbs(dest) {
		return code(label)
	}
	return "[" + text(label) + "](" + dest + ")"
}

// shellWord quotes s for a POSIX shell, unless it is made only of
// characters no shell interprets.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+%,:/=@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(visible(s), "'", `'\''`) + "'"
}
