package child

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"benchgrid/record"
)

func TestWarmupShare(t *testing.T) {
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
		spec, kind, message string
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
