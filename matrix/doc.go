// Package matrix is what a benchgrid run measures: the axes of a
// configuration, declared once in Axes (parser, strategy, workers, read,
// readers, GOGC, GOMEMLIMIT, GOMAXPROCS, build), the cells a Matrix
// expands to and their names, the config file a matrix is kept in, the
// build variants the build axis may name, and the roles the registries
// give (the reference a cell's answer is checked against, the naive
// baseline, the reading floor).
//
// It sits after packages corpus, parsers, strategies and processor in
// benchgrid's flow, and before harness, which measures the cells, and
// study, which chooses them. It knows nothing about processes or timing.
package matrix
