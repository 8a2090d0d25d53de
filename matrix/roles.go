package matrix

import (
	"context"

	"benchgrid/corpus"
	"benchgrid/processor"
	"benchgrid/record"
	"benchgrid/strategies"
	"benchgrid/workload"
)

// ReferenceConfig is the configuration whose answer every cell is checked
// against: w's reference parser and the registry's reference strategy.
func ReferenceConfig(w workload.Workload) processor.Config {
	return processor.Config{Workload: w, Parser: workload.WithRole(w, workload.RoleReference), Strategy: strategies.WithRole(strategies.RoleReference)}
}

// BaselineCell is the naive program that improvements are measured from:
// w's baseline parser and the registry's baseline strategy, every other
// axis at its default.
func BaselineCell(w workload.Workload) Cell {
	return Cell{Parser: workload.WithRole(w, workload.RoleBaseline), Strategy: strategies.WithRole(strategies.RoleBaseline),
		Read: corpus.ReadFile, Build: "default"}
}

// RunRoles are the roles a run of w records, from w and the strategies'
// registry.
func RunRoles(w workload.Workload) *record.Roles {
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
		Reference: pair(workload.WithRole(w, workload.RoleReference), strategies.WithRole(strategies.RoleReference)),
		Baseline:  pair(workload.WithRole(w, workload.RoleBaseline), strategies.WithRole(strategies.RoleBaseline)),
		Floor:     pair(workload.WithRole(w, workload.RoleFloor), ""),
		Versus:    pair(workload.WithRole(w, workload.RoleVersus), strategies.WithRole(strategies.RoleVersus)),
	}
}

// Reference computes the answer of files that every configuration must
// give: ReferenceConfig's.
func Reference(ctx context.Context, w workload.Workload, files []corpus.File) (*workload.Outcome, error) {
	proc, err := processor.New(ReferenceConfig(w))
	if err != nil {
		return nil, err
	}
	return proc.Run(ctx, files)
}
