package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"benchgrid/record"
)

func TestWriteStudy(t *testing.T) {
	dir := copyRun(t, "study")
	got := renderStudy(t, dir)
	golden(t, "study.golden", got)
	for _, want := range []string{
		"**2.92× faster** [2.90–2.95×]",
		"parser=sonic + gogc=400 + build=pgo",
		"**Parser** mattered most",
		"- strategy=pool: 1.43× faster alone on the naive program, but ~",
		"| read=mmap | 1.10× [",
		"parser=simdjson could not run here",
		"export GOGC=400",
		"go build -pgo=default.pgo ./cmd/benchgrid",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("study.md lacks %q", want)
		}
	}
}

// TestWriteStudyIncomplete renders a study interrupted in its second
// step: no final step, an estimated result, marked incomplete.
func TestWriteStudyIncomplete(t *testing.T) {
	dir := copyRun(t, "study")
	st, err := record.ReadStudy(dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Complete = false
	st.Finished = time.Time{}
	st.Steps = st.Steps[:2]
	st.Steps[1].Complete = false
	st.Steps[1].Taken = ""
	st.Steps[1].Decision = "interrupted: nothing adopted from an incomplete step"
	for i := range st.Steps[1].Trials {
		st.Steps[1].Trials[i].Adopted = false
	}
	st.Adopted = st.Adopted[:1]
	st.Final = st.Steps[1].Config
	st.BuildSettings = nil
	st.Result = &record.StudyResult{
		Original: st.Baseline, Optimized: st.Final,
		Before: st.Steps[0].Current, After: st.Steps[0].Trials[0].Figures,
		Factor: 1 / st.Steps[0].Trials[0].Ratio,
	}
	if err := record.WriteStudy(dir, st); err != nil {
		t.Fatal(err)
	}
	got := renderStudy(t, dir)
	for _, want := range []string{
		"**The study is incomplete**",
		"| 2 (incomplete) |",
		"2.50× faster** (estimate)",
		"The final step did not run",
		"The study is incomplete: a longer run may find more.",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("incomplete study.md lacks %q", want)
		}
	}
	if strings.Contains(string(got), "go build") {
		t.Error("incomplete study.md recommends a build though the final configuration is the default build")
	}
}

func TestWriteStudyMissing(t *testing.T) {
	if err := WriteStudy(t.Context(), t.TempDir()); err == nil {
		t.Error("WriteStudy(empty folder) = nil, want an error")
	}
}

// renderStudy writes dir's study.md and returns it.
func renderStudy(t *testing.T, dir string) []byte {
	t.Helper()
	if err := WriteStudy(t.Context(), dir); err != nil {
		t.Fatalf("WriteStudy: %v", err)
	}
	md, err := os.ReadFile(filepath.Join(dir, record.StudyReportFile))
	if err != nil {
		t.Fatal(err)
	}
	return md
}
