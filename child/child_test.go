package child

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"benchgrid/corpus"
	"benchgrid/processor"
	"benchgrid/record"
	"benchgrid/workloads/events/gen"
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

// TestCacheModes: a cold child evicts the corpus after its warm-up and
// records that little of it was resident when the timed pass began; a
// warm one records it resident; an unknown mode is an error.
func TestCacheModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	if _, err := gen.Generate(t.Context(), gen.GenOptions{Dir: dir, Files: 30, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	if reason := corpus.CanEvict(dir, nil); reason != "" {
		t.Skipf("no eviction here: %s", reason)
	}
	tests := []struct {
		cache    string
		min, max float64
	}{
		{corpus.CacheCold, 0, corpus.MaxResidentAfterEvict},
		{corpus.CacheWarm, 0.97, 1},
		{"", 0.97, 1},
	}
	for _, tc := range tests {
		// A warm-up of one file: an explicitly warm sample right after a
		// cold one must warm the whole corpus itself.
		spec, _ := json.Marshal(Spec{Corpus: dir, Config: processor.Config{Parser: "std", Strategy: "pool"}, Cache: tc.cache, WarmupFiles: 1})
		var out bytes.Buffer
		if err := Main(t.Context(), bytes.NewReader(spec), &out); err != nil {
			t.Fatalf("Main(cache %q): %v", tc.cache, err)
		}
		var res Result
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		t.Logf("cache %q: %.2f%% resident at the timed pass", tc.cache, 100*res.Sample.Resident)
		if res.Cache != tc.cache {
			t.Errorf("Main(cache %q) echoes cache %q", tc.cache, res.Cache)
		}
		if r := res.Sample.Resident; r < tc.min || r > tc.max || res.Sample.Files == 0 {
			t.Errorf("Main(cache %q): Resident %.4f over %d files, want %.2f to %.2f", tc.cache, r, res.Sample.Files, tc.min, tc.max)
		}
	}
	var out bytes.Buffer
	spec := `{"corpus":"` + dir + `","config":{"Parser":"std","Strategy":"pool"},"cache":"tepid"}`
	if err := Main(t.Context(), strings.NewReader(spec), &out); err == nil || !strings.Contains(err.Error(), `unknown cache mode "tepid"`) {
		t.Errorf("Main(cache tepid) = %v, want an unknown cache mode", err)
	}
}

// TestColdUnverified: on tmpfs, where nothing can be evicted, a cold child
// fails instead of timing a warm pass.
func TestColdUnverified(t *testing.T) {
	shm, err := os.MkdirTemp("/dev/shm", "benchgrid-child-")
	if err != nil {
		t.Skipf("no /dev/shm: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(shm) })
	if reason := corpus.CanEvict(shm, nil); !strings.Contains(reason, "tmpfs") {
		t.Skipf("/dev/shm is not tmpfs here (%q)", reason)
	}
	dir := filepath.Join(shm, "corpus")
	if _, err := gen.Generate(t.Context(), gen.GenOptions{Dir: dir, Files: 5, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	spec, _ := json.Marshal(Spec{Corpus: dir, Config: processor.Config{Parser: "std", Strategy: "pool"}, Cache: corpus.CacheCold})
	var out bytes.Buffer
	err = Main(t.Context(), bytes.NewReader(spec), &out)
	if err == nil || !strings.Contains(err.Error(), "eviction not verified: 100.0% of the corpus still resident") {
		t.Errorf("Main(cold on tmpfs) = %v, want eviction not verified", err)
	}
	var res Result
	if jerr := json.Unmarshal(out.Bytes(), &res); jerr != nil || res.Error == nil || res.Sample.WallNs != 0 {
		t.Errorf("Main(cold on tmpfs) wrote %q, want a failure and no sample", out.String())
	}
}

// TestSpecIsStrict: a spec field this binary does not know fails the
// child instead of being ignored (an older build asked for a newer knob).
func TestSpecIsStrict(t *testing.T) {
	var out bytes.Buffer
	err := Main(t.Context(), strings.NewReader(`{"corpus":".","config":{"Parser":"std","Strategy":"pool"},"turbo":true}`), &out)
	if err == nil || !strings.Contains(err.Error(), "turbo") {
		t.Errorf("Main(unknown field) = %v, want an error naming it", err)
	}
}

// TestWarmAfterEviction: an explicitly warm sample whose corpus was
// evicted (a cold sample cut short, memory pressure) reads it all, untimed,
// before its timed pass: the warm-up's slice would leave it mostly cold.
func TestWarmAfterEviction(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	if _, err := gen.Generate(t.Context(), gen.GenOptions{Dir: dir, Files: 60, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	if reason := corpus.CanEvict(dir, nil); reason != "" {
		t.Skipf("no eviction here: %s", reason)
	}
	files, err := corpus.List(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := corpus.Evict(files); err != nil {
		t.Fatal(err)
	}
	spec, _ := json.Marshal(Spec{Corpus: dir, Config: processor.Config{Parser: "std", Strategy: "pool"}, Cache: corpus.CacheWarm, WarmupFiles: 1})
	var out bytes.Buffer
	if err := Main(t.Context(), bytes.NewReader(spec), &out); err != nil {
		t.Fatal(err)
	}
	var res Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Sample.Resident < 1-corpus.MaxResidentAfterEvict {
		t.Errorf("warm sample after eviction: %.1f%% resident at the timed pass, want at least %.0f%%", 100*res.Sample.Resident, 100*(1-corpus.MaxResidentAfterEvict))
	}
}
