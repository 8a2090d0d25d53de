package cli

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// floatFlag is a float64 flag that accepts only a finite number within its
// range. flag.Float64 takes NaN and ±Inf, and a NaN threshold compares
// false with everything, which turns every check it guards into a pass.
type floatFlag struct {
	v *float64
	floatRange
}

// A floatRange bounds a float flag: lo and hi, each excluded when its
// Open field says so; an infinite bound is no bound.
type floatRange struct {
	lo, hi         float64
	loOpen, hiOpen bool
}

// The ranges the float flags use.
var (
	openUnit = floatRange{lo: 0, hi: 1, loOpen: true, hiOpen: true} // (0, 1): a significance level
	fraction = floatRange{lo: 0, hi: 1, hiOpen: true}               // [0, 1): a share of a median
	positive = floatRange{lo: 0, hi: math.Inf(1), loOpen: true}     // > 0
)

// addFloat defines a float flag that must be finite and within r, and
// returns its variable.
func addFloat(fs *flag.FlagSet, name string, value float64, usage string, r floatRange) *float64 {
	f := &floatFlag{v: new(float64), floatRange: r}
	*f.v = value
	fs.Var(f, name, usage+", "+f.rangeText())
	return f.v
}

func (f *floatFlag) String() string {
	if f == nil || f.v == nil {
		return "0"
	}
	return strconv.FormatFloat(*f.v, 'g', -1, 64)
}

// Set parses s; the flag package names the flag in the error it makes of
// the one returned here.
func (f *floatFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) { // out of range: ±Inf, refused below
		return fmt.Errorf("not a number")
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || !f.contains(v) {
		return fmt.Errorf("want a finite number %s", f.rangeText())
	}
	*f.v = v
	return nil
}

func (f floatRange) contains(v float64) bool {
	switch {
	case v < f.lo, f.loOpen && v == f.lo:
		return false
	case v > f.hi, f.hiOpen && v == f.hi:
		return false
	}
	return true
}

// rangeText is the range in interval notation: "in (0, 1)", "≥ 0".
func (f floatRange) rangeText() string {
	lo, hi := !math.IsInf(f.lo, -1), !math.IsInf(f.hi, 1)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	switch {
	case lo && hi:
		l, r := "[", "]"
		if f.loOpen {
			l = "("
		}
		if f.hiOpen {
			r = ")"
		}
		return fmt.Sprintf("in %s%s, %s%s", l, num(f.lo), num(f.hi), r)
	case lo && f.loOpen:
		return "> " + num(f.lo)
	case lo:
		return "≥ " + num(f.lo)
	case hi && f.hiOpen:
		return "< " + num(f.hi)
	case hi:
		return "≤ " + num(f.hi)
	}
	return ""
}

// percentFlag is a floatFlag that also takes a percentage: "3%" is 0.03.
type percentFlag struct{ floatFlag }

// addPercent defines a fraction flag that takes "3%" or 0.03, finite and
// within r, and returns its variable.
func addPercent(fs *flag.FlagSet, name string, value float64, usage string, r floatRange) *float64 {
	f := &percentFlag{floatFlag{v: new(float64), floatRange: r}}
	*f.v = value
	fs.Var(f, name, usage+", "+f.rangeText())
	return f.v
}

// Set parses s, a number or a percentage.
func (f *percentFlag) Set(s string) error {
	pct, ok := strings.CutSuffix(s, "%")
	if !ok {
		return f.floatFlag.Set(s)
	}
	v, err := strconv.ParseFloat(pct, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("not a percentage")
	}
	return f.floatFlag.Set(strconv.FormatFloat(v/100, 'g', -1, 64))
}

// durationFlag is a time.Duration flag that must be positive: a limit of
// zero or less has no meaning, and the harness would quietly replace it
// with a default of its own.
type durationFlag struct{ v *time.Duration }

// addPositiveDuration defines a duration flag that must be positive and
// returns its variable.
func addPositiveDuration(fs *flag.FlagSet, name string, value time.Duration, usage string) *time.Duration {
	f := &durationFlag{v: new(time.Duration)}
	*f.v = value
	fs.Var(f, name, usage+" (a positive `duration`)")
	return f.v
}

func (f *durationFlag) String() string {
	if f == nil || f.v == nil {
		return "0s"
	}
	return f.v.String()
}

// Set parses s as a positive duration.
func (f *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("not a duration (say 90s or 5m)")
	}
	if d <= 0 {
		return fmt.Errorf("want a positive duration")
	}
	*f.v = d
	return nil
}
