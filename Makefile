# Atelier — the two commands of the README are `make run` and `make test`.
# PocketBase v0.40 needs Go >= 1.27: let the go command fetch it if needed.
export GOTOOLCHAIN := auto
export CGO_ENABLED := 0

GO ?= go
ADDR ?= 127.0.0.1:8090

# Litestream for the replication test (hooks/e2e/litestream_test.go), the
# version documented in docs/exploitation.md, built from the Go module proxy
# into bin/ (its command is pure Go: no cgo). The test finds it through
# ATELIER_LITESTREAM.
LITESTREAM_VERSION := v0.5.18
LITESTREAM := bin/litestream-$(LITESTREAM_VERSION)
export ATELIER_LITESTREAM := $(CURDIR)/$(LITESTREAM)

.PHONY: run test test-dates build vet demo bench bench-scale clean litestream

## run: start Atelier on http://127.0.0.1:8090 (data in ./pb_data), in dev mode
## (SQL statements on the terminal, their values masked; admin UI changes
## written as migrations)
run:
	$(GO) run . serve --dev --http=$(ADDR)

## test: every test of the project (vet, formatting, Go tests, browser tests),
## at the real time, then the in-process tests at the instants of test-dates
test: vet hooks/e2e/node_modules $(LITESTREAM)
	@unformatted=$$(gofmt -l main.go hooks pb_migrations); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) test -count=1 -timeout 20m ./...
	@$(MAKE) --no-print-directory test-dates

## test-dates: the in-process tests again at instants where dates break
## (ATELIER_TEST_NOW): already 1 December at La Réunion but still 30 November
## in Paris, New Year's Eve in Paris, 30 minutes before the spring clock
## change, 29 February. Tests of the real binary (hooks/e2e) keep the real time.
TEST_DATES ?= 2026-11-30T20:30:00Z 2026-12-31T22:30:00Z 2027-03-28T00:30:00Z 2028-02-29T12:00:00Z
test-dates:
	@for at in $(TEST_DATES); do \
		echo "== ATELIER_TEST_NOW=$$at"; \
		ATELIER_TEST_NOW=$$at $(GO) test -count=1 $$($(GO) list ./... | grep -v /hooks/e2e) || exit 1; \
	done

vet:
	$(GO) vet ./...

# axe-core for the accessibility audits, pinned by hooks/e2e/package-lock.json
hooks/e2e/node_modules: hooks/e2e/package.json hooks/e2e/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix hooks/e2e --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: browser accessibility audits will fail or skip"; fi

## litestream: build the pinned Litestream into bin/
litestream: $(LITESTREAM)

$(LITESTREAM):
	GOBIN=$(CURDIR)/bin/.build $(GO) install -trimpath github.com/benbjohnson/litestream/cmd/litestream@$(LITESTREAM_VERSION)
	mv bin/.build/litestream $@
	rmdir bin/.build

## bench: measure against a real server and print figures with ratios
bench:
	$(GO) run ./hooks/bench

## bench-scale: a whole region (500 structures, five years) at 1/100, 1/10
## and full size, each built once into the user's cache directory
## (atelier-bench-scale/), served by the real binary; one table with the
## growth between sizes. BENCH_SCALE_SIZES=0.01,0.1 runs fewer sizes.
bench-scale:
	$(GO) run ./hooks/bench scale

## build: one static binary ./atelier
build:
	$(GO) build -trimpath -ldflags="-s -w" -o atelier .

## demo: fill ./pb_data with demonstration data
demo:
	$(GO) run . demo

clean:
	rm -f atelier
	rm -rf bin
