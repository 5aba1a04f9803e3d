// Package nodelifecycle is the node lifecycle controller, with kube-controller-manager's
// rules: a node whose Lease has not been renewed for the grace period gets
// Ready=Unknown ("Kubelet stopped posting node status.") and the unreachable taints; a
// node reporting Ready=False gets the not-ready taints; the taints go when the node is
// Ready again. Pods on a node with a NoExecute taint they do not tolerate are evicted
// at once, and those that tolerate it for tolerationSeconds once that has passed
// (taint-based eviction). NoExecute taints are added at a limited rate per zone: the
// eviction rate in a healthy zone and in one whose every node is down; the secondary
// rate in a zone where at least the unhealthy-zone threshold of its nodes (and more
// than two) are down, or none at all if the zone is no larger than the large-cluster
// threshold; and none anywhere, with the existing ones lifted, while every node of the
// cluster is down, so that a network partition does not empty the cluster.
package nodelifecycle

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/time/rate"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/record"
	"github.com/orrery-dev/orrery/controllers/internal/podutil"
	"github.com/orrery-dev/orrery/manager"
)

// Name is the controller's name.
const Name = "node-lifecycle-controller"

// The taints of nodes that are not ready or unreachable.
const (
	TaintNotReady    = "node.kubernetes.io/not-ready"
	TaintUnreachable = "node.kubernetes.io/unreachable"
	zoneLabel        = "topology.kubernetes.io/zone"
)

// Options configure the controller. The zero value is Kubernetes' defaults.
type Options struct {
	// GracePeriod is how long a node's Lease may go unrenewed before the node is
	// unreachable (--node-monitor-grace-period). Zero means 40 s.
	GracePeriod time.Duration
	// MonitorPeriod is how often nodes are checked (--node-monitor-period). Zero means
	// 5 s.
	MonitorPeriod time.Duration
	// EvictionRate is how many nodes per second of a zone may get a NoExecute taint
	// (--node-eviction-rate). Zero means 0.1.
	EvictionRate float64
	// SecondaryEvictionRate is the rate in a partially disrupted zone larger than
	// LargeClusterSizeThreshold (--secondary-node-eviction-rate). Zero means 0.01.
	SecondaryEvictionRate float64
	// UnhealthyZoneThreshold is the share of a zone's nodes (more than two) that must be
	// down for the zone to be partially disrupted (--unhealthy-zone-threshold). Zero
	// means 0.55.
	UnhealthyZoneThreshold float64
	// LargeClusterSizeThreshold is the zone size up to which a partially disrupted zone
	// gets no NoExecute taints at all (--large-cluster-size-threshold). Zero means 50.
	LargeClusterSizeThreshold int
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// Controller is the node lifecycle controller.
type Controller struct {
	opts    Options
	nodes   *manager.Client[*api.Node]
	leases  *manager.Client[*api.Lease]
	pods    *manager.Client[*api.Pod]
	byNode  *manager.Index[*api.Pod]
	evict   *manager.Controller
	events  record.Recorder
	logger  *zap.Logger
	metrics *metrics

	mu       sync.Mutex
	observed map[string]observation // node → last lease renewal seen, by the local clock
	limiters map[string]*rate.Limiter
	states   map[string]zoneState // the zones' states at the last check
}

// zoneState is a zone's health, as Kubernetes names it.
type zoneState string

const (
	stateNormal            zoneState = "Normal"
	statePartialDisruption zoneState = "PartialDisruption"
	stateFullDisruption    zoneState = "FullDisruption"
)

// stateOf is the state of a zone with ready and down nodes.
func stateOf(ready, down int, unhealthyThreshold float64) zoneState {
	switch {
	case ready == 0 && down > 0:
		return stateFullDisruption
	case down > 2 && float64(down)/float64(ready+down) >= unhealthyThreshold:
		return statePartialDisruption
	}
	return stateNormal
}

// zoneRates are the NoExecute taint rates of the zones in states (of sizes), as
// kube-controller-manager sets them: none anywhere while every zone is fully disrupted.
func zoneRates(states map[string]zoneState, sizes map[string]int, o Options) map[string]float64 {
	all := len(states) > 0
	for _, st := range states {
		all = all && st == stateFullDisruption
	}
	rates := make(map[string]float64, len(states))
	for zone, st := range states {
		switch {
		case all:
			rates[zone] = 0
		case st == statePartialDisruption && sizes[zone] > o.LargeClusterSizeThreshold:
			rates[zone] = o.SecondaryEvictionRate
		case st == statePartialDisruption:
			rates[zone] = 0
		default:
			rates[zone] = o.EvictionRate
		}
	}
	return rates
}

type observation struct {
	renew string
	at    time.Time
}

// Setup adds the controller to m.
func Setup(m *manager.Manager, opts Options) (*Controller, error) {
	if opts.GracePeriod <= 0 {
		opts.GracePeriod = 40 * time.Second
	}
	if opts.MonitorPeriod <= 0 {
		opts.MonitorPeriod = 5 * time.Second
	}
	if opts.EvictionRate <= 0 {
		opts.EvictionRate = 0.1
	}
	if opts.SecondaryEvictionRate <= 0 {
		opts.SecondaryEvictionRate = 0.01
	}
	if opts.UnhealthyZoneThreshold <= 0 {
		opts.UnhealthyZoneThreshold = 0.55
	}
	if opts.LargeClusterSizeThreshold <= 0 {
		opts.LargeClusterSizeThreshold = 50
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Controller{opts: opts, events: m.EventRecorder(Name), logger: m.Logger().Named(Name),
		observed: map[string]observation{}, limiters: map[string]*rate.Limiter{}, states: map[string]zoneState{},
		byNode: manager.NewIndex("node", podutil.NodeName)}
	var err error
	if c.metrics, err = newMetrics(m.Registry()); err != nil {
		return nil, err
	}
	if c.nodes, err = manager.NewClient[*api.Node](m, manager.Scope{}); err != nil {
		return nil, err
	}
	if c.leases, err = manager.NewClient[*api.Lease](m, manager.Scope{Namespace: "kube-node-lease"}); err != nil {
		return nil, err
	}
	if _, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.Pod]{Indexes: []*manager.Index[*api.Pod]{c.byNode}}); err != nil {
		return nil, err
	}
	if c.pods, err = manager.NewClient[*api.Pod](m, manager.Scope{}); err != nil {
		return nil, err
	}
	// Taint-based eviction, per node: on a node's change, and on its pods' (a pod that
	// arrives on a tainted node).
	if c.evict, err = manager.NewController(m, "taint-eviction-controller", manager.ReconcilerFunc(c.evictPods), manager.ControllerOptions{MaxConcurrentReconciles: 8}); err != nil {
		return nil, err
	}
	if err := manager.For[*api.Node](c.evict); err != nil {
		return nil, err
	}
	if err := manager.Watches(c.evict, func(_ context.Context, p *api.Pod) []manager.Request {
		if p.Spec.NodeName == "" {
			return nil
		}
		return []manager.Request{{Name: p.Spec.NodeName}}
	}, manager.WithPredicates(manager.Funcs[*api.Pod]{DeleteFunc: func(*api.Pod) bool { return false }})); err != nil {
		return nil, err
	}
	return c, m.Add(manager.RunnableFunc(c.monitor), true)
}

