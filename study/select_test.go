package study

import (
	"strings"
	"testing"

	"benchgrid/record"
)

// cellOf is a measured cell whose wall times are ms milliseconds each.
func cellOf(ms ...float64) *record.Cell {
	c := &record.Cell{}
	for i, m := range ms {
		c.Samples = append(c.Samples, record.Sample{Round: i, WallNs: int64(m * 1e6)})
	}
	return c
}

// around returns n wall times spread ±1% around ms.
func around(ms float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = ms * (1 + 0.002*float64(i-n/2))
	}
	return out
}

// tight returns n wall times within 0.01% of ms.
func tight(ms float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = ms * (1 + 0.00001*float64(i))
	}
	return out
}

func trial(name string, c *record.Cell) Trial {
	return Trial{Change: record.StudyChange{Name: name, Class: "test"}, Cell: c}
}

func TestSelect(t *testing.T) {
	current := cellOf(around(100, 10)...)
	mismatch := cellOf(around(20, 10)...)
	mismatch.Failures = []record.Failure{{Kind: record.FailMismatch, Reason: "wrong answer"}}
	tests := []struct {
		name     string
		tried    []Trial
		minGain  float64
		taken    string
		statuses []string
	}{
		{
			name: "largest significant gain",
			tried: []Trial{
				trial("a", cellOf(around(80, 10)...)),
				trial("b", cellOf(around(50, 10)...)),
				trial("c", cellOf(around(120, 10)...)),
			},
			taken:    "b",
			statuses: []string{record.TrialFaster, record.TrialFaster, record.TrialSlower},
		},
		{
			name:     "not significant stops",
			tried:    []Trial{trial("a", cellOf(around(99.9, 10)...)), trial("b", cellOf(around(100, 10)...))},
			statuses: []string{record.TrialSame, record.TrialSame},
		},
		{
			name:     "tie takes the first",
			tried:    []Trial{trial("a", cellOf(around(60, 10)...)), trial("b", cellOf(around(60, 10)...))},
			taken:    "a",
			statuses: []string{record.TrialFaster, record.TrialFaster},
		},
		{
			name:     "below the minimum gain",
			tried:    []Trial{trial("a", cellOf(tight(99.5, 10)...))},
			minGain:  0.01,
			statuses: []string{record.TrialFaster},
		},
		{
			name:     "a failed candidate is never taken",
			tried:    []Trial{trial("wrong", mismatch), trial("ok", cellOf(around(90, 10)...))},
			taken:    "ok",
			statuses: []string{record.TrialFailed, record.TrialFaster},
		},
		{
			name: "unavailable and skipped are kept",
			tried: []Trial{
				{Change: record.StudyChange{Name: "u"}, Status: record.TrialUnavailable, Reason: "needs AVX2"},
				{Change: record.StudyChange{Name: "s"}, Status: record.TrialSkipped, Reason: "conflict"},
			},
			statuses: []string{record.TrialUnavailable, record.TrialSkipped},
		},
		{
			name:     "too few samples to be significant",
			tried:    []Trial{trial("a", cellOf(10, 11))},
			statuses: []string{record.TrialSame},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := current
			switch tt.name {
			case "too few samples to be significant":
				cur = cellOf(100, 101)
			case "below the minimum gain":
				cur = cellOf(tight(100, 10)...)
			}
			d, err := Select(cur, tt.tried, Criteria{MinGain: tt.minGain})
			if err != nil {
				t.Fatalf("Select: %v", err)
			}
			taken := ""
			if d.Taken >= 0 {
				taken = d.Trials[d.Taken].Change
				if !d.Trials[d.Taken].Adopted {
					t.Errorf("Select: trial %s taken but not marked adopted", taken)
				}
			}
			if taken != tt.taken {
				t.Errorf("Select taken = %q, want %q (%s)", taken, tt.taken, d.Reason)
			}
			for i, want := range tt.statuses {
				if got := d.Trials[i].Status; got != want {
					t.Errorf("Select trial %s status = %q, want %q (%s)", d.Trials[i].Change, got, want, d.Trials[i].Reason)
				}
			}
			if (tt.taken == "") == strings.HasPrefix(d.Reason, "adopted") {
				t.Errorf("Select reason = %q, taken %q", d.Reason, tt.taken)
			}
		})
	}
}

func TestSelectFigures(t *testing.T) {
	d, err := Select(cellOf(around(100, 10)...), []Trial{trial("half", cellOf(around(50, 10)...))}, Criteria{})
	if err != nil {
		t.Fatal(err)
	}
	tr := d.Trials[0]
	if tr.Ratio < 0.49 || tr.Ratio > 0.51 {
		t.Errorf("ratio = %v, want 0.5", tr.Ratio)
	}
	if !(tr.Lo <= tr.Ratio && tr.Ratio <= tr.Hi && tr.Lo > 0.45 && tr.Hi < 0.55) {
		t.Errorf("CI = [%v, %v], want around 0.5", tr.Lo, tr.Hi)
	}
	if tr.P >= 0.001 {
		t.Errorf("p = %v, want < 0.001", tr.P)
	}
	if tr.Figures.N != 10 || tr.Figures.MedianNs < 49e6 || tr.Figures.MedianNs > 51e6 {
		t.Errorf("figures = %+v, want n=10, median 50ms", tr.Figures)
	}
	again, _ := Select(cellOf(around(100, 10)...), []Trial{trial("half", cellOf(around(50, 10)...))}, Criteria{})
	if again.Trials[0] != tr {
		t.Errorf("Select is not deterministic: %+v then %+v", tr, again.Trials[0])
	}
}

func TestSelectNoCurrent(t *testing.T) {
	if _, err := Select(&record.Cell{}, []Trial{trial("a", cellOf(1, 2))}, Criteria{}); err == nil {
		t.Error("Select(no samples) = nil error, want one")
	}
	failed := cellOf(around(100, 10)...)
	failed.Failures = []record.Failure{{Kind: record.FailCrash, Reason: "boom"}}
	if _, err := Select(failed, nil, Criteria{}); err == nil {
		t.Error("Select(failed current) = nil error, want one")
	}
}
