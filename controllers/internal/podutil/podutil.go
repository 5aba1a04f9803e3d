// Package podutil holds the rules about pods that Kubernetes' workload controllers
// share: which pods count, which are ready and available, and which to delete first.
package podutil

import (
	"sort"
	"time"

	"github.com/orrery-dev/orrery/api"
)

// IsActive reports whether p counts towards its controller's replicas: not being
// deleted, and not finished (Succeeded or Failed).
func IsActive(p *api.Pod) bool {
	return p.DeletionTimestamp == nil && p.Status.Phase != api.PodSucceeded && p.Status.Phase != api.PodFailed
}

// readyCondition returns p's Ready condition, if any.
func readyCondition(p *api.Pod) *api.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == api.PodReady {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// IsReady reports whether p's Ready condition is True.
func IsReady(p *api.Pod) bool {
	c := readyCondition(p)
	return c != nil && c.Status == api.ConditionTrue
}

// IsAvailable reports whether p has been ready for at least minReadySeconds at now.
func IsAvailable(p *api.Pod, minReadySeconds int32, now time.Time) bool {
	c := readyCondition(p)
	if c == nil || c.Status != api.ConditionTrue {
		return false
	}
	if minReadySeconds == 0 {
		return true
	}
	min := time.Duration(minReadySeconds) * time.Second
	return !c.LastTransitionTime.IsZero() && !c.LastTransitionTime.Add(min).After(now)
}

// ControllerOf returns obj's controller ownerReference, if any.
func ControllerOf(obj api.Object) *api.OwnerReference {
	for i, ref := range obj.GetObjectMeta().OwnerReferences {
		if ref.Controller != nil && *ref.Controller {
			return &obj.GetObjectMeta().OwnerReferences[i]
		}
	}
	return nil
}

// ControllerUID is an index function: it files an object under the uid of its
// controller, and an orphan under "".
func ControllerUID[T api.Object](obj T) []string {
	if ref := ControllerOf(obj); ref != nil {
		return []string{ref.UID}
	}
	return []string{""}
}

// NewControllerRef is the ownerReference a controller sets on what it creates:
// controller and blockOwnerDeletion true.
func NewControllerRef(owner api.Object, kind api.KindInfo) api.OwnerReference {
	yes, block := true, true
	m := owner.GetObjectMeta()
	return api.OwnerReference{APIVersion: kind.APIVersion(), Kind: kind.Kind, Name: m.Name, UID: m.UID,
		Controller: &yes, BlockOwnerDeletion: &block}
}

// podPhaseRank orders phases for deletion: pending first, then unknown, then running.
func podPhaseRank(p api.PodPhase) int {
	switch p {
	case api.PodPending:
		return 0
	case api.PodRunning:
		return 2
	default:
		return 1
	}
}

// SortForDeletion orders pods so that the first are the ones to delete when scaling
// down, by Kubernetes' rules, in order: not assigned to a node before assigned;
// pending before unknown before running; not ready before ready; among assigned pods,
// those whose node runs more of the related pods first (rank, counted over related);
// ready for a shorter time before longer; more container restarts first; created
// later first.
func SortForDeletion(pods []*api.Pod, related []*api.Pod) {
	onNode := map[string]int{}
	for _, p := range related {
		if p.Spec.NodeName != "" && IsActive(p) {
			onNode[p.Spec.NodeName]++
		}
	}
	rank := func(p *api.Pod) int {
		if p.Spec.NodeName == "" {
			return 0
		}
		return onNode[p.Spec.NodeName]
	}
	sort.SliceStable(pods, func(i, j int) bool {
		a, b := pods[i], pods[j]
		if (a.Spec.NodeName == "") != (b.Spec.NodeName == "") {
			return a.Spec.NodeName == ""
		}
		if ra, rb := podPhaseRank(a.Status.Phase), podPhaseRank(b.Status.Phase); ra != rb {
			return ra < rb
		}
		if IsReady(a) != IsReady(b) {
			return !IsReady(a)
		}
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra > rb
		}
		if IsReady(a) && IsReady(b) {
			ta, tb := readyCondition(a).LastTransitionTime, readyCondition(b).LastTransitionTime
			if !ta.Equal(tb.Time) {
				return ta.After(tb.Time) // ready more recently first
			}
		}
		if ra, rb := restarts(a), restarts(b); ra != rb {
			return ra > rb
		}
		if !a.CreationTimestamp.Equal(b.CreationTimestamp.Time) {
			return a.CreationTimestamp.After(b.CreationTimestamp.Time)
		}
		return a.Name < b.Name
	})
}

func restarts(p *api.Pod) int32 {
	var n int32
	for _, c := range p.Status.ContainerStatuses {
		n = max(n, c.RestartCount)
	}
	return n
}

// NodeName is an index function: it files a pod under the node it is bound to, and an
// unscheduled pod under "".
func NodeName(p *api.Pod) []string { return []string{p.Spec.NodeName} }
