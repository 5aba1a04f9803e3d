//go:build tools

// The real Kubernetes control plane and etcd, built by `make kube` with the versions
// pinned in go.mod. The build tag keeps them out of go vet and go test.
package kube

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
