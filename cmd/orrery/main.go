// Command orrery runs Orrery's control-plane components:
//
//	orrery apiserver            the Kubernetes API over etcd (embedded unless --etcd-servers)
//	orrery controller-manager   the workload controllers (ReplicaSet, Deployment, ...)
//	orrery scheduler            the scheduler: places pending pods on nodes
//	orrery kubelet              simulated kubelets of many nodes
//	orrery up                   all of them in one process
//	orrery demo                 a fresh cluster and a Deployment's life, narrated
//
// It stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCommand().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}
