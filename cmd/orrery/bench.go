package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orrery-dev/orrery/internal/bench"
)

func newBenchCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the pod pipeline end to end against a fresh orrery up or any cluster",
		Long: `Load a cluster through its HTTP API, as any client would, and report how fast
pods go through the pipeline. Without --kubeconfig each run starts a fresh
"orrery up" with the nodes asked for, and measures its process too; with
--kubeconfig it runs against that cluster (a real one included, with its own
simulated nodes), so the same numbers can be taken side by side.`,
	}
	cmd.AddCommand(newBenchBurstCommand(), newBenchSteadyCommand(), newBenchListCommand(), newBenchFanoutCommand(), newBenchSchedulerCommand())
	pf := cmd.PersistentFlags()
	pf.String("memory-limit", "", `Go's soft memory limit of the orrery up it starts (GOMEMLIMIT, as "250MiB"); none by default`)
	pf.Bool("split", false, "start every component as its own process (orrery apiserver, controller-manager, scheduler, kubelet) instead of one orrery up, and measure each")
	pf.StringToString("process", nil, "with --kubeconfig: the cluster's processes on this machine to measure, as name=pid (kube-apiserver=123,etcd=456)")
	return cmd
}

// benchCluster is the cluster a bench command runs against: kubeconfig's, or a fresh
// orrery up with nodes nodes (whose log path it returns, and which stop removes).
func benchCluster(cmd *cobra.Command, kubeconfig string, nodes int) (c *bench.Cluster, logPath string, cleanup func(), err error) {
	memoryLimit, _ := cmd.Flags().GetString("memory-limit")
	split, _ := cmd.Flags().GetBool("split")
	procs, _ := cmd.Flags().GetStringToString("process")
	if kubeconfig != "" {
		if c, err = bench.Connect(kubeconfig); err != nil {
			return nil, "", nil, err
		}
		c.Processes = map[string]int{}
		for name, pid := range procs {
			if c.Processes[name], err = strconv.Atoi(pid); err != nil {
				return nil, "", nil, fmt.Errorf("--process %s=%s: not a process id", name, pid)
			}
		}
		return c, "", func() {}, nil
	}
	if len(procs) > 0 {
		return nil, "", nil, errors.New("--process names the processes of a --kubeconfig cluster; the bench measures those it starts")
	}
	self, err := os.Executable()
	if err != nil {
		return nil, "", nil, err
	}
	dir, err := bench.TempDir()
	if err != nil {
		return nil, "", nil, err
	}
	start, what := bench.StartUp, "orrery up"
	if split {
		start, what = bench.StartSplit, "orrery apiserver, controller-manager, scheduler and kubelet"
	}
	logPath = dir + "/orrery.log"
	log, err := os.Create(logPath)
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", nil, err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "starting %s with %d nodes\n", what, nodes)
	c, err = start(cmd.Context(), self, dir, nodes, memoryLimit, log)
	cleanup = func() {
		if c != nil {
			c.Stop()
		}
		log.Close()
		os.RemoveAll(dir)
	}
	if err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return c, logPath, cleanup, nil
}

// stopCluster stops c, showing the end of its log when it does not stop cleanly.
func stopCluster(cmd *cobra.Command, c *bench.Cluster, logPath string) error {
	if err := c.Stop(); err != nil {
		if logPath != "" {
			if data, rerr := os.ReadFile(logPath); rerr == nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "the cluster's log:\n%s\n", lastLines(data, 30))
			}
		}
		return err
	}
	return nil
}

