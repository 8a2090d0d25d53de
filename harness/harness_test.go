package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"benchgrid/child"
	"benchgrid/matrix"
	"benchgrid/record"
	"benchgrid/workloads/events"
	"benchgrid/workloads/events/gen"
)

// childEnvVar makes the test binary act as a harness child process.
const childEnvVar = "BENCHGRID_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnvVar) == "1" {
		if err := child.Main(context.Background(), os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	// The corpora shared by this package's tests and benchmarks live for
	// the whole test binary, so they are removed here, not by a test.
	for _, dir := range []string{corpusDir, benchDir} {
		if dir != "" {
			os.RemoveAll(filepath.Dir(dir))
		}
	}
	os.Exit(code)
}

// Deliberately broken adapters, registered in the test binary only (which
// is also the children's binary).
func init() {
	events.Register(testParser{name: "test-wrong", decode: func(data []byte, b *events.Batch) error {
		// Counts every event twice: a wrong answer, not a failure.
		std, _ := events.Lookup("std")
		dec, _ := std.NewDecoder()
		if err := dec.Decode(data, b); err != nil {
			return err
		}
		b.Events = append(b.Events, b.Events...)
		return nil
	}})
	events.Register(testParser{name: "test-crash", decode: func([]byte, *events.Batch) error {
		fmt.Fprintln(os.Stderr, "about to crash on purpose")
		panic("test-crash: deliberate crash")
	}})
	events.Register(testParser{name: "test-hang", decode: func([]byte, *events.Batch) error {
		time.Sleep(time.Hour)
		return nil
	}})
	events.Register(testParser{name: "test-unavailable", unavailable: true})
}

type testParser struct {
	name        string
	decode      func([]byte, *events.Batch) error
	unavailable bool
}

func (p testParser) Name() string { return p.name }

func (p testParser) NewDecoder() (events.Decoder, error) {
	if p.unavailable {
		return nil, fmt.Errorf("%w: needs a CPU this machine lacks", events.ErrUnavailable)
	}
	return p, nil
}

func (p testParser) Decode(data []byte, b *events.Batch) error { return p.decode(data, b) }

var (
	corpusOnce sync.Once
	corpusDir  string
	corpusErr  error
)

