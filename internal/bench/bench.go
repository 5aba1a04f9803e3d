// Package bench measures the pod pipeline end to end through the HTTP API, as any
// client would load a cluster: Orrery's (a fresh `orrery up` it starts) or any other
// given by a kubeconfig, so that the same numbers can be taken side by side.
package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/internal/procstat"
)

// Percentiles summarise latencies, in seconds.
type Percentiles struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Process is what one process of the cluster used during the run.
type Process struct {
	Name       string  `json:"name"`
	CPUSeconds float64 `json:"cpuSeconds"`
	PeakRSS    int64   `json:"peakRSSBytes"`
}

// Point is the count of pods created, scheduled and Running at a time since the first
// create.
type Point struct {
	Seconds   float64 `json:"seconds"`
	Created   int     `json:"created"`
	Scheduled int     `json:"scheduled"`
	Running   int     `json:"running"`
}

// Result is one run of a scenario.
type Result struct {
	Scenario string `json:"scenario"`
	Pods     int    `json:"pods"`
	Nodes    int    `json:"nodes"`
	Cluster  string `json:"cluster"`
	// AllCreated, AllScheduled and AllRunning are seconds from the first create.
	AllCreated        float64     `json:"allCreatedSeconds"`
	AllScheduled      float64     `json:"allScheduledSeconds"`
	AllRunning        float64     `json:"allRunningSeconds"`
	PodsPerSecond     float64     `json:"podsPerSecond"`
	CreateToScheduled Percentiles `json:"createToScheduledSeconds"`
	CreateToRunning   Percentiles `json:"createToRunningSeconds"`
	APIWrites         int64       `json:"apiWrites"`
	APIWritesPerSec   float64     `json:"apiWritesPerSecond"`
	Processes         []Process   `json:"processes"`
	Timeline          []Point     `json:"timeline"`
	// Latency is the histogram of create->scheduled and create->Running.
	Latency []Bucket `json:"latency"`
}

// Bucket is one bar of a latency histogram: the pods whose latency was in
// (previous bucket's Le, Le] seconds.
type Bucket struct {
	Le        float64 `json:"le"`
	Scheduled int     `json:"scheduled"`
	Running   int     `json:"running"`
}

// histogramBuckets is how many bars a latency histogram has.
const histogramBuckets = 20

// histogram counts toScheduled and toRunning (seconds) in histogramBuckets buckets of
// one width, from 0 to the largest latency rounded up to a round width.
func histogram(toScheduled, toRunning []float64) []Bucket {
	largest := 0.0
	for _, v := range slices.Concat(toScheduled, toRunning) {
		largest = max(largest, v)
	}
	if largest <= 0 {
		return nil
	}
	width := roundUp(largest / histogramBuckets)
	buckets := make([]Bucket, histogramBuckets)
	for i := range buckets {
		buckets[i].Le = width * float64(i+1)
	}
	at := func(v float64) *Bucket { return &buckets[min(histogramBuckets-1, max(0, int(math.Ceil(v/width))-1))] }
	for _, v := range toScheduled {
		at(v).Scheduled++
	}
	for _, v := range toRunning {
		at(v).Running++
	}
	return buckets
}

