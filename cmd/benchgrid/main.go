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
// Real documents from Go's own test data, with a query file for each
// (docs/real-corpora.md), and the query workload over them:
//
//	$ benchgrid corpus real -out /tmp/real -source twitter -layout json,ndjson-zst
//	/tmp/real: 2 corpora (1 source × 2 layouts), 113 files, 625.7 KiB, from go1.…'s encoding/json test data; /tmp/real/SOURCES.txt says where every document comes from
//	twitter/json            100 files  555.8 KiB    100 documents   benchgrid run -query /tmp/real/twitter.query -corpus /tmp/real/twitter/json
//	twitter/ndjson-zst       10 files   57.8 KiB    100 documents   benchgrid run -query /tmp/real/twitter.query -corpus /tmp/real/twitter/ndjson-zst
//	$ benchgrid process -query /tmp/real/twitter.query -parser fastjson -strategy pool /tmp/real/twitter/ndjson-zst
//	{"files":10,"bad_files":0,"bytes":59214,"documents":100,"bad_documents":0,"records":100,"aggregates":{"count_by:lang":{"ja":96,"zh":4},"distinct:user":100,…}}
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