// testCorpus is a small generated corpus with adversarial inputs, shared by
// the tests of this package and removed by TestMain.
func testCorpus(t *testing.T) string {
	t.Helper()
	corpusOnce.Do(func() {
		dir, err := os.MkdirTemp("", "benchgrid-harness-")
		if err != nil {
			corpusErr = err
			return
		}
		corpusDir = filepath.Join(dir, "corpus")
		_, corpusErr = gen.Generate(context.Background(), gen.GenOptions{Dir: corpusDir, Files: 40, Seed: 3, Bad: 12})
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpusDir
}

func testOptions(t *testing.T, m matrix.Matrix, count int) Options {
	return Options{
		Matrix:       m,
		Corpus:       testCorpus(t),
		Count:        count,
		Timeout:      time.Minute,
		OutDir:       filepath.Join(t.TempDir(), "results"),
		Seed:         42,
		ChildCommand: []string{os.Args[0]},
		ChildEnv:     []string{childEnvVar + "=1"},
	}
}

func TestRunWritesResults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	opts := testOptions(t, matrix.Matrix{Parsers: []string{"std", "none"}, Strategies: []string{"sequential", "pool"}}, 3)
	opts.Profiles = []string{"cpu", "allocs"}
	opts.ProfileMinCPU = 50 * time.Millisecond
	dir, run, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !run.Complete || len(run.Cells) != 4 {
		t.Fatalf("Run: complete=%v cells=%d, want complete with 4 cells", run.Complete, len(run.Cells))
	}
	for _, c := range run.Cells {
		if len(c.Samples) != 3 || len(c.Failures) != 0 {
			t.Errorf("cell %s: %d samples, failures %v; want 3 samples, no failure", c.Name, len(c.Samples), c.Failures)
		}
		for _, s := range c.Samples {
			if s.WallNs <= 0 || s.Files != run.Corpus.Files || s.Bytes != run.Corpus.Bytes || s.PeakRSS <= 0 {
				t.Errorf("cell %s: implausible sample %+v", c.Name, s)
			}
		}
		if len(c.Profiles) != 2 {
			t.Errorf("cell %s: profiles %v, want cpu and allocs (warnings %q)", c.Name, c.Profiles, c.Warnings)
		}
		for _, p := range c.Profiles {
			if _, err := os.Stat(filepath.Join(dir, p.Path)); err != nil {
				t.Errorf("cell %s: profile %s: %v", c.Name, p.Kind, err)
			}
		}
	}
	if run.Corpus.BadFiles == 0 || len(run.Corpus.Bad) == 0 {
		t.Errorf("corpus: %d bad files listed as %v; the test corpus has adversarial inputs", run.Corpus.BadFiles, run.Corpus.Bad)
	}
	// The files on disk are what Run returned.
	onDisk, err := record.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(onDisk.Cells) != 4 || !onDisk.Complete {
		t.Errorf("results.json: complete=%v, %d cells", onDisk.Complete, len(onDisk.Cells))
	}
	latest, err := os.Readlink(filepath.Join(opts.OutDir, "latest"))
	if err != nil || latest != filepath.Base(dir) {
		t.Errorf("latest -> %q, %v; want %q", latest, err, filepath.Base(dir))
	}
	bench, err := os.ReadFile(filepath.Join(dir, record.BenchFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for line := range strings.Lines(string(bench)) {
		if strings.HasPrefix(line, "BenchmarkEvents/parser=") {
			lines++
		}
	}
	if lines != 12 {
		t.Errorf("bench.txt has %d benchmark lines, want 12:\n%s", lines, bench)
	}
}

func TestInterleavedOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	opts := testOptions(t, matrix.Matrix{Parsers: []string{"none"}, Strategies: []string{"sequential", "pool", "atomic", "errgroup"}}, 4)
	_, run, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Rounds) != 4 {
		t.Fatalf("%d rounds, want 4", len(run.Rounds))
	}
	distinct := map[string]bool{}
	for _, rd := range run.Rounds {
		sorted := slices.Sorted(slices.Values(rd.Order))
		if !slices.Equal(sorted, []int{0, 1, 2, 3}) {
			t.Errorf("round %d order %v is not a permutation of the 4 cells", rd.Index, rd.Order)
		}
		distinct[fmt.Sprint(rd.Order)] = true
	}
	if len(distinct) < 2 {
		t.Errorf("every round ran in the same order %v: not shuffled", run.Rounds[0].Order)
	}
	// The same seed gives the same orders.
	_, again, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range run.Rounds {
		if !slices.Equal(run.Rounds[i].Order, again.Rounds[i].Order) {
			t.Errorf("seed %d: round %d ran %v, then %v", opts.Seed, i, run.Rounds[i].Order, again.Rounds[i].Order)
		}
	}
	// Each cell's samples come one per round.
	for _, c := range run.Cells {
		for i, s := range c.Samples {
			if s.Round != i {
				t.Errorf("cell %s: sample %d is from round %d", c.Name, i, s.Round)
			}
		}
	}
}

func TestFailingCells(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	opts := testOptions(t, matrix.Matrix{Parsers: []string{"std", "test-wrong", "test-crash", "test-unavailable"}, Strategies: []string{"sequential"}}, 2)
	opts.WarmupFiles = 1
	run, byParser := runByParser(t, opts)
	// The hanging cell runs on its own with a short timeout, so that a
	// loaded machine cannot make the other cells' samples time out.
	hangOpts := testOptions(t, matrix.Matrix{Parsers: []string{"test-hang"}, Strategies: []string{"sequential"}}, 2)
	hangOpts.Timeout = 2 * time.Second
	hangOpts.WarmupFiles = 1
	_, hung := runByParser(t, hangOpts)
	maps.Copy(byParser, hung)
	tests := []struct {
		parser string
		kind   record.FailureKind
		stderr string
	}{
		{"test-wrong", record.FailMismatch, ""},
		{"test-crash", record.FailCrash, "deliberate crash"},
		{"test-hang", record.FailTimeout, ""},
	}
	for _, tc := range tests {
		c := byParser[tc.parser]
		if len(c.Samples) != 0 || len(c.Failures) != 2 {
			t.Errorf("%s: %d samples, %d failures; want 0 and 2", tc.parser, len(c.Samples), len(c.Failures))
			continue
		}
		f := c.Failures[0]
		if f.Kind != tc.kind || !strings.Contains(f.Stderr, tc.stderr) {
			t.Errorf("%s: failure %+v, want kind %s with %q in stderr", tc.parser, f, tc.kind, tc.stderr)
		}
		if tc.kind == record.FailMismatch && (f.Got == "" || f.Want != run.Corpus.Reference || f.Got == f.Want) {
			t.Errorf("%s: mismatch must show both lines: got %q want %q", tc.parser, f.Got, f.Want)
		}
	}
	if std := byParser["std"]; len(std.Samples) != 2 {
		t.Errorf("std: %d samples, want 2 despite the failing cells", len(std.Samples))
	}
	if len(run.Unavailable) != 1 || !strings.Contains(run.Unavailable[0].Reason, "CPU") {
		t.Errorf("unavailable = %+v, want test-unavailable with its reason", run.Unavailable)
	}
	if _, ok := byParser["test-unavailable"]; ok {
		t.Errorf("an unavailable parser got a cell")
	}
}

// runByParser runs opts, which must not fail for failing cells, and
// returns the run and its cells by parser.
func runByParser(t *testing.T, opts Options) (*record.Run, map[string]record.Cell) {
	t.Helper()
	_, run, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatalf("Run: %v (failing cells must not stop the run)", err)
	}
	byParser := map[string]record.Cell{}
	for _, c := range run.Cells {
		byParser[c.Parser] = c
	}
	return run, byParser
}

