package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/leaderelection"
	"github.com/orrery-dev/orrery/internal/logging"
	"github.com/orrery-dev/orrery/manager"
)

// componentFlags are the flags of every component that talks to an apiserver: where
// it is, the client's rate limits, the health endpoint, logging and (for the
// leader-elected ones) leader election.
type componentFlags struct {
	kubeconfig, context string
	qps                 float64
	burst               int
	healthAddress       string
	logLevel            string

	leaderElect                               bool
	leaseNamespace                            string
	leaseDuration, renewDeadline, retryPeriod time.Duration
}

// register adds the flags to cmd; lease names the Lease of leader election, empty for
// a component that is not leader-elected.
func (f *componentFlags) register(cmd *cobra.Command, healthAddress, lease string) {
	fs := cmd.Flags()
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "path of the kubeconfig (default $KUBECONFIG or ~/.kube/config)")
	fs.StringVar(&f.context, "context", "", "kubeconfig context (default its current context)")
	fs.Float64Var(&f.qps, "kube-api-qps", defaultControllerQPS, "sustained requests per second to the apiserver")
	fs.IntVar(&f.burst, "kube-api-burst", defaultControllerBurst, "requests allowed above --kube-api-qps in a burst")
	fs.StringVar(&f.healthAddress, "health-address", healthAddress, "where /healthz, /readyz and /metrics are served (empty for none)")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	if lease == "" {
		return
	}
	fs.BoolVar(&f.leaderElect, "leader-elect", true, "run only while holding the "+lease+" Lease, so that several replicas can run")
	fs.StringVar(&f.leaseNamespace, "leader-elect-resource-namespace", "kube-system", "namespace of the leader election Lease")
	fs.DurationVar(&f.leaseDuration, "leader-elect-lease-duration", 15*time.Second, "how long others wait before taking a lease that was not renewed")
	fs.DurationVar(&f.renewDeadline, "leader-elect-renew-deadline", 10*time.Second, "how long the leader tries to renew before it stops leading")
	fs.DurationVar(&f.retryPeriod, "leader-elect-retry-period", 2*time.Second, "interval between attempts to take or renew the lease")
}

// manager returns the component's logger and a manager with its own client (closed by
// the returned func), leader-elected on lease if the flags ask for it.
func (f *componentFlags) manager(userAgent, lease string) (*zap.Logger, *manager.Manager, func(), error) {
	logger, err := logging.New(f.logLevel)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg, err := client.LoadConfig(f.kubeconfig, f.context)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg.QPS, cfg.Burst, cfg.UserAgent, cfg.Logger = f.qps, f.burst, userAgent, logger
	c, err := client.New(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	opts := manager.Options{Client: c, Logger: logger, HealthAddress: f.healthAddress}
	if lease != "" && f.leaderElect {
		host, _ := os.Hostname()
		opts.LeaderElection = &leaderelection.Config{
			Namespace: f.leaseNamespace, Name: lease, Identity: host + "_" + fmt.Sprint(os.Getpid()),
			LeaseDuration: f.leaseDuration, RenewDeadline: f.renewDeadline, RetryPeriod: f.retryPeriod,
		}
	}
	m, err := manager.New(opts)
	if err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	return logger, m, func() { c.Close(); logger.Sync() }, nil
}
