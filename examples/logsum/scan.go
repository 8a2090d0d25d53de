package main

import (
	"encoding/json"
	"errors"
	"fmt"
)

// The hand-rolled implementation: one pass over each line that checks
// the JSON grammar exactly as encoding/json does (with its nesting limit)
// and picks out the top-level "bytes" value, allocating nothing on the way
// but for keys written with escapes, which are rare and which it unescapes
// with encoding/json so that they match as the std implementation's do.

// maxDepth is encoding/json's nesting limit: 10000 levels of objects and
// arrays are valid, 10001 are an error.
const maxDepth = 10000

var errNotObject = errors.New("not a JSON object")

// scanLine checks that b is one JSON object and returns the value of its
// last top-level "bytes" key, if it has one (has).
func scanLine(b []byte) (n int64, has bool, err error) {
	s := scanner{b: b}
	s.space()
	if s.peek() != '{' {
		return 0, false, errNotObject
	}
	var raw []byte
	err = s.object(1, func(key []byte, escaped bool, value []byte) {
		if isBytes(key, escaped) {
			raw, has = value, true
		}
	})
	if err == nil {
		err = s.end()
	}
	if err != nil {
		return 0, false, err
	}
	if has {
		var ok bool
		if n, ok = parseInt64(raw); !ok {
			return 0, false, fmt.Errorf(`"bytes" is %.40s, not an int64`, raw)
		}
	}
	return n, has, nil
}

// isBytes reports whether the key, the bytes between a string's quotes,
// is "bytes" once unescaped.
func isBytes(key []byte, escaped bool) bool {
	if !escaped {
		return string(key) == "bytes"
	}
	quoted := make([]byte, 0, len(key)+2)
	quoted = append(append(append(quoted, '"'), key...), '"')
	var k string
	return json.Unmarshal(quoted, &k) == nil && k == "bytes"
}

// parseInt64 parses a JSON number that must be an integer in int64's
// range: -?[0-9]+, no leading zeros (the grammar checked them).
func parseInt64(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case neg && u <= 1<<63:
		return int64(-u), true
	case !neg && u < 1<<63:
		return int64(u), true
	}
	return 0, false
}

// scanner reads one JSON text from b.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: "+format, append([]any{s.i}, args...)...)
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// end checks that only whitespace follows the value.
func (s *scanner) end() error {
	s.space()
	if s.i != len(s.b) {
		return s.errorf("invalid character %q after top-level value", s.b[s.i])
	}
	return nil
}

// object reads an object at nesting depth (1 for the top level) and calls
// member with each key (the bytes between its quotes; escaped when they
// hold a backslash) and its value's bytes, if member is not nil.
func (s *scanner) object(depth int, member func(key []byte, escaped bool, value []byte)) error {
	if depth > maxDepth {
		return s.errorf("exceeded max depth")
	}
	s.i++ // '{'
	s.space()
	if s.peek() == '}' {
		s.i++
		return nil
	}
	for {
		s.space()
		if s.peek() != '"' {
			return s.errorf("want a string key")
		}
		start := s.i + 1
		escaped, err := s.str()
		if err != nil {
			return err
		}
		key := s.b[start : s.i-1]
		s.space()
		if s.peek() != ':' {
			return s.errorf("want ':' after an object key")
		}
		s.i++
		s.space()
		vstart := s.i
		if err := s.skipValue(depth); err != nil {
			return err
		}
		if member != nil {
			member(key, escaped, s.b[vstart:s.i])
		}
		s.space()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return s.errorf("want ',' or '}' after an object value")
		}
	}
}

// array reads an array at nesting depth.
func (s *scanner) array(depth int) error {
	if depth > maxDepth {
		return s.errorf("exceeded max depth")
	}
	s.i++ // '['
	s.space()
	if s.peek() == ']' {
		s.i++
		return nil
	}
	for {
		s.space()
		if err := s.skipValue(depth); err != nil {
			return err
		}
		s.space()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return s.errorf("want ',' or ']' after an array element")
		}
	}
}

// skipValue reads one value inside a container at depth (0 for none).
func (s *scanner) skipValue(depth int) error {
	switch c := s.peek(); {
	case c == '{':
		return s.object(depth+1, nil)
	case c == '[':
		return s.array(depth + 1)
	case c == '"':
		_, err := s.str()
		return err
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.errorf("want a value")
}

func (s *scanner) literal(word string) error {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return s.errorf("want %s", word)
	}
	s.i += len(word)
	return nil
}

// str reads a string, reporting whether it holds an escape. Bytes of
// 0x80 and above pass as they are: encoding/json takes invalid UTF-8.
func (s *scanner) str() (escaped bool, err error) {
	s.i++ // '"'
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return escaped, nil
		case c < 0x20:
			return false, s.errorf("control character in a string")
		case c == '\\':
			escaped = true
			s.i++
			switch s.peek() {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				s.i++
				for range 4 {
					if !isHex(s.peek()) {
						return false, s.errorf(`want 4 hex digits after \u`)
					}
					s.i++
				}
			default:
				return false, s.errorf("invalid escape")
			}
		default:
			s.i++
		}
	}
	return false, s.errorf("unterminated string")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *scanner) number() error {
	if s.peek() == '-' {
		s.i++
	}
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case '1' <= c && c <= '9':
		for isDigit(s.peek()) {
			s.i++
		}
	default:
		return s.errorf("want a digit")
	}
	if s.peek() == '.' {
		s.i++
		if !isDigit(s.peek()) {
			return s.errorf("want a digit after '.'")
		}
		for isDigit(s.peek()) {
			s.i++
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !isDigit(s.peek()) {
			return s.errorf("want a digit in an exponent")
		}
		for isDigit(s.peek()) {
			s.i++
		}
	}
	return nil
}
