package main

import (
	"github.com/spf13/cobra"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/controllers/scheduler"
	"github.com/orrery-dev/orrery/manager"
)

func newSchedulerCommand() *cobra.Command {
	var (
		flags      componentFlags
		configFile string
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
			_, m, closeAll, err := flags.manager("orrery-scheduler", "kube-scheduler")
			if err != nil {
				return err
			}
			defer closeAll()
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
	flags.register(cmd, "127.0.0.1:10259", "kube-scheduler")
	cmd.Flags().StringVar(&configFile, "config", "", "a KubeSchedulerConfiguration-like file")
	return cmd
}
