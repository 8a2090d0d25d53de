package adapters

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"benchgrid/workload"
	"benchgrid/workloads/query"
)

const testQuery = `{"fields":[{"name":"lang","path":"/lang","type":"string"}],"aggregates":[{"op":"count_by","field":"lang"}]}`

// TestWorkload: the query workload as the harness sees it, through
// package workload: opened from a query file, its adapters with their
// roles, a pass per adapter that agrees with std, and an empty corpus's
// answer.
func TestWorkload(t *testing.T) {
	w, err := workload.Open(query.Name, []byte(testQuery))
	if err != nil {
		t.Fatal(err)
	}
	if got := workload.WithRole(w, workload.RoleReference); got != "std" {
		t.Errorf("reference = %q, want std", got)
	}
	if got := workload.WithRole(w, workload.RoleFloor); got != "none" {
		t.Errorf("floor = %q, want none", got)
	}
	names := workload.ParserNames(w)
	if want := []string{"std", "sonic", "fastjson", "simdjson", "goccy", "jsonv2", "none"}; !slices.Equal(names, want) {
		t.Errorf("parsers = %q, want %q", names, want)
	}
	for _, in := range []struct {
		name string
		ok   bool
	}{{"a.json", true}, {"a.ndjson.zst", true}, {"a.jsonl.gz", true}, {"a.JSON", false}, {"SOURCES.txt", false}, {"a.json.bz2", false}} {
		if got := w.IsInput(in.name); got != in.ok {
			t.Errorf("IsInput(%q) = %v, want %v", in.name, got, in.ok)
		}
	}
	files := map[string]string{"a.json": `{"lang":"en"}`, "b.ndjson": "{\"lang\":\"ja\"}\n{\"lang\":1}\n"}
	var want string
	for _, p := range w.Parsers() {
		pass, err := w.NewPass(p.Name)
		if errors.Is(err, workload.ErrUnavailable) {
			continue
		}
		if err != nil {
			t.Fatalf("NewPass(%s): %v", p.Name, err)
		}
		c, err := pass.NewCounter()
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"a.json", "b.ndjson"} {
			c.Count(name, []byte(files[name]))
		}
		o := pass.Outcome([]workload.Counter{c})
		if o.Files != 2 || o.Documents != 3 {
			t.Errorf("%s: %d files, %d documents, want 2 and 3", p.Name, o.Files, o.Documents)
		}
		if p.ReadOnly {
			if o.Canonical != nil {
				t.Errorf("%s (read-only) has an answer", p.Name)
			}
			continue
		}
		if o.BadDocuments != 1 || len(o.Bad) != 1 || o.Bad[0].Path != "b.ndjson:2" || len(o.BadReasons) != 1 {
			t.Errorf("%s: bad %d %+v %v, want b.ndjson:2 bad", p.Name, o.BadDocuments, o.Bad, o.BadReasons)
		}
		if want == "" {
			want = string(o.Canonical)
		} else if string(o.Canonical) != want {
			t.Errorf("%s computed %s, std %s", p.Name, o.Canonical, want)
		}
	}
	if !strings.HasPrefix(want, `{"files":2,"bad_files":0,`) {
		t.Errorf("answer %q", want)
	}
	pass, err := w.NewPass("std")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(pass.Outcome(nil).Canonical); got != `{"files":0,"bad_files":0,"bytes":0,"documents":0,"bad_documents":0,"records":0,"aggregates":{"count_by:lang":{}}}`+"\n" {
		t.Errorf("empty corpus: %q", got)
	}
	if _, err := w.NewPass("nope"); err == nil {
		t.Error("NewPass(nope) succeeded")
	}
	if _, err := workload.Open(query.Name, []byte(`{"fields":[],"aggregates":[],"x":1}`)); err == nil || !strings.Contains(err.Error(), "x") {
		t.Errorf("a bad query file opens: %v", err)
	}
	if _, err := workload.Open(query.Name, nil); err == nil || !strings.Contains(err.Error(), "-query FILE") {
		t.Errorf("no query file: %v", err)
	}
}

// TestFallbacksCounted: a valid document beyond fastjson's nesting limit
// is decoded another way, and the outcome counts it by reason.
func TestFallbacksCounted(t *testing.T) {
	w, err := workload.Open(query.Name, []byte(testQuery))
	if err != nil {
		t.Fatal(err)
	}
	pass, err := w.NewPass("fastjson")
	if err != nil {
		t.Fatal(err)
	}
	c, err := pass.NewCounter()
	if err != nil {
		t.Fatal(err)
	}
	deep := `{"lang":"en","x":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`
	c.Count("deep.json", []byte(deep))
	c.Count("flat.json", []byte(`{"lang":"en"}`))
	o := pass.Outcome([]workload.Counter{c})
	if o.BadDocuments != 0 || len(o.Fallbacks) != 1 {
		t.Fatalf("outcome: %d bad, fallbacks %v; want none bad and one fallback", o.BadDocuments, o.Fallbacks)
	}
	for why, n := range o.Fallbacks {
		if n != 1 || why == "" {
			t.Errorf("fallbacks %v, want one with its reason", o.Fallbacks)
		}
	}
}

// TestSteadyStateAllocations: once warm, an adapter's extraction of a
// tweet, counted by the tally, allocates at most what its parser forces
// (simdjson-go allocates once per parse, goccy once per decode).
func TestSteadyStateAllocations(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts need a build without the race detector")
	}
	docs := tweets(t)
	limits := map[string]float64{"sonic": 0.1, "fastjson": 0.1, "simdjson": 1.5, "goccy": 1.5}
	for _, a := range allAdapters() {
		limit, ok := limits[a.Name()]
		if !ok {
			continue
		}
		ex, err := a.NewExtractor(qTweet)
		if err != nil {
			t.Logf("%s: %v", a.Name(), err)
			continue
		}
		tl := query.NewTally(qTweet, ex)
		for _, d := range docs {
			tl.File("t.json", d) // warm: maps grown, strings interned
		}
		n := testing.AllocsPerRun(3, func() {
			for _, d := range docs {
				tl.File("t.json", d)
			}
		}) / float64(len(docs))
		if n > limit {
			t.Errorf("%s: %.2f allocations per document, want at most %g", a.Name(), n, limit)
		}
	}
}
