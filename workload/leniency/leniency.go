// Package leniency closes the leniencies of lenient JSON parsers: checks
// an adapter runs where its parser accepts what rule 1 of docs/events.md
// (and so of docs/query.md) calls invalid — fastjson and
// simdjson-go let NaN, raw control characters and bad escapes through,
// sonic misses invalid escapes in long strings, simdjson-go trims Unicode
// spaces and takes -01.5. The events adapters and the query adapters share
// them; each adapter's comment says which it runs and why.
package leniency

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"unsafe"

	"benchgrid/workload/strictjson"

	"github.com/minio/simdjson-go"
)

// CheckTokens checks every string and scalar token of data: what fastjson
// and simdjson-go let through (see the adapters that run it). It does not check
// the structure, which the parser has checked before it: outside strings it
// expects only whitespace, structural characters and the tokens between
// them, and each token is checked from its first byte to its last.
//
// Checked: strings hold no control character and only valid escapes;
// numbers are -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and end
// there; true, false and null are spelled so; nothing else (NaN, Inf, +1,
// .5) stands outside strings. UTF-8 is left to utf8.Valid, which is faster
// over the whole file.
func CheckTokens(data []byte) error {
	for i := 0; i < len(data); {
		c := data[i]
		if tokenSkip[c] {
			i++
			continue
		}
		switch c {
		case '"':
			j, err := CheckString(data, i)
			if err != nil {
				return err
			}
			i = j
		case 't', 'f', 'n':
			lit := "null"
			if c == 't' {
				lit = "true"
			} else if c == 'f' {
				lit = "false"
			}
			if !bytes.HasPrefix(data[i:], []byte(lit)) {
				return &TokenError{i, "invalid literal"}
			}
			i += len(lit)
		default:
			j, err := checkNumber(data, i)
			if err != nil {
				return err
			}
			i = j
		}
	}
	return nil
}

// tokenSkip marks the bytes CheckTokens passes over outside strings:
// whitespace and structural characters.
var tokenSkip = [256]bool{' ': true, '\t': true, '\n': true, '\r': true, '{': true, '}': true, '[': true, ']': true, ',': true, ':': true}

// A TokenError is a token that is not valid JSON, at Offset.
type TokenError struct {
	Offset int
	Msg    string
}

func (e *TokenError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// checkNumber checks the number token at data[i] and returns the offset
// after it.
func checkNumber(data []byte, i int) (int, error) {
	start := i
	if data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		i = skipDigits(data, i+1)
	default:
		return i, &TokenError{start, fmt.Sprintf("unexpected %q", data[i:min(i+1, len(data))])}
	}
	if i < len(data) && data[i] == '.' {
		j := skipDigits(data, i+1)
		if j == i+1 {
			return i, &TokenError{start, "invalid number: no digit after the decimal point"}
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := skipDigits(data, i)
		if j == i {
			return i, &TokenError{start, "invalid number: no digit in the exponent"}
		}
		i = j
	}
	// The parsers take a longer run of number characters as one token
	// (fastjson: 01, 1.2.3, 1e5e5; simdjson-go: -01.5).
	if i < len(data) {
		switch data[i] {
		case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.', 'e', 'E', '+', '-':
			return i, &TokenError{start, "invalid number"}
		}
	}
	return i, nil
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

const (
	swarOnes  = 0x0101010101010101
	swarHighs = 0x8080808080808080
)

// swarSpecial returns a mask of the bytes of x (little-endian) that end
// a run of string content: control characters, quotes and backslashes.
// Its lowest set bit is exact (the high bit of the first such byte);
// higher bits may be spurious. Bytes from 0x80 up are content: their UTF-8
// is checked apart.
func swarSpecial(x uint64) uint64 {
	// A byte below 0x20 borrows in x - 0x20 and had its high bit clear;
	// a quote or backslash is a zero byte after the XOR.
	control := (x - 0x20*swarOnes) &^ x
	quote := x ^ '"'*swarOnes
	backslash := x ^ '\\'*swarOnes
	return (control | (quote-swarOnes)&^quote | (backslash-swarOnes)&^backslash) & swarHighs
}

// CheckString checks the string whose opening quote is at data[i] (no
// control character, only valid escapes; UTF-8 is the caller's) and
// returns the offset after its closing quote.
func CheckString(data []byte, i int) (int, error) {
	start := i
	i++
	for {
		for len(data)-i >= 8 {
			if m := swarSpecial(binary.LittleEndian.Uint64(data[i:])); m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		if i >= len(data) {
			return i, &TokenError{start, "unterminated string"}
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(data) {
				return i, &TokenError{start, "unterminated string"}
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(data)-i < 6 || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					return i, &TokenError{i, "invalid \\u escape"}
				}
				i += 6
			default:
				return i, &TokenError{i, fmt.Sprintf("invalid escape %q", data[i:i+2])}
			}
		case c < 0x20:
			return i, &TokenError{i, fmt.Sprintf("control character 0x%02x in a string", c)}
		default:
			i++
		}
	}
}

// isHex reports whether c is a hexadecimal digit, as in a \u escape.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// EscapesValid reports the first backslash in data that does not start a
// valid JSON escape. A backslash can only stand inside a string in a
// document the parser has accepted, and walking from the start, escape by
// escape, finds exactly the escapes of every string.
func EscapesValid(data []byte) error {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\\')
		if j < 0 {
			return nil
		}
		i += j
		if i+1 >= len(data) {
			return &TokenError{i, "unterminated escape"}
		}
		switch data[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if len(data)-i < 6 || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
				return &TokenError{i, "invalid \\u escape"}
			}
			i += 6
		default:
			return &TokenError{i, fmt.Sprintf("invalid escape %q", data[i:i+2])}
		}
	}
}

