package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
)

// FanoutConfig is the fanout scenario: Watchers independent clients (each its own
// connection) watch the pods of a namespace while Pods pods are created there.
type FanoutConfig struct {
	Watchers int
	Pods     int
	Parallel int
	// JSON makes the watchers ask for JSON instead of protobuf.
	JSON    bool
	Timeout time.Duration
}

// FanoutResult is one run of the fanout scenario.
type FanoutResult struct {
	Watchers int    `json:"watchers"`
	Pods     int    `json:"pods"`
	Format   string `json:"format"`
	Cluster  string `json:"cluster"`
	// Events is what every watcher received, all together; Seconds the time from the
	// first create until the slowest watcher had all its events.
	Events          int64   `json:"events"`
	Seconds         float64 `json:"seconds"`
	EventsPerSecond float64 `json:"eventsPerSecond"`
	// SlowestLag is how long after the fastest watcher the slowest got the last event.
	SlowestLag float64 `json:"slowestLagSeconds"`
	// Rewatches counts the watches the server ended early and the watchers renewed.
	Rewatches int64     `json:"rewatches"`
	Processes []Process `json:"processes"`
	// CPUPerEvent is the cluster's CPU per delivered event, in microseconds, when its
	// processes are measured.
	CPUPerEvent float64 `json:"cpuMicrosecondsPerEvent,omitempty"`
}

// Fanout runs the fanout scenario against c. Each watcher counts the ADDED events of
// the pods created (one per pod), so every watcher is done when it has seen them all.
func Fanout(ctx context.Context, c *Cluster, cfg FanoutConfig) (*FanoutResult, error) {
	ctx, cl, ns, done, err := session(ctx, c, "bench-fanout", cfg.Timeout)
	if err != nil {
		return nil, err
	}
	defer done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	list, err := client.Resource[*api.Pod](cl).Namespace(ns).List(ctx, client.ListOptions{})
	if err != nil {
		return nil, err
	}
	wcfg := c.Config
	wcfg.DisableProtobuf = cfg.JSON
	var events, rewatches atomic.Int64
	finished := make([]time.Time, cfg.Watchers)
	var wg sync.WaitGroup
	errs := make(chan error, cfg.Watchers)
	stop := func() { cancel(); wg.Wait() }
	for i := range cfg.Watchers {
		wc, err := client.New(wcfg)
		if err != nil {
			stop()
			return nil, err
		}
		defer wc.Close()
		w, err := client.Resource[*api.Pod](wc).Namespace(ns).Watch(ctx, client.ListOptions{ResourceVersion: list.ResourceVersion})
		if err != nil {
			stop()
			return nil, fmt.Errorf("watcher %d: %w", i, err)
		}
		pods := client.Resource[*api.Pod](wc).Namespace(ns)
		wg.Go(func() {
			added, lastRV := 0, list.ResourceVersion
			for {
				for ev := range w.ResultChan() {
					events.Add(1)
					if p, ok := ev.Object.(*api.Pod); ok {
						lastRV = p.ResourceVersion
					}
					if ev.Type == api.Added {
						if added++; added == cfg.Pods {
							finished[i] = time.Now()
							w.Stop()
							return
						}
					}
				}
				w.Stop()
				// The server ended the watch (a watcher that fell behind is closed, as
				// Kubernetes closes it): watch again from the last event, as a
				// reflector does.
				rewatches.Add(1)
				var err error
				if w, err = pods.Watch(ctx, client.ListOptions{ResourceVersion: lastRV}); err != nil {
					errs <- fmt.Errorf("watcher %d after %d of %d pods: %w", i, added, cfg.Pods, err)
					return
				}
			}
		})
	}
	before := usage(c.Processes)
	start := time.Now()
	if err := create(ctx, cl, ns, BurstConfig{Pods: cfg.Pods, Parallel: cfg.Parallel}, newPodLog()); err != nil {
		stop()
		return nil, err
	}
	wg.Wait()
	close(errs)
	if err := errors.Join(drain(errs)...); err != nil {
		return nil, err
	}
	first, last := finished[0], finished[0]
	for _, f := range finished {
		first, last = earlier(first, f), later(last, f)
	}
	after := usage(c.Processes)
	format := "protobuf"
	if cfg.JSON {
		format = "JSON"
	}
	res := &FanoutResult{Watchers: cfg.Watchers, Pods: cfg.Pods, Format: format, Cluster: c.Name, Events: events.Load(), Rewatches: rewatches.Load(),
		Seconds: last.Sub(start).Seconds(), SlowestLag: last.Sub(first).Seconds()}
	res.EventsPerSecond = float64(res.Events) / res.Seconds
	var cpu float64
	res.Processes, cpu = used(before, after)
	if len(after) > 0 && res.Events > 0 {
		res.CPUPerEvent = cpu * 1e6 / float64(res.Events)
	}
	return res, nil
}

func drain(errs chan error) []error {
	var out []error
	for err := range errs {
		out = append(out, err)
	}
	return out
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// WriteFanoutTable writes r as a table for a terminal.
func WriteFanoutTable(w io.Writer, r *FanoutResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "scenario\tfanout: %d watchers (%s) of %d pods created, against %s\n", r.Watchers, r.Format, r.Pods, r.Cluster)
	fmt.Fprintf(tw, "events delivered\t%d in %.2f s: %.0f/s\n", r.Events, r.Seconds, r.EventsPerSecond)
	fmt.Fprintf(tw, "slowest watcher\t%.3f s behind the fastest\n", r.SlowestLag)
	fmt.Fprintf(tw, "watches renewed\t%d (ended early by the server)\n", r.Rewatches)
	for _, p := range r.Processes {
		fmt.Fprintf(tw, "process %s\t%.1f CPU-s, peak RSS %d MiB\n", p.Name, p.CPUSeconds, p.PeakRSS>>20)
	}
	if r.CPUPerEvent > 0 {
		fmt.Fprintf(tw, "server CPU per event\t%.1f µs\n", r.CPUPerEvent)
	}
	return tw.Flush()
}
