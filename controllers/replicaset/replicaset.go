// Package replicaset is the ReplicaSet controller: it creates and deletes pods so that
// each ReplicaSet has spec.replicas of them, adopts matching orphans, releases owned
// pods that stop matching, and reports status, with kube-controller-manager's rules
// (expectations, slow-start batches, deletion order, the ReplicaFailure condition).
package replicaset

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/record"
	"github.com/orrery-dev/orrery/controllers/internal/expectations"
	"github.com/orrery-dev/orrery/controllers/internal/ownership"
	"github.com/orrery-dev/orrery/controllers/internal/podutil"
	"github.com/orrery-dev/orrery/informer"
	"github.com/orrery-dev/orrery/manager"
)

// Name is the controller's name (logs, metrics, events).
const Name = "replicaset-controller"

// Options configure the controller. The zero value is kube-controller-manager's
// defaults.
type Options struct {
	// Workers is how many ReplicaSets sync at once. Zero means 5
	// (--concurrent-replicaset-syncs).
	Workers int
	// BurstReplicas bounds the creates or deletes of one sync. Zero means 500.
	BurstReplicas int
}

// Controller is the ReplicaSet controller.
type Controller struct {
	opts    Options
	rsets   *manager.Client[*api.ReplicaSet]
	pods    *manager.Client[*api.Pod]
	byOwner *manager.Index[*api.Pod]
	rsKind  api.KindInfo
	exp     *expectations.Expectations
	events  record.Recorder
	ctrl    *manager.Controller
	logger  *zap.Logger
	now     func() time.Time
}

// Setup adds the controller to m.
func Setup(m *manager.Manager, opts Options) (*Controller, error) {
	if opts.Workers <= 0 {
		opts.Workers = 5
	}
	if opts.BurstReplicas <= 0 {
		opts.BurstReplicas = 500
	}
	rsKind, ok := api.KindFor[*api.ReplicaSet](m.Client().Registry())
	if !ok {
		return nil, errors.New("replicaset: ReplicaSet is not a registered kind")
	}
	c := &Controller{
		opts: opts, rsKind: rsKind, exp: expectations.New(nil),
		events: m.EventRecorder(Name), logger: m.Logger().Named(Name), now: time.Now,
		byOwner: manager.NewIndex("controller-uid", podutil.ControllerUID[*api.Pod]),
	}
	podInf, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.Pod]{Indexes: []*manager.Index[*api.Pod]{c.byOwner}})
	if err != nil {
		return nil, err
	}
	if c.pods, err = manager.NewClient[*api.Pod](m, manager.Scope{}); err != nil {
		return nil, err
	}
	if c.rsets, err = manager.NewClient[*api.ReplicaSet](m, manager.Scope{}); err != nil {
		return nil, err
	}
	if c.ctrl, err = manager.NewController(m, Name, c, manager.ControllerOptions{MaxConcurrentReconciles: opts.Workers}); err != nil {
		return nil, err
	}
	if err := manager.For[*api.ReplicaSet](c.ctrl); err != nil {
		return nil, err
	}
	_, err = podInf.AddHandler(informer.HandlerFuncs[*api.Pod]{
		AddFunc:    func(p *api.Pod, _ bool) { c.addPod(p) },
		UpdateFunc: c.updatePod,
		DeleteFunc: c.deletePod,
	})
	return c, err
}

func key(ns, name string) string { return ns + "/" + name }

// ownerOf returns the ReplicaSet ref names, if it is one the cache holds with that uid.
func (c *Controller) ownerOf(p *api.Pod, ref *api.OwnerReference) (*api.ReplicaSet, bool) {
	if ref.Kind != c.rsKind.Kind || ref.APIVersion != c.rsKind.APIVersion() {
		return nil, false
	}
	rs, err := c.rsets.Lister().Namespace(p.Namespace).Get(ref.Name)
	if err != nil || rs.UID != ref.UID {
		return nil, false
	}
	return rs, true
}

