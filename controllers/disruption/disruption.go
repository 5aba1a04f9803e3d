// Package disruption is the disruption controller: it keeps each PodDisruptionBudget's
// status (expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, the
// DisruptionAllowed condition, and the disruptedPods the eviction subresource
// records until their deletion is seen), as kube-controller-manager's does.
package disruption

import (
	"context"
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
	pdbs *manager.Client[*api.PodDisruptionBudget]
	pods *manager.Client[*api.Pod]
	now  func() time.Time
}

// Setup adds the controller to m.
func Setup(m *manager.Manager) (*Controller, error) {
	c := &Controller{now: time.Now}
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
	expected, desired := Expected(pdb.Spec, len(pods))
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
	if expected == 0 && pdb.Spec.MaxUnavailable != nil {
		allowed = 0
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

// Expected returns how many pods the budget expects and how many must be healthy,
// given the pods it selects: minAvailable as a number is the desired count itself; a
// percentage of minAvailable (rounded up) or maxUnavailable (a percentage rounded up,
// subtracted) applies to the pods selected.
func Expected(spec api.PodDisruptionBudgetSpec, pods int) (expected int, desired int32) {
	expected = pods
	switch {
	case spec.MinAvailable != nil:
		if spec.MinAvailable.Type == api.IntOrStringInt {
			return expected, spec.MinAvailable.IntVal
		}
		return expected, int32(percentOf(spec.MinAvailable.StrVal, expected))
	case spec.MaxUnavailable != nil:
		var unavailable int
		if spec.MaxUnavailable.Type == api.IntOrStringInt {
			unavailable = int(spec.MaxUnavailable.IntVal)
		} else {
			unavailable = percentOf(spec.MaxUnavailable.StrVal, expected)
		}
		return expected, int32(max(0, expected-unavailable))
	}
	return expected, 0
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
