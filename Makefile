# benchgrid: `make bench` measures every parser × strategy on the default
# corpus and writes the report; `make test` is what CI runs.

GO ?= go
BIN := bin/benchgrid
FUZZTIME ?= 10s

.PHONY: all build bench bench-real study study-quick test test-short lint fuzz e2e clean peers-compare

all: build

# The commit of benchgrid's own sources, stamped into the binary so that
# results record it wherever the command runs (see harness.commit);
# +dirty when tracked files differ from it. Outside a git checkout nothing
# is stamped and the binary falls back to Go's VCS stamp, or "unknown".
ROOT := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
GIT_HEAD := $(shell git -C '$(ROOT)' rev-parse HEAD 2>/dev/null)
GIT_DIRTY := $(if $(GIT_HEAD),$(shell git -C '$(ROOT)' diff --quiet HEAD -- 2>/dev/null || echo +dirty))
LDFLAGS := $(if $(GIT_HEAD),-X benchgrid/harness.commit=$(GIT_HEAD)$(GIT_DIRTY))

# -pgo=off explicitly: the default build is the baseline the pgo build
# variant is measured against.
build:
	$(GO) build -pgo=off -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/benchgrid

# The main job: every parser × every strategy on the default corpus
# (generated on first use into .benchgrid/), count 10, cpu+allocs profiles,
# then the markdown report in results/latest/report.md.
bench: build
	$(BIN) run -report $(BENCHFLAGS)
	@echo "report: results/latest/report.md"
	@echo "compare: $(GO) tool benchstat -col /parser -row /strategy results/latest/bench.txt"

# Real documents: corpora cut from Go's own encoding/json test data
# (benchgrid corpus real; docs/real-corpora.md), then every parser ×
# strategy on one of them with its query. REAL names the source (twitter,
# citm, golang, synthea, canada, strings), REAL_LAYOUT its layout (json,
# json-gz, ndjson, ndjson-gz, ndjson-zst) and REAL_COPIES how many times
# each document is written: Go's documents alone are too few to time
# reliably (twitter's 100 statuses are 556 KiB), so the default writes
# them 50 times (5,000 files, 27 MiB), built once, in seconds, into
# .benchgrid/real-SOURCE-xCOPIES:
#   make bench-real REAL=golang REAL_LAYOUT=ndjson-gz REAL_COPIES=4
REAL ?= twitter
REAL_LAYOUT ?= json
REAL_COPIES ?= 50
REAL_DIR := .benchgrid/real-$(REAL)-x$(REAL_COPIES)
bench-real: build
	@test -f $(REAL_DIR)/SOURCES.txt || $(BIN) corpus real -source $(REAL) -copies $(REAL_COPIES) -out $(REAL_DIR)
	$(BIN) run -report -query $(REAL_DIR)/$(REAL).query -corpus $(REAL_DIR)/$(REAL)/$(REAL_LAYOUT) $(BENCHFLAGS)
	@echo "report: results/latest/report.md"

# The optimization study: from the naive program (std parser, goroutine per
# file) to the fastest configuration, one change at a time.
study: build
	$(BIN) study $(STUDYFLAGS)

study-quick: build
	$(BIN) study -quick $(STUDYFLAGS)

# Everything CI checks: formatting, vet, staticcheck, the race-enabled
# tests (fuzz seeds included), a short fuzz of every fuzz target (after
# a check of scripts/fuzz.sh's one retry rule), and an
# end-to-end run of the harness, and the hostile conditions that need real
# processes, signals and limits (scripts/hostile.sh).
test: lint
	$(GO) test -race -count=1 ./...
	# sonic's other decoder (optdec: arm64's only one) must give the same answers.
	SONIC_USE_OPTDEC=1 $(GO) test -count=1 ./workloads/events/parsers
	SONIC_USE_OPTDEC=1 $(GO) test -count=1 -run Contract ./workloads/query/adapters
	scripts/fuzz_test.sh
	$(MAKE) fuzz
	scripts/e2e.sh
	scripts/hostile.sh

test-short:
	$(GO) test -short ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# A short coverage-guided run of every fuzz target.
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin

# benchgrid's process against the Rust and C++ peers (docs/peers.md),
# whole processes, paired rounds, CPU seconds, on two corpora from
# scripts/peers-corpus.py: ROUNDS=5 by default, BG_CONFIGS to choose the
# configurations (see the script). A benchmark, never a test.
peers-compare:
	scripts/peers-compare.sh
