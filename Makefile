# Entry points for development and CI. The per-module work lives in scripts/;
# modules are the ones go.work lists.

# staticcheck 2025.1.1; the module proxy knows its releases by their
# module versions, not by the year.version names.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.6.1

MODULES = $(shell GOWORK=$(CURDIR)/go.work go list -m -f '{{.Dir}}')

.PHONY: run test bench lint fuzz

# run starts the monitor (vitals serve) with examples/monitor/vitals.yaml on
# http://127.0.0.1:8080, watching the example service it starts on 8081.
run:
	scripts/run

# test installs and starts the servers the tests need, then runs every
# module's tests with a missing server counted as a failure.
test:
	scripts/services
	VITALS_REQUIRE_SERVICES=1 scripts/test

bench:
	scripts/bench

# fuzz runs every fuzz target of every module for FUZZTIME each (default
# 30s), one at a time, and prints a table of targets, execs and results;
# e.g. make fuzz FUZZTIME=2m, or FUZZ=FuzzScan to pick targets.
FUZZTIME ?= 30s
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz

# lint checks formatting, then runs go vet and staticcheck in every module,
# going on after a failure so that one run reports everything.
lint:
	@status=0; \
	files=$$(find . \( -name testdata -o -name '.?*' \) -prune -o -name '*.go' -print0 | xargs -0r gofmt -l); \
	if [ -n "$$files" ]; then echo "gofmt: these files need formatting:"; echo "$$files"; status=1; fi; \
	for dir in $(MODULES); do \
		echo "==> $$dir"; \
		(cd "$$dir" && go vet ./...) || status=1; \
		(cd "$$dir" && go run $(STATICCHECK) ./...) || status=1; \
	done; \
	exit $$status
