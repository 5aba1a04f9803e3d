// Package deployment is the Deployment controller: it rolls a deployment's pod
// template out through replica sets (RollingUpdate within maxSurge and
// maxUnavailable, or Recreate), scales them in proportion when the deployment is
// scaled mid-rollout, keeps the revision annotations kubectl rollout reads, cleans up
// old replica sets beyond revisionHistoryLimit, honours spec.paused, and reports the
// Progressing (with progressDeadlineSeconds) and Available conditions, with
// kube-controller-manager's rules.
package deployment

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/record"
	"github.com/orrery-dev/orrery/controllers/internal/ownership"
	"github.com/orrery-dev/orrery/controllers/internal/podutil"
	"github.com/orrery-dev/orrery/manager"
)

// Name is the controller's name (logs, metrics, events).
const Name = "deployment-controller"

// Options configure the controller.
type Options struct {
	// Workers is how many deployments sync at once. Zero means 5
	// (--concurrent-deployment-syncs).
	Workers int
}

// Controller is the Deployment controller.
type Controller struct {
	deployments *manager.Client[*api.Deployment]
	rsets       *manager.Client[*api.ReplicaSet]
	pods        *manager.Client[*api.Pod]
	byOwner     *manager.Index[*api.ReplicaSet]
	podsByOwner *manager.Index[*api.Pod]
	dKind       api.KindInfo
	events      record.Recorder
	logger      *zap.Logger
	now         func() time.Time
}

// Setup adds the controller to m.
func Setup(m *manager.Manager, opts Options) (*Controller, error) {
	if opts.Workers <= 0 {
		opts.Workers = 5
	}
	dKind, ok := api.KindFor[*api.Deployment](m.Client().Registry())
	if !ok {
		return nil, errors.New("deployment: Deployment is not a registered kind")
	}
	c := &Controller{dKind: dKind, events: m.EventRecorder(Name), logger: m.Logger().Named(Name), now: time.Now,
		byOwner: manager.NewIndex("controller-uid", podutil.ControllerUID[*api.ReplicaSet])}
	if _, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.ReplicaSet]{Indexes: []*manager.Index[*api.ReplicaSet]{c.byOwner}}); err != nil {
		return nil, err
	}
	var err error
	if c.deployments, err = manager.NewClient[*api.Deployment](m, manager.Scope{}); err != nil {
		return nil, err
	}
	if c.rsets, err = manager.NewClient[*api.ReplicaSet](m, manager.Scope{}); err != nil {
		return nil, err
	}
	if c.pods, err = manager.NewClient[*api.Pod](m, manager.Scope{}); err != nil {
		return nil, err
	}
	ctrl, err := manager.NewController(m, Name, c, manager.ControllerOptions{MaxConcurrentReconciles: opts.Workers})
	if err != nil {
		return nil, err
	}
	if err := manager.For[*api.Deployment](ctrl); err != nil {
		return nil, err
	}
	if err := manager.Owns[*api.ReplicaSet](ctrl); err != nil {
		return nil, err
	}
	// Orphan replica sets: the deployments that may adopt them.
	if err := manager.Watches(ctrl, func(_ context.Context, rs *api.ReplicaSet) []manager.Request {
		if podutil.ControllerOf(rs) != nil {
			return nil
		}
		return c.matching(rs.Namespace, rs.Labels)
	}); err != nil {
		return nil, err
	}
	// Recreate waits for the old pods to go: their events bring the deployment back.
	return c, manager.Watches(ctrl, func(_ context.Context, p *api.Pod) []manager.Request {
		ref := podutil.ControllerOf(p)
		if ref == nil || ref.Kind != "ReplicaSet" {
			return nil
		}
		rs, err := c.rsets.Lister().Namespace(p.Namespace).Get(ref.Name)
		if err != nil || rs.UID != ref.UID {
			return nil
		}
		dref := podutil.ControllerOf(rs)
		if dref == nil || dref.Kind != dKind.Kind {
			return nil
		}
		d, err := c.deployments.Lister().Namespace(p.Namespace).Get(dref.Name)
		if err != nil || d.UID != dref.UID || d.Spec.Strategy.Type != api.RecreateDeploymentStrategyType {
			return nil
		}
		return []manager.Request{{Namespace: d.Namespace, Name: d.Name}}
	}, manager.WithPredicates(manager.Funcs[*api.Pod]{CreateFunc: func(*api.Pod) bool { return false }}))
}

