// Package kubelet simulates the kubelets of many nodes in one process, as kwok does
// for Kubernetes: it registers Nodes, keeps them alive (a Lease per node in
// kube-node-lease renewed every 10 s, spread over the interval; node status posted
// when it changes and at least every 5 minutes), and runs the pods bound to them
// through Kubernetes' phases with the status a real kubelet writes, one write per
// transition. Annotations drive simulated workloads (AnnotationRunFor,
// AnnotationExitCode, AnnotationReadyAfter) and failures (AnnotationSimulate=down on
// a node). Everything goes through the apiserver's HTTP API.
package kubelet

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/internal/podutil"
	"github.com/orrery-dev/orrery/informer"
	"github.com/orrery-dev/orrery/manager"
)

// Options configure the simulated nodes. The zero value is one node.
type Options struct {
	// Nodes is how many nodes to simulate. Zero means 1.
	Nodes int
	// NodePrefix names them: prefix + index. Empty means "orrery-node-".
	NodePrefix string
	// CPU, Memory and PodsPerNode are each node's capacity. Zero means 32 CPUs,
	// 256Gi and 110 pods.
	CPU, Memory api.Quantity
	PodsPerNode int
	// Zones spreads the nodes over topology.kubernetes.io/zone values ZonePrefix+"a",
	// "b", ... Zero means 3; an empty prefix means "zone-".
	Zones      int
	ZonePrefix string
	// InstanceType is node.kubernetes.io/instance-type. Empty means "orrery.sim".
	InstanceType string
	// PodStartDelay is how long a pod is Pending (ContainerCreating) before it runs.
	PodStartDelay time.Duration
	// LeaseDuration is the leaseDurationSeconds of the node Leases. Zero means 40 s.
	LeaseDuration time.Duration
	// RenewInterval is how often each Lease is renewed. Zero means 10 s.
	RenewInterval time.Duration
	// StatusReportFrequency bounds the age of a node's posted status. Zero means 5
	// minutes.
	StatusReportFrequency time.Duration
	// Workers bounds the writes in flight. Zero means 32.
	Workers int
}

func (o *Options) defaults() {
	if o.Nodes <= 0 {
		o.Nodes = 1
	}
	if o.NodePrefix == "" {
		o.NodePrefix = "orrery-node-"
	}
	if o.CPU.IsZero() {
		o.CPU = api.MustParseQuantity("32")
	}
	if o.Memory.IsZero() {
		o.Memory = api.MustParseQuantity("256Gi")
	}
	if o.PodsPerNode <= 0 {
		o.PodsPerNode = 110
	}
	if o.Zones <= 0 {
		o.Zones = 3
	}
	if o.ZonePrefix == "" {
		o.ZonePrefix = "zone-"
	}
	if o.InstanceType == "" {
		o.InstanceType = "orrery.sim"
	}
	if o.LeaseDuration <= 0 {
		o.LeaseDuration = 40 * time.Second
	}
	if o.RenewInterval <= 0 {
		o.RenewInterval = 10 * time.Second
	}
	if o.StatusReportFrequency <= 0 {
		o.StatusReportFrequency = 5 * time.Minute
	}
	if o.Workers <= 0 {
		o.Workers = 32
	}
}

// Kubelet simulates the kubelets of Options.Nodes nodes.
type Kubelet struct {
	opts    Options
	client  *client.Client
	nodes   *manager.Client[*api.Node]
	pods    *manager.Client[*api.Pod]
	byNode  *manager.Index[*api.Pod]
	leases  *client.ResourceClient[*api.Lease]
	ctrl    *manager.Controller
	logger  *zap.Logger
	now     func() time.Time
	index   map[string]int // node name → index
	writes  chan struct{}  // bounds the writes in flight
	metrics *metrics

	mu       sync.Mutex
	lease    map[string]*api.Lease // the last Lease written per node
	pods_    map[string]*podState  // by pod uid
	nextIP   map[string]int        // per node
	nodeSeen map[string]bool       // registered
}

