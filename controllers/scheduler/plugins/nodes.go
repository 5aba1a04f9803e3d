// Package plugins holds the scheduler's built-in plugins, with kube-scheduler's names,
// decisions, scoring arithmetic and messages.
package plugins

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
)

// The plugins' names.
const (
	NameNodeUnschedulable   = "NodeUnschedulable"
	NameNodeName            = "NodeName"
	NameTaintToleration     = "TaintToleration"
	NameNodeAffinity        = "NodeAffinity"
	NameNodeResourcesFit    = "NodeResourcesFit"
	NameBalancedAllocation  = "NodeResourcesBalancedAllocation"
	NameNodePorts           = "NodePorts"
	NameInterPodAffinity    = "InterPodAffinity"
	NamePodTopologySpread   = "PodTopologySpread"
	taintNodeUnschedulable  = "node.kubernetes.io/unschedulable"
	errReasonUnschedulable  = "node(s) were unschedulable"
	errReasonNodeName       = "node(s) didn't match the requested node name"
	errReasonAffinity       = "node(s) didn't match Pod's node affinity/selector"
	errReasonPorts          = "node(s) didn't have free ports for the requested pod ports"
	errReasonTooManyPods    = "Too many pods"
	errReasonInsufficientFm = "Insufficient %s"
)

// NodeUnschedulable rejects nodes marked unschedulable (kubectl cordon), unless the
// pod tolerates their unschedulable taint.
type NodeUnschedulable struct{}

func (NodeUnschedulable) Name() string { return NameNodeUnschedulable }

func (NodeUnschedulable) Filter(_ context.Context, _ *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) *framework.Status {
	if !n.Node.Spec.Unschedulable {
		return nil
	}
	if Tolerates(pod.Spec.Tolerations, api.Taint{Key: taintNodeUnschedulable, Effect: api.TaintEffectNoSchedule}) {
		return nil
	}
	return framework.NewStatus(framework.UnschedulableAndUnresolvable, errReasonUnschedulable)
}

// NodeName rejects nodes other than the one a pod names in spec.nodeName.
type NodeName struct{}

func (NodeName) Name() string { return NameNodeName }

func (NodeName) Filter(_ context.Context, _ *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) *framework.Status {
	if pod.Spec.NodeName != "" && pod.Spec.NodeName != n.Node.Name {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, errReasonNodeName)
	}
	return nil
}

// Tolerates reports whether one of tols tolerates taint.
func Tolerates(tols []api.Toleration, taint api.Taint) bool {
	for _, t := range tols {
		if t.ToleratesTaint(taint) {
			return true
		}
	}
	return false
}

// TaintToleration rejects nodes with a NoSchedule or NoExecute taint the pod does not
// tolerate, and prefers nodes with fewer untolerated PreferNoSchedule taints.
type TaintToleration struct{}

func (TaintToleration) Name() string { return NameTaintToleration }

func (TaintToleration) Filter(_ context.Context, _ *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) *framework.Status {
	for _, taint := range n.Node.Spec.Taints {
		if taint.Effect != api.TaintEffectNoSchedule && taint.Effect != api.TaintEffectNoExecute {
			continue
		}
		if !Tolerates(pod.Spec.Tolerations, taint) {
			return framework.NewStatus(framework.UnschedulableAndUnresolvable,
				fmt.Sprintf("node(s) had untolerated taint {%s: %s}", taint.Key, taint.Value))
		}
	}
	return nil
}

func (TaintToleration) Score(_ context.Context, _ *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	var prefer []api.Toleration
	for _, t := range pod.Spec.Tolerations {
		if t.Effect == "" || t.Effect == api.TaintEffectPreferNoSchedule {
			prefer = append(prefer, t)
		}
	}
	var count int64
	for _, taint := range n.Node.Spec.Taints {
		if taint.Effect == api.TaintEffectPreferNoSchedule && !Tolerates(prefer, taint) {
			count++
		}
	}
	return count, nil
}

func (TaintToleration) NormalizeScore(_ context.Context, _ *framework.CycleState, _ *api.Pod, scores []framework.NodeScore) *framework.Status {
	framework.DefaultNormalize(scores, true)
	return nil
}

// NodeAffinity rejects nodes that do not match the pod's nodeSelector or required
// node affinity, and scores nodes by the weights of the preferred terms they match.
type NodeAffinity struct{}

func (NodeAffinity) Name() string { return NameNodeAffinity }

func (NodeAffinity) Filter(_ context.Context, _ *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) *framework.Status {
	if !MatchesNodeSelectorAndAffinity(pod, n.Node) {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, errReasonAffinity)
	}
	return nil
}