// PairedSurrogates reports whether every surrogate escape in data, a
// document whose escapes are valid, is half of a valid pair: where one is
// not, simdjson-go decodes it its own way (`\ud800\u0041` to U+2441).
func PairedSurrogates(data []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\\')
		if j < 0 {
			return true
		}
		i += j
		if i+1 >= len(data) {
			return true
		}
		if data[i+1] != 'u' || len(data)-i < 6 {
			i += 2
			continue
		}
		u := hex4(data[i+2 : i+6])
		i += 6
		switch {
		case 0xdc00 <= u && u <= 0xdfff:
			return false // a low half first
		case 0xd800 <= u && u <= 0xdbff:
			if len(data)-i < 6 || data[i] != '\\' || data[i+1] != 'u' {
				return false
			}
			if lo := hex4(data[i+2 : i+6]); lo < 0xdc00 || lo > 0xdfff {
				return false
			}
			i += 6
		}
	}
}

func hex4(s []byte) int {
	v := 0
	for _, c := range s {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		v = v*16 + int(c)
	}
	return v
}

// SimdjsonEnds checks that data holds something but JSON whitespace and
// returns the offsets of its first and last byte of value: simdjson-go
// trims with bytes.TrimSpace, which also trims \v, \f, U+0085 and
// U+00A0, and those around the value are not JSON.
func SimdjsonEnds(data []byte) (first, last int, err error) {
	i, j := 0, len(data)
	for i < j && isSpace(data[i]) {
		i++
	}
	for j > i && isSpace(data[j-1]) {
		j--
	}
	if i == j {
		return 0, 0, errors.New("no JSON value")
	}
	if len(bytes.TrimSpace(data)) != j-i {
		return 0, 0, &TokenError{i, "whitespace that JSON does not allow around the value"}
	}
	return i, j - 1, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// SimdjsonTape checks, on data and the tape simdjson-go built from it,
// what simdjson-go does not: nesting no deeper than strictjson.MaxDepth,
// and numbers spelled as JSON requires.
//
// simdjson-go's only wrongly accepted numbers (parse_number.go; confirmed
// on every token of up to 5 characters of [0-9.eE+-]) begin with a minus,
// a zero and a digit (-01.5, -00.5, -01e5, -000000000000000000001), and it
// stores them all as negative floats. Those are rare in practice: when the
// tape holds one (or -0.0), CheckTokens checks every token of the source.
//
// The walk costs one load per tape entry: a tenth of the parse, and about
// half the cost of searching the source for "-0" (which dates are full of).
func SimdjsonTape(tape []uint64, data []byte) error {
	depth := 0
	for i := 0; i < len(tape); i++ {
		switch simdjson.Tag(tape[i] >> simdjson.JSONTAGOFFSET) {
		case simdjson.TagObjectStart, simdjson.TagArrayStart:
			if depth++; depth > strictjson.MaxDepth {
				return fmt.Errorf("nesting deeper than %d", strictjson.MaxDepth)
			}
		case simdjson.TagObjectEnd, simdjson.TagArrayEnd:
			depth--
		case simdjson.TagString, simdjson.TagInteger, simdjson.TagUint:
			i++ // the length or value that follows
		case simdjson.TagFloat:
			i++
			if i < len(tape) && tape[i]>>63 != 0 {
				return CheckTokens(data)
			}
		}
	}
	return nil
}

// Within reports whether s lies inside buf's memory: whether a string a
// parser returned aliases its input, or was decoded elsewhere.
func Within(buf, s []byte) bool {
	if len(buf) == 0 || len(s) == 0 {
		return false
	}
	b := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	return b <= p && p+uintptr(len(s)) <= b+uintptr(len(buf))
}
