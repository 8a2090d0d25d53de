package matrix

import (
	"slices"
	"strings"
	"testing"

	"benchgrid/workloads/events"
)

// TestTallyAxis checks the tally axis: its names match the events
// workload's, it reaches a child through its environment, "map" is the
// default (left out of names and environments), and other values are
// refused.
func TestTallyAxis(t *testing.T) {
	if TallyEnv != events.TallyEnv || TallyMap != events.TallyMap || TallyIntern != events.TallyIntern {
		t.Fatalf("tally axis %s=%s|%s, events workload %s=%s|%s", TallyEnv, TallyMap, TallyIntern, events.TallyEnv, events.TallyMap, events.TallyIntern)
	}
	tests := []struct {
		tally    []string
		names    []string
		env      [][]string
		errorHas string
	}{
		{tally: nil, names: []string{"parser=sonic/strategy=atomic/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default"}, env: [][]string{nil}},
		{tally: []string{"map", "intern"},
			names: []string{"parser=sonic/strategy=atomic/workers=2/read=readfile/gogc=100/gomemlimit=off/build=default", "parser=sonic/strategy=atomic/workers=2/read=readfile/tally=intern/gogc=100/gomemlimit=off/build=default"},
			env:   [][]string{nil, {"BENCHGRID_TALLY=intern"}}},
		{tally: []string{"sideways"}, errorHas: "unknown tally"},
	}
	for _, tc := range tests {
		m := Matrix{Parsers: []string{"sonic"}, Strategies: []string{"atomic"}, Workers: []int{2}, GOMAXPROCS: []int{2}, Tally: tc.tally}
		cells, err := m.Cells()
		if tc.errorHas != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errorHas) {
				t.Errorf("Cells(tally %q) = %v, want an error containing %q", tc.tally, err, tc.errorHas)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Cells(tally %q) = %v", tc.tally, err)
		}
		var names []string
		var envs [][]string
		for _, c := range cells {
			names = append(names, c.Name())
			var env []string
			for _, e := range c.Env() {
				if !strings.HasPrefix(e, "GOMAXPROCS=") {
					env = append(env, e)
				}
			}
			envs = append(envs, env)
		}
		if !slices.Equal(names, tc.names) {
			t.Errorf("Cells(tally %q) names = %q, want %q", tc.tally, names, tc.names)
		}
		if !slices.EqualFunc(envs, tc.env, slices.Equal) {
			t.Errorf("Cells(tally %q) env = %q, want %q", tc.tally, envs, tc.env)
		}
	}
}
