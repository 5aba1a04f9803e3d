// Package podgc is the pod garbage collector, with kube-controller-manager's rules:
// every GCPeriod it force-deletes pods bound to nodes that no longer exist (once the
// node has been gone for the quarantine and a live read confirms it), terminated pods
// beyond the threshold (oldest first), pods being deleted that were never scheduled,
// and pods being deleted on nodes that are out of service and not ready.
package podgc

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/manager"
)

// Name is the controller's name.
const Name = "pod-garbage-collector-controller"

// TaintOutOfService marks a node an administrator declared out of service.
const TaintOutOfService = "node.kubernetes.io/out-of-service"

// Options configure the collector. The zero value is Kubernetes' defaults.
type Options struct {
	// TerminatedPodThreshold is how many terminated (Succeeded or Failed) pods may
	// exist before the oldest are deleted. Zero means 12500
	// (--terminated-pod-gc-threshold); negative means no limit.
	TerminatedPodThreshold int
	// Period is how often the collector runs. Zero means 20 seconds.
	Period time.Duration
	// Quarantine is how long a node must have been missing before its pods go. Zero
	// means 40 seconds.
	Quarantine time.Duration
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// Collector is the pod garbage collector.
type Collector struct {
	opts   Options
	pods   *manager.Client[*api.Pod]
	nodes  *manager.Client[*api.Node]
	api    *client.Client
	logger *zap.Logger

	mu      sync.Mutex
	missing map[string]time.Time // node name → when it was first seen missing
}

// Setup adds the collector to m; it runs while the manager leads.
func Setup(m *manager.Manager, opts Options) (*Collector, error) {
	if opts.TerminatedPodThreshold == 0 {
		opts.TerminatedPodThreshold = 12500
	}
	if opts.Period <= 0 {
		opts.Period = 20 * time.Second
	}
	if opts.Quarantine <= 0 {
		opts.Quarantine = 40 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	gc := &Collector{opts: opts, api: m.Client(), logger: m.Logger().Named(Name), missing: map[string]time.Time{}}
	var err error
	if gc.pods, err = manager.NewClient[*api.Pod](m, manager.Scope{}); err != nil {
		return nil, err
	}
	if gc.nodes, err = manager.NewClient[*api.Node](m, manager.Scope{}); err != nil {
		return nil, err
	}
	return gc, m.Add(manager.RunnableFunc(gc.run), true)
}

func (gc *Collector) run(ctx context.Context) error {
	t := time.NewTicker(gc.opts.Period)
	defer t.Stop()
	for {
		if err := gc.Collect(ctx); err != nil && ctx.Err() == nil {
			gc.logger.Warn("pod garbage collection", zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Collect runs one pass.
func (gc *Collector) Collect(ctx context.Context) error {
	pods := gc.pods.List("", nil)
	nodes := map[string]*api.Node{}
	for _, n := range gc.nodes.List("", nil) {
		nodes[n.Name] = n
	}
	return errors.Join(
		gc.terminated(ctx, pods),
		gc.orphaned(ctx, pods, nodes),
		gc.unscheduledTerminating(ctx, pods),
		gc.outOfService(ctx, pods, nodes),
	)
}

// terminated deletes the oldest terminated pods beyond the threshold.
func (gc *Collector) terminated(ctx context.Context, pods []*api.Pod) error {
	if gc.opts.TerminatedPodThreshold < 0 {
		return nil
	}
	var done []*api.Pod
	for _, p := range pods {
		if (p.Status.Phase == api.PodSucceeded || p.Status.Phase == api.PodFailed) && p.DeletionTimestamp == nil {
			done = append(done, p)
		}
	}
	excess := len(done) - gc.opts.TerminatedPodThreshold
	if excess <= 0 {
		return nil
	}
	sort.SliceStable(done, func(i, j int) bool {
		a, b := done[i], done[j]
		if !a.CreationTimestamp.Equal(b.CreationTimestamp.Time) {
			return a.CreationTimestamp.Before(b.CreationTimestamp.Time)
		}
		return a.Name < b.Name
	})
	var errs []error
	for _, p := range done[:excess] {
		errs = append(errs, gc.forceDelete(ctx, p, ""))
	}
	return errors.Join(errs...)
}

// orphaned deletes the pods of nodes that have been gone for the quarantine, after a
// live read confirms each node is gone.
func (gc *Collector) orphaned(ctx context.Context, pods []*api.Pod, nodes map[string]*api.Node) error {
	now := gc.opts.Now()
	byNode := map[string][]*api.Pod{}
	for _, p := range pods {
		if p.Spec.NodeName != "" && nodes[p.Spec.NodeName] == nil {
			byNode[p.Spec.NodeName] = append(byNode[p.Spec.NodeName], p)
		}
	}
	gc.mu.Lock()
	for name := range gc.missing {
		if byNode[name] == nil {
			delete(gc.missing, name)
		}
	}
	var due []string
	for name := range byNode {
		since, ok := gc.missing[name]
		switch {
		case !ok:
			gc.missing[name] = now
		case now.Sub(since) >= gc.opts.Quarantine:
			due = append(due, name)
		}
	}
	gc.mu.Unlock()
	var errs []error
	for _, name := range due {
		_, err := client.Resource[*api.Node](gc.api).Get(ctx, name)
		if err == nil {
			continue // back, or the cache was behind
		}
		if !client.IsNotFound(err) {
			errs = append(errs, err)
			continue
		}
		for _, p := range byNode[name] {
			errs = append(errs, gc.forceDelete(ctx, p, "PodGC: node no longer exists"))
		}
	}
	return errors.Join(errs...)
}

// unscheduledTerminating deletes pods being deleted that were never bound: no kubelet
// will finish them.
func (gc *Collector) unscheduledTerminating(ctx context.Context, pods []*api.Pod) error {
	var errs []error
	for _, p := range pods {
		if p.DeletionTimestamp != nil && p.Spec.NodeName == "" {
			errs = append(errs, gc.forceDelete(ctx, p, ""))
		}
	}
	return errors.Join(errs...)
}

// outOfService deletes pods being deleted on nodes that are not ready and tainted
// out-of-service: their kubelet is known to be gone.
func (gc *Collector) outOfService(ctx context.Context, pods []*api.Pod, nodes map[string]*api.Node) error {
	var errs []error
	for _, p := range pods {
		n := nodes[p.Spec.NodeName]
		if p.DeletionTimestamp == nil || n == nil || ready(n) || !outOfService(n) {
			continue
		}
		errs = append(errs, gc.forceDelete(ctx, p, "PodGC: node is out of service"))
	}
	return errors.Join(errs...)
}

func ready(n *api.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == api.NodeReady {
			return c.Status == api.ConditionTrue
		}
	}
	return false
}

func outOfService(n *api.Node) bool {
	for _, t := range n.Spec.Taints {
		if t.Key == TaintOutOfService && t.Effect == api.TaintEffectNoExecute {
			return true
		}
	}
	return false
}

// forceDelete deletes p at once (grace period 0). With a reason, a pod not yet
// terminated is first marked Failed with the DisruptionTarget condition, as
// Kubernetes does.
func (gc *Collector) forceDelete(ctx context.Context, p *api.Pod, reason string) error {
	pods := gc.pods.API().Namespace(p.Namespace)
	if reason != "" && p.Status.Phase != api.PodSucceeded && p.Status.Phase != api.PodFailed {
		cp := p.DeepCopy()
		cp.Status.Phase = api.PodFailed
		cp.Status.Conditions = append(cp.Status.Conditions, api.PodCondition{Type: api.DisruptionTarget, Status: api.ConditionTrue,
			Reason: "DeletionByPodGC", Message: reason, LastTransitionTime: api.NewTime(gc.opts.Now())})
		if _, err := pods.UpdateStatus(ctx, cp); err != nil && !client.IsNotFound(err) {
			return err
		}
	}
	zero := int64(0)
	uid := p.UID
	err := pods.Delete(ctx, p.Name, &api.DeleteOptions{GracePeriodSeconds: &zero, Preconditions: &api.Preconditions{UID: &uid}})
	if err == nil {
		gc.logger.Info("force-deleted pod", zap.String("pod", p.Namespace+"/"+p.Name), zap.String("reason", reason))
	}
	if client.IsNotFound(err) || client.IsConflict(err) {
		return nil
	}
	return err
}
