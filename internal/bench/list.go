package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
)

// ListConfig is the list scenario: Pods pods in one namespace, then LISTs of all pods
// in every namespace as kubectl and controllers ask for them.
type ListConfig struct {
	Pods     int
	Parallel int
	// Repeat is how many times each LIST is timed; the median is reported.
	Repeat int
}

// ListTiming is one kind of LIST: its median time and the bytes it answered.
type ListTiming struct {
	Name          string  `json:"name"`
	MedianSeconds float64 `json:"medianSeconds"`
	Bytes         int     `json:"bytes"`
	Requests      int     `json:"requests"`
	// Output marks a timing of a program whose Bytes are what it printed (its
	// requests are its own).
	Output bool `json:"output,omitempty"`
}

// ListResult is one run of the list scenario.
type ListResult struct {
	Pods int `json:"pods"`
	// Listed is how many pods the cluster held when the lists were timed: Pods, and
	// any others it has.
	Listed  int          `json:"listed"`
	Cluster string       `json:"cluster"`
	Lists   []ListTiming `json:"lists"`
}

// The Accept headers of the lists: kubectl get's Table (in pages of 500, as kubectl
// asks), and a controller's full list as JSON and as protobuf.
const (
	acceptTable    = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
	acceptJSON     = "application/json"
	acceptProtobuf = "application/vnd.kubernetes.protobuf, application/json"
)

// List runs the list scenario against c.
func List(ctx context.Context, c *Cluster, cfg ListConfig) (*ListResult, error) {
	if cfg.Repeat <= 0 {
		cfg.Repeat = 5
	}
	ctx, cl, ns, done, err := session(ctx, c, "bench-list", time.Hour)
	if err != nil {
		return nil, err
	}
	defer done()
	if err := create(ctx, cl, ns, BurstConfig{Pods: cfg.Pods, Parallel: cfg.Parallel}, newPodLog()); err != nil {
		return nil, err
	}
	settle(ctx, cl, ns, cfg.Pods)
	all, err := client.Resource[*api.Pod](cl).List(ctx, client.ListOptions{ResourceVersion: "0"})
	if err != nil {
		return nil, err
	}
	res := &ListResult{Pods: cfg.Pods, Listed: len(all.Items), Cluster: c.Name}
	for _, l := range []struct {
		name   string
		accept string
		limit  int
	}{
		{"kubectl get pods -A (Table, pages of 500)", acceptTable, 500},
		{"all pods as JSON", acceptJSON, 0},
		{"all pods as protobuf", acceptProtobuf, 0},
	} {
		var times []float64
		var timing ListTiming
		for range cfg.Repeat {
			start := time.Now()
			bytes, requests, err := listAll(ctx, cl, l.accept, l.limit)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", l.name, err)
			}
			times = append(times, time.Since(start).Seconds())
			timing = ListTiming{Name: l.name, Bytes: bytes, Requests: requests}
		}
		slices.Sort(times)
		timing.MedianSeconds = times[len(times)/2]
		res.Lists = append(res.Lists, timing)
	}
	// The real kubectl, when there is one: its own decoding and printing included.
	if kubectl, err := exec.LookPath("kubectl"); err == nil && c.Kubeconfig != "" {
		var times []float64
		bytes := 0
		for range cfg.Repeat {
			start := time.Now()
			out, err := exec.CommandContext(ctx, kubectl, "--kubeconfig", c.Kubeconfig, "get", "pods", "-A").Output()
			if err != nil {
				return nil, fmt.Errorf("kubectl get pods -A: %w", err)
			}
			times = append(times, time.Since(start).Seconds())
			bytes = len(out)
		}
		slices.Sort(times)
		res.Lists = append(res.Lists, ListTiming{Name: "kubectl get pods -A (the real kubectl, wall time)", MedianSeconds: times[len(times)/2], Bytes: bytes, Output: true})
	}
	return res, nil
}

// settle waits, up to two minutes, for the cluster to be done with the pods (all
// Running, or no change for five seconds), so that the lists are timed on a quiet
// cluster.
func settle(ctx context.Context, cl *client.Client, ns string, pods int) {
	deadline := time.Now().Add(2 * time.Minute)
	last, same := -1, 0
	for time.Now().Before(deadline) && same < 5 {
		l, err := client.Resource[*api.Pod](cl).Namespace(ns).List(ctx, client.ListOptions{ResourceVersion: "0"})
		if err != nil {
			return
		}
		running := 0
		for _, p := range l.Items {
			if p.Status.Phase == api.PodRunning {
				running++
			}
		}
		if running == pods {
			return
		}
		if running == last {
			same++
		} else {
			last, same = running, 0
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// listAll lists every pod with accept, in pages of limit (0: one request), and returns
// the bytes and requests it took.
func listAll(ctx context.Context, cl *client.Client, accept string, limit int) (int, int, error) {
	bytes, requests, cont := 0, 0, ""
	for {
		q := url.Values{}
		if limit > 0 {
			q.Set("limit", fmt.Sprint(limit))
		}
		if cont != "" {
			q.Set("continue", cont)
		}
		body, err := cl.Do(ctx, client.Request{Method: "GET", Path: "/api/v1/pods", Query: q, Accept: accept})
		if err != nil {
			return 0, 0, err
		}
		bytes += len(body)
		requests++
		if limit == 0 {
			return bytes, requests, nil
		}
		var page struct {
			Metadata struct {
				Continue string `json:"continue"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return 0, 0, err
		}
		if cont = page.Metadata.Continue; cont == "" {
			return bytes, requests, nil
		}
	}
}

// WriteListTable writes r as a table for a terminal.
func WriteListTable(w io.Writer, r *ListResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "scenario\tlist: %d pods created, %d in the cluster, against %s\n", r.Pods, r.Listed, r.Cluster)
	for _, l := range r.Lists {
		if l.Output {
			fmt.Fprintf(tw, "%s\t%.3f s (median), %d KB printed\n", l.Name, l.MedianSeconds, l.Bytes/1000)
			continue
		}
		fmt.Fprintf(tw, "%s\t%.3f s (median), %d requests, %.1f MB\n", l.Name, l.MedianSeconds, l.Requests, float64(l.Bytes)/1e6)
	}
	return tw.Flush()
}