// MatchesNodeSelectorAndAffinity reports whether node satisfies pod's nodeSelector
// and required node affinity.
func MatchesNodeSelectorAndAffinity(pod *api.Pod, node *api.Node) bool {
	for k, v := range pod.Spec.NodeSelector {
		if node.Labels[k] != v {
			return false
		}
	}
	a := pod.Spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return true
	}
	for _, term := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		if matchesTerm(term, node) {
			return true
		}
	}
	return false
}

// matchesTerm reports whether node satisfies every requirement of term; an empty term
// matches nothing.
func matchesTerm(term api.NodeSelectorTerm, node *api.Node) bool {
	if len(term.MatchExpressions) == 0 && len(term.MatchFields) == 0 {
		return false
	}
	for _, r := range term.MatchExpressions {
		v, ok := node.Labels[r.Key]
		if !matchesRequirement(r, v, ok) {
			return false
		}
	}
	for _, r := range term.MatchFields {
		if r.Key != "metadata.name" || !matchesRequirement(r, node.Name, true) {
			return false
		}
	}
	return true
}

func matchesRequirement(r api.NodeSelectorRequirement, v string, present bool) bool {
	switch r.Operator {
	case api.NodeSelectorOpIn:
		return present && contains(r.Values, v)
	case api.NodeSelectorOpNotIn:
		return !present || !contains(r.Values, v)
	case api.NodeSelectorOpExists:
		return present
	case api.NodeSelectorOpDoesNotExist:
		return !present
	case api.NodeSelectorOpGt, api.NodeSelectorOpLt:
		if !present || len(r.Values) != 1 {
			return false
		}
		have, err1 := strconv.ParseInt(v, 10, 64)
		want, err2 := strconv.ParseInt(r.Values[0], 10, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		if r.Operator == api.NodeSelectorOpGt {
			return have > want
		}
		return have < want
	}
	return false
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func (NodeAffinity) Score(_ context.Context, _ *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	a := pod.Spec.Affinity
	if a == nil || a.NodeAffinity == nil {
		return 0, nil
	}
	var score int64
	for _, p := range a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
		if p.Weight != 0 && matchesTerm(p.Preference, n.Node) {
			score += int64(p.Weight)
		}
	}
	return score, nil
}

func (NodeAffinity) NormalizeScore(_ context.Context, _ *framework.CycleState, _ *api.Pod, scores []framework.NodeScore) *framework.Status {
	framework.DefaultNormalize(scores, false)
	return nil
}

// NodePorts rejects nodes where a host port the pod asks for is taken.
type NodePorts struct{}

func (NodePorts) Name() string { return NameNodePorts }

func (NodePorts) Filter(_ context.Context, _ *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) *framework.Status {
	for _, want := range framework.HostPorts(pod) {
		for used := range n.UsedPorts {
			if used.Port == want.Port && used.Protocol == want.Protocol &&
				(used.IP == want.IP || used.IP == "0.0.0.0" || want.IP == "0.0.0.0") {
				return framework.NewStatus(framework.Unschedulable, errReasonPorts)
			}
		}
	}
	return nil
}

// selectors compiles label selectors once per scheduling cycle: the same selector (of
// the incoming pod, or of a pod already placed) is tested against many pods and nodes.
// Objects are shared and never changed, so a selector is known by its address.
type selectors struct {
	mu       sync.Mutex
	compiled map[*api.LabelSelector]labels.Selector
}

const selectorsKey = "selectors"

// selectorsOf returns the cycle's selector cache.
func selectorsOf(state *framework.CycleState) *selectors {
	if state == nil {
		return &selectors{compiled: map[*api.LabelSelector]labels.Selector{}}
	}
	state.Lock()
	defer state.Unlock()
	if v, ok := state.ReadLocked(selectorsKey); ok {
		return v.(*selectors)
	}
	s := &selectors{compiled: map[*api.LabelSelector]labels.Selector{}}
	state.WriteLocked(selectorsKey, s)
	return s
}

// matches reports whether ls (nil matches nothing) selects lbls.
func (s *selectors) matches(ls *api.LabelSelector, lbls map[string]string) bool {
	if ls == nil {
		return false
	}
	s.mu.Lock()
	sel, ok := s.compiled[ls]
	if !ok {
		var err error
		if sel, err = labels.FromLabelSelector(ls); err != nil {
			sel = labels.Nothing()
		}
		s.compiled[ls] = sel
	}
	s.mu.Unlock()
	return sel.Matches(labels.Set(lbls))
}