// matching returns the deployments of ns whose selector matches lbls.
func (c *Controller) matching(ns string, lbls map[string]string) []manager.Request {
	var out []manager.Request
	for _, d := range c.deployments.List(ns, nil) {
		sel, err := labels.FromLabelSelector(d.Spec.Selector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(lbls)) {
			out = append(out, manager.Request{Namespace: d.Namespace, Name: d.Name})
		}
	}
	return out
}

// Reconcile syncs one deployment.
func (c *Controller) Reconcile(ctx context.Context, req manager.Request) (manager.Result, error) {
	cached, err := c.deployments.Get(ctx, req.Namespace, req.Name)
	if client.IsNotFound(err) {
		return manager.Result{}, nil
	}
	if err != nil {
		return manager.Result{}, err
	}
	d := cached.DeepCopy()
	sel, err := labels.FromLabelSelector(d.Spec.Selector)
	if err != nil || sel.Empty() {
		c.events.Event(d, api.EventTypeWarning, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.")
		return manager.Result{}, manager.TerminalError(fmt.Errorf("deployment %s/%s selects everything", d.Namespace, d.Name))
	}
	rsList, err := c.claim(ctx, d, sel)
	if err != nil {
		return manager.Result{}, err
	}
	s := &syncState{c: c, d: d, rsList: rsList}
	if d.DeletionTimestamp != nil {
		return manager.Result{}, s.syncStatusOnly(ctx)
	}
	if err := s.checkPausedConditions(ctx); err != nil {
		return manager.Result{}, err
	}
	if d.Spec.Paused {
		return manager.Result{}, s.scaleOnly(ctx)
	}
	if s.isScalingEvent() {
		return manager.Result{}, s.scaleOnly(ctx)
	}
	switch d.Spec.Strategy.Type {
	case api.RecreateDeploymentStrategyType:
		return s.rolloutRecreate(ctx)
	default:
		return s.rolloutRolling(ctx)
	}
}

// claim adopts and releases the deployment's replica sets and returns those it owns.
func (c *Controller) claim(ctx context.Context, d *api.Deployment, sel labels.Selector) ([]*api.ReplicaSet, error) {
	owned, _ := c.byOwner.Lookup(d.UID)
	orphans, _ := c.byOwner.Lookup("")
	var candidates []*api.ReplicaSet
	for _, rs := range append(owned, orphans...) {
		if rs.Namespace == d.Namespace {
			candidates = append(candidates, rs)
		}
	}
	claimer := ownership.Claimer[*api.ReplicaSet]{
		Owner: d, OwnerKind: c.dKind, Selector: sel, Client: c.rsets.API().Namespace(d.Namespace),
		RecheckOwner: func(ctx context.Context) (api.Object, error) {
			return c.deployments.API().Namespace(d.Namespace).Get(ctx, d.Name)
		},
	}
	rss, err := claimer.Claim(ctx, candidates)
	out := make([]*api.ReplicaSet, len(rss))
	for i, rs := range rss {
		out[i] = rs.DeepCopy()
	}
	return out, err
}

// syncState is the state of one sync of one deployment.
type syncState struct {
	c      *Controller
	d      *api.Deployment
	rsList []*api.ReplicaSet
}

// checkPausedConditions records a pause or resume in the Progressing condition.
func (s *syncState) checkPausedConditions(ctx context.Context) error {
	if !hasProgressDeadline(s.d) {
		return nil
	}
	cond := condition(&s.d.Status, api.DeploymentProgressing)
	if cond != nil && cond.Reason == ReasonTimedOut {
		return nil // a timed-out rollout stays timed out until it progresses
	}
	pausedCond := cond != nil && cond.Reason == ReasonPaused
	now := api.NewTime(s.c.now())
	switch {
	case s.d.Spec.Paused && !pausedCond:
		setCondition(&s.d.Status, api.DeploymentCondition{Type: api.DeploymentProgressing, Status: api.ConditionUnknown,
			Reason: ReasonPaused, Message: "Deployment is paused", LastUpdateTime: now, LastTransitionTime: now})
	case !s.d.Spec.Paused && pausedCond:
		setCondition(&s.d.Status, api.DeploymentCondition{Type: api.DeploymentProgressing, Status: api.ConditionUnknown,
			Reason: ReasonResumed, Message: "Deployment is resumed", LastUpdateTime: now, LastTransitionTime: now})
	default:
		return nil
	}
	return s.writeStatus(ctx, s.d.Status)
}

// isScalingEvent reports whether spec.replicas changed since the active replica sets
// were last sized for it.
func (s *syncState) isScalingEvent() bool {
	newRS, oldRSs := s.split()
	for _, rs := range active(append(oldRSs, newRS)) {
		v, ok := rs.Annotations[DesiredReplicasAnnotation]
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(v, 10, 32); err == nil && int32(n) != replicas(s.d.Spec.Replicas) {
			return true
		}
	}
	return false
}

// split returns the replica set of the current template (if any) and the others,
// oldest first.
func (s *syncState) split() (*api.ReplicaSet, []*api.ReplicaSet) {
	rss := append([]*api.ReplicaSet(nil), s.rsList...)
	byCreation(rss)
	key := templateKey(&s.d.Spec.Template)
	var newRS *api.ReplicaSet
	var old []*api.ReplicaSet
	for _, rs := range rss {
		if newRS == nil && templateKey(&rs.Spec.Template) == key {
			newRS = rs
			continue
		}
		old = append(old, rs)
	}
	return newRS, old
}

// newRevision is one more than the largest revision of the old replica sets.
func newRevision(old []*api.ReplicaSet) string {
	var top int64
	for _, rs := range old {
		top = max(top, revision(rs))
	}
	return strconv.FormatInt(top+1, 10)
}

// getAll returns the new replica set (made if create and it does not exist) and the
// old ones, with the revision annotations brought up to date.
func (s *syncState) getAll(ctx context.Context, create bool) (*api.ReplicaSet, []*api.ReplicaSet, error) {
	existing, old := s.split()
	rev := newRevision(old)
	d := s.d
	if existing != nil {
		rs := existing.DeepCopy()
		changed := s.setNewRSAnnotations(rs, rev, true)
		if rs.Spec.MinReadySeconds != d.Spec.MinReadySeconds {
			rs.Spec.MinReadySeconds = d.Spec.MinReadySeconds
			changed = true
		}
		if changed {
			updated, err := s.c.rsets.Update(ctx, rs)
			if err != nil {
				return nil, nil, err
			}
			rs = updated.DeepCopy()
			s.replace(rs)
		}
		needStatus := s.setRevision(rs.Annotations[RevisionAnnotation])
		if condition(&d.Status, api.DeploymentProgressing) == nil && hasProgressDeadline(d) {
			now := api.NewTime(s.c.now())
			setCondition(&d.Status, api.DeploymentCondition{Type: api.DeploymentProgressing, Status: api.ConditionTrue,
				Reason: ReasonFoundNewRS, Message: fmt.Sprintf("Found new replica set %q", rs.Name), LastUpdateTime: now, LastTransitionTime: now})
			needStatus = true
		}
		if needStatus {
			if err := s.writeDeployment(ctx); err != nil {
				return nil, nil, err
			}
		}
		return rs, old, nil
	}
	if !create {
		return nil, old, nil
	}

	hash := computeHash(&d.Spec.Template, d.Status.CollisionCount)
	template := d.Spec.Template.DeepCopy()
	template.Labels = maps.Clone(template.Labels)
	if template.Labels == nil {
		template.Labels = map[string]string{}
	}
	template.Labels[api.DefaultDeploymentUniqueLabelKey] = hash
	selector := d.Spec.Selector.DeepCopy()
	if selector.MatchLabels == nil {
		selector.MatchLabels = map[string]string{}
	}
	selector.MatchLabels[api.DefaultDeploymentUniqueLabelKey] = hash
	zero := int32(0)
	rs := &api.ReplicaSet{
		ObjectMeta: api.ObjectMeta{
			Name: d.Name + "-" + hash, Namespace: d.Namespace,
			Labels:          template.Labels,
			OwnerReferences: []api.OwnerReference{podutil.NewControllerRef(d, s.c.dKind)},
		},
		Spec: api.ReplicaSetSpec{Replicas: &zero, MinReadySeconds: d.Spec.MinReadySeconds, Selector: selector, Template: template},
	}
	all := append(append([]*api.ReplicaSet(nil), old...), rs)
	n := newRSReplicas(d, all, nil)
	rs.Spec.Replicas = &n
	s.setNewRSAnnotations(rs, rev, false)
	created, err := s.c.rsets.Create(ctx, rs)
	switch {
	case client.IsAlreadyExists(err):
		// The name is taken: ours from an earlier sync the cache has not shown yet, or a
		// hash collision.
		got, gerr := s.c.rsets.API().Namespace(d.Namespace).Get(ctx, rs.Name)
		if gerr != nil {
			return nil, nil, gerr
		}
		if ref := podutil.ControllerOf(got); ref != nil && ref.UID == d.UID && templateKey(&got.Spec.Template) == templateKey(&d.Spec.Template) {
			return got.DeepCopy(), old, nil
		}
		cc := int32(0)
		if d.Status.CollisionCount != nil {
			cc = *d.Status.CollisionCount
		}
		cc++
		d.Status.CollisionCount = &cc
		if werr := s.writeStatus(ctx, d.Status); werr != nil {
			return nil, nil, werr
		}
		return nil, nil, fmt.Errorf("hash collision for replica set %s: collisionCount is now %d", rs.Name, cc)
	case err != nil:
		msg := fmt.Sprintf("Failed to create new replica set %q: %v", rs.Name, err)
		now := api.NewTime(s.c.now())
		if hasProgressDeadline(d) {
			setCondition(&d.Status, api.DeploymentCondition{Type: api.DeploymentProgressing, Status: api.ConditionFalse,
				Reason: ReasonFailedRSCreate, Message: msg, LastUpdateTime: now, LastTransitionTime: now})
			_ = s.writeStatus(ctx, d.Status)
		}
		s.c.events.Event(d, api.EventTypeWarning, ReasonFailedRSCreate, msg)
		return nil, nil, err
	}
	if n > 0 {
		s.c.events.Eventf(d, api.EventTypeNormal, "ScalingReplicaSet", "Scaled up replica set %s from 0 to %d", created.Name, n)
	}
	newRS := created.DeepCopy()
	s.rsList = append(s.rsList, newRS)
	s.setRevision(rev)
	if hasProgressDeadline(d) {
		now := api.NewTime(s.c.now())
		setCondition(&d.Status, api.DeploymentCondition{Type: api.DeploymentProgressing, Status: api.ConditionTrue,
			Reason: ReasonNewRSCreated, Message: fmt.Sprintf("Created new replica set %q", newRS.Name), LastUpdateTime: now, LastTransitionTime: now})
	}
	if err := s.writeDeployment(ctx); err != nil {
		return nil, nil, err
	}
	return newRS, old, nil
}

// replace puts rs in place of the listed replica set of the same name.
func (s *syncState) replace(rs *api.ReplicaSet) {
	for i, r := range s.rsList {
		if r.Name == rs.Name {
			s.rsList[i] = rs
		}
	}
}

// setRevision sets the deployment's revision annotation; it reports a change.
func (s *syncState) setRevision(rev string) bool {
	if s.d.Annotations[RevisionAnnotation] == rev {
		return false
	}
	if s.d.Annotations == nil {
		s.d.Annotations = map[string]string{}
	}
	s.d.Annotations[RevisionAnnotation] = rev
	return true
}

// setNewRSAnnotations copies the deployment's annotations to the new replica set and
// sets its revision (keeping the history of revisions it had) and, on a new replica
// set, the replica annotations. It reports a change.
func (s *syncState) setNewRSAnnotations(rs *api.ReplicaSet, rev string, exists bool) bool {
	changed := false
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	for k, v := range s.d.Annotations {
		switch k {
		case lastAppliedAnnotation, RevisionAnnotation, RevisionHistoryAnnotation, DesiredReplicasAnnotation, MaxReplicasAnnotation, rollbackToAnnotation:
			continue
		}
		if rs.Annotations[k] != v {
			rs.Annotations[k] = v
			changed = true
		}
	}
	oldRev := rs.Annotations[RevisionAnnotation]
	oldN, _ := strconv.ParseInt(oldRev, 10, 64)
	newN, _ := strconv.ParseInt(rev, 10, 64)
	if oldN < newN {
		rs.Annotations[RevisionAnnotation] = rev
		changed = true
		if oldRev != "" && exists {
			if h := rs.Annotations[RevisionHistoryAnnotation]; h != "" {
				rs.Annotations[RevisionHistoryAnnotation] = h + "," + oldRev
			} else {
				rs.Annotations[RevisionHistoryAnnotation] = oldRev
			}
		}
	}
	if !exists && s.setReplicasAnnotations(rs) {
		changed = true
	}
	return changed
}

// setReplicasAnnotations records the deployment's size on rs; it reports a change.
func (s *syncState) setReplicasAnnotations(rs *api.ReplicaSet) bool {
	desired := strconv.Itoa(int(replicas(s.d.Spec.Replicas)))
	maxR := strconv.Itoa(int(replicas(s.d.Spec.Replicas) + maxSurge(s.d)))
	if rs.Annotations[DesiredReplicasAnnotation] == desired && rs.Annotations[MaxReplicasAnnotation] == maxR {
		return false
	}
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	rs.Annotations[DesiredReplicasAnnotation] = desired
	rs.Annotations[MaxReplicasAnnotation] = maxR
	return true
}

// scaleRS sets rs to n replicas (and the replica annotations), with an event.
func (s *syncState) scaleRS(ctx context.Context, rs *api.ReplicaSet, n int32) (bool, error) {
	cur := replicas(rs.Spec.Replicas)
	cp := rs.DeepCopy()
	annotations := s.setReplicasAnnotations(cp)
	if cur == n && !annotations {
		return false, nil
	}
	cp.Spec.Replicas = &n
	updated, err := s.c.rsets.Update(ctx, cp)
	if err != nil {
		return false, err
	}
	s.replace(updated.DeepCopy())
	if cur != n {
		dir := "up"
		if n < cur {
			dir = "down"
		}
		s.c.events.Eventf(s.d, api.EventTypeNormal, "ScalingReplicaSet", "Scaled %s replica set %s from %d to %d", dir, rs.Name, cur, n)
	}
	return cur != n, nil
}

// latest returns the current copy of rs from the sync's list.
func (s *syncState) latest(rs *api.ReplicaSet) *api.ReplicaSet {
	if rs == nil {
		return nil
	}
	for _, r := range s.rsList {
		if r.Name == rs.Name {
			return r
		}
	}
	return rs
}

func (s *syncState) latestAll(rss []*api.ReplicaSet) []*api.ReplicaSet {
	out := make([]*api.ReplicaSet, 0, len(rss))
	for _, rs := range rss {
		out = append(out, s.latest(rs))
	}
	return out
}

// scaleOnly sizes the replica sets for spec.replicas without rolling anything out
// (scaling, paused): the only active one takes it all, else proportionally.
func (s *syncState) scaleOnly(ctx context.Context) error {
	newRS, old, err := s.getAll(ctx, false)
	if err != nil {
		return err
	}
	if err := s.scale(ctx, newRS, old); err != nil {
		return err
	}
	if s.d.Spec.Paused {
		if err := s.cleanup(ctx, s.latestAll(old)); err != nil {
			return err
		}
	}
	return s.writeStatus(ctx, s.calculateStatus(s.latest(newRS), s.latestAll(old)))
}

func (s *syncState) scale(ctx context.Context, newRS *api.ReplicaSet, old []*api.ReplicaSet) error {
	want := replicas(s.d.Spec.Replicas)
	activeRSs := active(append(append([]*api.ReplicaSet(nil), old...), newRS))
	var only *api.ReplicaSet
	switch {
	case len(activeRSs) == 1:
		only = activeRSs[0]
	case len(activeRSs) == 0:
		only = newRS
		if only == nil && len(old) > 0 {
			only = old[len(old)-1]
		}
	}
	if only != nil {
		_, err := s.scaleRS(ctx, only, want)
		return err
	}
	// Saturated: the new replica set has them all; the old ones go.
	if newRS != nil && replicas(newRS.Spec.Replicas) == want && newRS.Status.AvailableReplicas == want &&
		newRS.Annotations[DesiredReplicasAnnotation] == strconv.Itoa(int(want)) {
		for _, rs := range active(old) {
			if _, err := s.scaleRS(ctx, rs, 0); err != nil {
				return err
			}
		}
		return nil
	}
	if s.d.Spec.Strategy.Type != api.RollingUpdateDeploymentStrategyType {
		return nil
	}
	sizes := proportionalSizes(s.d, activeRSs)
	for _, rs := range activeRSs {
		if _, err := s.scaleRS(ctx, rs, sizes[rs.Name]); err != nil {
			return err
		}
	}
	return nil
}

// rolloutRolling moves a RollingUpdate rollout one step on.
func (s *syncState) rolloutRolling(ctx context.Context) (manager.Result, error) {
	newRS, old, err := s.getAll(ctx, true)
	if err != nil {
		return manager.Result{}, err
	}
	all := append(append([]*api.ReplicaSet(nil), old...), newRS)
	d := s.d

	// Scale up the new replica set as far as the surge allows.
	want := replicas(d.Spec.Replicas)
	switch cur := replicas(newRS.Spec.Replicas); {
	case cur > want:
		if scaled, err := s.scaleRS(ctx, newRS, want); err != nil || scaled {
			return s.syncRolloutStatus(ctx, newRS, old, err)
		}
	case cur < want:
		if scaled, err := s.scaleRS(ctx, newRS, newRSReplicas(d, all, newRS)); err != nil || scaled {
			return s.syncRolloutStatus(ctx, newRS, old, err)
		}
	}
	// Scale the old ones down as far as availability allows.
	if scaled, err := s.reconcileOld(ctx, s.latest(newRS), old); err != nil || scaled {
		return s.syncRolloutStatus(ctx, newRS, old, err)
	}
	st := s.calculateStatus(s.latest(newRS), s.latestAll(old))
	if complete(d, &st) {
		if err := s.cleanup(ctx, s.latestAll(old)); err != nil {
			return manager.Result{}, err
		}
	}
	return s.syncRolloutStatus(ctx, newRS, old, nil)
}

// reconcileOld scales old replica sets down: unhealthy pods first, then as many as
// keep spec.replicas - maxUnavailable pods available.
func (s *syncState) reconcileOld(ctx context.Context, newRS *api.ReplicaSet, old []*api.ReplicaSet) (bool, error) {
	old = active(s.latestAll(old))
	if sumSpec(old) == 0 {
		return false, nil
	}
	d := s.d
	all := append(append([]*api.ReplicaSet(nil), old...), newRS)
	minAvailable := replicas(d.Spec.Replicas) - maxUnavailable(d)
	newUnavailable := replicas(newRS.Spec.Replicas) - newRS.Status.AvailableReplicas
	maxScaledDown := sumSpec(all) - minAvailable - newUnavailable
	if maxScaledDown <= 0 {
		return false, nil
	}
	// Old pods that are not available cost nothing to remove.
	byCreation(old)
	var cleaned int32
	for _, rs := range old {
		if cleaned >= maxScaledDown {
			break
		}
		n := replicas(rs.Spec.Replicas)
		if n == 0 || n == rs.Status.AvailableReplicas {
			continue
		}
		down := min(maxScaledDown-cleaned, n-rs.Status.AvailableReplicas)
		if _, err := s.scaleRS(ctx, rs, n-down); err != nil {
			return false, err
		}
		cleaned += down
	}
	// Then available ones, down to minAvailable.
	old = s.latestAll(old)
	all = append(append([]*api.ReplicaSet(nil), old...), s.latest(newRS))
	available := sumStatus(all, func(st *api.ReplicaSetStatus) int32 { return st.AvailableReplicas })
	var scaled int32
	if available > minAvailable {
		total := available - minAvailable
		byCreation(old)
		for _, rs := range old {
			if scaled >= total {
				break
			}
			n := replicas(rs.Spec.Replicas)
			if n == 0 {
				continue
			}
			down := min(n, total-scaled)
			if _, err := s.scaleRS(ctx, rs, n-down); err != nil {
				return false, err
			}
			scaled += down
		}
	}
	return cleaned+scaled > 0, nil
}

// rolloutRecreate scales every old replica set to 0, waits for their pods to go, then
// scales the new one up.
func (s *syncState) rolloutRecreate(ctx context.Context) (manager.Result, error) {
	newRS, old, err := s.getAll(ctx, false)
	if err != nil {
		return manager.Result{}, err
	}
	scaledDown := false
	for _, rs := range active(old) {
		scaled, err := s.scaleRS(ctx, rs, 0)
		if err != nil {
			return manager.Result{}, err
		}
		scaledDown = scaledDown || scaled
	}
	if scaledDown || s.oldPodsRunning(newRS, old) {
		return s.syncRolloutStatus(ctx, newRS, old, nil)
	}
	if newRS == nil {
		if newRS, old, err = s.getAll(ctx, true); err != nil {
			return manager.Result{}, err
		}
	}
	if _, err := s.scaleRS(ctx, newRS, replicas(s.d.Spec.Replicas)); err != nil {
		return manager.Result{}, err
	}
	st := s.calculateStatus(s.latest(newRS), s.latestAll(old))
	if complete(s.d, &st) {
		if err := s.cleanup(ctx, s.latestAll(old)); err != nil {
			return manager.Result{}, err
		}
	}
	return s.syncRolloutStatus(ctx, newRS, old, nil)
}

// oldPodsRunning reports whether any pod of the old replica sets may still run.
func (s *syncState) oldPodsRunning(newRS *api.ReplicaSet, old []*api.ReplicaSet) bool {
	if sumStatus(s.latestAll(old), func(st *api.ReplicaSetStatus) int32 { return st.Replicas }) > 0 {
		return true
	}
	for _, rs := range old {
		for _, p := range s.c.pods.List(rs.Namespace, nil) {
			ref := podutil.ControllerOf(p)
			if ref == nil || ref.UID != rs.UID {
				continue
			}
			if p.Status.Phase != api.PodSucceeded && p.Status.Phase != api.PodFailed {
				return true
			}
		}
	}
	return false
}

// cleanup deletes the old replica sets beyond revisionHistoryLimit that are scaled
// down and settled, lowest revision first.
func (s *syncState) cleanup(ctx context.Context, old []*api.ReplicaSet) error {
	limit := s.d.Spec.RevisionHistoryLimit
	if limit == nil {
		return nil
	}
	var alive []*api.ReplicaSet
	for _, rs := range old {
		if rs.DeletionTimestamp == nil {
			alive = append(alive, rs)
		}
	}
	diff := len(alive) - int(*limit)
	if diff <= 0 {
		return nil
	}
	sort.SliceStable(alive, func(i, j int) bool {
		if ri, rj := revision(alive[i]), revision(alive[j]); ri != rj {
			return ri < rj
		}
		return alive[i].CreationTimestamp.Before(alive[j].CreationTimestamp.Time)
	})
	var errs []error
	for _, rs := range alive[:diff] {
		if rs.Status.Replicas != 0 || replicas(rs.Spec.Replicas) != 0 || rs.Generation > rs.Status.ObservedGeneration {
			continue
		}
		if err := s.c.rsets.Delete(ctx, rs.Namespace, rs.Name, nil); err != nil && !client.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// calculateStatus is the deployment's status from its replica sets.
func (s *syncState) calculateStatus(newRS *api.ReplicaSet, old []*api.ReplicaSet) api.DeploymentStatus {
	d := s.d
	all := append(append([]*api.ReplicaSet(nil), old...), newRS)
	available := sumStatus(all, func(st *api.ReplicaSetStatus) int32 { return st.AvailableReplicas })
	st := api.DeploymentStatus{
		ObservedGeneration:  d.Generation,
		Replicas:            sumStatus(all, func(st *api.ReplicaSetStatus) int32 { return st.Replicas }),
		UpdatedReplicas:     sumStatus([]*api.ReplicaSet{newRS}, func(st *api.ReplicaSetStatus) int32 { return st.Replicas }),
		ReadyReplicas:       sumStatus(all, func(st *api.ReplicaSetStatus) int32 { return st.ReadyReplicas }),
		AvailableReplicas:   available,
		UnavailableReplicas: max(0, sumSpec(all)-available),
		CollisionCount:      d.Status.CollisionCount,
		Conditions:          append([]api.DeploymentCondition(nil), d.Status.Conditions...),
	}
	now := api.NewTime(s.c.now())
	if available >= replicas(d.Spec.Replicas)-maxUnavailable(d) {
		setCondition(&st, api.DeploymentCondition{Type: api.DeploymentAvailable, Status: api.ConditionTrue,
			Reason: ReasonMinimumAvailable, Message: "Deployment has minimum availability.", LastUpdateTime: now, LastTransitionTime: now})
	} else {
		setCondition(&st, api.DeploymentCondition{Type: api.DeploymentAvailable, Status: api.ConditionFalse,
			Reason: ReasonMinimumUnavailable, Message: "Deployment does not have minimum availability.", LastUpdateTime: now, LastTransitionTime: now})
	}
	return st
}

// syncRolloutStatus writes the status with the Progressing condition and the
// ReplicaFailure of the replica sets, and asks to be run again when the progress
// deadline would pass.
func (s *syncState) syncRolloutStatus(ctx context.Context, newRS *api.ReplicaSet, old []*api.ReplicaSet, stepErr error) (manager.Result, error) {
	if stepErr != nil {
		return manager.Result{}, stepErr
	}
	d := s.d
	newRS = s.latest(newRS)
	st := s.calculateStatus(newRS, s.latestAll(old))
	now := s.c.now()
	nowT := api.NewTime(now)
	var requeue time.Duration
	if !hasProgressDeadline(d) {
		removeCondition(&st, api.DeploymentProgressing)
	} else {
		cur := condition(&st, api.DeploymentProgressing)
		completed := st.Replicas == st.UpdatedReplicas && cur != nil && cur.Reason == ReasonNewRSAvailable
		name := ""
		if newRS != nil {
			name = newRS.Name
		}
		if !completed {
			switch {
			case complete(d, &st):
				setCondition(&st, api.DeploymentCondition{Type: api.DeploymentProgressing, Status: api.ConditionTrue, Reason: ReasonNewRSAvailable,
					Message: fmt.Sprintf("ReplicaSet %q has successfully progressed.", name), LastUpdateTime: nowT, LastTransitionTime: nowT})
			case progressing(d, &st):
				c := api.DeploymentCondition{Type: api.DeploymentProgressing, Status: api.ConditionTrue, Reason: ReasonRSUpdated,
					Message: fmt.Sprintf("ReplicaSet %q is progressing.", name), LastUpdateTime: nowT, LastTransitionTime: nowT}
				if cur != nil && cur.Status == api.ConditionTrue {
					c.LastTransitionTime = cur.LastTransitionTime
				}
				removeCondition(&st, api.DeploymentProgressing)
				st.Conditions = append(st.Conditions, c)
			case cur != nil && cur.Reason != ReasonTimedOut && cur.Reason != ReasonNewRSAvailable:
				deadline := cur.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second)
				if !deadline.After(now) {
					setCondition(&st, api.DeploymentCondition{Type: api.DeploymentProgressing, Status: api.ConditionFalse, Reason: ReasonTimedOut,
						Message: fmt.Sprintf("ReplicaSet %q has timed out progressing.", name), LastUpdateTime: nowT, LastTransitionTime: nowT})
				} else {
					requeue = deadline.Sub(now) + time.Second
				}
			}
		}
	}
	// The replica sets' failures are the deployment's.
	var failure *api.ReplicaSetCondition
	for _, rs := range append(s.latestAll(old), newRS) {
		if rs == nil {
			continue
		}
		for i := range rs.Status.Conditions {
			if rs.Status.Conditions[i].Type == api.ReplicaSetReplicaFailure {
				failure = &rs.Status.Conditions[i]
			}
		}
	}
	if failure != nil {
		setCondition(&st, api.DeploymentCondition{Type: api.DeploymentReplicaFailure, Status: failure.Status, Reason: failure.Reason,
			Message: failure.Message, LastUpdateTime: nowT, LastTransitionTime: failure.LastTransitionTime})
	} else {
		removeCondition(&st, api.DeploymentReplicaFailure)
	}
	if err := s.writeStatus(ctx, st); err != nil {
		return manager.Result{}, err
	}
	return manager.Result{RequeueAfter: requeue}, nil
}

// syncStatusOnly writes the status of a deployment being deleted.
func (s *syncState) syncStatusOnly(ctx context.Context) error {
	newRS, old := s.split()
	return s.writeStatus(ctx, s.calculateStatus(newRS, old))
}

// writeStatus writes st as the deployment's status unless it has it already.
func (s *syncState) writeStatus(ctx context.Context, st api.DeploymentStatus) error {
	if statusKey(&s.d.Status) == statusKey(&st) {
		return nil
	}
	cp := s.d.DeepCopy()
	cp.Status = st
	updated, err := s.c.deployments.UpdateStatus(ctx, cp)
	if err != nil {
		return err
	}
	s.d = updated.DeepCopy()
	return nil
}

// writeDeployment writes the deployment's annotations and status.
func (s *syncState) writeDeployment(ctx context.Context) error {
	st := s.d.Status
	updated, err := s.c.deployments.Update(ctx, s.d)
	if err != nil {
		return err
	}
	s.d = updated.DeepCopy()
	return s.writeStatus(ctx, st)
}

// statusKey compares statuses ignoring the condition times that only record a write.
func statusKey(st *api.DeploymentStatus) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %d %d %d %d", st.ObservedGeneration, st.Replicas, st.UpdatedReplicas, st.ReadyReplicas, st.AvailableReplicas, st.UnavailableReplicas)
	if st.CollisionCount != nil {
		fmt.Fprintf(&b, " c%d", *st.CollisionCount)
	}
	conds := append([]api.DeploymentCondition(nil), st.Conditions...)
	sort.Slice(conds, func(i, j int) bool { return conds[i].Type < conds[j].Type })
	for _, c := range conds {
		fmt.Fprintf(&b, "|%s %s %s %s %d", c.Type, c.Status, c.Reason, c.Message, c.LastTransitionTime.Unix())
	}
	return b.String()
}
