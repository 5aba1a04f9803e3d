# Orrery: a working model of the Kubernetes control plane.
GO ?= go
# Every module in the repository: the main one and any nested go.mod (test/compat, ...).
MODULES := $(patsubst %/go.mod,%,$(shell find . -name go.mod -not -path './.git/*' | sort))
BIN := bin/orrery
# The real kwok, which test/compat runs beside Orrery's simulated kubelet, with the
# stages it ships (kwok's defaults).
KWOK_VERSION := v0.8.0
KWOK := bin/kwok
KWOK_STAGES := node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
	pod/fast/pod-ready.yaml pod/fast/pod-delete.yaml
# The real Kubernetes control plane and etcd, built from test/kube (its own module,
# which pins the versions) for side-by-side benchmarks; bin/kube-up runs them.
KUBE_VERSION := v1.37.2
KUBE_LDFLAGS := -X k8s.io/component-base/version.gitVersion=$(KUBE_VERSION) \
	-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37 \
	-X k8s.io/component-base/version.gitTreeState=clean

.DEFAULT_GOAL := help

.PHONY: help build demo test lint fmt bench bench-e2e bench-compat kube

help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Build the orrery binary into bin/.
	$(GO) build -o $(BIN) ./cmd/orrery

demo: build ## Run a fresh cluster and narrate a Deployment's life (orrery demo).
	$(BIN) demo

test: $(KWOK) ## Run every test of every module with the race detector.
	@set -e; for m in $(MODULES); do \
		echo "== go test $$m"; \
		(cd $$m && ORRERY_KWOK=$(abspath $(KWOK)) $(GO) test -race -count=1 ./...); \
	done

$(KWOK):
	GOBIN=$(abspath bin) $(GO) install sigs.k8s.io/kwok/cmd/kwok@$(KWOK_VERSION)
	@dir=$$($(GO) mod download -json sigs.k8s.io/kwok@$(KWOK_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
		mkdir -p bin/kwok-stages && for f in $(KWOK_STAGES); do cp "$$dir/kustomize/stage/$$f" bin/kwok-stages/; chmod u+w bin/kwok-stages/*; done

kube: $(KWOK) ## Build real Kubernetes (kube-apiserver, kube-scheduler, kube-controller-manager v1.37.2, etcd) and kube-up into bin/ for side-by-side benchmarks.
	cd test/kube && $(GO) build -ldflags '$(KUBE_LDFLAGS)' -o $(abspath bin)/ \
		k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
	cd test/kube && $(GO) build -o $(abspath bin)/etcd go.etcd.io/etcd/server/v3
	cd test/kube && $(GO) build -o $(abspath bin)/kube-up ./cmd/kube-up

lint: ## Check formatting (gofmt) and run go vet on every module.
	@bad=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$bad" ]; then echo "gofmt would change:"; echo "$$bad"; exit 1; fi
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) vet ./...); done

fmt: ## Format all Go files.
	gofmt -w $$(git ls-files '*.go')

bench: ## Run Orrery's benchmarks: storage on embedded etcd, the API over HTTPS, workqueues.
	$(GO) test -run '^$$' -bench . -benchmem ./apiserver/storage/ ./apiserver/ ./workqueue/

# Where bench-e2e writes its results, and flags for every scenario it runs (for a real
# cluster: BENCH_FLAGS='--kubeconfig /tmp/k8s/kubeconfig --process "$$(paste -sd, /tmp/k8s/pids)"').
BENCH_OUT ?= bench-results
BENCH_FLAGS ?=

bench-e2e: build ## Run every orrery bench scenario at full size (about 10 minutes); JSON and charts in $(BENCH_OUT)/.
	@mkdir -p $(BENCH_OUT)
	$(BIN) bench burst --pods 5000 --nodes 100 --json $(BENCH_OUT)/burst-5000.json --svg $(BENCH_OUT)/burst-5000.svg $(BENCH_FLAGS)
	$(BIN) bench burst --pods 5000 --nodes 100 --deployment --json $(BENCH_OUT)/burst-5000-deployment.json --svg $(BENCH_OUT)/burst-5000-deployment.svg $(BENCH_FLAGS)
	$(BIN) bench burst --pods 5000 --nodes 100 --split --json $(BENCH_OUT)/burst-5000-split.json $(BENCH_FLAGS)
	$(BIN) bench burst --pods 10000 --nodes 1000 --json $(BENCH_OUT)/burst-10000.json --svg $(BENCH_OUT)/burst-10000.svg $(BENCH_FLAGS)
	$(BIN) bench steady --rate 100 --duration 60s --json $(BENCH_OUT)/steady.json --svg $(BENCH_OUT)/steady.svg $(BENCH_FLAGS)
	$(BIN) bench list --pods 5000 --json $(BENCH_OUT)/list.json $(BENCH_FLAGS)
	$(BIN) bench fanout --watchers 100 --pods 1000 --json $(BENCH_OUT)/fanout-100.json $(BENCH_FLAGS)
	$(BIN) bench fanout --watchers 500 --pods 1000 --json $(BENCH_OUT)/fanout-500.json $(BENCH_FLAGS)
	$(BIN) bench scheduler --pods 5000 --nodes 5000 --json $(BENCH_OUT)/scheduler.json $(BENCH_FLAGS)

bench-compat: ## Run the side-by-side benchmarks against client-go (test/compat).
	cd test/compat && $(GO) test -run '^$$' -bench . -benchmem -count 6 . | tee bench-compat.txt
