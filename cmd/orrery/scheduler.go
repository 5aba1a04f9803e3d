package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/leaderelection"
	"github.com/orrery-dev/orrery/controllers/scheduler"
	"github.com/orrery-dev/orrery/internal/logging"
	"github.com/orrery-dev/orrery/manager"
)

func newSchedulerCommand() *cobra.Command {
	var (
		kubeconfig, kubeContext, configFile string
		leaderElect                         bool
		leaseNamespace                      string
		leaseDuration, renewDeadline        time.Duration
		retryPeriod                         time.Duration
		qps                                 float64
		burst                               int
		healthAddress                       string
		logLevel                            string
	)
	cmd := &cobra.Command{
		Use:   "scheduler",
		Short: "Place pending pods on nodes, as kube-scheduler does",
		Long: `Run the sample scheduler against an apiserver (Orrery's or Kubernetes'), through its
HTTP API only. It takes the pods whose spec.schedulerName is its profile's
(default-scheduler), places each on a node that fits and binds it.

  orrery scheduler --kubeconfig ./data/kubeconfig [--config scheduler.yaml]

--config reads a KubeSchedulerConfiguration-like file: percentageOfNodesToScore and
profiles with plugins enabled and disabled (multiPoint, filter, score), score weights,
and NodeResourcesFit's scoringStrategy (LeastAllocated or MostAllocated).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger, err := logging.New(logLevel)
			if err != nil {
				return err
			}
			defer logger.Sync()
			cfg, err := client.LoadConfig(kubeconfig, kubeContext)
			if err != nil {
				return err
			}
			cfg.QPS, cfg.Burst, cfg.UserAgent, cfg.Logger = qps, burst, "orrery-scheduler", logger
			c, err := client.New(cfg)
			if err != nil {
				return err
			}
			defer c.Close()
			opts := manager.Options{Client: c, Logger: logger, HealthAddress: healthAddress}
			if leaderElect {
				host, _ := os.Hostname()
				opts.LeaderElection = &leaderelection.Config{
					Namespace: leaseNamespace, Name: "kube-scheduler", Identity: host + "_" + fmt.Sprint(os.Getpid()),
					LeaseDuration: leaseDuration, RenewDeadline: renewDeadline, RetryPeriod: retryPeriod,
				}
			}
			m, err := manager.New(opts)
			if err != nil {
				return err
			}
			profiles := []scheduler.Options{{}}
			if configFile != "" {
				conf, err := scheduler.LoadConfiguration(configFile)
				if err != nil {
					return err
				}
				namespaces, err := manager.NewClient[*api.Namespace](m, manager.Scope{})
				if err != nil {
					return err
				}
				profiles, err = conf.Options(nil, func(ns string) map[string]string {
					n, err := namespaces.Lister().Get(ns)
					if err != nil {
						return nil
					}
					return n.Labels
				})
				if err != nil {
					return err
				}
			}
			for _, p := range profiles {
				if _, err := scheduler.Setup(m, p); err != nil {
					return err
				}
			}
			return m.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&kubeconfig, "kubeconfig", "", "path of the kubeconfig (default $KUBECONFIG or ~/.kube/config)")
	f.StringVar(&kubeContext, "context", "", "kubeconfig context (default its current context)")
	f.StringVar(&configFile, "config", "", "a KubeSchedulerConfiguration-like file")
	f.BoolVar(&leaderElect, "leader-elect", true, "schedule only while holding the kube-scheduler Lease, so that several replicas can run")
	f.StringVar(&leaseNamespace, "leader-elect-resource-namespace", "kube-system", "namespace of the leader election Lease")
	f.DurationVar(&leaseDuration, "leader-elect-lease-duration", 15*time.Second, "how long others wait before taking a lease that was not renewed")
	f.DurationVar(&renewDeadline, "leader-elect-renew-deadline", 10*time.Second, "how long the leader tries to renew before it stops leading")
	f.DurationVar(&retryPeriod, "leader-elect-retry-period", 2*time.Second, "interval between attempts to take or renew the lease")
	f.Float64Var(&qps, "kube-api-qps", defaultControllerQPS, "sustained requests per second to the apiserver")
	f.IntVar(&burst, "kube-api-burst", defaultControllerBurst, "requests allowed above --kube-api-qps in a burst")
	f.StringVar(&healthAddress, "health-address", "127.0.0.1:10259", "where /healthz, /readyz and /metrics are served (empty for none)")
	f.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}
