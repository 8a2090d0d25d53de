package child

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"benchgrid/corpus"
	"benchgrid/record"
)

func TestSpread(t *testing.T) {
	files := make([]corpus.File, 10)
	for i := range files {
		files[i].Path = string(rune('a' + i))
	}
	var got []string
	for _, f := range Spread(files, 3) {
		got = append(got, f.Path)
	}
	if strings.Join(got, "") != "adg" {
		t.Errorf("Spread(10 files, 3) = %v, want a d g", got)
	}
	if len(Spread(files, 0)) != 0 || len(Spread(files, 20)) != 10 {
		t.Errorf("Spread at the edges: %d and %d files", len(Spread(files, 0)), len(Spread(files, 20)))
	}
	for n, want := range map[int]int{0: 50, 3000: 100, 1e6: 1000} {
		if got := WarmupShare(n); got != want {
			t.Errorf("WarmupShare(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestMainReportsItsFailure: a child that fails says so on stdout, for the
// parent, with the kind of its failure, and returns the error.
func TestMainReportsItsFailure(t *testing.T) {
	tests := []struct {
		spec    string
		kind    record.FailureKind
		message string
	}{
		{"", record.FailError, "read child spec"},
		{`{"corpus":"/nonexistent/benchgrid","config":{"Parser":"std","Strategy":"pool"}}`, record.FailError, "/nonexistent/benchgrid"},
		{`{"corpus":".","config":{"Parser":"nosuch","Strategy":"pool"}}`, record.FailError, `unknown parser "nosuch"`},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		err := Main(t.Context(), strings.NewReader(tc.spec), &out)
		if err == nil {
			t.Errorf("Main(%q) succeeded", tc.spec)
			continue
		}
		var res Result
		if jerr := json.Unmarshal(out.Bytes(), &res); jerr != nil || res.Error == nil {
			t.Errorf("Main(%q) wrote %q, want a failure report", tc.spec, out.String())
			continue
		}
		if res.Error.Kind != tc.kind || !strings.Contains(res.Error.Message, tc.message) {
			t.Errorf("Main(%q) reported %+v, want kind %s with %q", tc.spec, res.Error, tc.kind, tc.message)
		}
	}
}
