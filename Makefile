# Orrery: a working model of the Kubernetes control plane.
GO ?= go
# Every module in the repository: the main one and any nested go.mod (test/compat, ...).
MODULES := $(patsubst %/go.mod,%,$(shell find . -name go.mod -not -path './.git/*' | sort))
BIN := bin/orrery

.DEFAULT_GOAL := help

.PHONY: help build demo test lint fmt bench bench-compat

help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Build the orrery binary into bin/.
	$(GO) build -o $(BIN) ./cmd/orrery

demo: build ## Run a fresh cluster and narrate a Deployment's life (orrery demo).
	$(BIN) demo

test: ## Run every test of every module with the race detector.
	@set -e; for m in $(MODULES); do \
		echo "== go test $$m"; \
		(cd $$m && $(GO) test -race -count=1 ./...); \
	done

lint: ## Check formatting (gofmt) and run go vet on every module.
	@bad=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$bad" ]; then echo "gofmt would change:"; echo "$$bad"; exit 1; fi
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) vet ./...); done

fmt: ## Format all Go files.
	gofmt -w $$(git ls-files '*.go')

bench: ## Run Orrery's benchmarks: storage on embedded etcd, the API over HTTPS, workqueues.
	$(GO) test -run '^$$' -bench . -benchmem ./apiserver/storage/ ./apiserver/ ./workqueue/

bench-compat: ## Run the side-by-side benchmarks against client-go (test/compat).
	cd test/compat && $(GO) test -run '^$$' -bench . -benchmem -count 6 . | tee bench-compat.txt
