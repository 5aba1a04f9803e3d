// Command zonelabeller keeps a label on every pod naming the zone of the node it runs
// on (topology.kubernetes.io/zone, copied from the node), written with package manager:
//
//	go run ./examples/zonelabeller --kubeconfig ./orrery-data/kubeconfig
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/manager"
)

const zoneLabel = "topology.kubernetes.io/zone"

// setup adds the controller to m: pods, and a node's pods on each event of the node.
func setup(m *manager.Manager) error {
	podsByNode := manager.NewIndex("node", func(p *api.Pod) []string { return []string{p.Spec.NodeName} }) // "" = unscheduled
	pods, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.Pod]{Indexes: []*manager.Index[*api.Pod]{podsByNode}})
	if err != nil {
		return err
	}
	nodes, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.Node]{})
	if err != nil {
		return err
	}
	podClient := client.Resource[*api.Pod](m.Client())
	ctrl, err := manager.NewController(m, "zonelabeller", manager.ReconcilerFunc(func(ctx context.Context, req manager.Request) (manager.Result, error) {
		pod, err := pods.Lister().Namespace(req.Namespace).Get(req.Name)
		if err != nil || pod.Spec.NodeName == "" {
			return manager.Result{}, nil // gone, or not scheduled yet: a later event brings it back
		}
		node, err := nodes.Lister().Get(pod.Spec.NodeName)
		if err != nil {
			return manager.Result{}, nil // the node's own event will map to this pod
		}
		zone, ok := node.Labels[zoneLabel]
		if current, has := pod.Labels[zoneLabel]; has == ok && current == zone {
			return manager.Result{}, nil
		}
		value := any(zone)
		if !ok {
			value = nil // a node without a zone: the label is removed
		}
		patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{zoneLabel: value}}})
		_, err = podClient.Namespace(pod.Namespace).Patch(ctx, pod.Name, client.MergePatchType, patch)
		if client.IsNotFound(err) {
			return manager.Result{}, nil
		}
		return manager.Result{}, err
	}), manager.ControllerOptions{MaxConcurrentReconciles: 4})
	if err != nil {
		return err
	}
	if err := manager.For[*api.Pod](ctrl, manager.WithPredicates(manager.Or(manager.LabelsChanged(),
		manager.Funcs[*api.Pod]{UpdateFunc: func(old, new *api.Pod) bool { return old.Spec.NodeName != new.Spec.NodeName }}))); err != nil {
		return err
	}
	return manager.Watches[*api.Node](ctrl, manager.ByIndex[*api.Node](podsByNode), manager.WithPredicates(manager.LabelsChanged()))
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "path of the kubeconfig (default $KUBECONFIG or ~/.kube/config)")
	health := flag.String("health-address", "127.0.0.1:8081", "where /healthz, /readyz and /metrics are served")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *kubeconfig, *health); err != nil {
		fmt.Fprintln(os.Stderr, "zonelabeller:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, kubeconfig, health string) error {
	cfg, err := client.LoadConfig(kubeconfig, "")
	if err != nil {
		return err
	}
	c, err := client.New(cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	m, err := manager.New(manager.Options{Client: c, HealthAddress: health})
	if err != nil {
		return err
	}
	if err := setup(m); err != nil {
		return err
	}
	return m.Run(ctx)
}
