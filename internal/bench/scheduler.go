package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/internal/procstat"
)

// SchedulerConfig is the scheduler scenario: Pods pending pods for a scheduler of
// their own, then `orrery scheduler` started alone, as its own process, to place them
// on the cluster's nodes through the apiserver.
type SchedulerConfig struct {
	Pods     int
	Nodes    int // reported; the cluster provides them
	Parallel int
	Timeout  time.Duration
}

// SchedulerResult is one run of the scheduler scenario.
type SchedulerResult struct {
	Pods    int    `json:"pods"`
	Nodes   int    `json:"nodes"`
	Cluster string `json:"cluster"`
	// FirstBind is the time from the scheduler's start to its first binding (its
	// caches filling); AllBound to its last.
	FirstBind     float64 `json:"firstBindSeconds"`
	AllBound      float64 `json:"allBoundSeconds"`
	PodsPerSecond float64 `json:"podsPerSecond"` // between the first and the last binding
	CPUSeconds    float64 `json:"schedulerCPUSeconds"`
	PeakRSS       int64   `json:"schedulerPeakRSSBytes"`
}

// benchSchedulerName is the scheduler the scenario's pods ask for, so that the
// cluster's own scheduler leaves them alone.
const benchSchedulerName = "orrery-bench-scheduler"

// Scheduler runs the scheduler scenario against c with the orrery binary self.
func Scheduler(ctx context.Context, c *Cluster, self string, cfg SchedulerConfig, log io.Writer) (*SchedulerResult, error) {
	if c.Kubeconfig == "" {
		return nil, fmt.Errorf("the scheduler scenario needs the cluster's kubeconfig")
	}
	ctx, cl, ns, done, err := session(ctx, c, "bench-scheduler", cfg.Timeout)
	if err != nil {
		return nil, err
	}
	defer done()
	// Every node Ready first: the scheduler is timed, not the kubelet.
	if err := waitForNodes(ctx, c, nil, cfg.Nodes); err != nil {
		return nil, err
	}
	created := newPodLog()
	if err := create(ctx, cl, ns, BurstConfig{Pods: cfg.Pods, Parallel: cfg.Parallel, schedulerName: benchSchedulerName}, created); err != nil {
		return nil, err
	}
	pods := client.Resource[*api.Pod](cl).Namespace(ns)
	list, err := pods.List(ctx, client.ListOptions{})
	if err != nil {
		return nil, err
	}
	w, err := pods.Watch(ctx, client.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		return nil, err
	}
	defer w.Stop()

	dir, err := os.MkdirTemp("", "orrery-bench-scheduler-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	config := filepath.Join(dir, "scheduler.yaml")
	if err := os.WriteFile(config, []byte("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: "+benchSchedulerName+"\n"), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "scheduler", "--kubeconfig", c.Kubeconfig, "--config", config,
		"--leader-elect=false", "--health-address", "", "--log-level", "error")
	cmd.Stdout, cmd.Stderr = log, log
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	var first, last time.Time
	bound := 0
	for bound < cfg.Pods {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				return nil, fmt.Errorf("the pod watch ended with %d of %d pods bound", bound, cfg.Pods)
			}
			p, isPod := ev.Object.(*api.Pod)
			if !isPod || p.Spec.NodeName == "" {
				continue
			}
			t := created.pods[p.Name]
			if t == nil || !t.scheduled.IsZero() {
				continue
			}
			now := time.Now()
			t.scheduled = now
			if bound == 0 {
				first = now
			}
			last = now
			bound++
		case <-ctx.Done():
			return nil, fmt.Errorf("%d of %d pods bound when the run timed out", bound, cfg.Pods)
		}
	}
	u, err := procstat.Of(cmd.Process.Pid)
	if err != nil {
		return nil, err
	}
	res := &SchedulerResult{Pods: cfg.Pods, Nodes: cfg.Nodes, Cluster: c.Name,
		FirstBind: first.Sub(start).Seconds(), AllBound: last.Sub(start).Seconds(),
		CPUSeconds: u.CPU.Seconds(), PeakRSS: u.PeakRSS}
	if d := last.Sub(first).Seconds(); d > 0 {
		res.PodsPerSecond = float64(cfg.Pods-1) / d
	}
	return res, nil
}

// WriteSchedulerTable writes r as a table for a terminal.
func WriteSchedulerTable(w io.Writer, r *SchedulerResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "scenario\tscheduler: %d pending pods on %d nodes, against %s\n", r.Pods, r.Nodes, r.Cluster)
	fmt.Fprintf(tw, "first binding\t%.2f s after the scheduler started\n", r.FirstBind)
	fmt.Fprintf(tw, "all bound\t%.2f s after it started\n", r.AllBound)
	fmt.Fprintf(tw, "pods/s\t%.0f (first to last binding)\n", r.PodsPerSecond)
	fmt.Fprintf(tw, "process orrery scheduler\t%.1f CPU-s, peak RSS %d MiB\n", r.CPUSeconds, r.PeakRSS>>20)
	return tw.Flush()
}
