package gen

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// rng draws everything the generator decides. It uses only PCG's 64-bit
// outputs and integer arithmetic (no floating point, no math/rand/v2
// helpers whose algorithms a later Go release may change), so a seed gives
// the same corpus on every machine and every Go version.
type rng struct{ pcg rand.PCG }

func newRNG(seed, stream uint64) *rng {
	r := new(rng)
	r.seed(seed, stream)
	return r
}

// seed restarts r on (seed, stream), as newRNG would make it: a writer
// reuses one rng for all its files.
func (r *rng) seed(seed, stream uint64) { r.pcg.Seed(seed, splitmix(stream)) }

// splitmix scrambles a stream number so that neighbouring file indices get
// unrelated PCG streams.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func (r *rng) u64() uint64 { return r.pcg.Uint64() }

// intn returns a number in [0, n); n > 0.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.u64(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// permille reports true with probability p/1000.
func (r *rng) permille(p int) bool { return r.intn(1000) < p }

func pick[T any](r *rng, s []T) T { return s[r.intn(len(s))] }

// A cumTable samples indices with fixed integer weights.
type cumTable []uint64

func newCumTable(weights []uint64) cumTable {
	t := make(cumTable, len(weights))
	var sum uint64
	for i, w := range weights {
		sum += w
		t[i] = sum
	}
	return t
}

// zipfTable weights rank k (from 0) by 1/(k+q): a Zipf law with exponent 1,
// computed in integers.
func zipfTable(n int, q uint64) cumTable {
	w := make([]uint64, n)
	for k := range w {
		w[k] = (1 << 48) / (uint64(k) + q)
	}
	return newCumTable(w)
}

func (t cumTable) draw(r *rng) int {
	hi, _ := bits.Mul64(r.u64(), t[len(t)-1])
	i, _ := slices.BinarySearch(t, hi+1)
	return i
}

// escMode says how a string is escaped beyond what JSON requires.
type escMode uint8

const (
	escUnicode escMode = 1 << iota // every non-ASCII character as \uXXXX (pairs above U+FFFF)
	escUpper                       // upper-case hex digits in \u escapes
	escSlash                       // "/" as "\/"
)

const hexLower, hexUpper = "0123456789abcdef", "0123456789ABCDEF"

func appendU4(b []byte, r rune, mode escMode) []byte {
	hex := hexLower
	if mode&escUpper != 0 {
		hex = hexUpper
	}
	return append(b, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
}

// appendString appends s, valid UTF-8, as a JSON string.
func appendString(b []byte, s string, mode escMode) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (c != '/' || mode&escSlash == 0) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\', '/':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = appendU4(b, rune(c), mode)
			}
			i++
			start = i
			continue
		}
		if mode&escUnicode == 0 {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		b = append(b, s[start:i]...)
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			b = appendU4(appendU4(b, r1, mode), r2, mode)
		} else {
			b = appendU4(b, r, mode)
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jw writes one JSON document, compact or indented. Callers write a key
// (key, rawKey) before each member's value and call elem before each array
// element's value; values themselves add no separators.
type jw struct {
	b      []byte
	esc    escMode // how the next str is escaped; reset by str
	pretty bool
	nl     string // newline, indent and key separator when pretty
	ind    string
	colon  string
	depth  int
	counts []int // members or elements written at each open level
}

func (w *jw) reset(pretty bool) {
	w.b = w.b[:0]
	w.depth = 0
	w.counts = w.counts[:0]
	w.esc = 0
	w.pretty = pretty
	w.nl, w.ind, w.colon = "\n", "  ", ": "
	if !pretty {
		w.colon = ":"
	}
}

func (w *jw) newline() {
	if !w.pretty {
		return
	}
	w.b = append(w.b, w.nl...)
	for range w.depth {
		w.b = append(w.b, w.ind...)
	}
}

func (w *jw) sep() {
	if len(w.counts) == 0 {
		return
	}
	top := len(w.counts) - 1
	if w.counts[top] > 0 {
		w.b = append(w.b, ',')
	}
	w.counts[top]++
	w.newline()
}

func (w *jw) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.counts = append(w.counts, 0)
}