// matching returns the ReplicaSets of p's namespace whose selector matches p: the
// candidates to adopt an orphan.
func (c *Controller) matching(p *api.Pod) []*api.ReplicaSet {
	var out []*api.ReplicaSet
	for _, rs := range c.rsets.List(p.Namespace, nil) {
		sel, err := labels.FromLabelSelector(rs.Spec.Selector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(p.Labels)) {
			out = append(out, rs)
		}
	}
	return out
}

func (c *Controller) enqueue(rs *api.ReplicaSet) {
	c.ctrl.Enqueue(manager.Request{Namespace: rs.Namespace, Name: rs.Name})
}

func (c *Controller) addPod(p *api.Pod) {
	if p.DeletionTimestamp != nil {
		c.deletePod(p) // seen first while being deleted (a relist): a delete for expectations
		return
	}
	if ref := podutil.ControllerOf(p); ref != nil {
		if rs, ok := c.ownerOf(p, ref); ok {
			c.exp.CreationObserved(key(rs.Namespace, rs.Name))
			c.enqueue(rs)
		}
		return
	}
	for _, rs := range c.matching(p) {
		c.enqueue(rs)
	}
}

func (c *Controller) updatePod(old, cur *api.Pod) {
	if old.ResourceVersion == cur.ResourceVersion {
		return // a resync: nothing changed
	}
	labelsChanged := !maps.Equal(old.Labels, cur.Labels)
	if cur.DeletionTimestamp != nil {
		// Being deleted is as good as deleted for expectations; the pod no longer counts.
		c.deletePod(cur)
		if labelsChanged {
			c.deletePod(old)
		}
		return
	}
	oldRef, curRef := podutil.ControllerOf(old), podutil.ControllerOf(cur)
	if oldRef != nil && (curRef == nil || oldRef.UID != curRef.UID) {
		if rs, ok := c.ownerOf(old, oldRef); ok {
			c.enqueue(rs)
		}
	}
	if curRef != nil {
		if rs, ok := c.ownerOf(cur, curRef); ok {
			c.enqueue(rs)
			// A pod that just became ready becomes available minReadySeconds later.
			if rs.Spec.MinReadySeconds > 0 && !podutil.IsReady(old) && podutil.IsReady(cur) {
				c.ctrl.EnqueueAfter(manager.Request{Namespace: rs.Namespace, Name: rs.Name}, time.Duration(rs.Spec.MinReadySeconds)*time.Second)
			}
		}
		return
	}
	if labelsChanged || oldRef != nil {
		for _, rs := range c.matching(cur) {
			c.enqueue(rs)
		}
	}
}

func (c *Controller) deletePod(p *api.Pod) {
	ref := podutil.ControllerOf(p)
	if ref == nil {
		return
	}
	if rs, ok := c.ownerOf(p, ref); ok {
		c.exp.DeletionObserved(key(rs.Namespace, rs.Name), key(p.Namespace, p.Name))
		c.enqueue(rs)
	}
}