// Setup adds the simulated kubelets to m.
func Setup(m *manager.Manager, opts Options) (*Kubelet, error) {
	opts.defaults()
	k := &Kubelet{opts: opts, client: m.Client(), logger: m.Logger().Named("kubelet"), now: time.Now,
		index: map[string]int{}, writes: make(chan struct{}, opts.Workers),
		lease: map[string]*api.Lease{}, pods_: map[string]*podState{}, nextIP: map[string]int{}, nodeSeen: map[string]bool{},
		leases: client.Resource[*api.Lease](m.Client()).Namespace("kube-node-lease")}
	for i := range opts.Nodes {
		k.index[k.nodeName(i)] = i
	}
	var err error
	if k.metrics, err = newMetrics(m.Registry(), k); err != nil {
		return nil, err
	}
	if k.nodes, err = manager.NewClient[*api.Node](m, manager.Scope{LabelSelector: "type=orrery-simulated"}); err != nil {
		return nil, err
	}
	// All pods, not only the scheduled ones, so that the kubelet reads the same cache
	// as the scheduler and the controllers where they share one (orrery up); the
	// handlers below skip pods of no simulated node. The index's name is the
	// kubelet's own, beside the node lifecycle controller's on such a cache.
	byNode := manager.NewIndex("kubelet-node", podutil.NodeName)
	k.byNode = byNode
	podInf, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.Pod]{Indexes: []*manager.Index[*api.Pod]{byNode}})
	if err != nil {
		return nil, err
	}
	if k.pods, err = manager.NewClient[*api.Pod](m, manager.Scope{}); err != nil {
		return nil, err
	}
	if k.ctrl, err = manager.NewController(m, "kubelet", k, manager.ControllerOptions{MaxConcurrentReconciles: opts.Workers}); err != nil {
		return nil, err
	}
	enqueue := func(p *api.Pod) {
		if _, ok := k.index[p.Spec.NodeName]; ok {
			k.ctrl.Enqueue(manager.Request{Namespace: p.Namespace, Name: p.Name})
		}
	}
	if _, err := podInf.AddHandler(informer.HandlerFuncs[*api.Pod]{
		AddFunc:    func(p *api.Pod, _ bool) { enqueue(p) },
		UpdateFunc: func(_, p *api.Pod) { enqueue(p) },
		DeleteFunc: func(p *api.Pod) { k.forget(p.UID) },
	}); err != nil {
		return nil, err
	}
	// A node coming back from down resumes its pods.
	if err := manager.Watches(k.ctrl, manager.ByIndex[*api.Node](byNode), manager.WithPredicates(manager.AnnotationsChanged()),
		manager.InScope(manager.Scope{LabelSelector: "type=orrery-simulated"})); err != nil {
		return nil, err
	}
	return k, m.Add(manager.RunnableFunc(k.runNodes), false)
}

func (k *Kubelet) nodeName(i int) string { return fmt.Sprintf("%s%d", k.opts.NodePrefix, i) }

// write runs fn holding one of the write slots.
func (k *Kubelet) write(ctx context.Context, fn func() error) error {
	select {
	case k.writes <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-k.writes }()
	k.metrics.writes.Inc()
	return fn()
}

// down reports whether the node is simulated as down.
func (k *Kubelet) down(name string) bool {
	n, err := k.nodes.Lister().Get(name)
	return err == nil && n.Annotations[AnnotationSimulate] == "down"
}

// runNodes registers the nodes, then renews their Leases every RenewInterval (each
// node at its own offset within it) and posts their status when due.
func (k *Kubelet) runNodes(ctx context.Context) error {
	if err := k.register(ctx); err != nil {
		return err
	}
	// Each tick renews the next few nodes, so that every node is renewed once per
	// RenewInterval and the writes are spread evenly over it.
	n := k.opts.Nodes
	tick := max(k.opts.RenewInterval/time.Duration(n), 10*time.Millisecond)
	perTick := max(1, int((int64(n)*int64(tick)+int64(k.opts.RenewInterval)-1)/int64(k.opts.RenewInterval)))
	t := time.NewTicker(tick)
	defer t.Stop()
	next := 0
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		for range perTick {
			name := k.nodeName(next)
			next = (next + 1) % n
			if k.down(name) {
				continue
			}
			wg.Go(func() {
				if err := k.heartbeat(ctx, name); err != nil && ctx.Err() == nil {
					k.logger.Warn("node heartbeat", zap.String("node", name), zap.Error(err))
				}
			})
		}
	}
}