func (w *jw) close(c byte) {
	n := w.counts[len(w.counts)-1]
	w.counts = w.counts[:len(w.counts)-1]
	w.depth--
	if n > 0 {
		w.newline()
	}
	w.b = append(w.b, c)
}

func (w *jw) obj()    { w.open('{') }
func (w *jw) endObj() { w.close('}') }
func (w *jw) arr()    { w.open('[') }
func (w *jw) endArr() { w.close(']') }

// key starts a member whose name k needs no escaping.
func (w *jw) key(k string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"')
	w.b = append(w.b, w.colon...)
}

// rawKey starts a member whose name is written as is, quotes included (or
// not, for bad inputs).
func (w *jw) rawKey(k string) {
	w.sep()
	w.b = append(w.b, k...)
	w.b = append(w.b, w.colon...)
}

func (w *jw) elem() { w.sep() }

func (w *jw) str(s string) {
	w.b = appendString(w.b, s, w.esc)
	w.esc = 0
}

func (w *jw) int(i int64)     { w.b = strconv.AppendInt(w.b, i, 10) }
func (w *jw) bool(v bool)     { w.b = strconv.AppendBool(w.b, v) }
func (w *jw) null()           { w.b = append(w.b, "null"...) }
func (w *jw) raw(text []byte) { w.b = append(w.b, text...) }

func (w *jw) kstr(k, s string)       { w.key(k); w.str(s) }
func (w *jw) kint(k string, i int64) { w.key(k); w.int(i) }
func (w *jw) kbool(k string, v bool) { w.key(k); w.bool(v) }
func (w *jw) knull(k string)         { w.key(k); w.null() }

// A value is one JSON value still to be written: the generator builds the
// envelope of each event as values so that the catalogue of bad inputs can
// rename, replace, drop and reorder members before anything is written.
type value interface{ write(w *jw) }

// rawVal is written as is: JSON text, or for bad inputs not quite JSON.
type rawVal []byte

// objVal is an object whose members keep their order.
type objVal []kv

// arrVal is an array.
type arrVal []value

// fnVal writes itself: the bulk of a payload, which nothing rewrites.
type fnVal func(w *jw)

// A kv is one member: its key as raw text, quotes included.
type kv struct {
	key string
	val value
}

func (v rawVal) write(w *jw) { w.raw(v) }
func (v fnVal) write(w *jw)  { v(w) }

func (v objVal) write(w *jw) {
	w.obj()
	for _, m := range v {
		w.rawKey(m.key)
		m.val.write(w)
	}
	w.endObj()
}

func (v arrVal) write(w *jw) {
	w.arr()
	for _, e := range v {
		w.elem()
		e.write(w)
	}
	w.endArr()
}

// qk quotes a plain key.
func qk(k string) string { return `"` + k + `"` }

// strVal is the JSON string s.
func strVal(s string) rawVal { return appendString(nil, s, 0) }

// intVal is the JSON number i.
func intVal(i int64) rawVal { return strconv.AppendInt(nil, i, 10) }

// index returns the position of the member whose raw key is key, or -1.
func (o objVal) index(key string) int {
	for i, m := range o {
		if m.key == key {
			return i
		}
	}
	return -1
}

// get returns the value of member key, or nil.
func (o objVal) get(key string) value {
	if i := o.index(key); i >= 0 {
		return o[i].val
	}
	return nil
}

// set replaces member key's value, or appends the member.
func (o objVal) set(key string, v value) objVal {
	if i := o.index(key); i >= 0 {
		o[i].val = v
		return o
	}
	return append(o, kv{key, v})
}

// del removes member key.
func (o objVal) del(key string) objVal {
	if i := o.index(key); i >= 0 {
		return slices.Delete(o, i, i+1)
	}
	return o
}

// rename changes member key's raw key, keeping its place.
func (o objVal) rename(key, to string) objVal {
	if i := o.index(key); i >= 0 {
		o[i].key = to
	}
	return o
}

// sub applies f to the object held by member key.
func (o objVal) sub(key string, f func(objVal) objVal) objVal {
	if i := o.index(key); i >= 0 {
		if inner, ok := o[i].val.(objVal); ok {
			o[i].val = f(inner)
		}
	}
	return o
}
