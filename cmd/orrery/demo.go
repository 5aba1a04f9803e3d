package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/orrery-dev/orrery/internal/demo"
	"github.com/orrery-dev/orrery/internal/logging"
)

func newDemoCommand() *cobra.Command {
	var (
		cfg      demo.Config
		dataDir  string
		logLevel string
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a fresh cluster and narrate a Deployment's life: schedule, run, node failure, rollout, cleanup",
		Long: `Start a fresh Orrery cluster (in a temporary directory, or --data-dir) and show,
step by step, what each component does: nodes register; a Deployment's ReplicaSet,
pods, bindings and running pods; a node failing and its pods replaced elsewhere; a
scale-up and a rolling update; cascading deletion; and why a pod that fits nowhere
stays Pending. It ends with a summary table and exits 0, or non-zero with the step
that failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger, err := logging.New(logLevel)
			if err != nil {
				return err
			}
			defer logger.Sync()
			if dataDir == "" {
				dir, err := os.MkdirTemp("", "orrery-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				dataDir = dir
			}
			cfg.Cluster.DataDir = dataDir
			cfg.Cluster.Port = 0
			cfg.Cluster.Logger = logger
			cfg.Out = cmd.OutOrStdout()
			cfg.Terminal = cmd.OutOrStdout() == os.Stdout && demo.IsTerminal(os.Stdout)
			if err := demo.Run(cmd.Context(), cfg); err != nil {
				return fmt.Errorf("demo failed: %w", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data-dir", "", "where the cluster keeps its state (default: a temporary directory, removed at the end)")
	f.IntVar(&cfg.Cluster.Nodes, "nodes", 10, "simulated nodes")
	f.Int32Var(&cfg.Replicas, "replicas", 30, "the Deployment's replicas")
	f.BoolVar(&cfg.Cluster.Fast, "fast", true, "short node-failure timings (5 s) so that step takes seconds; false uses Kubernetes' (40 s grace)")
	f.StringVar(&logLevel, "log-level", "error", "log level of the components: debug, info, warn or error")
	return cmd
}
