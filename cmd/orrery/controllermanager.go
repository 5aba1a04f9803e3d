package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/orrery-dev/orrery/controllers"
	"github.com/orrery-dev/orrery/controllers/nodelifecycle"
)

// The client rate limits of the components. kube-controller-manager's (20 qps, burst
// 30) would cap a rollout of thousands of pods at 20 writes a second; these stay above
// what the whole pipeline writes on one machine (a pod create, a binding, an event and
// a status update per pod, at several hundred pods a second), so the apiserver's own
// in-flight limits, not the client, decide how fast it goes.
const (
	defaultControllerQPS   = 2000
	defaultControllerBurst = 4000
)

func newControllerManagerCommand() *cobra.Command {
	var (
		flags     componentFlags
		enabled   []string
		lifecycle nodelifecycle.Options
	)
	cmd := &cobra.Command{
		Use:   "controller-manager",
		Short: "Run the controllers that act on workloads: ReplicaSet, Deployment, ...",
		Long: `Run Orrery's controllers against an apiserver (Orrery's or Kubernetes'), through
its HTTP API only, as one process, leader-elected with --leader-elect.

  orrery controller-manager --kubeconfig ./data/kubeconfig

Controllers: ` + controllerNames() + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			chosen, err := controllers.Select(enabled)
			if err != nil {
				return err
			}
			logger, m, closeAll, err := flags.manager("orrery-controller-manager", "kube-controller-manager")
			if err != nil {
				return err
			}
			defer closeAll()
			for _, ctl := range chosen {
				var err error
				if ctl.Name == nodelifecycle.Name {
					_, err = nodelifecycle.Setup(m, lifecycle)
				} else {
					err = ctl.Setup(m)
				}
				if err != nil {
					return fmt.Errorf("%s: %w", ctl.Name, err)
				}
				logger.Info("controller enabled: " + ctl.Name)
			}
			return m.Run(cmd.Context())
		},
	}
	flags.register(cmd, "127.0.0.1:10257", "kube-controller-manager")
	f := cmd.Flags()
	f.StringSliceVar(&enabled, "controllers", []string{"*"}, "controllers to run: '*' for all, 'foo' to add one, '-foo' to leave one out")
	f.DurationVar(&lifecycle.GracePeriod, "node-monitor-grace-period", 40*time.Second, "how long a node's Lease may go unrenewed before the node is unreachable")
	f.DurationVar(&lifecycle.MonitorPeriod, "node-monitor-period", 5*time.Second, "how often the node lifecycle controller checks the nodes")
	f.Float64Var(&lifecycle.EvictionRate, "node-eviction-rate", 0.1, "nodes per second of a zone that may get a NoExecute taint")
	f.Float64Var(&lifecycle.SecondaryEvictionRate, "secondary-node-eviction-rate", 0.01, "nodes per second that may get a NoExecute taint in a zone that is unhealthy (see --unhealthy-zone-threshold) and larger than --large-cluster-size-threshold")
	f.Float64Var(&lifecycle.UnhealthyZoneThreshold, "unhealthy-zone-threshold", 0.55, "share of a zone's nodes (at least 3) down that makes the zone unhealthy")
	f.IntVar(&lifecycle.LargeClusterSizeThreshold, "large-cluster-size-threshold", 50, "zone size up to which an unhealthy zone gets no NoExecute taints at all")
	return cmd
}

func controllerNames() string {
	var s string
	for i, c := range controllers.All() {
		if i > 0 {
			s += ", "
		}
		s += c.Name
	}
	return s
}