// roundUp is the smallest of 1, 2 and 5 times a power of ten that is at least v (> 0).
func roundUp(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// BurstConfig is the burst scenario: Pods pods created as fast as Parallel clients
// can, bare or through one Deployment, timed until every one is Running.
type BurstConfig struct {
	// Scenario names the run in the results. Empty means "burst".
	Scenario string
	Pods     int
	// Rate, when positive, paces the creates at this many pods a second (the steady
	// scenario) instead of as fast as the clients go.
	Rate       float64
	Nodes      int // reported; the cluster provides them
	Deployment bool
	Parallel   int
	Timeout    time.Duration
	// Progress, when set, is called about once a second with the counts.
	Progress func(Point)
	// schedulerName, when set, is the pods' spec.schedulerName.
	schedulerName string
}

// podTimes is when the bench saw each pod created, scheduled and Running.
type podTimes struct {
	created, scheduled, running time.Time
}

// podLog records when each pod was created, scheduled and Running.
type podLog struct {
	mu   sync.Mutex
	pods map[string]*podTimes
}

func newPodLog() *podLog { return &podLog{pods: map[string]*podTimes{}} }

// of returns name's times, made on first use; the caller holds mu.
func (l *podLog) of(name string) *podTimes {
	t, ok := l.pods[name]
	if !ok {
		t = &podTimes{}
		l.pods[name] = t
	}
	return t
}

// session is what a scenario runs in: a client of c, a context bounded by timeout
// (zero: ten minutes) and a namespace of its own; done deletes the namespace and
// closes the client.
func session(ctx context.Context, c *Cluster, prefix string, timeout time.Duration) (_ context.Context, _ *client.Client, ns string, done func(), err error) {
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	cl, err := client.New(c.Config)
	if err != nil {
		return nil, nil, "", nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	// On a cluster the bench was given, the next run must not meet this one's pods:
	// the namespace is waited for until it is gone.
	ns, deleteNS, err := namespace(ctx, cl, prefix, c.stop == nil)
	if err != nil {
		cancel()
		cl.Close()
		return nil, nil, "", nil, err
	}
	return ctx, cl, ns, func() { deleteNS(); cancel(); cl.Close() }, nil
}

// Burst runs the burst scenario against c.
func Burst(ctx context.Context, c *Cluster, cfg BurstConfig) (*Result, error) {
	ctx, cl, ns, done, err := session(ctx, c, "bench", cfg.Timeout)
	if err != nil {
		return nil, err
	}
	defer done()
	// The nodes are the cluster's: those a given cluster has, whatever the flag says.
	nodes, err := client.Resource[*api.Node](cl).List(ctx, client.ListOptions{ResourceVersion: "0"})
	if err != nil {
		return nil, err
	}
	cfg.Nodes = len(nodes.Items)
	pods := client.Resource[*api.Pod](cl).Namespace(ns)
	list, err := pods.List(ctx, client.ListOptions{})
	if err != nil {
		return nil, err
	}
	lastRV, rewatches := list.ResourceVersion, 0
	w, err := pods.Watch(ctx, client.ListOptions{ResourceVersion: lastRV})
	if err != nil {
		return nil, err
	}
	defer func() { w.Stop() }()

	writes0, _ := apiWrites(ctx, cl)
	before := usage(c.Processes)

	log := newPodLog()
	mu, times, timesOf := &log.mu, log.pods, log.of
	start := time.Now()
	createErr := make(chan error, 1)
	go func() { createErr <- create(ctx, cl, ns, cfg, log) }()

	var timeline []Point
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	lastProgress := start
	running := 0
	for running < cfg.Pods {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				// The server may end a watch (its timeout, or a watcher that fell
				// behind): watch again from the last state seen, as a reflector does.
				rewatches++
				if rewatches > 10 {
					return nil, errors.New("the pod watch ended ten times")
				}
				w.Stop()
				if w, err = pods.Watch(ctx, client.ListOptions{ResourceVersion: lastRV}); err != nil {
					return nil, fmt.Errorf("watch again from %s: %w", lastRV, err)
				}
				continue
			}
			p, isPod := ev.Object.(*api.Pod)
			if !isPod {
				if ev.Status != nil {
					return nil, fmt.Errorf("pod watch: %s", ev.Status.Message)
				}
				continue
			}
			lastRV = p.ResourceVersion
			now := time.Now()
			mu.Lock()
			t := timesOf(p.Name)
			if t.created.IsZero() {
				t.created = now // seen before the create returned, or made by a controller
			}
			if t.scheduled.IsZero() && p.Spec.NodeName != "" {
				t.scheduled = now
			}
			if t.running.IsZero() && p.Status.Phase == api.PodRunning {
				t.running = now
				running++
			}
			mu.Unlock()
		case err := <-createErr:
			if err != nil {
				return nil, err
			}
		case now := <-tick.C:
			mu.Lock()
			pt := count(times, start, now)
			mu.Unlock()
			timeline = append(timeline, pt)
			if cfg.Progress != nil && now.Sub(lastProgress) >= time.Second {
				cfg.Progress(pt)
				lastProgress = now
			}
		case <-ctx.Done():
			mu.Lock()
			pt := count(times, start, time.Now())
			mu.Unlock()
			return nil, fmt.Errorf("%d of %d pods Running when the run timed out (%d created, %d scheduled)", pt.Running, cfg.Pods, pt.Created, pt.Scheduled)
		}
	}
	end := time.Now()
	mu.Lock()
	defer mu.Unlock()
	timeline = append(timeline, count(times, start, end))
	res := &Result{Scenario: cmp.Or(cfg.Scenario, "burst"), Pods: cfg.Pods, Nodes: cfg.Nodes, Cluster: c.Name, Timeline: timeline}
	var toScheduled, toRunning []float64
	var lastCreated, lastScheduled, lastRunning time.Time
	for _, t := range times {
		lastCreated, lastScheduled, lastRunning = later(lastCreated, t.created), later(lastScheduled, t.scheduled), later(lastRunning, t.running)
		if !t.scheduled.IsZero() {
			toScheduled = append(toScheduled, t.scheduled.Sub(t.created).Seconds())
		}
		if !t.running.IsZero() {
			toRunning = append(toRunning, t.running.Sub(t.created).Seconds())
		}
	}
	res.AllCreated, res.AllScheduled, res.AllRunning = lastCreated.Sub(start).Seconds(), lastScheduled.Sub(start).Seconds(), lastRunning.Sub(start).Seconds()
	res.PodsPerSecond = float64(cfg.Pods) / res.AllRunning
	res.Latency = histogram(toScheduled, toRunning)
	res.CreateToScheduled, res.CreateToRunning = percentiles(toScheduled), percentiles(toRunning)
	if writes1, err := apiWrites(ctx, cl); err == nil {
		res.APIWrites = writes1 - writes0
		res.APIWritesPerSec = float64(res.APIWrites) / res.AllRunning
	}
	res.Processes, _ = used(before, usage(c.Processes))
	return res, nil
}

