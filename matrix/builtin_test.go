package matrix

// The tests run the built-in workloads.
import _ "benchgrid/workloads/builtin"