// monitor checks every node every MonitorPeriod.
func (c *Controller) monitor(ctx context.Context) error {
	t := time.NewTicker(c.opts.MonitorPeriod)
	defer t.Stop()
	for {
		c.check(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// check updates each node's Ready condition and taints.
func (c *Controller) check(ctx context.Context) {
	start := time.Now()
	defer func() { c.metrics.checkDuration.Observe(time.Since(start).Seconds()) }()
	now := c.opts.Now()
	nodes := c.nodes.List("", nil)
	total, down := map[string]int{}, map[string]int{}
	status := map[string]api.ConditionStatus{}
	for _, n := range nodes {
		st := c.readiness(n, now)
		status[n.Name] = st
		zone := n.Labels[zoneLabel]
		total[zone]++
		if st != api.ConditionTrue {
			down[zone]++
		}
	}
	states := make(map[string]zoneState, len(total))
	for zone, n := range total {
		states[zone] = stateOf(n-down[zone], down[zone], c.opts.UnhealthyZoneThreshold)
	}
	rates := zoneRates(states, total, c.opts)
	c.metrics.setZones(total, down, c.setStates(states))
	for _, n := range nodes {
		st := status[n.Name]
		if err := c.reconcileNode(ctx, n, st, now, rates[n.Labels[zoneLabel]]); err != nil && ctx.Err() == nil {
			c.logger.Warn("node lifecycle", zap.String("node", n.Name), zap.Error(err))
		}
	}
}

// readiness is the node's Ready status: Unknown if its Lease (or, without one, its
// status heartbeat) is older than the grace period, as this controller observed it.
func (c *Controller) readiness(n *api.Node, now time.Time) api.ConditionStatus {
	renew := ""
	if l, err := c.leases.Lister().Get(n.Name); err == nil && l.Spec.RenewTime != nil {
		renew = l.Spec.RenewTime.String()
	}
	reported := api.ConditionUnknown
	for _, cond := range n.Status.Conditions {
		if cond.Type == api.NodeReady {
			reported = cond.Status
			if renew == "" {
				renew = cond.LastHeartbeatTime.String()
			}
		}
	}
	c.mu.Lock()
	o, ok := c.observed[n.Name]
	if !ok || o.renew != renew {
		o = observation{renew: renew, at: now}
		c.observed[n.Name] = o
	}
	c.mu.Unlock()
	if now.Sub(o.at) > c.opts.GracePeriod {
		return api.ConditionUnknown
	}
	return reported
}

// reconcileNode writes the conditions and taints of st.
// A NoExecute taint is added only while the zone's rate allows, and none is kept while
// the rate is zero because every zone is down.
func (c *Controller) reconcileNode(ctx context.Context, n *api.Node, st api.ConditionStatus, now time.Time, qps float64) error {
	cp := n.DeepCopy()
	changed := false
	if st == api.ConditionUnknown {
		for i := range cp.Status.Conditions {
			cond := &cp.Status.Conditions[i]
			if cond.Status != api.ConditionUnknown {
				cond.Status, cond.Reason, cond.Message = api.ConditionUnknown, "NodeStatusUnknown", "Kubelet stopped posting node status."
				cond.LastTransitionTime = api.NewTime(now)
				changed = true
			}
		}
		if changed {
			if _, err := c.nodes.UpdateStatus(ctx, cp); err != nil {
				return err
			}
			c.events.Eventf(n, api.EventTypeNormal, "NodeNotReady", "Node %s status is now: NodeNotReady", n.Name)
			return nil // the taints follow at the next check, on the updated node
		}
	}
	var want []api.Taint
	switch st {
	case api.ConditionUnknown:
		want = []api.Taint{{Key: TaintUnreachable, Effect: api.TaintEffectNoSchedule}, {Key: TaintUnreachable, Effect: api.TaintEffectNoExecute}}
	case api.ConditionFalse:
		want = []api.Taint{{Key: TaintNotReady, Effect: api.TaintEffectNoSchedule}, {Key: TaintNotReady, Effect: api.TaintEffectNoExecute}}
	}
	if c.allDown() {
		want = slices.DeleteFunc(want, func(t api.Taint) bool { return t.Effect == api.TaintEffectNoExecute })
	}
	taints := slices.DeleteFunc(slices.Clone(n.Spec.Taints), func(t api.Taint) bool {
		if t.Key != TaintNotReady && t.Key != TaintUnreachable {
			return false
		}
		return !slices.ContainsFunc(want, func(w api.Taint) bool { return w.Key == t.Key && w.Effect == t.Effect })
	})
	for _, w := range want {
		if slices.ContainsFunc(taints, func(t api.Taint) bool { return t.Key == w.Key && t.Effect == w.Effect }) {
			continue
		}
		if w.Effect == api.TaintEffectNoExecute {
			if qps == 0 || !c.limiter(n.Labels[zoneLabel], qps, now).AllowN(now, 1) {
				continue // later, or not while the zone is disrupted
			}
			added := api.NewTime(now)
			w.TimeAdded = &added
		}
		taints = append(taints, w)
	}
	if slices.Equal(taints, n.Spec.Taints) || (len(taints) == 0 && len(n.Spec.Taints) == 0) {
		return nil
	}
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"resourceVersion": n.ResourceVersion}, "spec": map[string]any{"taints": taints}})
	_, err := c.nodes.Patch(ctx, "", n.Name, client.MergePatchType, patch)
	if client.IsConflict(err) {
		return nil // the next check sees the newer node
	}
	if err == nil && addsNoExecute(taints, n.Spec.Taints) {
		c.metrics.evictions.WithLabelValues(n.Labels[zoneLabel]).Inc()
	}
	return err
}