// register creates the nodes that do not exist, and their Leases.
func (k *Kubelet) register(ctx context.Context) error {
	nodes := client.Resource[*api.Node](k.client)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for i := range k.opts.Nodes {
		wg.Go(func() {
			err := k.write(ctx, func() error {
				_, err := nodes.Create(ctx, k.newNode(i))
				if client.IsAlreadyExists(err) {
					return nil // a restart: the node is back; its status is posted at its first heartbeat
				}
				return err
			})
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("register nodes: %w", errors.Join(errs...))
	}
	k.metrics.nodes.Set(float64(k.opts.Nodes))
	k.logger.Info("nodes registered", zap.Int("nodes", k.opts.Nodes))
	return nil
}

// heartbeat renews the node's Lease and posts its status when due.
func (k *Kubelet) heartbeat(ctx context.Context, name string) error {
	now := k.now()
	renew := api.NewMicroTime(now)
	holder := name
	secs := int32(k.opts.LeaseDuration / time.Second)
	k.mu.Lock()
	l := k.lease[name]
	k.mu.Unlock()
	err := k.write(ctx, func() error {
		var out *api.Lease
		var err error
		if l == nil {
			l, err = k.leases.Get(ctx, name)
			if client.IsNotFound(err) {
				node, nerr := k.nodes.Lister().Get(name)
				lease := &api.Lease{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "kube-node-lease"},
					Spec: api.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &secs, RenewTime: &renew}}
				if nerr == nil {
					yes := true
					lease.OwnerReferences = []api.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: name, UID: node.UID, Controller: &yes}}
				}
				out, err = k.leases.Create(ctx, lease)
				if err == nil {
					k.setLease(name, out)
				}
				return err
			}
			if err != nil {
				return err
			}
		}
		cp := l.DeepCopy()
		cp.Spec.HolderIdentity, cp.Spec.LeaseDurationSeconds, cp.Spec.RenewTime = &holder, &secs, &renew
		out, err = k.leases.Update(ctx, cp)
		switch {
		case client.IsConflict(err):
			k.setLease(name, nil) // read it again next time
		case err == nil:
			k.setLease(name, out)
		}
		return err
	})
	if err != nil {
		return err
	}
	node, err := k.nodes.Lister().Get(name)
	if err != nil || !needsStatus(node, now, k.opts.StatusReportFrequency) {
		return nil
	}
	cp := node.DeepCopy()
	cp.Status.Conditions = heartbeat(node, api.NewTime(now))
	return k.write(ctx, func() error {
		_, err := k.nodes.UpdateStatus(ctx, cp)
		if client.IsConflict(err) {
			return nil // the next heartbeat posts it
		}
		return err
	})
}

// setLease remembers the Lease last written for node (nil: read it again).
func (k *Kubelet) setLease(node string, l *api.Lease) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if l == nil {
		delete(k.lease, node)
		return
	}
	k.lease[node] = l
}

// metrics are the simulation's.
type metrics struct {
	nodes       prometheus.Gauge
	writes      prometheus.Counter
	transitions *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, k *Kubelet) (*metrics, error) {
	m := &metrics{
		nodes: prometheus.NewGauge(prometheus.GaugeOpts{Name: "orrery_kubelet_nodes", Help: "Number of nodes this process simulates."}),
		writes: prometheus.NewCounter(prometheus.CounterOpts{Name: "orrery_kubelet_api_writes_total",
			Help: "Writes to the apiserver: node registrations, lease renewals, node and pod status, pod deletions."}),
		transitions: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "orrery_kubelet_pod_transition_seconds",
			Help:    "Time from a pod's binding to the status write of each phase, by phase.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 18)}, []string{"phase"}),
	}
	running := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "orrery_kubelet_pods_running", Help: "Pods running on the simulated nodes."},
		func() float64 { return float64(k.running()) })
	for _, c := range []prometheus.Collector{m.nodes, m.writes, m.transitions, running} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
