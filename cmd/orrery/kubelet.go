package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/controllers/kubelet"
)

func newKubeletCommand() *cobra.Command {
	var (
		flags       componentFlags
		opts        kubelet.Options
		cpu, memory string
	)
	cmd := &cobra.Command{
		Use:   "kubelet",
		Short: "Simulate the kubelets of many nodes: register them, keep them alive, run their pods",
		Long: `Simulate N nodes in one process, as kwok does: register the Nodes, renew a Lease per
node in kube-node-lease every 10 s, and run the pods bound to them through Pending and
Running with the status a kubelet writes.

  orrery kubelet --kubeconfig ./data/kubeconfig --nodes 100

Pod annotations drive workloads: orrery.dev/run-for: 30s (containers exit after it),
orrery.dev/exit-code: 1 (they fail), orrery.dev/ready-after: 10s (readiness waits).
The node annotation orrery.dev/simulate=down makes a node stop posting status and
renewing its Lease, as a machine that lost power; removing it brings the node back.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.CPU, err = api.ParseQuantity(cpu); err != nil {
				return err
			}
			if opts.Memory, err = api.ParseQuantity(memory); err != nil {
				return err
			}
			_, m, closeAll, err := flags.manager("orrery-kubelet", "")
			if err != nil {
				return err
			}
			defer closeAll()
			if _, err := kubelet.Setup(m, opts); err != nil {
				return err
			}
			return m.Run(cmd.Context())
		},
	}
	flags.register(cmd, "127.0.0.1:10248", "")
	f := cmd.Flags()
	f.IntVar(&opts.Nodes, "nodes", 1, "how many nodes to simulate")
	f.StringVar(&opts.NodePrefix, "node-prefix", "orrery-node-", "node names: prefix + index")
	f.StringVar(&cpu, "node-cpu", "32", "each node's cpu")
	f.StringVar(&memory, "node-memory", "256Gi", "each node's memory")
	f.IntVar(&opts.PodsPerNode, "node-pods", 110, "each node's pod capacity")
	f.IntVar(&opts.Zones, "zones", 3, "nodes spread over this many topology.kubernetes.io/zone values")
	f.DurationVar(&opts.PodStartDelay, "pod-start-delay", 0, "how long pods stay Pending (ContainerCreating) before they run")
	f.DurationVar(&opts.RenewInterval, "lease-renew-interval", 10*time.Second, "how often each node's Lease is renewed")
	return cmd
}
