// Package harness measures a matrix of configurations: for every cell it
// runs fresh child processes, checks each answer against the reference,
// profiles it, and writes the result files that reports read.
//
// A run (Run) goes through these steps, each a method of the run loop:
//
//  1. prepare: fill in the defaults (Options.withDefaults), check the out
//     folder, list the corpus, plan the cells that can run here (MakePlan;
//     cold cells only where corpus.CanEvict verifies eviction) and build
//     their variants (builds.Builder).
//  2. reference: compute, in this process, the answer every cell must give
//     (matrix.ReferenceConfig); the pass also warms the page cache, which
//     each cold sample evicts again.
//  3. newRecord: start the record (record.Run) with the environment, the
//     corpus, the cells' axes and the roles.
//  4. rounds: Count rounds, each running every cell once in a seeded
//     shuffled order, one child (Children.Run, child.Main on the other
//     side) per sample, flushing results.json and bench.txt after each.
//  5. profiles: each cell's profiles, in separate children after the
//     timed rounds.
//  6. finish: noise warnings, then the record marked complete or, when
//     interrupted, incomplete.
//
// It sits after packages matrix (what to measure), child (what a child
// does), builds (the binaries of build variants) and record (the result
// files) in benchgrid's flow, and before study and reports. It knows
// nothing about flags, exit codes or markdown.
package harness
