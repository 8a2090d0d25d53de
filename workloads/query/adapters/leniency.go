package adapters

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"unsafe"
)

// The checks below close the leniencies of lenient parsers; they are the
// events adapters' (package parsers), shared here by the query adapters.
// Each adapter's comment says which it runs and why.

// checkTokens checks every string and scalar token of data: what fastjson
// and simdjson-go let through (see their Decode methods). It does not check
// the structure, which the parser has checked before it: outside strings it
// expects only whitespace, structural characters and the tokens between
// them, and each token is checked from its first byte to its last.
//
// Checked: strings hold no control character and only valid escapes;
// numbers are -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and end
// there; true, false and null are spelled so; nothing else (NaN, Inf, +1,
// .5) stands outside strings. UTF-8 is left to utf8.Valid, which is faster
// over the whole file.
func checkTokens(data []byte) error {
	for i := 0; i < len(data); {
		c := data[i]
		if tokenSkip[c] {
			i++
			continue
		}
		switch c {
		case '"':
			j, err := checkString(data, i)
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
				return &tokenError{i, "invalid literal"}
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

// tokenSkip marks the bytes checkTokens passes over outside strings:
// whitespace and structural characters.
var tokenSkip = [256]bool{' ': true, '\t': true, '\n': true, '\r': true, '{': true, '}': true, '[': true, ']': true, ',': true, ':': true}

// A tokenError is a token that is not valid JSON.
type tokenError struct {
	offset int
	msg    string
}

func (e *tokenError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.offset, e.msg)
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
		return i, &tokenError{start, fmt.Sprintf("unexpected %q", data[i:min(i+1, len(data))])}
	}
	if i < len(data) && data[i] == '.' {
		j := skipDigits(data, i+1)
		if j == i+1 {
			return i, &tokenError{start, "invalid number: no digit after the decimal point"}
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
			return i, &tokenError{start, "invalid number: no digit in the exponent"}
		}
		i = j
	}
	// The parsers take a longer run of number characters as one token
	// (fastjson: 01, 1.2.3, 1e5e5; simdjson-go: -01.5).
	if i < len(data) {
		switch data[i] {
		case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.', 'e', 'E', '+', '-':
			return i, &tokenError{start, "invalid number"}
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

// checkString checks the string whose opening quote is at data[i] and
// returns the offset after its closing quote.
func checkString(data []byte, i int) (int, error) {
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
			return i, &tokenError{start, "unterminated string"}
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(data) {
				return i, &tokenError{start, "unterminated string"}
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(data)-i < 6 || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					return i, &tokenError{i, "invalid \\u escape"}
				}
				i += 6
			default:
				return i, &tokenError{i, fmt.Sprintf("invalid escape %q", data[i:i+2])}
			}
		case c < 0x20:
			return i, &tokenError{i, fmt.Sprintf("control character 0x%02x in a string", c)}
		default:
			i++
		}
	}
}

// isHex reports whether c is a hexadecimal digit, as in a \u escape.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// escapesValid reports the first backslash in data that does not start a
// valid JSON escape. A backslash can only stand inside a string in a
// document the parser has accepted, and walking from the start, escape by
// escape, finds exactly the escapes of every string.
func escapesValid(data []byte) error {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\\')
		if j < 0 {
			return nil
		}
		i += j
		if i+1 >= len(data) {
			return &tokenError{i, "unterminated escape"}
		}
		switch data[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if len(data)-i < 6 || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
				return &tokenError{i, "invalid \\u escape"}
			}
			i += 6
		default:
			return &tokenError{i, fmt.Sprintf("invalid escape %q", data[i:i+2])}
		}
	}
}

// pairedSurrogates reports whether every surrogate escape in data, a
// document whose escapes are valid, is half of a valid pair: where one is
// not, simdjson-go decodes it its own way (`\ud800\u0041` to U+2441).
func pairedSurrogates(data []byte) bool {
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

// within reports whether s lies inside buf's memory.
func within(buf, s []byte) bool {
	if len(buf) == 0 || len(s) == 0 {
		return false
	}
	b := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	return b <= p && p+uintptr(len(s)) <= b+uintptr(len(buf))
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// errInvalidUTF8 is rule 1 for a document that is not valid UTF-8.
var errInvalidUTF8 = errors.New("invalid UTF-8")
