package record

import "strconv"

// An AxisValue is one axis of a configuration and its value, as the
// cell's benchmark name spells it ("parser", "sonic"). A cell's axes are
// ordered key=value pairs, as in a benchfmt name, so that readers of a
// results file (the reports, the study) need no knowledge of which axes
// exist: they iterate over them.
type AxisValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Value returns the value of the axis key in axes, or "" and false.
func Value(axes []AxisValue, key string) (string, bool) {
	for _, a := range axes {
		if a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

// Matches reports whether axes has every value of want.
func Matches(axes, want []AxisValue) bool {
	for _, w := range want {
		if v, ok := Value(axes, w.Key); !ok || v != w.Value {
			return false
		}
	}
	return true
}

// Roles says which configurations of a run play which part, as the
// registries of parsers and strategies declared them when it ran: readers
// take the roles from here, never from names they know.
type Roles struct {
	// Reference is the configuration every cell's answer is checked
	// against (for events: parser=std, strategy=sequential).
	Reference []AxisValue `json:"reference"`
	// Baseline is the naive program's configuration that improvements are
	// measured from (parser=std, strategy=perfile): a cell with every one
	// of these values is a baseline candidate.
	Baseline []AxisValue `json:"baseline"`
	// Floor marks the reading floor (parser=none): a cell with these
	// values only reads, and is the floor of the cells that equal it on
	// every other axis.
	Floor []AxisValue `json:"floor"`
	// Versus names, per axis, the level the others are compared against
	// in the report's comparisons (parser=std, strategy=pool).
	Versus []AxisValue `json:"versus"`
}

// legacyRoles are the roles of results written before roles were
// recorded (schema version 1 without "roles"): the only ones that
// benchgrid had then.
var legacyRoles = Roles{
	Reference: []AxisValue{{"parser", "std"}, {"strategy", "sequential"}},
	Baseline:  []AxisValue{{"parser", "std"}, {"strategy", "perfile"}},
	Floor:     []AxisValue{{"parser", "none"}},
	Versus:    []AxisValue{{"parser", "std"}, {"strategy", "pool"}},
}

// legacyAxes are a cell's axes from the named fields of results written
// before cells recorded their axes.
func (c *Cell) legacyAxes() []AxisValue {
	procs := ""
	if c.GOMAXPROCS != 0 {
		procs = strconv.Itoa(c.GOMAXPROCS)
	}
	return []AxisValue{
		{"parser", c.Parser}, {"strategy", c.Strategy}, {"workers", c.Workers},
		{"read", c.Read}, {"gogc", c.GOGC}, {"gomemlimit", c.GOMEMLIMIT},
		{"gomaxprocs", procs}, {"build", c.Build},
	}
}

// Upgrade fills what results of an older layout lack: the axes of each
// cell and the run's roles. Read calls it; it is idempotent, for runs
// built in memory.
func (r *Run) Upgrade() {
	if r.Roles == nil {
		roles := legacyRoles
		r.Roles = &roles
	}
	for i := range r.Cells {
		if len(r.Cells[i].Axes) == 0 {
			r.Cells[i].Axes = r.Cells[i].legacyAxes()
		}
	}
}
