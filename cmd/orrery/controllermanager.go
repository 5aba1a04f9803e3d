package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/leaderelection"
	"github.com/orrery-dev/orrery/controllers"
	"github.com/orrery-dev/orrery/controllers/nodelifecycle"
	"github.com/orrery-dev/orrery/internal/logging"
	"github.com/orrery-dev/orrery/manager"
)

// The client rate limits of the controller-manager. kube-controller-manager's (20 qps,
// burst 30) would cap a rollout of thousands of pods at 20 writes a second; these
// stay above what the whole pipeline writes on one machine (a pod create, a binding,
// an event and a status update per pod, at several hundred pods a second), so the
// apiserver's own in-flight limits, not the client, decide how fast it goes.
const (
	defaultControllerQPS   = 2000
	defaultControllerBurst = 4000
)

func newControllerManagerCommand() *cobra.Command {
	var (
		kubeconfig, kubeContext string
		enabled                 []string
		leaderElect             bool
		leaseNamespace          string
		leaseDuration           time.Duration
		renewDeadline           time.Duration
		retryPeriod             time.Duration
		qps                     float64
		burst                   int
		healthAddress           string
		logLevel                string
		lifecycle               nodelifecycle.Options
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
			logger, err := logging.New(logLevel)
			if err != nil {
				return err
			}
			defer logger.Sync()
			chosen, err := controllers.Select(enabled)
			if err != nil {
				return err
			}
			cfg, err := client.LoadConfig(kubeconfig, kubeContext)
			if err != nil {
				return err
			}
			cfg.QPS, cfg.Burst, cfg.UserAgent, cfg.Logger = qps, burst, "orrery-controller-manager", logger
			c, err := client.New(cfg)
			if err != nil {
				return err
			}
			defer c.Close()
			opts := manager.Options{Client: c, Logger: logger, HealthAddress: healthAddress}
			if leaderElect {
				host, _ := os.Hostname()
				opts.LeaderElection = &leaderelection.Config{
					Namespace: leaseNamespace, Name: "kube-controller-manager", Identity: host + "_" + fmt.Sprint(os.Getpid()),
					LeaseDuration: leaseDuration, RenewDeadline: renewDeadline, RetryPeriod: retryPeriod,
				}
			}
			m, err := manager.New(opts)
			if err != nil {
				return err
			}
			for _, ctl := range chosen {
				if ctl.Name == nodelifecycle.Name {
					if _, err := nodelifecycle.Setup(m, lifecycle); err != nil {
						return fmt.Errorf("%s: %w", ctl.Name, err)
					}
					logger.Info("controller enabled: " + ctl.Name)
					continue
				}
				if err := ctl.Setup(m); err != nil {
					return fmt.Errorf("%s: %w", ctl.Name, err)
				}
				logger.Info("controller enabled: " + ctl.Name)
			}
			return m.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&kubeconfig, "kubeconfig", "", "path of the kubeconfig (default $KUBECONFIG or ~/.kube/config)")
	f.StringVar(&kubeContext, "context", "", "kubeconfig context (default its current context)")
	f.StringSliceVar(&enabled, "controllers", []string{"*"}, "controllers to run: '*' for all, 'foo' to add one, '-foo' to leave one out")
	f.BoolVar(&leaderElect, "leader-elect", true, "run only while holding the kube-controller-manager Lease, so that several replicas can run")
	f.StringVar(&leaseNamespace, "leader-elect-resource-namespace", "kube-system", "namespace of the leader election Lease")
	f.DurationVar(&leaseDuration, "leader-elect-lease-duration", 15*time.Second, "how long others wait before taking a lease that was not renewed")
	f.DurationVar(&renewDeadline, "leader-elect-renew-deadline", 10*time.Second, "how long the leader tries to renew before it stops leading")
	f.DurationVar(&retryPeriod, "leader-elect-retry-period", 2*time.Second, "interval between attempts to take or renew the lease")
	f.Float64Var(&qps, "kube-api-qps", defaultControllerQPS, "sustained requests per second to the apiserver")
	f.IntVar(&burst, "kube-api-burst", defaultControllerBurst, "requests allowed above --kube-api-qps in a burst")
	f.StringVar(&healthAddress, "health-address", "127.0.0.1:10257", "where /healthz, /readyz and /metrics are served (empty for none)")
	f.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	f.DurationVar(&lifecycle.GracePeriod, "node-monitor-grace-period", 40*time.Second, "how long a node's Lease may go unrenewed before the node is unreachable")
	f.DurationVar(&lifecycle.MonitorPeriod, "node-monitor-period", 5*time.Second, "how often the node lifecycle controller checks the nodes")
	f.Float64Var(&lifecycle.EvictionRate, "node-eviction-rate", 0.1, "nodes per second of a zone that may get a NoExecute taint")
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
