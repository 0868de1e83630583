# msikit: see README.md. `make demo` and `make test` are the two set-up commands.
GO      ?= go
BIN     := bin/msikit
FUZZTIME ?= 60s
PKGS    := ./...

# staticcheck, pinned, fetched through the module proxy by go run.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all build test race demo fuzz bench lint man clean

all: build

# -buildvcs=auto: the commit goes into the binary (msikit --version) even
# where GOFLAGS turns stamping off.
build:
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/msikit

# Every test; then which peer comparisons and corpus tests were skipped,
# and why (tests record their skips in MSIKIT_SKIPLOG).
test: lint
	@log=$$(mktemp); MSIKIT_SKIPLOG=$$log $(GO) test -count=1 $(PKGS); st=$$?; \
	  bash scripts/skips.sh "$$log"; rm -f "$$log"; exit $$st

# The library and CLI under the race detector, without the corpus.
race:
	$(GO) test -race -short -count=1 $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }

demo: build
	@bash scripts/demo.sh

# Every Fuzz* target in every package, FUZZTIME each.
fuzz:
	@bash scripts/fuzz.sh $(FUZZTIME)

bench: build
	@bash scripts/bench.sh

# The manual page, made from the command tree (generated, not committed).
man: build
	@mkdir -p man
	$(BIN) man > man/msikit.1.tmp && mv man/msikit.1.tmp man/msikit.1

clean:
	rm -rf bin man