// cancelAfter is a progress writer that cancels a context once n sample
// lines were written.
type cancelAfter struct {
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
	seen   int
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sc := bufio.NewScanner(strings.NewReader(string(p)))
	for sc.Scan() {
		if strings.Contains(sc.Text(), "MB/s") {
			c.seen++
			if c.seen == c.n {
				c.cancel()
			}
		}
	}
	return len(p), nil
}

func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	opts := testOptions(t, matrix.Matrix{Parsers: []string{"std", "none"}, Strategies: []string{"pool"}}, 5)
	opts.Profiles = []string{"cpu"}
	opts.Progress = &cancelAfter{n: 3, cancel: cancel}
	dir, run, err := Run(ctx, opts)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Run = %v, want ErrInterrupted", err)
	}
	onDisk, rerr := record.Read(dir)
	if rerr != nil {
		t.Fatal(rerr)
	}
	samples := 0
	for _, c := range onDisk.Cells {
		samples += len(c.Samples)
		if len(c.Profiles) != 0 {
			t.Errorf("cell %s was profiled after the interrupt", c.Name)
		}
	}
	if onDisk.Complete || samples != 3 {
		t.Errorf("after interrupt: complete=%v with %d samples on disk, want incomplete with the 3 finished", onDisk.Complete, samples)
	}
	if run.Complete {
		t.Errorf("returned run is complete")
	}
}

func TestChildEnvironment(t *testing.T) {
	t.Setenv("GOGC", "12345")
	for _, kv := range childEnviron() {
		if strings.HasPrefix(kv, "GOGC=") {
			t.Errorf("childEnviron passes %s on to every cell", kv)
		}
	}
	c := matrix.Cell{GOGC: "off", GOMEMLIMIT: "1GiB", GOMAXPROCS: 1}
	if got, want := c.Env(), []string{"GOGC=off", "GOMEMLIMIT=1GiB", "GOMAXPROCS=1"}; !slices.Equal(got, want) {
		t.Errorf("matrix.Cell.Env() = %v, want %v", got, want)
	}
}

// TestCorpusMisfit: a corpus most of whose documents are bad for the
// workload stops before timing, naming the most common reason and
// -query; -allow-bad runs it and the results say it measured rejection.
func TestCorpusMisfit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	dir := t.TempDir()
	for i := range 5 {
		doc := fmt.Sprintf(`{"id":%d,"text":"not an events batch"}`, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("tweet-%d.json", i)), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := `{"events":[{"type":"WatchEvent","actor":{"id":1},"repo":{"name":"a/b"},"created_at":"x"}]}`
	if err := os.WriteFile(filepath.Join(dir, "events.json"), []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t, matrix.Matrix{Parsers: []string{"std"}, Strategies: []string{"sequential"}}, 1)
	opts.Corpus = dir
	_, _, err := Run(t.Context(), opts)
	if !errors.Is(err, ErrCorpusMisfit) {
		t.Fatalf("Run on a corpus of tweets: %v, want ErrCorpusMisfit", err)
	}
	for _, w := range []string{"5 of 6 documents (83%)", `5 × "events" is missing or not an array`, "-query FILE", "-allow-bad"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("the error lacks %q: %v", w, err)
		}
	}
	opts.AllowBad = true
	_, run, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatalf("Run with AllowBad: %v", err)
	}
	if c := run.Corpus; !c.Rejection || c.Documents != 6 || c.BadDocuments != 5 {
		t.Errorf("corpus record = %+v, want a rejection run of 5 bad documents out of 6", c)
	}
}
