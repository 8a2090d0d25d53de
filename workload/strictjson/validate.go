// Package strictjson checks that a document is JSON exactly as the events
// contract requires: RFC 8259 grammar, valid UTF-8 throughout, only space,
// tab, LF and CR as whitespace, and nesting no deeper than encoding/json's
// limit of 10,000 levels.
//
// Adapters whose parser is lenient (fastjson accepts NaN and raw control
// characters, simdjson-go does not check UTF-8, …) run it before parsing so
// that every adapter gives the same verdict. It is one fast pass: string
// contents, the bulk of a document, are skipped eight bytes at a time.
package strictjson

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of arrays and objects a valid document
// may have: encoding/json's limit.
const MaxDepth = 10000

// A SyntaxError says where and why a document is not valid.
type SyntaxError struct {
	Offset int // byte offset of the problem
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// ErrTooDeep is wrapped by the error for a document nested deeper than
// MaxDepth.
var ErrTooDeep = errors.New("nesting deeper than 10000")

// Validate returns nil when data is one valid JSON value, optionally
// surrounded by whitespace, and a *SyntaxError otherwise.
func Validate(data []byte) error {
	var small [64]byte
	stack := small[:0] // open containers: '{' or '['
	i := skipSpace(data, 0)
	for {
		// A value starts at i.
		if i >= len(data) {
			return syntaxError(i, "unexpected end of input")
		}
		var err error
		switch c := data[i]; {
		case c == '{' || c == '[':
			if len(stack) == MaxDepth {
				return &SyntaxError{i, ErrTooDeep.Error()}
			}
			stack = append(stack, c)
			i = skipSpace(data, i+1)
			if i < len(data) && data[i] == c+2 { // '}' is '{'+2, ']' is '['+2
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if c == '{' {
				if i, err = member(data, i); err != nil {
					return err
				}
			}
			continue
		case c == '"':
			i, err = str(data, i)
		case c == 't':
			i, err = literal(data, i, "true")
		case c == 'f':
			i, err = literal(data, i, "false")
		case c == 'n':
			i, err = literal(data, i, "null")
		case c == '-' || '0' <= c && c <= '9':
			i, err = number(data, i)
		default:
			return syntaxError(i, fmt.Sprintf("unexpected %s looking for a value", describe(data, i)))
		}
		if err != nil {
			return err
		}
		// A value ended at i: close containers until one goes on.
		for {
			i = skipSpace(data, i)
			if len(stack) == 0 {
				if i != len(data) {
					return syntaxError(i, fmt.Sprintf("unexpected %s after the top-level value", describe(data, i)))
				}
				return nil
			}
			if i >= len(data) {
				return syntaxError(i, "unexpected end of input")
			}
			open := stack[len(stack)-1]
			if data[i] == open+2 {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			if data[i] != ',' {
				return syntaxError(i, fmt.Sprintf("unexpected %s after a value in %s", describe(data, i), containerName(open)))
			}
			i = skipSpace(data, i+1)
			if open == '{' {
				if i, err = member(data, i); err != nil {
					return err
				}
			}
			break
		}
	}
}

func containerName(open byte) string {
	if open == '{' {
		return "an object"
	}
	return "an array"
}

// member checks `"name" :` at i and returns the offset after the colon.
func member(data []byte, i int) (int, error) {
	if i >= len(data) || data[i] != '"' {
		return i, syntaxError(i, fmt.Sprintf("unexpected %s looking for a member name", describe(data, i)))
	}
	i, err := str(data, i)
	if err != nil {
		return i, err
	}
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != ':' {
		return i, syntaxError(i, fmt.Sprintf("unexpected %s after a member name", describe(data, i)))
	}
	return skipSpace(data, i+1), nil
}

func syntaxError(i int, msg string) error { return &SyntaxError{i, msg} }

func describe(data []byte, i int) string {
	if i >= len(data) {
		return "end of input"
	}
	c := data[i]
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return fmt.Sprintf("%q", c)
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func literal(data []byte, i int, want string) (int, error) {
	if len(data)-i < len(want) || string(data[i:i+len(want)]) != want {
		return i, syntaxError(i, fmt.Sprintf("invalid literal, want %s", want))
	}
	return i + len(want), nil
}

func number(data []byte, i int) (int, error) {
	start := i
	if data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		i = digits(data, i)
	default:
		return i, syntaxError(start, "invalid number")
	}
	if i < len(data) && data[i] == '.' {
		j := digits(data, i+1)
		if j == i+1 {
			return i, syntaxError(start, "invalid number: no digit after the decimal point")
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := digits(data, i)
		if j == i {
			return i, syntaxError(start, "invalid number: no digit in the exponent")
		}
		i = j
	}
	return i, nil
}

func digits(data []byte, i int) int {
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

const (
	lows  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plain reports whether none of the 8 bytes in x needs a closer look
// inside a string: no control character, quote, backslash or non-ASCII.
func plain(x uint64) bool {
	control := (x - 0x20*lows) &^ x // a byte below 0x20 (exact when no byte has its high bit set)
	return (control|hasZero(x^'"'*lows)|hasZero(x^'\\'*lows)|x)&highs == 0
}

// hasZero has the high bit of some byte set when some byte of v is zero.
func hasZero(v uint64) uint64 { return (v - lows) &^ v }

// str checks the string that starts with the quote at i and returns the
// offset after its closing quote.
func str(data []byte, i int) (int, error) {
	start := i
	i++
	for {
		for len(data)-i >= 8 && plain(binary.LittleEndian.Uint64(data[i:])) {
			i += 8
		}
		if i >= len(data) {
			return i, syntaxError(start, "unterminated string")
		}
		c := data[i]
		switch {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(data) {
				return i, syntaxError(start, "unterminated string")
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(data)-i < 6 || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					return i, syntaxError(i, "invalid \\u escape")
				}
				i += 6
			default:
				return i, syntaxError(i, fmt.Sprintf("invalid escape \\%c", data[i+1]))
			}
		case c < 0x20:
			return i, syntaxError(i, fmt.Sprintf("control character 0x%02x in a string", c))
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				return i, syntaxError(i, fmt.Sprintf("invalid UTF-8 byte 0x%02x", c))
			}
			i += size
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
