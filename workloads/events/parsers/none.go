package parsers

import "benchgrid/workloads/events"

func init() { events.Register(noneParser{}) }

// noneParser is the I/O floor: files are read and counted, never parsed, so
// it computes no canonical result. Every configuration is measured as a
// multiple of it.
type noneParser struct{}

func (noneParser) Name() string { return "none" }

func (noneParser) ReadOnly() bool { return true }

func (noneParser) NewDecoder() (events.Decoder, error) { return noneDecoder{}, nil }

type noneDecoder struct{}

// Decode does nothing: reading the bytes was the whole job.
func (noneDecoder) Decode([]byte, *events.Batch) error { return nil }