// Reconcile syncs one ReplicaSet.
func (c *Controller) Reconcile(ctx context.Context, req manager.Request) (manager.Result, error) {
	k := key(req.Namespace, req.Name)
	rs, err := c.rsets.Get(ctx, req.Namespace, req.Name)
	if client.IsNotFound(err) {
		c.exp.Delete(k)
		return manager.Result{}, nil
	}
	if err != nil {
		return manager.Result{}, err
	}
	sel, err := labels.FromLabelSelector(rs.Spec.Selector)
	if err != nil {
		return manager.Result{}, manager.TerminalError(fmt.Errorf("invalid selector: %w", err))
	}
	needsSync := c.exp.Satisfied(k) && rs.DeletionTimestamp == nil

	// The pods it owns and the orphans it may adopt, active ones only.
	owned, _ := c.byOwner.Lookup(rs.UID)
	orphans, _ := c.byOwner.Lookup("")
	var candidates []*api.Pod
	for _, p := range append(owned, orphans...) {
		if p.Namespace == rs.Namespace && podutil.IsActive(p) {
			candidates = append(candidates, p)
		}
	}
	claimer := ownership.Claimer[*api.Pod]{
		Owner: rs, OwnerKind: c.rsKind, Selector: sel,
		Client: c.pods.API().Namespace(rs.Namespace),
		RecheckOwner: func(ctx context.Context) (api.Object, error) {
			return c.rsets.API().Namespace(rs.Namespace).Get(ctx, rs.Name)
		},
	}
	pods, err := claimer.Claim(ctx, candidates)
	if err != nil {
		return manager.Result{}, err
	}

	var manageErr error
	if needsSync {
		manageErr = c.manageReplicas(ctx, k, rs, pods, owned)
	}
	now := c.now()
	status := calculateStatus(rs, pods, manageErr, now)
	if err := c.updateStatus(ctx, rs, status); err != nil {
		return manager.Result{}, errors.Join(manageErr, err)
	}
	if manageErr != nil {
		return manager.Result{}, manageErr
	}
	if rs.Spec.MinReadySeconds > 0 && status.ReadyReplicas != status.AvailableReplicas {
		return manager.Result{RequeueAfter: time.Duration(rs.Spec.MinReadySeconds) * time.Second}, nil
	}
	return manager.Result{}, nil
}

// manageReplicas creates or deletes pods towards spec.replicas.
func (c *Controller) manageReplicas(ctx context.Context, k string, rs *api.ReplicaSet, pods, related []*api.Pod) error {
	want := int32(1)
	if rs.Spec.Replicas != nil {
		want = *rs.Spec.Replicas
	}
	diff := len(pods) - int(want)
	switch {
	case diff < 0:
		n := min(-diff, c.opts.BurstReplicas)
		c.exp.ExpectCreations(k, n)
		created, err := SlowStartBatch(n, 1, func() error { return c.createPod(ctx, rs) })
		for range n - created {
			c.exp.CreationObserved(k) // the creates that were skipped will never be seen
		}
		return err
	case diff > 0:
		n := min(diff, c.opts.BurstReplicas)
		victims := slices.Clone(pods)
		podutil.SortForDeletion(victims, related)
		victims = victims[:n]
		keys := make([]string, len(victims))
		for i, p := range victims {
			keys[i] = key(p.Namespace, p.Name)
		}
		c.exp.ExpectDeletions(k, keys)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var errs []error
		for _, p := range victims {
			wg.Go(func() {
				err := c.pods.Delete(ctx, p.Namespace, p.Name, nil)
				if err == nil {
					c.events.Eventf(rs, api.EventTypeNormal, "SuccessfulDelete", "Deleted pod: %s", p.Name)
					return
				}
				c.exp.DeletionObserved(k, key(p.Namespace, p.Name)) // it will not be seen
				if client.IsNotFound(err) {
					return
				}
				c.events.Eventf(rs, api.EventTypeWarning, "FailedDelete", "Error deleting: %v", err)
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			})
		}
		wg.Wait()
		return errors.Join(errs...)
	}
	return nil
}

// createPod creates one pod from rs's template, owned by rs.
func (c *Controller) createPod(ctx context.Context, rs *api.ReplicaSet) error {
	p := &api.Pod{
		ObjectMeta: api.ObjectMeta{
			GenerateName:    rs.Name + "-",
			Namespace:       rs.Namespace,
			Labels:          maps.Clone(rs.Spec.Template.Labels),
			Annotations:     maps.Clone(rs.Spec.Template.Annotations),
			Finalizers:      append([]string(nil), rs.Spec.Template.Finalizers...),
			OwnerReferences: []api.OwnerReference{podutil.NewControllerRef(rs, c.rsKind)},
		},
		Spec: rs.Spec.Template.Spec.DeepCopy(),
	}
	created, err := c.pods.Create(ctx, p)
	if err != nil {
		c.events.Eventf(rs, api.EventTypeWarning, "FailedCreate", "Error creating: %v", err)
		return err
	}
	c.events.Eventf(rs, api.EventTypeNormal, "SuccessfulCreate", "Created pod: %s", created.Name)
	return nil
}

