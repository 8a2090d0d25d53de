package leniency

import (
	"testing"

	"benchgrid/workload/strictjson"

	"github.com/minio/simdjson-go"
)

// TestCheckTokens: every token strictjson refuses for its spelling is
// refused, and valid documents pass (the structure is the parser's).
func TestCheckTokens(t *testing.T) {
	for _, tc := range []struct {
		doc string
		ok  bool
	}{
		{`{"a":[1,-0,0.5,1e3,-1.5E-7,true,false,null,"x\u00e9\n"]}`, true},
		{`{"a":NaN}`, false},
		{`{"a":Infinity}`, false},
		{`{"a":+1}`, false},
		{`{"a":.5}`, false},
		{`{"a":01}`, false},
		{`{"a":1.}`, false},
		{`{"a":1e}`, false},
		{`{"a":tru}`, false},
		{`{"a":nulls}`, false},
		{"{\"a\":\"\x01\"}", false},
		{`{"a":"\x"}`, false},
		{`{"a":"\u12"}`, false},
		{`{"a":"` + "long string without escapes, long enough for the SWAR path" + `"}`, true},
	} {
		err := CheckTokens([]byte(tc.doc))
		if (err == nil) != tc.ok {
			t.Errorf("CheckTokens(%q) = %v, want ok %v", tc.doc, err, tc.ok)
		}
		if tc.ok != (strictjson.Validate([]byte(tc.doc)) == nil) {
			t.Errorf("%q: the table disagrees with strictjson", tc.doc)
		}
	}
}

func TestEscapesValid(t *testing.T) {
	for _, tc := range []struct {
		doc string
		ok  bool
	}{
		{`{"a":"\" \\ \/ \b \f \n \r \t \u0041 \uD83D\uDE00"}`, true},
		{`{"a":"\u 0000"}`, false},
		{`{"a":"\x"}`, false},
		{`{"a":"\`, false},
		{`{"a":"\u00"}`, false},
	} {
		if err := EscapesValid([]byte(tc.doc)); (err == nil) != tc.ok {
			t.Errorf("EscapesValid(%q) = %v, want ok %v", tc.doc, err, tc.ok)
		}
	}
}

func TestPairedSurrogates(t *testing.T) {
	for _, tc := range []struct {
		doc string
		ok  bool
	}{
		{`"\uD83D\uDE00 \u0041"`, true},
		{`"\ud800"`, false},
		{`"\udc00\ud800"`, false},
		{`"\ud800\u0041"`, false},
		{`"no escapes"`, true},
	} {
		if got := PairedSurrogates([]byte(tc.doc)); got != tc.ok {
			t.Errorf("PairedSurrogates(%q) = %v, want %v", tc.doc, got, tc.ok)
		}
	}
}

func TestSimdjsonEnds(t *testing.T) {
	for _, tc := range []struct {
		doc         string
		first, last int
		ok          bool
	}{
		{" {} \r\n", 1, 2, true},
		{"[1]", 0, 2, true},
		{" \t ", 0, 0, false},
		{"\v{}", 0, 0, false},
		{"{}\u00a0", 0, 0, false},
	} {
		first, last, err := SimdjsonEnds([]byte(tc.doc))
		if (err == nil) != tc.ok || tc.ok && (first != tc.first || last != tc.last) {
			t.Errorf("SimdjsonEnds(%q) = %d, %d, %v; want %d, %d, ok %v", tc.doc, first, last, err, tc.first, tc.last, tc.ok)
		}
	}
}

// TestSimdjsonTape: numbers simdjson-go wrongly accepts and nesting past
// strictjson's limit are refused; good documents pass.
func TestSimdjsonTape(t *testing.T) {
	if !simdjson.SupportedCPU() {
		t.Skip("simdjson-go does not run on this CPU")
	}
	deep := func(n int) string {
		b := make([]byte, 0, 2*n)
		for range n {
			b = append(b, '[')
		}
		for range n {
			b = append(b, ']')
		}
		return string(b)
	}
	for _, tc := range []struct {
		name, doc string
		ok        bool
	}{
		{"good", `{"a":[1,-2.5,"x",true,null]}`, true},
		{"-01.5", `{"a":-01.5}`, false},
		{"-0.0", `{"a":-0.0}`, true},
		{"depth 10000", deep(strictjson.MaxDepth), true},
		{"depth 10001", deep(strictjson.MaxDepth + 1), false},
	} {
		pj, err := simdjson.Parse([]byte(tc.doc), nil)
		if err != nil {
			if tc.ok {
				t.Errorf("%s: simdjson-go refuses it: %v", tc.name, err)
			}
			continue // refused by the parser itself: nothing to check
		}
		if err := SimdjsonTape(pj.Tape, []byte(tc.doc)); (err == nil) != tc.ok {
			t.Errorf("%s: SimdjsonTape = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

func TestWithin(t *testing.T) {
	buf := []byte("0123456789")
	if !Within(buf, buf[2:5]) || Within(buf, []byte("23")) || Within(buf, nil) || Within(nil, buf) {
		t.Error("Within does not tell a subslice from a copy")
	}
}
