// Package disruption is the disruption controller: it keeps each PodDisruptionBudget's
// status (expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, the
// DisruptionAllowed condition, and the disruptedPods the eviction subresource
// records until their deletion is seen), as kube-controller-manager's does. A budget
// with minAvailable as a number counts the pods it selects; one with a percentage or
// with maxUnavailable counts the replicas their controllers want (the scale
// subresource of each pod's controller, or of that controller's own controller when
// it has one with a scale: a Deployment's, not its ReplicaSet's).
package disruption

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/record"
	"github.com/orrery-dev/orrery/controllers/internal/podutil"
	"github.com/orrery-dev/orrery/manager"
)

// Name is the controller's name.
const Name = "disruption-controller"

// deletionTimeout is how long an eviction is counted before its pod's deletion is
// seen (Kubernetes' DeletionTimeout).
const deletionTimeout = 2 * time.Minute

// Controller is the disruption controller.
type Controller struct {
	pdbs   *manager.Client[*api.PodDisruptionBudget]
	pods   *manager.Client[*api.Pod]
	client *client.Client
	events record.Recorder
	now    func() time.Time
}

// Setup adds the controller to m.
func Setup(m *manager.Manager) (*Controller, error) {
	c := &Controller{now: time.Now, client: m.Client(), events: m.EventRecorder(Name)}
	var err error
	if c.pdbs, err = manager.NewClient[*api.PodDisruptionBudget](m, manager.Scope{}); err != nil {
		return nil, err
	}
	if c.pods, err = manager.NewClient[*api.Pod](m, manager.Scope{}); err != nil {
		return nil, err
	}
	ctrl, err := manager.NewController(m, Name, c, manager.ControllerOptions{MaxConcurrentReconciles: 2})
	if err != nil {
		return nil, err
	}
	if err := manager.For[*api.PodDisruptionBudget](ctrl); err != nil {
		return nil, err
	}
	return c, manager.Watches(ctrl, func(_ context.Context, p *api.Pod) []manager.Request {
		var out []manager.Request
		for _, pdb := range c.pdbs.List(p.Namespace, nil) {
			if sel, err := labels.FromLabelSelector(pdb.Spec.Selector); err == nil && !sel.Empty() && sel.Matches(labels.Set(p.Labels)) {
				out = append(out, manager.Request{Namespace: pdb.Namespace, Name: pdb.Name})
			}
		}
		return out
	})
}

// Reconcile computes one budget's status.
func (c *Controller) Reconcile(ctx context.Context, req manager.Request) (manager.Result, error) {
	pdb, err := c.pdbs.Get(ctx, req.Namespace, req.Name)
	if client.IsNotFound(err) {
		return manager.Result{}, nil
	}
	if err != nil {
		return manager.Result{}, err
	}
	now := c.now()
	sel, err := labels.FromLabelSelector(pdb.Spec.Selector)
	var pods []*api.Pod
	if err == nil && !sel.Empty() {
		for _, p := range c.pods.List(pdb.Namespace, sel) {
			pods = append(pods, p)
		}
	}
	if len(pods) == 0 {
		c.events.Eventf(pdb, api.EventTypeNormal, "NoPods", "No matching pods found")
	}
	scale := 0
	if NeedsScale(pdb.Spec) {
		var unmanaged []string
		if scale, unmanaged, err = c.expectedScale(ctx, pods); err != nil {
			c.events.Eventf(pdb, api.EventTypeWarning, "CalculateExpectedPodCountFailed", "Failed to calculate the number of expected pods: %v", err)
			return manager.Result{}, c.failSafe(ctx, pdb, err)
		}
		if len(unmanaged) > 0 {
			c.events.Eventf(pdb, api.EventTypeWarning, "UnmanagedPods", "Pods selected by this PodDisruptionBudget (selector: %v) were found "+
				"to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. "+
				"To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.", sel)
		}
	}
	expected, desired := Expected(pdb.Spec, len(pods), scale)
	// Evictions whose pod has not gone yet count as disrupted for a while.
	disrupted := map[string]api.Time{}
	var recheck time.Duration
	present := map[string]*api.Pod{}
	for _, p := range pods {
		present[p.Name] = p
	}
	for name, at := range pdb.Status.DisruptedPods {
		p, ok := present[name]
		if !ok || p.DeletionTimestamp != nil {
			continue
		}
		if left := at.Add(deletionTimeout).Sub(now); left > 0 {
			disrupted[name] = at
			if recheck == 0 || left < recheck {
				recheck = left
			}
		}
	}
	var healthy int32
	for _, p := range pods {
		if _, ok := disrupted[p.Name]; !ok && p.DeletionTimestamp == nil && podutil.IsReady(p) {
			healthy++
		}
	}
	allowed := max(0, healthy-desired)
	if expected <= 0 {
		allowed = 0 // a budget's first pods are safe before their status is counted
	}
	st := api.PodDisruptionBudgetStatus{
		ObservedGeneration: pdb.Generation, DisruptedPods: disrupted,
		DisruptionsAllowed: allowed, CurrentHealthy: healthy, DesiredHealthy: desired, ExpectedPods: int32(expected),
	}
	if len(st.DisruptedPods) == 0 {
		st.DisruptedPods = nil
	}
	cond := api.Condition{Type: api.DisruptionAllowedCondition, Status: api.ConditionTrue, Reason: api.SufficientPodsReason,
		ObservedGeneration: pdb.Generation, LastTransitionTime: api.NewTime(now)}
	if allowed == 0 {
		cond.Status, cond.Reason = api.ConditionFalse, api.InsufficientPodsReason
	}
	for _, old := range pdb.Status.Conditions {
		if old.Type == cond.Type && old.Status == cond.Status {
			cond.LastTransitionTime = old.LastTransitionTime
		}
	}
	st.Conditions = []api.Condition{cond}
	if statusKey(pdb.Status) != statusKey(st) {
		cp := pdb.DeepCopy()
		cp.Status = st
		if _, err := c.pdbs.UpdateStatus(ctx, cp); err != nil {
			return manager.Result{}, err
		}
	}
	return manager.Result{RequeueAfter: recheck}, nil
}

