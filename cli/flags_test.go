package cli

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestFloatFlag(t *testing.T) {
	for _, tc := range []struct {
		r    floatRange
		in   string
		want float64
		err  string // "" when in is accepted
	}{
		{openUnit, "0.05", 0.05, ""},
		{openUnit, "NaN", 0, "want a finite number in (0, 1)"},
		{openUnit, "nan", 0, "want a finite number in (0, 1)"},
		{openUnit, "0", 0, "want a finite number in (0, 1)"},
		{openUnit, "1", 0, "want a finite number in (0, 1)"},
		{fraction, "0", 0, ""},
		{fraction, "1", 0, "want a finite number in [0, 1)"},
		{fraction, "-Inf", 0, "want a finite number in [0, 1)"},
		{positive, "3", 3, ""},
		{positive, "Inf", 0, "want a finite number > 0"},
		{positive, "1e309", 0, "want a finite number > 0"}, // beyond float64: +Inf
		{positive, "0", 0, "want a finite number > 0"},
		{positive, "x", 0, "not a number"},
		{floatRange{lo: math.Inf(-1), hi: 2}, "2", 2, ""},
		{floatRange{lo: math.Inf(-1), hi: 2, hiOpen: true}, "2", 0, "want a finite number < 2"},
	} {
		f := &floatFlag{v: new(float64), floatRange: tc.r}
		err := f.Set(tc.in)
		switch {
		case tc.err == "" && (err != nil || *f.v != tc.want):
			t.Errorf("Set(%q) in %s = %v, value %v; want %v", tc.in, tc.r.rangeText(), err, *f.v, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Set(%q) in %s = %v, want an error containing %q", tc.in, tc.r.rangeText(), err, tc.err)
		}
	}
}

func TestDurationFlag(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"90s", 90 * time.Second, ""},
		{"0", 0, "want a positive duration"},
		{"-1m", 0, "want a positive duration"},
		{"5", 0, "not a duration"},
	} {
		f := &durationFlag{v: new(time.Duration)}
		err := f.Set(tc.in)
		switch {
		case tc.err == "" && (err != nil || *f.v != tc.want):
			t.Errorf("Set(%q) = %v, value %v; want %v", tc.in, err, *f.v, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Set(%q) = %v, want an error containing %q", tc.in, err, tc.err)
		}
	}
}
