package matrix

import (
	"context"

	"benchgrid/corpus"
	"benchgrid/parsers"
	"benchgrid/processor"
	"benchgrid/record"
	"benchgrid/strategies"
	"benchgrid/workload"
)

// ReferenceConfig is the configuration whose answer every cell is checked
// against: the registries' reference parser and strategy.
func ReferenceConfig() processor.Config {
	return processor.Config{Parser: parsers.WithRole(parsers.RoleReference), Strategy: strategies.WithRole(strategies.RoleReference)}
}

// BaselineCell is the naive program that improvements are measured from:
// the registries' baseline parser and strategy, every other axis at its
// default.
func BaselineCell() Cell {
	return Cell{Parser: parsers.WithRole(parsers.RoleBaseline), Strategy: strategies.WithRole(strategies.RoleBaseline),
		Read: corpus.ReadFile, Build: "default"}
}

// RunRoles are the roles a run records, from the registries.
func RunRoles() *record.Roles {
	pair := func(parser, strategy string) []record.AxisValue {
		var out []record.AxisValue
		if parser != "" {
			out = append(out, record.AxisValue{Key: KeyParser, Value: parser})
		}
		if strategy != "" {
			out = append(out, record.AxisValue{Key: KeyStrategy, Value: strategy})
		}
		return out
	}
	return &record.Roles{
		Reference: pair(parsers.WithRole(parsers.RoleReference), strategies.WithRole(strategies.RoleReference)),
		Baseline:  pair(parsers.WithRole(parsers.RoleBaseline), strategies.WithRole(strategies.RoleBaseline)),
		Floor:     pair(parsers.WithRole(parsers.RoleFloor), ""),
		Versus:    pair(parsers.WithRole(parsers.RoleVersus), strategies.WithRole(strategies.RoleVersus)),
	}
}

// Reference computes the answer of files that every configuration must
// give: ReferenceConfig's.
func Reference(ctx context.Context, files []corpus.File) (*workload.Tally, error) {
	proc, err := processor.New(ReferenceConfig())
	if err != nil {
		return nil, err
	}
	return proc.Run(ctx, files)
}