// NeedsScale says whether the budget counts its controllers' replicas (a percentage of
// minAvailable, or maxUnavailable) rather than the pods it selects.
func NeedsScale(spec api.PodDisruptionBudgetSpec) bool {
	return spec.MaxUnavailable != nil || (spec.MinAvailable != nil && spec.MinAvailable.Type != api.IntOrStringInt)
}

// Expected returns how many pods the budget expects and how many must be healthy,
// given the pods it selects and (when NeedsScale) the replicas their controllers want:
// minAvailable as a number is the desired count of the pods selected; a percentage of
// minAvailable (rounded up) or maxUnavailable (a percentage rounded up, subtracted)
// applies to the replicas wanted.
func Expected(spec api.PodDisruptionBudgetSpec, pods, scale int) (expected int, desired int32) {
	switch {
	case spec.MaxUnavailable != nil:
		unavailable := int(spec.MaxUnavailable.IntVal)
		if spec.MaxUnavailable.Type != api.IntOrStringInt {
			unavailable = percentOf(spec.MaxUnavailable.StrVal, scale)
		}
		return scale, int32(max(0, scale-unavailable))
	case spec.MinAvailable != nil && spec.MinAvailable.Type == api.IntOrStringInt:
		return pods, spec.MinAvailable.IntVal
	case spec.MinAvailable != nil:
		return scale, int32(percentOf(spec.MinAvailable.StrVal, scale))
	}
	return 0, 0
}

// expectedScale sums the replicas wanted by the controllers of pods, each controller
// counted once; pods without a controller are returned by name and not counted. A
// controller that is itself controlled by a kind with a scale subresource (a
// Deployment's ReplicaSet) counts through that one, so a rollout's two ReplicaSets
// count as their Deployment.
func (c *Controller) expectedScale(ctx context.Context, pods []*api.Pod) (int, []string, error) {
	scales := map[string]int32{}
	seen := map[string]bool{} // controllers whose scale is counted, by the pods' references
	var unmanaged []string
	for _, p := range pods {
		ref := podutil.ControllerOf(p)
		if ref == nil {
			unmanaged = append(unmanaged, p.Name)
			continue
		}
		if seen[ref.UID] {
			continue
		}
		uid, replicas, err := c.scaleOf(ctx, p.Namespace, *ref)
		if err != nil {
			return 0, nil, fmt.Errorf("pod %q: %w", p.Name, err)
		}
		seen[ref.UID], scales[uid] = true, replicas
	}
	total := 0
	for _, n := range scales {
		total += int(n)
	}
	return total, unmanaged, nil
}

