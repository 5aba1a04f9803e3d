package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orrery-dev/orrery/internal/cluster"
	"github.com/orrery-dev/orrery/internal/logging"
)

func newUpCommand() *cobra.Command {
	var (
		cfg         cluster.Config
		etcdServers string
		logLevel    string
	)
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Run the whole control plane in one process: apiserver, controllers, scheduler, simulated nodes",
		Long: `Run, in one process, the apiserver (embedded etcd unless --etcd-servers), the
controller-manager, the scheduler and a simulated kubelet with --nodes nodes, each
talking to the apiserver over HTTPS as when run alone. It prints the kubeconfig to use
once everything is ready, and runs until interrupted; a second start on the same
--data-dir resumes the same cluster.

  orrery up --nodes 10
  export KUBECONFIG=./orrery-data/kubeconfig
  kubectl get nodes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger, err := logging.New(logLevel)
			if err != nil {
				return err
			}
			defer logger.Sync()
			cfg.Logger = logger
			if etcdServers != "" {
				cfg.EtcdServers = strings.Split(etcdServers, ",")
			}
			c, err := cluster.Start(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Orrery is up: %s, %d simulated nodes.\n", c.Server.URL(), cfg.Nodes)
			fmt.Fprintf(out, "Kubeconfig: %s\n\n  export KUBECONFIG=%s\n  kubectl get nodes\n\n", c.KubeconfigPath(), c.KubeconfigPath())
			fmt.Fprintln(out, "Press Ctrl-C to stop.")
			err = c.Wait()
			if err == nil {
				fmt.Fprintln(out, "Orrery stopped.")
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.DataDir, "data-dir", "orrery-data", "directory for the cluster's state (etcd, certificates, kubeconfig)")
	f.StringVar(&cfg.Address, "address", "127.0.0.1", "address the apiserver serves on")
	f.IntVar(&cfg.Port, "port", 6443, "port the apiserver serves on; 0 picks a free one")
	f.StringVar(&etcdServers, "etcd-servers", "", "comma-separated client URLs of an external etcd cluster (default: embedded etcd)")
	f.IntVar(&cfg.Nodes, "nodes", 10, "simulated nodes")
	f.DurationVar(&cfg.Kubelet.PodStartDelay, "kubelet-pod-start-delay", 0, "how long pods stay ContainerCreating before they run")
	f.StringSliceVar(&cfg.Controllers, "controllers", nil, "controllers to run, as orrery controller-manager --controllers (default all)")
	f.Int32Var(&cfg.Scheduler.PercentageOfNodesToScore, "scheduler-percentage-of-nodes-to-score", 0, "the scheduler's percentageOfNodesToScore (0: Kubernetes' adaptive default)")
	f.BoolVar(&cfg.Fast, "fast", false, "short node lifecycle timings for demonstrations: leases every second, a node unreachable after 5 s")
	f.StringVar(&logLevel, "log-level", "warn", "debug, info, warn or error")
	return cmd
}
