# msikit: see README.md. `make demo` and `make test` are the two set-up commands.
GO      ?= go
BIN     := bin/msikit
FUZZTIME ?= 60s
PKGS    := ./...

.PHONY: all build test demo fuzz bench lint clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/msikit

test: lint
	$(GO) test -count=1 $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

demo: build
	@bash scripts/demo.sh

# Every Fuzz* target in every package, FUZZTIME each.
fuzz:
	@bash scripts/fuzz.sh $(FUZZTIME)

bench: build
	@bash scripts/bench.sh

clean:
	rm -rf bin