// namespace creates a namespace of its own for a run, and returns its name and a
// function that deletes it (with everything in it).
func namespace(ctx context.Context, cl *client.Client, prefix string, wait bool) (string, func(), error) {
	ns := fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1_000_000)
	namespaces := client.Resource[*api.Namespace](cl)
	if _, err := namespaces.Create(ctx, &api.Namespace{ObjectMeta: api.ObjectMeta{Name: ns}}); err != nil {
		return "", nil, fmt.Errorf("create namespace: %w", err)
	}
	return ns, func() {
		dctx := context.WithoutCancel(ctx)
		if err := namespaces.Delete(dctx, ns, nil); err != nil || !wait {
			return
		}
		_ = waitFor(dctx, nil, "the namespace to go", 5*time.Minute, func() (bool, error) {
			_, err := namespaces.Get(dctx, ns)
			return client.IsNotFound(err), nil
		})
	}, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// create makes the pods: bare ones from Parallel workers, or one Deployment.
func create(ctx context.Context, cl *client.Client, ns string, cfg BurstConfig, log *podLog) error {
	if cfg.Parallel <= 0 {
		cfg.Parallel = 8
	}
	spec := api.PodSpec{Containers: []api.Container{{Name: "app", Image: "registry.example/app:1",
		Resources: api.ResourceRequirements{Requests: api.ResourceList{"cpu": api.MustParseQuantity("10m"), "memory": api.MustParseQuantity("16Mi")}}}}}
	if cfg.Deployment {
		replicas := int32(cfg.Pods)
		labels := map[string]string{"app": "bench"}
		_, err := client.Resource[*api.Deployment](cl).Namespace(ns).Create(ctx, &api.Deployment{ObjectMeta: api.ObjectMeta{Name: "bench"},
			Spec: api.DeploymentSpec{Replicas: &replicas, Selector: &api.LabelSelector{MatchLabels: labels},
				Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: labels}, Spec: spec}}})
		return err
	}
	spec.SchedulerName = cfg.schedulerName
	pods := client.Resource[*api.Pod](cl).Namespace(ns)
	var limiter *rate.Limiter
	if cfg.Rate > 0 {
		limiter = rate.NewLimiter(rate.Limit(cfg.Rate), 1)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	errs := make(chan error, cfg.Parallel)
	for range cfg.Parallel {
		wg.Go(func() {
			for i := range next {
				name := fmt.Sprintf("pod-%05d", i)
				now := time.Now()
				log.mu.Lock()
				if t := log.of(name); t.created.IsZero() {
					t.created = now
				}
				log.mu.Unlock()
				if _, err := pods.Create(ctx, &api.Pod{ObjectMeta: api.ObjectMeta{Name: name}, Spec: spec}); err != nil {
					errs <- fmt.Errorf("create %s: %w", name, err)
					return
				}
			}
		})
	}
	var err error
feed:
	for i := range cfg.Pods {
		if limiter != nil {
			if err = limiter.Wait(ctx); err != nil {
				break
			}
		}
		select {
		case next <- i:
		case err = <-errs:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// count is the point of times at now.
func count(times map[string]*podTimes, start, now time.Time) Point {
	p := Point{Seconds: now.Sub(start).Seconds()}
	for _, t := range times {
		if !t.created.IsZero() && !t.created.After(now) {
			p.Created++
		}
		if !t.scheduled.IsZero() && !t.scheduled.After(now) {
			p.Scheduled++
		}
		if !t.running.IsZero() && !t.running.After(now) {
			p.Running++
		}
	}
	return p
}

func percentiles(v []float64) Percentiles {
	if len(v) == 0 {
		return Percentiles{}
	}
	slices.Sort(v)
	at := func(q float64) float64 { return v[min(len(v)-1, int(math.Ceil(q*float64(len(v))))-1)] }
	return Percentiles{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: v[len(v)-1]}
}

// usage reads the usage of each process; those that cannot be read are left out.
func usage(procs map[string]int) map[string]procstat.Usage {
	out := map[string]procstat.Usage{}
	for name, pid := range procs {
		if u, err := procstat.Of(pid); err == nil {
			out[name] = u
		}
	}
	return out
}

// used is what each process used between two readings, by name, and the CPU seconds
// of all of them.
func used(before, after map[string]procstat.Usage) (procs []Process, cpu float64) {
	for _, name := range slices.Sorted(maps.Keys(after)) {
		d := (after[name].CPU - before[name].CPU).Seconds()
		cpu += d
		procs = append(procs, Process{Name: name, CPUSeconds: d, PeakRSS: after[name].PeakRSS})
	}
	return procs, cpu
}

// apiWrites is the apiserver's count of write requests so far, from its /metrics
// (apiserver_request_total with a write verb, as Kubernetes labels them).
func apiWrites(ctx context.Context, cl *client.Client) (int64, error) {
	body, err := cl.Do(ctx, client.Request{Method: "GET", Path: "/metrics", Accept: "text/plain"})
	if err != nil {
		return 0, err
	}
	var total float64
	for line := range strings.SplitSeq(string(body), "\n") {
		if !strings.HasPrefix(line, "apiserver_request_total{") {
			continue
		}
		labels, value, ok := strings.Cut(line[len("apiserver_request_total{"):], "} ")
		if !ok {
			continue
		}
		verb := ""
		for l := range strings.SplitSeq(labels, ",") {
			if v, ok := strings.CutPrefix(l, `verb="`); ok {
				verb = strings.TrimSuffix(v, `"`)
			}
		}
		// Kubernetes labels writes by HTTP method (POST, PUT, PATCH, DELETE, and
		// DELETECOLLECTION, APPLY); Orrery by the request's verb (create, update, ...).
		switch strings.ToUpper(verb) {
		case "POST", "PUT", "PATCH", "DELETE", "DELETECOLLECTION", "APPLY", "CREATE", "UPDATE":
			n, err := strconv.ParseFloat(strings.Fields(value)[0], 64)
			if err == nil {
				total += n
			}
		}
	}
	return int64(total), nil
}

// TempDir makes a directory for a cluster's data; remove it with os.RemoveAll.
func TempDir() (string, error) { return os.MkdirTemp("", "orrery-bench-") }