// scaleOf returns the UID and desired replicas of the controller ref names (in
// namespace), or of its own controller if that one serves a scale subresource.
func (c *Controller) scaleOf(ctx context.Context, namespace string, ref api.OwnerReference) (string, int32, error) {
	kind, ok := c.client.Registry().ByKind(ref.APIVersion, ref.Kind)
	if !ok || !kind.HasSubresource("scale") {
		return "", 0, unresolved(fmt.Sprintf("%s %s does not implement the scale subresource", ref.APIVersion, ref.Kind))
	}
	meta, err := client.MetadataFor(c.client, kind).Namespace(namespace).Get(ctx, ref.Name)
	if client.IsNotFound(err) || (err == nil && meta.UID != ref.UID) {
		return "", 0, unresolved(fmt.Sprintf("found no controllers for it: %s %s %q is gone", ref.APIVersion, ref.Kind, ref.Name))
	}
	if err != nil {
		return "", 0, err
	}
	for _, up := range meta.OwnerReferences {
		if up.Controller == nil || !*up.Controller {
			continue
		}
		if k, ok := c.client.Registry().ByKind(up.APIVersion, up.Kind); ok && k.HasSubresource("scale") {
			if uid, n, err := c.scaleOf(ctx, namespace, up); err == nil {
				return uid, n, nil
			}
		}
	}
	s, err := client.MetadataFor(c.client, kind).Namespace(namespace).Scale(ctx, ref.Name)
	if err != nil {
		return "", 0, err
	}
	return ref.UID, s.Spec.Replicas, nil
}

// failSafe sets the budget to allow no disruption, with the DisruptionAllowed
// condition False for reason SyncFailed and the error as its message, as
// kube-controller-manager does when it cannot compute the status. It returns cause
// when the status was written and cause may pass (an API error), so the budget is
// retried with backoff; a budget that cannot be computed as it stands waits for a
// change of its pods or itself.
func (c *Controller) failSafe(ctx context.Context, pdb *api.PodDisruptionBudget, cause error) error {
	cp := pdb.DeepCopy()
	cp.Status.DisruptionsAllowed = 0
	cond := api.Condition{Type: api.DisruptionAllowedCondition, Status: api.ConditionFalse, Reason: api.SyncFailedReason,
		Message: cause.Error(), ObservedGeneration: pdb.Status.ObservedGeneration, LastTransitionTime: api.NewTime(c.now())}
	conds := slices.DeleteFunc(slices.Clone(cp.Status.Conditions), func(old api.Condition) bool {
		if old.Type == cond.Type && old.Status == cond.Status {
			cond.LastTransitionTime = old.LastTransitionTime
		}
		return old.Type == cond.Type
	})
	cp.Status.Conditions = append(conds, cond)
	if statusKey(cp.Status)+cond.Message != statusKey(pdb.Status)+conditionMessage(pdb.Status) {
		if _, err := c.pdbs.UpdateStatus(ctx, cp); err != nil {
			return err
		}
	}
	if _, ok := errors.AsType[unresolved](cause); ok {
		return nil
	}
	return cause
}

// unresolved is an error in the objects themselves, not in reaching the apiserver:
// retrying cannot help until they change.
type unresolved string

func (e unresolved) Error() string { return string(e) }

// conditionMessage is the message of the DisruptionAllowed condition in s.
func conditionMessage(s api.PodDisruptionBudgetStatus) string {
	for _, c := range s.Conditions {
		if c.Type == api.DisruptionAllowedCondition {
			return c.Message
		}
	}
	return ""
}

// percentOf is pct (like "50%") of n, rounded up.
func percentOf(pct string, n int) int {
	v, err := strconv.Atoi(strings.TrimSuffix(pct, "%"))
	if err != nil {
		return 0
	}
	return int(math.Ceil(float64(v) * float64(n) / 100))
}

func statusKey(s api.PodDisruptionBudgetStatus) string {
	var conds []string
	for _, c := range s.Conditions {
		conds = append(conds, fmt.Sprintf("%s/%s/%s/%d", c.Type, c.Status, c.Reason, c.ObservedGeneration))
	}
	keys := slices.Sorted(maps.Keys(s.DisruptedPods))
	return fmt.Sprintf("%d %d %d %d %d %v %v", s.ObservedGeneration, s.DisruptionsAllowed, s.CurrentHealthy, s.DesiredHealthy, s.ExpectedPods, keys, conds)
}
