package gen

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

// requiredKinds are the kinds docs/events.md (and the brief that asked for this
// catalogue) names: each must have a sample with this verdict.
var requiredKinds = map[string]bool{
	// bad
	"truncated": false, "utf8-invalid-byte": false, "utf8-overlong": false,
	"utf8-surrogate": false, "utf8-cut-sequence": false, "bom-prefix": false,
	"nul-after-value": false, "top-level-array": false, "top-level-null": false,
	"events-object": false, "events-string": false, "events-null": false,
	"events-missing": false, "actor-id-fraction": false, "actor-id-exponent": false,
	"actor-id-string": false, "actor-id-point-zero": false, "actor-id-above-int64": false,
	"actor-id-below-int64": false, "actor-id-missing": false, "push-size-missing": false,
	"push-size-point-zero": false, "empty-file": false, "whitespace-only": false,
	"trailing-garbage": false, "trailing-comma-array": false, "trailing-comma-object": false,
	"control-char-in-string": false, "raw-tab-in-string": false, "invalid-escape": false,
	"leading-zero-number": false, "nan-number": false, "depth-10001": false,
	"type-capitalized": false, "type-number": false, "repo-name-null": false,
	"created-at-missing": false, "event-null": false, "event-array": false,
	"single-quoted-string": false, "unquoted-key": false,
	// good
	"escaped-member-names": true, "lone-surrogate": true, "actor-id-negative-zero": true,
	"events-empty": true, "depth-10000": true, "unknown-members": true,
	"actor-id-min-int64": true, "actor-id-max-int64": true, "empty-type-and-repo": true,
	"type-alongside-Type": true, "push-size-zero": true, "payload-string-non-push": true,
	"payload-null-non-push": true, "push-size-folded-alongside": true, "whitespace-crlf-tab": true,
}

func TestSamplesCoverKinds(t *testing.T) {
	samples := Samples()
	byName := map[string]Sample{}
	for _, s := range samples {
		if _, dup := byName[s.Name]; dup {
			t.Errorf("Samples() has two samples named %q", s.Name)
		}
		byName[s.Name] = s
	}
	for name, good := range requiredKinds {
		s, ok := byName[name]
		if !ok {
			t.Errorf("Samples() has no %q", name)
			continue
		}
		if s.Good != good {
			t.Errorf("Samples() %q good = %v, want %v", name, s.Good, good)
		}
	}
}

// TestSamplesVerdicts holds every sample's verdict to the reference judge.
func TestSamplesVerdicts(t *testing.T) {
	for _, s := range Samples() {
		t.Run(s.Name, func(t *testing.T) {
			_, err := contractVerdict(s.Data)
			if (err == nil) != s.Good {
				t.Errorf("contractVerdict(%s) = %v, want good=%v\n%.600q", s.Name, err, s.Good, s.Data)
			}
			if json.Valid(s.Data) {
				if k, dup := duplicateKey(s.Data); dup {
					t.Errorf("sample %s: member %q appears twice in one object", s.Name, k)
				}
			}
		})
	}
}

// TestSamplesEdges checks the samples that sit exactly on an edge of the
// contract, where the reference judge is no help if it shares a mistake.
func TestSamplesEdges(t *testing.T) {
	byName := map[string]Sample{}
	for _, s := range Samples() {
		byName[s.Name] = s
	}
	depth := func(data []byte) int {
		d, deepest := 0, 0
		inString := false
		for i := 0; i < len(data); i++ {
			switch c := data[i]; {
			case inString && c == '\\':
				i++
			case c == '"':
				inString = !inString
			case inString:
			case c == '[' || c == '{':
				d++
				deepest = max(deepest, d)
			case c == ']' || c == '}':
				d--
			}
		}
		return deepest
	}
	for name, want := range map[string]int{"depth-10000": 10000, "depth-10001": 10001, "depth-10000-objects": 10000, "depth-10001-objects": 10001} {
		if got := depth(byName[name].Data); got != want {
			t.Errorf("sample %s nests %d deep, want %d", name, got, want)
		}
	}
	for name, want := range map[string]string{
		"escaped-member-names":       `"t\u0079pe"`,
		"lone-surrogate":             `"\ud800"`,
		"actor-id-negative-zero":     `-0,`,
		"actor-id-min-int64":         `-9223372036854775808`,
		"actor-id-max-int64":         `9223372036854775807`,
		"actor-id-above-int64":       `9223372036854775808`,
		"actor-id-below-int64":       `-9223372036854775809`,
		"push-size-folded-alongside": `"ſize"`,
		"utf8-surrogate":             "\xed\xa0\x80",
		"bom-prefix":                 "\xef\xbb\xbf{",
	} {
		if !bytes.Contains(byName[name].Data, []byte(want)) {
			t.Errorf("sample %s does not contain %q", name, want)
		}
	}
	if s := byName["empty-file"]; len(s.Data) != 0 {
		t.Errorf("sample empty-file has %d bytes", len(s.Data))
	}
}

func TestSamplesDeterministic(t *testing.T) {
	a, b := Samples(), Samples()
	if !slices.EqualFunc(a, b, func(x, y Sample) bool { return x.Name == y.Name && x.Good == y.Good && bytes.Equal(x.Data, y.Data) }) {
		t.Errorf("Samples() differs between calls")
	}
	a[0].Data[0] = 'X' // callers may modify their copy
	if c := Samples(); c[0].Data[0] == 'X' {
		t.Errorf("Samples() shares memory between calls")
	}
}

// TestSamplesRealistic checks that the samples are generated batches, not
// toy documents, so that parsers pay a realistic price before the trap.
func TestSamplesRealistic(t *testing.T) {
	tiny := map[string]bool{"empty-file": true, "whitespace-only": true, "top-level-null": true}
	for _, s := range Samples() {
		if tiny[s.Name] {
			continue
		}
		if len(s.Data) < 500 || !bytes.Contains(s.Data, []byte("https://api.github.com/")) {
			t.Errorf("sample %s (%d bytes) does not look like a generated batch", s.Name, len(s.Data))
		}
	}
}

func TestCycle(t *testing.T) {
	kinds := catalogue()
	order := cycle(kinds)
	if len(order) != len(kinds) {
		t.Fatalf("cycle(%d kinds) = %d kinds", len(kinds), len(order))
	}
	seen := map[string]bool{}
	for _, k := range order {
		seen[k.name] = true
	}
	if len(seen) != len(kinds) {
		t.Errorf("cycle(catalogue()) has %d distinct kinds, want %d", len(seen), len(kinds))
	}
	// The first ten already have both verdicts.
	good := 0
	for _, k := range order[:10] {
		if k.good {
			good++
		}
	}
	if good < 2 || good > 5 {
		t.Errorf("cycle(catalogue())[:10] has %d good kinds, want 2–5", good)
	}
}
