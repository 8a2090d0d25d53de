package strictjson

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrNotInteger is returned by ParseInt for a literal that is not an integer.
var ErrNotInteger = errors.New("not an integer")

// ParseInt parses lit, a JSON value's bytes, as the contract's integer: an
// optional minus and digits with no leading zero, no fraction and no
// exponent, fitting int64. "-0" is 0.
func ParseInt(lit []byte) (int64, error) {
	s := lit
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%w: %.40q", ErrNotInteger, lit)
	}
	var u uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: %.40q", ErrNotInteger, lit)
		}
		if u > (1<<63)/10 { // u*10 would leave int64 (and could wrap uint64)
			return 0, fmt.Errorf("%w: %.40q outside int64", ErrNotInteger, lit)
		}
		u = u*10 + uint64(c-'0')
		if u > 1<<63 {
			return 0, fmt.Errorf("%w: %.40q outside int64", ErrNotInteger, lit)
		}
	}
	if neg {
		return -int64(u), nil // -1<<63 wraps to itself, as it should
	}
	if u == 1<<63 {
		return 0, fmt.Errorf("%w: %.40q outside int64", ErrNotInteger, lit)
	}
	return int64(u), nil
}

// AppendUnescaped appends the decoded content of a JSON string to dst. raw
// is what stands between the quotes, already known to be valid JSON. It
// decodes exactly as encoding/json does: a valid surrogate pair escape
// becomes one code point and any other surrogate escape becomes U+FFFD.
func AppendUnescaped(dst, raw []byte) ([]byte, error) {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			j := i + 1
			for j < len(raw) && raw[j] != '\\' {
				j++
			}
			dst = append(dst, raw[i:j]...)
			i = j
			continue
		}
		if i+1 >= len(raw) {
			return dst, errors.New("string ends in a backslash")
		}
		switch e := raw[i+1]; e {
		case '"', '\\', '/':
			dst = append(dst, e)
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(raw[i+2:])
			if r < 0 {
				return dst, fmt.Errorf("bad escape %.6q", raw[i:])
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2 := uEscape(raw[i:]); r2 >= 0 {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						dst = utf8.AppendRune(dst, d)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, fmt.Errorf("bad escape %.2q", raw[i:])
		}
		i += 2
	}
	return dst, nil
}

// uEscape returns the code unit of a \uXXXX escape at the start of s, or -1.
func uEscape(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	return hex4(s[2:])
}

func hex4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
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
		r = r*16 + rune(c)
	}
	return r
}

// AppendQuoted appends s as a JSON string escaped as JSON requires and
// nothing more, as JSON.stringify and RFC 8785 do (the canonical bytes of
// docs/events.md and docs/query.md): \" and \\, \b \f \n \r \t, any other byte below
// 0x20 as \u00xx in lower-case hex, and everything else as it is
// (including /, <, >, &, DEL, U+2028 and U+2029). s is valid UTF-8, being
// a valid document's string or a query file's. encoding/json's default
// escaping of <, >, &, U+2028 and U+2029 is deliberately not used.
func AppendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"
