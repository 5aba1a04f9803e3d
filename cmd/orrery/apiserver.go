package main

import (
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/internal/logging"
)

func newAPIServerCommand() *cobra.Command {
	var (
		cfg          apiserver.Config
		address      string
		port         int
		etcdServers  string
		logLevel     string
		extraSANs    []string
		maxInflight  int
		maxMutating  int
		maxWatches   int
		compactEvery string
		watchCache   bool
		notReady     int64
		unreachable  int64
	)
	cmd := &cobra.Command{
		Use:   "apiserver",
		Short: "Serve the Kubernetes API over etcd (embedded unless --etcd-servers is given)",
		Long: `Serve the Kubernetes API over HTTPS, backed by etcd.

On first start it generates a CA and serving certificate and an admin token under
--data-dir, and writes an admin kubeconfig that kubectl and client-go use as is:

  orrery apiserver --data-dir ./data
  kubectl --kubeconfig ./data/kubeconfig get namespaces`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger, err := logging.New(logLevel)
			if err != nil {
				return err
			}
			defer logger.Sync()
			cfg.Logger = logger
			cfg.BindAddress = net.JoinHostPort(address, strconv.Itoa(port))
			cfg.ExtraSANs = extraSANs
			cfg.DisableWatchCache = !watchCache
			cfg.MaxRequestsInFlight, cfg.MaxMutatingRequestsInFlight, cfg.MaxWatches = maxInflight, maxMutating, maxWatches
			if etcdServers != "" {
				cfg.EtcdServers = strings.Split(etcdServers, ",")
			}
			if compactEvery != "" {
				if cfg.CompactionInterval, err = parseDuration(compactEvery); err != nil {
					return err
				}
			}
			cfg.DefaultNotReadyTolerationSeconds, cfg.DefaultUnreachableTolerationSeconds = &notReady, &unreachable
			if cfg.EventTTL == 0 {
				cfg.EventTTL = -1 // kept forever
			}
			s, err := apiserver.New(cfg)
			if err != nil {
				return err
			}
			return s.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.DataDir, "data-dir", "orrery-data", "directory for etcd data, certificates and tokens")
	f.StringVar(&address, "address", "127.0.0.1", "address to serve HTTPS on")
	f.IntVar(&port, "port", 6443, "port to serve HTTPS on; 0 picks a free port")
	f.StringVar(&cfg.KubeconfigPath, "kubeconfig", "", "where to write the admin kubeconfig (default <data-dir>/kubeconfig)")
	f.StringVar(&etcdServers, "etcd-servers", "", "comma-separated client URLs of an external etcd cluster (default: embedded etcd)")
	f.StringVar(&cfg.TokenAuthFile, "token-auth-file", "", `static token file: lines of token,user,uid,"group1,group2"`)
	f.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.StringSliceVar(&extraSANs, "tls-san", nil, "extra host names or IPs for the serving certificate")
	f.IntVar(&maxInflight, "max-requests-inflight", 400, "the most read requests served at once (watches excluded); more get 429")
	f.IntVar(&maxMutating, "max-mutating-requests-inflight", 200, "the most write requests served at once; more get 429")
	f.IntVar(&maxWatches, "max-watches", 10000, "the most watches open at once; more get 429")
	f.StringVar(&compactEvery, "etcd-compaction-interval", "5m", "how often to compact etcd history; 0 disables")
	f.DurationVar(&cfg.EventTTL, "event-ttl", time.Hour, "how long events are kept after their last write; 0 keeps them forever")
	f.Int64Var(&notReady, "default-not-ready-toleration-seconds", 300, "tolerationSeconds of the not-ready:NoExecute toleration added to every pod that has none")
	f.Int64Var(&unreachable, "default-unreachable-toleration-seconds", 300, "tolerationSeconds of the unreachable:NoExecute toleration added to every pod that has none")
	f.BoolVar(&watchCache, "watch-cache", true, "serve lists and watches from in-memory watch caches; false sends every read to etcd")
	return cmd
}
