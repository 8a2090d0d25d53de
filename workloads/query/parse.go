package query

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"benchgrid/workload/strictjson"
)

// String is the type's name in a query file: string, int, bool, length.
func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Int:
		return "int"
	case Bool:
		return "bool"
	case Length:
		return "length"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// typeNames lists the types by their names in a query file.
var typeNames = map[string]Type{"string": String, "int": Int, "bool": Bool, "length": Length}

// String names the kind: absent, null, found, mismatch.
func (k Kind) String() string {
	switch k {
	case Absent:
		return "absent"
	case Null:
		return "null"
	case Found:
		return "found"
	case Mismatch:
		return "mismatch"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ops lists the aggregate operations in docs/query.md's order.
var ops = []Op{CountBy, Distinct, Sum, Min, Max, Top}

// Fits reports whether op may aggregate a field of type t (docs/query.md's
// table of aggregates): count_by, distinct and top take string, int and
// bool; sum takes int and length; min and max take any type.
func (op Op) Fits(t Type) bool {
	switch op {
	case CountBy, Distinct, Top:
		return t == String || t == Int || t == Bool
	case Sum:
		return t == Int || t == Length
	case Min, Max:
		return t >= String && t <= Length
	}
	return false
}

// Name is the aggregate's member name in the result, OP:FIELD
// ("count_by:lang").
func (q *Query) Name(a Aggregate) string {
	return string(a.Op) + ":" + q.Fields[a.Field].Name
}

// String returns p as a JSON Pointer, escaping ~ as ~0 and / as ~1.
func (p Pointer) String() string {
	var b strings.Builder
	for _, t := range p {
		b.WriteByte('/')
		for i := 0; i < len(t.Name); i++ {
			switch c := t.Name[i]; c {
			case '~':
				b.WriteString("~0")
			case '/':
				b.WriteString("~1")
			default:
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// ParsePointer parses s, a JSON Pointer (RFC 6901) as a query file holds
// it, already unescaped from its JSON string: "" or tokens each after a
// "/", in which ~0 is ~ and ~1 is /; a ~ followed by anything else, or by
// nothing, is an error. Each token's Index is its value when it is a
// decimal index without leading zeros that fits an int, and -1 otherwise.
func ParsePointer(s string) (Pointer, error) {
	if s == "" {
		return Pointer{}, nil
	}
	if s[0] != '/' {
		return nil, fmt.Errorf("invalid JSON Pointer %q: it must be \"\" or start with \"/\"", s)
	}
	parts := strings.Split(s[1:], "/")
	p := make(Pointer, len(parts))
	for i, part := range parts {
		name, err := unescapeToken(part)
		if err != nil {
			return nil, fmt.Errorf("invalid JSON Pointer %q: token %d: %w", s, i+1, err)
		}
		p[i] = Token{Name: name, Index: tokenIndex(name)}
	}
	return p, nil
}

func unescapeToken(t string) (string, error) {
	if !strings.Contains(t, "~") {
		return t, nil
	}
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '~' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(t) {
			return "", errors.New(`"~" at the end (want ~0 or ~1)`)
		}
		switch t[i+1] {
		case '0':
			b.WriteByte('~')
		case '1':
			b.WriteByte('/')
		default:
			return "", fmt.Errorf(`"~" followed by %q (want ~0 or ~1)`, t[i+1:i+2])
		}
		i++
	}
	return b.String(), nil
}

// tokenIndex is the array index a token denotes, or -1.
func tokenIndex(name string) int {
	if name == "" || len(name) > 1 && name[0] == '0' {
		return -1
	}
	for i := 0; i < len(name); i++ {
		if name[i] < '0' || name[i] > '9' {
			return -1
		}
	}
	n, err := strconv.Atoi(name)
	if err != nil {
		return -1 // beyond int
	}
	return n
}

// Parse reads a query file (docs/query.md, "The query file"). It is strict:
// the file must be one valid JSON object (as strictjson.Validate checks,
// with no duplicate member names in any object); an unknown member
// anywhere, a member of the wrong JSON type, a missing required member, an
// empty or repeated field name, an unknown type or op, an aggregate naming
// an undefined field or whose op does not fit the field's type, a missing
// or non-positive n for top (or an n elsewhere), two aggregates with the
// same op and field, and a records or path that is not a valid JSON
// Pointer are errors, each naming where it is. `fields` and `aggregates`
// may be absent, meaning empty.
func Parse(data []byte) (*Query, error) {
	if err := strictjson.Validate(data); err != nil {
		return nil, fmt.Errorf("the query file is not valid JSON: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	root, err := readValue(dec, "")
	if err != nil {
		return nil, err
	}
	top, err := root.object("the query file")
	if err != nil {
		return nil, err
	}
	q := &Query{}
	var fields, aggs []jsonValue
	for _, m := range top {
		switch m.name {
		case "records":
			s, err := m.val.str("records")
			if err != nil {
				return nil, err
			}
			if q.Records, err = ParsePointer(s); err != nil {
				return nil, fmt.Errorf("records: %w", err)
			}
			q.HasRecords = true
		case "fields":
			if fields, err = m.val.array("fields"); err != nil {
				return nil, err
			}
		case "aggregates":
			if aggs, err = m.val.array("aggregates"); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unknown member %q in the query file (want records, fields, aggregates)", m.name)
		}
	}
	byName := map[string]int{}
	for i, v := range fields {
		f, err := parseField(v, fmt.Sprintf("fields[%d]", i))
		if err != nil {
			return nil, err
		}
		if j, dup := byName[f.Name]; dup {
			return nil, fmt.Errorf("fields[%d]: name %q is already fields[%d]'s", i, f.Name, j)
		}
		byName[f.Name] = i
		q.Fields = append(q.Fields, f)
	}
	seen := map[string]int{}
	for i, v := range aggs {
		where := fmt.Sprintf("aggregates[%d]", i)
		a, err := parseAggregate(v, where, q.Fields, byName)
		if err != nil {
			return nil, err
		}
		name := q.Name(a)
		if j, dup := seen[name]; dup {
			return nil, fmt.Errorf("%s: %q is already aggregates[%d] (one aggregate per op and field)", where, name, j)
		}
		seen[name] = i
		q.Aggregates = append(q.Aggregates, a)
	}
	return q, nil
}

func parseField(v jsonValue, where string) (Field, error) {
	members, err := v.object(where)
	if err != nil {
		return Field{}, err
	}
	var f Field
	var haveName, havePath, haveType bool
	for _, m := range members {
		at := where + "." + m.name
		switch m.name {
		case "name":
			if f.Name, err = m.val.str(at); err != nil {
				return Field{}, err
			}
			if f.Name == "" {
				return Field{}, fmt.Errorf("%s: a field's name must not be empty", at)
			}
			haveName = true
		case "path":
			s, err := m.val.str(at)
			if err != nil {
				return Field{}, err
			}
			if f.Path, err = ParsePointer(s); err != nil {
				return Field{}, fmt.Errorf("%s: %w", at, err)
			}
			havePath = true
		case "type":
			s, err := m.val.str(at)
			if err != nil {
				return Field{}, err
			}
			t, ok := typeNames[s]
			if !ok {
				return Field{}, fmt.Errorf("%s: unknown type %q (want string, int, bool or length)", at, s)
			}
			f.Type, haveType = t, true
		case "optional":
			if f.Optional, err = m.val.boolean(at); err != nil {
				return Field{}, err
			}
		default:
			return Field{}, fmt.Errorf("%s: unknown member %q (want name, path, type, optional)", where, m.name)
		}
	}
	switch {
	case !haveName:
		return Field{}, fmt.Errorf(`%s: "name" is missing`, where)
	case !havePath:
		return Field{}, fmt.Errorf(`%s: "path" is missing`, where)
	case !haveType:
		return Field{}, fmt.Errorf(`%s: "type" is missing`, where)
	}
	return f, nil
}

func parseAggregate(v jsonValue, where string, fields []Field, byName map[string]int) (Aggregate, error) {
	members, err := v.object(where)
	if err != nil {
		return Aggregate{}, err
	}
	var a Aggregate
	var op, field string
	var haveOp, haveField, haveN bool
	for _, m := range members {
		at := where + "." + m.name
		switch m.name {
		case "op":
			if op, err = m.val.str(at); err != nil {
				return Aggregate{}, err
			}
			haveOp = true
		case "field":
			if field, err = m.val.str(at); err != nil {
				return Aggregate{}, err
			}
			haveField = true
		case "n":
			if m.val.kind != 'n' {
				return Aggregate{}, fmt.Errorf("%s: want an integer of 1 or more, have %s", at, m.val.describe())
			}
			n, err := strictjson.ParseInt([]byte(m.val.s))
			if err != nil || n < 1 || int64(int(n)) != n {
				return Aggregate{}, fmt.Errorf("%s: want an integer of 1 or more, have %s", at, m.val.s)
			}
			a.N, haveN = int(n), true
		default:
			return Aggregate{}, fmt.Errorf("%s: unknown member %q (want op, field, and n for top)", where, m.name)
		}
	}
	if !haveOp {
		return Aggregate{}, fmt.Errorf(`%s: "op" is missing`, where)
	}
	a.Op = Op(op)
	known := false
	for _, o := range ops {
		known = known || o == a.Op
	}
	if !known {
		return Aggregate{}, fmt.Errorf("%s: unknown op %q (want count_by, distinct, sum, min, max or top)", where, op)
	}
	if !haveField {
		return Aggregate{}, fmt.Errorf(`%s: "field" is missing`, where)
	}
	i, ok := byName[field]
	if !ok {
		return Aggregate{}, fmt.Errorf("%s: field %q is not defined in fields", where, field)
	}
	a.Field = i
	if !a.Op.Fits(fields[i].Type) {
		return Aggregate{}, fmt.Errorf("%s: op %q does not fit field %q of type %s", where, op, field, fields[i].Type)
	}
	switch {
	case a.Op == Top && !haveN:
		return Aggregate{}, fmt.Errorf(`%s: top needs "n", an integer of 1 or more`, where)
	case a.Op != Top && haveN:
		return Aggregate{}, fmt.Errorf(`%s: "n" belongs to top alone, not to %s`, where, op)
	}
	return a, nil
}

// A jsonValue is one value of the query file, decoded with its objects'
// members in order.
type jsonValue struct {
	kind    byte // '{', '[', '"', 'n' (number), 'b' (boolean), '0' (null)
	s       string
	b       bool
	arr     []jsonValue
	members []jsonMember
}

type jsonMember struct {
	name string
	val  jsonValue
}

// readValue reads the next value from dec, which holds valid JSON;
// where names it for errors about duplicate member names.
func readValue(dec *json.Decoder, where string) (jsonValue, error) {
	tok, err := dec.Token()
	if err != nil {
		return jsonValue{}, fmt.Errorf("reading the query file: %w", err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			v := jsonValue{kind: '['}
			for i := 0; dec.More(); i++ {
				e, err := readValue(dec, fmt.Sprintf("%s[%d]", where, i))
				if err != nil {
					return jsonValue{}, err
				}
				v.arr = append(v.arr, e)
			}
			_, err = dec.Token()
			return v, err
		}
		v := jsonValue{kind: '{'}
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return jsonValue{}, fmt.Errorf("reading the query file: %w", err)
			}
			name := k.(string)
			at := name
			if where != "" {
				at = where + "." + name
			}
			if seen[name] {
				in := where
				if in == "" {
					in = "the query file"
				}
				return jsonValue{}, fmt.Errorf("duplicate member %q in %s", name, in)
			}
			seen[name] = true
			e, err := readValue(dec, at)
			if err != nil {
				return jsonValue{}, err
			}
			v.members = append(v.members, jsonMember{name, e})
		}
		_, err = dec.Token()
		return v, err
	case string:
		return jsonValue{kind: '"', s: t}, nil
	case json.Number:
		return jsonValue{kind: 'n', s: string(t)}, nil
	case bool:
		return jsonValue{kind: 'b', b: t}, nil
	case nil:
		return jsonValue{kind: '0'}, nil
	}
	return jsonValue{}, fmt.Errorf("reading the query file: unexpected token %v", tok)
}

func (v jsonValue) describe() string {
	switch v.kind {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "a number"
	case 'b':
		return "a boolean"
	}
	return "null"
}

func (v jsonValue) object(where string) ([]jsonMember, error) {
	if v.kind != '{' {
		return nil, fmt.Errorf("%s: want an object, have %s", where, v.describe())
	}
	return v.members, nil
}

func (v jsonValue) array(where string) ([]jsonValue, error) {
	if v.kind != '[' {
		return nil, fmt.Errorf("%s: want an array, have %s", where, v.describe())
	}
	return v.arr, nil
}

func (v jsonValue) str(where string) (string, error) {
	if v.kind != '"' {
		return "", fmt.Errorf("%s: want a string, have %s", where, v.describe())
	}
	return v.s, nil
}

func (v jsonValue) boolean(where string) (bool, error) {
	if v.kind != 'b' {
		return false, fmt.Errorf("%s: want true or false, have %s", where, v.describe())
	}
	return v.b, nil
}