// addsNoExecute says whether taints hold a NoExecute taint that old lacks.
func addsNoExecute(taints, old []api.Taint) bool {
	for _, t := range taints {
		if t.Effect == api.TaintEffectNoExecute && !slices.ContainsFunc(old, func(o api.Taint) bool { return o.Key == t.Key && o.Effect == t.Effect }) {
			return true
		}
	}
	return false
}

// setStates records the zones' states and logs their changes; it returns the states
// they replace.
func (c *Controller) setStates(states map[string]zoneState) map[string]zoneState {
	c.mu.Lock()
	defer c.mu.Unlock()
	before := c.states
	wasAllDown := c.allDownLocked()
	for zone, st := range states {
		if old, ok := c.states[zone]; ok && old != st {
			c.logger.Info("zone state changed", zap.String("zone", zone), zap.String("from", string(old)), zap.String("to", string(st)))
		}
	}
	c.states = states
	if all := c.allDownLocked(); all != wasAllDown {
		if all {
			c.logger.Warn("every node is down: no NoExecute taints until one is back (disruption mode)")
		} else {
			c.logger.Info("a node is back: leaving disruption mode")
		}
	}
	return before
}

// allDown says whether every zone was fully disrupted at the last check.
func (c *Controller) allDown() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.allDownLocked()
}

