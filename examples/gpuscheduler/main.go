// Command gpuscheduler runs Orrery's scheduler with a plugin of its own: pods that ask
// for GPUs (the example.com/gpu resource, or the label gpu=true) go only to nodes
// labelled gpu=true, and nodes labelled gpu=true are kept for such pods.
//
//	go run ./examples/gpuscheduler --kubeconfig ./orrery-data/kubeconfig
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/scheduler"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
	"github.com/orrery-dev/orrery/manager"
)

// GPUNodes is a Filter plugin.
type GPUNodes struct{}

// Name names the plugin in messages and configuration.
func (GPUNodes) Name() string { return "GPUNodes" }

// wantsGPU reports whether the pod asks for a GPU.
func wantsGPU(p *api.Pod) bool {
	if p.Labels["gpu"] == "true" {
		return true
	}
	for _, c := range p.Spec.Containers {
		if _, ok := c.Resources.Requests["example.com/gpu"]; ok {
			return true
		}
	}
	return false
}

// Filter keeps GPU pods and GPU nodes together.
func (GPUNodes) Filter(_ context.Context, _ *framework.CycleState, p *api.Pod, n *framework.NodeInfo) *framework.Status {
	gpuNode := n.Node.Labels["gpu"] == "true"
	switch {
	case wantsGPU(p) && !gpuNode:
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) had no GPU")
	case !wantsGPU(p) && gpuNode:
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) were kept for GPU pods")
	}
	return nil
}

// setup adds the scheduler, with the default plugins and GPUNodes, to m.
func setup(m *manager.Manager) error {
	plugins := append(scheduler.DefaultPlugins(nil), scheduler.WeightedPlugin{Plugin: GPUNodes{}})
	_, err := scheduler.Setup(m, scheduler.Options{Plugins: plugins})
	return err
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "path of the kubeconfig (default $KUBECONFIG or ~/.kube/config)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *kubeconfig); err != nil {
		fmt.Fprintln(os.Stderr, "gpuscheduler:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, kubeconfig string) error {
	cfg, err := client.LoadConfig(kubeconfig, "")
	if err != nil {
		return err
	}
	c, err := client.New(cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	m, err := manager.New(manager.Options{Client: c})
	if err != nil {
		return err
	}
	if err := setup(m); err != nil {
		return err
	}
	return m.Run(ctx)
}
