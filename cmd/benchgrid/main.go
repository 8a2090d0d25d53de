// Command benchgrid runs one JSON-processing workload under interchangeable
// concurrency strategies, JSON parsers and runtime knobs, measures each
// configuration, checks they all compute the same answer, and reports why
// one is faster than another.
//
// Usage:
//
//	benchgrid corpus gen -dir DIR [-files N] [-seed S] [-bad K] [-size default|tiny|large]
//	benchgrid corpus real [-out DIR] [-copies N] [-source twitter,citm,...] [-layout json,ndjson-gz,...]
//	benchgrid corpus describe DIR
//	benchgrid process -parser P -strategy S [-workers N] [-read M] [-v] DIR
//	benchgrid run [-parsers …] [-strategies …] [-count N] [-corpus DIR] [-report]
//	benchgrid study [-corpus DIR] [-quick] [-count N] [-out DIR] [-seed S] [-no-builds]
//	benchgrid report [RUN_DIR]
//	benchgrid compare [-threshold 0.05] [-normalize geomean|floor|none] OLD NEW
//	benchgrid sizes [-o FILE] RUN_DIR RUN_DIR...
//
// A session:
//
//	$ benchgrid corpus gen -dir /tmp/c -files 2000 -bad 40
//	/tmp/c: 2040 files (40 adversarial: 29 bad, 11 tricky but good), 11.7 MiB, 6386 events in batch files
//	$ benchgrid process -parser sonic -strategy pool /tmp/c
//	{"files":2040,"bad_files":29,"bytes":12278405,"events":6410,…}
//	$ benchgrid corpus describe /tmp/c
//	files            2040
//	directories        12
//	bytes        12278405   11.7 MiB
//	size p50         2646    2.6 KiB
//	size p90        12140   11.9 KiB
//	size p99        59405   58.0 KiB
//	size max       242511  236.8 KiB
//
// The doc test keeps this session true.
//
// stdout carries data (the canonical line, a description); stderr carries
// progress and messages. Exit status is 0 on success, 1 on failure and 2 on
// a usage error.
//
// The command is package cli's Main with the built-in workloads: a binary
// of your own that registers its own workload and calls cli.Main is the
// same command for it (docs/own-workload.md).
package main

import (
	"os"

	"benchgrid/cli"
	_ "benchgrid/workloads/builtin" // the built-in workloads and their adapters
)

func main() { os.Exit(cli.Main()) }
