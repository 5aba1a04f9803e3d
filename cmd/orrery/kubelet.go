package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/kubelet"
	"github.com/orrery-dev/orrery/internal/logging"
	"github.com/orrery-dev/orrery/manager"
)

func newKubeletCommand() *cobra.Command {
	var (
		kubeconfig, kubeContext string
		opts                    kubelet.Options
		cpu, memory             string
		qps                     float64
		burst                   int
		healthAddress, logLevel string
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
			logger, err := logging.New(logLevel)
			if err != nil {
				return err
			}
			defer logger.Sync()
			if opts.CPU, err = api.ParseQuantity(cpu); err != nil {
				return err
			}
			if opts.Memory, err = api.ParseQuantity(memory); err != nil {
				return err
			}
			cfg, err := client.LoadConfig(kubeconfig, kubeContext)
			if err != nil {
				return err
			}
			cfg.QPS, cfg.Burst, cfg.UserAgent, cfg.Logger = qps, burst, "orrery-kubelet", logger
			c, err := client.New(cfg)
			if err != nil {
				return err
			}
			defer c.Close()
			m, err := manager.New(manager.Options{Client: c, Logger: logger, HealthAddress: healthAddress})
			if err != nil {
				return err
			}
			if _, err := kubelet.Setup(m, opts); err != nil {
				return err
			}
			return m.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&kubeconfig, "kubeconfig", "", "path of the kubeconfig (default $KUBECONFIG or ~/.kube/config)")
	f.StringVar(&kubeContext, "context", "", "kubeconfig context (default its current context)")
	f.IntVar(&opts.Nodes, "nodes", 1, "how many nodes to simulate")
	f.StringVar(&opts.NodePrefix, "node-prefix", "orrery-node-", "node names: prefix + index")
	f.StringVar(&cpu, "node-cpu", "32", "each node's cpu")
	f.StringVar(&memory, "node-memory", "256Gi", "each node's memory")
	f.IntVar(&opts.PodsPerNode, "node-pods", 110, "each node's pod capacity")
	f.IntVar(&opts.Zones, "zones", 3, "nodes spread over this many topology.kubernetes.io/zone values")
	f.DurationVar(&opts.PodStartDelay, "pod-start-delay", 0, "how long pods stay Pending (ContainerCreating) before they run")
	f.DurationVar(&opts.RenewInterval, "lease-renew-interval", 10*time.Second, "how often each node's Lease is renewed")
	f.Float64Var(&qps, "kube-api-qps", defaultControllerQPS, "sustained requests per second to the apiserver")
	f.IntVar(&burst, "kube-api-burst", defaultControllerBurst, "requests allowed above --kube-api-qps in a burst")
	f.StringVar(&healthAddress, "health-address", "127.0.0.1:10248", "where /healthz, /readyz and /metrics are served (empty for none)")
	f.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}