// SlowStartBatch calls fn count times, in batches that start at initial and double
// while every call succeeds, each batch in parallel; it stops after the first batch
// with a failure and returns the successes and the errors. A create that fails (quota,
// an invalid template) is tried once, not count times.
func SlowStartBatch(count, initial int, fn func() error) (int, error) {
	done := 0
	for batch := min(count, initial); batch > 0; batch = min(2*batch, count-done) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		var errs []error
		ok := 0
		for range batch {
			wg.Go(func() {
				err := fn()
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				} else {
					ok++
				}
			})
		}
		wg.Wait()
		done += ok
		if len(errs) > 0 {
			return done, errors.Join(errs...)
		}
	}
	return done, nil
}

// calculateStatus is rs's status given its active pods and the outcome of this sync.
func calculateStatus(rs *api.ReplicaSet, pods []*api.Pod, manageErr error, now time.Time) api.ReplicaSetStatus {
	st := api.ReplicaSetStatus{
		Replicas:           int32(len(pods)),
		ObservedGeneration: rs.Generation,
		Conditions:         append([]api.ReplicaSetCondition(nil), rs.Status.Conditions...),
	}
	template := labels.SelectorFromSet(rs.Spec.Template.Labels)
	for _, p := range pods {
		if template.Matches(labels.Set(p.Labels)) {
			st.FullyLabeledReplicas++
		}
		if podutil.IsReady(p) {
			st.ReadyReplicas++
			if podutil.IsAvailable(p, rs.Spec.MinReadySeconds, now) {
				st.AvailableReplicas++
			}
		}
	}
	i := conditionIndex(st.Conditions, api.ReplicaSetReplicaFailure)
	switch {
	case manageErr != nil && i < 0:
		reason := "FailedCreate"
		if want := rs.Spec.Replicas; want != nil && int(*want) < len(pods) {
			reason = "FailedDelete"
		}
		st.Conditions = append(st.Conditions, api.ReplicaSetCondition{
			Type: api.ReplicaSetReplicaFailure, Status: api.ConditionTrue, Reason: reason,
			Message: manageErr.Error(), LastTransitionTime: api.NewTime(now),
		})
	case manageErr == nil && i >= 0:
		st.Conditions = append(st.Conditions[:i], st.Conditions[i+1:]...)
	}
	if len(st.Conditions) == 0 {
		st.Conditions = nil
	}
	return st
}

func conditionIndex(conds []api.ReplicaSetCondition, t api.ReplicaSetConditionType) int {
	for i, c := range conds {
		if c.Type == t {
			return i
		}
	}
	return -1
}

// updateStatus writes status unless rs has it already.
func (c *Controller) updateStatus(ctx context.Context, rs *api.ReplicaSet, status api.ReplicaSetStatus) error {
	if statusEqual(rs.Status, status) {
		return nil
	}
	up := rs.DeepCopy()
	up.Status = status
	_, err := c.rsets.UpdateStatus(ctx, up)
	return err
}

func statusEqual(a, b api.ReplicaSetStatus) bool {
	if a.Replicas != b.Replicas || a.FullyLabeledReplicas != b.FullyLabeledReplicas || a.ReadyReplicas != b.ReadyReplicas ||
		a.AvailableReplicas != b.AvailableReplicas || a.ObservedGeneration != b.ObservedGeneration || len(a.Conditions) != len(b.Conditions) {
		return false
	}
	for i := range a.Conditions {
		if a.Conditions[i] != b.Conditions[i] {
			return false
		}
	}
	return true
}
