package main

import (
	"github.com/spf13/cobra"
)

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "orrery",
		Short:         "Orrery: a working model of the Kubernetes control plane",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newAPIServerCommand(), newControllerManagerCommand(), newSchedulerCommand(), newKubeletCommand(), newUpCommand(), newDemoCommand(), newBenchCommand())
	return root
}