func (c *Controller) allDownLocked() bool {
	for _, st := range c.states {
		if st != stateFullDisruption {
			return false
		}
	}
	return len(c.states) > 0
}

// limiter is the zone's token bucket (burst 1), at qps.
func (c *Controller) limiter(zone string, qps float64, now time.Time) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.limiters[zone]
	switch {
	case !ok:
		l = rate.NewLimiter(rate.Limit(qps), 1)
		c.limiters[zone] = l
	case l.Limit() != rate.Limit(qps):
		l.SetLimitAt(now, rate.Limit(qps))
	}
	return l
}

// evictPods deletes the pods of a node that do not tolerate its NoExecute taints, at
// once or once their tolerationSeconds have passed.
func (c *Controller) evictPods(ctx context.Context, req manager.Request) (manager.Result, error) {
	n, err := c.nodes.Get(ctx, "", req.Name)
	if client.IsNotFound(err) {
		return manager.Result{}, nil
	}
	if err != nil {
		return manager.Result{}, err
	}
	var noExecute []api.Taint
	for _, t := range n.Spec.Taints {
		if t.Effect == api.TaintEffectNoExecute {
			noExecute = append(noExecute, t)
		}
	}
	if len(noExecute) == 0 {
		return manager.Result{}, nil
	}
	now := c.opts.Now()
	pods, _ := c.byNode.Lookup(n.Name)
	var next time.Duration
	for _, p := range pods {
		if p.DeletionTimestamp != nil {
			continue
		}
		at, ok := evictAt(p, noExecute)
		if !ok {
			continue // tolerates them for ever
		}
		if wait := at.Sub(now); wait > 0 {
			if next == 0 || wait < next {
				next = wait
			}
			continue
		}
		uid := p.UID
		err := c.pods.API().Namespace(p.Namespace).Delete(ctx, p.Name, &api.DeleteOptions{Preconditions: &api.Preconditions{UID: &uid}})
		if err != nil && !client.IsNotFound(err) && !client.IsConflict(err) {
			return manager.Result{}, err
		}
		if err == nil {
			c.metrics.podDeletions.Inc()
			c.metrics.podDeletionLate.Observe(now.Sub(at).Seconds())
		}
		c.events.Eventf(p, api.EventTypeNormal, "TaintManagerEviction", "Marking for deletion Pod %s/%s", p.Namespace, p.Name)
	}
	return manager.Result{RequeueAfter: next}, nil
}

// evictAt is when p must go from a node with taints: at once if it does not tolerate
// one, else when the shortest tolerationSeconds since the taint was added ends; false
// if it tolerates them all for ever.
func evictAt(p *api.Pod, taints []api.Taint) (time.Time, bool) {
	var at time.Time
	found := false
	for _, t := range taints {
		added := time.Time{}
		if t.TimeAdded != nil {
			added = t.TimeAdded.Time
		}
		var best *int64
		tolerated := false
		for _, tol := range p.Spec.Tolerations {
			if !tol.ToleratesTaint(t) {
				continue
			}
			tolerated = true
			if tol.TolerationSeconds == nil {
				best = nil
				break
			}
			if best == nil || *tol.TolerationSeconds < *best {
				s := *tol.TolerationSeconds
				best = &s
			}
		}
		switch {
		case !tolerated:
			return time.Time{}, true
		case best != nil:
			when := added.Add(time.Duration(max(*best, 0)) * time.Second)
			if !found || when.Before(at) {
				at, found = when, true
			}
		}
	}
	return at, found
}