// writeJSONFile writes v as indented JSON to path, when path is set.
func writeJSONFile(path string, v any) error {
	if path == "" {
		return nil
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func newBenchListCommand() *cobra.Command {
	var (
		cfg        bench.ListConfig
		nodes      int
		kubeconfig string
		jsonPath   string
	)
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "Create N pods, then time LISTs of them: kubectl get's Table, and full lists as JSON and as protobuf",
		Example: `  orrery bench list --pods 5000`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScenario(cmd, kubeconfig, nodes, jsonPath, func(c *bench.Cluster) (*bench.ListResult, error) {
				return bench.List(cmd.Context(), c, cfg)
			}, bench.WriteListTable)
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Pods, "pods", 5000, "pods to create before listing")
	f.IntVar(&nodes, "nodes", 100, "simulated nodes of the orrery up it starts")
	f.IntVar(&cfg.Parallel, "parallel", 8, "concurrent creates")
	f.IntVar(&cfg.Repeat, "repeat", 5, "times each LIST is timed (the median is reported)")
	f.StringVar(&kubeconfig, "kubeconfig", "", "run against this cluster instead of a fresh orrery up")
	f.StringVar(&jsonPath, "json", "", "also write the results as JSON to this file")
	return cmd
}

func newBenchBurstCommand() *cobra.Command {
	var (
		cfg        bench.BurstConfig
		kubeconfig string
		jsonPath   string
		svgPath    string
	)
	cmd := &cobra.Command{
		Use:   "burst",
		Short: "Create N pods at once (bare, or through one Deployment) and time them until Running",
		Example: `  orrery bench burst --pods 5000 --nodes 100
  orrery bench burst --pods 1000 --deployment --json burst.json --svg burst.svg
  orrery bench burst --pods 5000 --nodes 100 --kubeconfig ~/.kube/config`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPipeline(cmd, cfg, kubeconfig, jsonPath, svgPath)
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Pods, "pods", 1000, "pods to create")
	f.BoolVar(&cfg.Deployment, "deployment", false, "create the pods through one Deployment instead of bare")
	pipelineFlags(f, &cfg, &kubeconfig, &jsonPath, &svgPath)
	return cmd
}

// lastLines is the end of a log, n lines at most.
func lastLines(data []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// runPipeline runs the burst or steady scenario cfg describes and reports it, with
// its chart when svgPath is set.
func runPipeline(cmd *cobra.Command, cfg bench.BurstConfig, kubeconfig, jsonPath, svgPath string) error {
	cfg.Progress = func(p bench.Point) {
		fmt.Fprintf(cmd.ErrOrStderr(), "%5.1fs  created %d  scheduled %d  Running %d\n", p.Seconds, p.Created, p.Scheduled, p.Running)
	}
	return runScenario(cmd, kubeconfig, cfg.Nodes, jsonPath, func(c *bench.Cluster) (*bench.Result, error) {
		return bench.Burst(cmd.Context(), c, cfg)
	}, func(w io.Writer, res *bench.Result) error {
		if err := bench.WriteTable(w, res); err != nil || svgPath == "" {
			return err
		}
		f, err := os.Create(svgPath)
		if err != nil {
			return err
		}
		defer f.Close()
		return bench.WriteSVG(f, res)
	})
}

// runScenario runs a scenario against the cluster the flags name (a fresh orrery up
// by default), prints its table, writes its JSON when jsonPath is set, and stops the
// cluster it started.
func runScenario[R any](cmd *cobra.Command, kubeconfig string, nodes int, jsonPath string, run func(*bench.Cluster) (R, error), table func(io.Writer, R) error) error {
	c, logPath, cleanup, err := benchCluster(cmd, kubeconfig, nodes)
	if err != nil {
		return err
	}
	defer cleanup()
	res, err := run(c)
	if err != nil {
		return err
	}
	if err := table(cmd.OutOrStdout(), res); err != nil {
		return err
	}
	if err := writeJSONFile(jsonPath, res); err != nil {
		return err
	}
	return stopCluster(cmd, c, logPath)
}

func newBenchSteadyCommand() *cobra.Command {
	var (
		cfg                           bench.BurstConfig
		perSecond                     float64
		duration                      time.Duration
		kubeconfig, jsonPath, svgPath string
	)
	cmd := &cobra.Command{
		Use:     "steady",
		Short:   "Create pods at a steady rate for a while and time each until Running",
		Example: `  orrery bench steady --rate 100 --duration 60s --nodes 100`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if perSecond <= 0 || duration <= 0 {
				return fmt.Errorf("--rate and --duration must be positive")
			}
			cfg.Scenario, cfg.Rate, cfg.Pods = "steady", perSecond, int(perSecond*duration.Seconds())
			return runPipeline(cmd, cfg, kubeconfig, jsonPath, svgPath)
		},
	}
	f := cmd.Flags()
	f.Float64Var(&perSecond, "rate", 100, "pods created per second")
	f.DurationVar(&duration, "duration", time.Minute, "how long to create them")
	pipelineFlags(f, &cfg, &kubeconfig, &jsonPath, &svgPath)
	return cmd
}

// pipelineFlags are the flags burst and steady share.
func pipelineFlags(f *pflag.FlagSet, cfg *bench.BurstConfig, kubeconfig, jsonPath, svgPath *string) {
	f.IntVar(&cfg.Nodes, "nodes", 100, "simulated nodes of the orrery up it starts (reported only with --kubeconfig)")
	f.IntVar(&cfg.Parallel, "parallel", 8, "concurrent creates of bare pods")
	f.DurationVar(&cfg.Timeout, "timeout", 10*time.Minute, "give up after this long")
	f.StringVar(kubeconfig, "kubeconfig", "", "run against this cluster instead of a fresh orrery up")
	f.StringVar(jsonPath, "json", "", "also write the results as JSON to this file")
	f.StringVar(svgPath, "svg", "", "also draw the pods created, scheduled and Running over time, and their latencies, as SVG to this file")
}

func newBenchFanoutCommand() *cobra.Command {
	var (
		cfg                  bench.FanoutConfig
		nodes                int
		kubeconfig, jsonPath string
	)
	cmd := &cobra.Command{
		Use:     "fanout",
		Short:   "Watch pods with W independent watchers while N pods are created; events delivered per second",
		Example: `  orrery bench fanout --watchers 100 --pods 1000`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScenario(cmd, kubeconfig, nodes, jsonPath, func(c *bench.Cluster) (*bench.FanoutResult, error) {
				return bench.Fanout(cmd.Context(), c, cfg)
			}, bench.WriteFanoutTable)
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Watchers, "watchers", 100, "independent watchers, each with its own connection")
	f.IntVar(&cfg.Pods, "pods", 1000, "pods to create while they watch")
	f.IntVar(&nodes, "nodes", 100, "simulated nodes of the orrery up it starts")
	f.IntVar(&cfg.Parallel, "parallel", 8, "concurrent creates")
	f.BoolVar(&cfg.JSON, "json-watchers", false, "watch as JSON instead of protobuf")
	f.DurationVar(&cfg.Timeout, "timeout", 10*time.Minute, "give up after this long")
	f.StringVar(&kubeconfig, "kubeconfig", "", "run against this cluster instead of a fresh orrery up")
	f.StringVar(&jsonPath, "json", "", "also write the results as JSON to this file")
	return cmd
}

func newBenchSchedulerCommand() *cobra.Command {
	var (
		cfg                  bench.SchedulerConfig
		kubeconfig, jsonPath string
	)
	cmd := &cobra.Command{
		Use:   "scheduler",
		Short: "Create N pending pods, then time orrery scheduler alone (its own process) placing them",
		Long: `Create N pods for a scheduler of their own (so that the cluster's scheduler leaves
them pending), then start "orrery scheduler" for them as its own process against the
cluster's apiserver and time it until every pod is bound: the time to its first
binding (its caches filling), the pods bound per second after that, and its CPU and
memory.`,
		Example: `  orrery bench scheduler --pods 5000 --nodes 5000`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			self, err := os.Executable()
			if err != nil {
				return err
			}
			return runScenario(cmd, kubeconfig, cfg.Nodes, jsonPath, func(c *bench.Cluster) (*bench.SchedulerResult, error) {
				return bench.Scheduler(cmd.Context(), c, self, cfg, cmd.ErrOrStderr())
			}, bench.WriteSchedulerTable)
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Pods, "pods", 5000, "pending pods to schedule")
	f.IntVar(&cfg.Nodes, "nodes", 5000, "simulated nodes of the orrery up it starts (reported only with --kubeconfig)")
	f.IntVar(&cfg.Parallel, "parallel", 8, "concurrent creates")
	f.DurationVar(&cfg.Timeout, "timeout", 10*time.Minute, "give up after this long")
	f.StringVar(&kubeconfig, "kubeconfig", "", "run against this cluster instead of a fresh orrery up")
	f.StringVar(&jsonPath, "json", "", "also write the results as JSON to this file")
	return cmd
}
