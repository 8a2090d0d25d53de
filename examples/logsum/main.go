// Command logsum is benchgrid for a workload of its own: the total of the
// "bytes" field of NDJSON access logs, computed two ways — with
// encoding/json and with a hand-rolled scanner — which are its two
// parsers. It is the example that docs/own-workload.md walks through: the
// workload is defined and registered in logsum.go with workload.Simple,
// and main is benchgrid's command line, so every benchgrid command works
// for it:
//
//	$ go build -o logsum ./examples/logsum
//	$ ./logsum process -parser scan -strategy pool ~/logs
//	{"files":25,"bad_files":1,"bytes":13974,"result":{"records":191,"with_bytes":186,"bytes":2187012}}
//	$ ./logsum run -corpus ~/logs -count 5 -report
//	$ ./logsum compare results/OLD results/NEW
//
// The binary is its own child: `run` starts every sample as
// os.Executable() with a hidden subcommand that cli.Main dispatches, and
// the child registers the same workload (logsum.go's init) before it.
package main

import (
	"os"

	"benchgrid/cli"
)

func main() { os.Exit(cli.Main()) }
