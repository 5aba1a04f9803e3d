package plugins

import (
	"context"
	"math"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
)

// PodTopologySpread spreads matching pods over topology domains: DoNotSchedule
// constraints filter nodes whose domain would exceed maxSkew; ScheduleAnyway
// constraints prefer the domains with fewer matching pods.
type PodTopologySpread struct{}

func (PodTopologySpread) Name() string { return NamePodTopologySpread }

const (
	spreadKey      = "PreFilter" + NamePodTopologySpread
	spreadScoreKey = "PreScore" + NamePodTopologySpread

	errReasonSpread      = "node(s) didn't match pod topology spread constraints"
	errReasonSpreadLabel = "node(s) didn't match pod topology spread constraints (missing required label)"
)

type spreadState struct {
	constraints []api.TopologySpreadConstraint
	counts      []map[string]int64 // per constraint: domain value → matching pods
	minimum     []int64
	self        []int64 // 1 where the constraint selects the pod itself
}

func constraintsOf(pod *api.Pod, action api.UnsatisfiableConstraintAction) []api.TopologySpreadConstraint {
	var out []api.TopologySpreadConstraint
	for _, c := range pod.Spec.TopologySpreadConstraints {
		if c.WhenUnsatisfiable == action {
			out = append(out, c)
		}
	}
	return out
}

// counted reports whether node counts for pod's constraints: it has every topology
// key, and (unless a constraint says Ignore) matches the pod's node affinity and
// selector.
func counted(pod *api.Pod, node *api.Node, cs []api.TopologySpreadConstraint) bool {
	honorAffinity := false
	for _, c := range cs {
		if _, ok := node.Labels[c.TopologyKey]; !ok {
			return false
		}
		if c.NodeAffinityPolicy == nil || *c.NodeAffinityPolicy == api.NodeInclusionPolicyHonor {
			honorAffinity = true
		}
	}
	return !honorAffinity || MatchesNodeSelectorAndAffinity(pod, node)
}

// countMatching counts, per constraint and domain, the pods of pod's namespace that
// the constraint's selector matches (pods being deleted do not count).
func countMatching(sels *selectors, pod *api.Pod, nodes []*framework.NodeInfo, cs []api.TopologySpreadConstraint) []map[string]int64 {
	counts := make([]map[string]int64, len(cs))
	for i := range counts {
		counts[i] = map[string]int64{}
	}
	for _, n := range nodes {
		if !counted(pod, n.Node, cs) {
			continue
		}
		for i, c := range cs {
			v := n.Node.Labels[c.TopologyKey]
			var m int64
			for _, ep := range n.Pods {
				if ep.Pod.Namespace == pod.Namespace && ep.Pod.DeletionTimestamp == nil && sels.matches(c.LabelSelector, ep.Pod.Labels) {
					m++
				}
			}
			counts[i][v] += m
		}
	}
	return counts
}

func (PodTopologySpread) PreFilter(_ context.Context, state *framework.CycleState, pod *api.Pod, nodes []*framework.NodeInfo) *framework.Status {
	cs := constraintsOf(pod, api.DoNotSchedule)
	if len(cs) == 0 {
		state.Write(spreadKey, (*spreadState)(nil))
		return framework.NewStatus(framework.Skip)
	}
	sels := selectorsOf(state)
	s := &spreadState{constraints: cs, counts: countMatching(sels, pod, nodes, cs), minimum: make([]int64, len(cs)), self: make([]int64, len(cs))}
	for i, c := range cs {
		minimum := int64(math.MaxInt64)
		for _, n := range s.counts[i] {
			minimum = min(minimum, n)
		}
		if minimum == math.MaxInt64 || (c.MinDomains != nil && int32(len(s.counts[i])) < *c.MinDomains) {
			minimum = 0 // fewer domains than asked for: the missing ones count as empty
		}
		s.minimum[i] = minimum
		if sels.matches(c.LabelSelector, pod.Labels) {
			s.self[i] = 1
		}
	}
	state.Write(spreadKey, s)
	return nil
}

func (PodTopologySpread) Filter(_ context.Context, state *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) *framework.Status {
	v, ok := state.Read(spreadKey)
	if !ok {
		return framework.NewStatus(framework.Error, "PodTopologySpread: PreFilter did not run")
	}
	s := v.(*spreadState)
	if s == nil {
		return nil
	}
	for i, c := range s.constraints {
		val, ok := n.Node.Labels[c.TopologyKey]
		if !ok {
			return framework.NewStatus(framework.UnschedulableAndUnresolvable, errReasonSpreadLabel)
		}
		if s.counts[i][val]+s.self[i]-s.minimum[i] > int64(c.MaxSkew) {
			return framework.NewStatus(framework.Unschedulable, errReasonSpread)
		}
	}
	return nil
}

type spreadScore struct {
	constraints []api.TopologySpreadConstraint
	counts      []map[string]int64
	weights     []float64
}

// PreScore counts matching pods per domain for the ScheduleAnyway constraints, over
// every node, and weighs each constraint by the log of its number of domains.
func (PodTopologySpread) PreScore(_ context.Context, state *framework.CycleState, pod *api.Pod, _ []*framework.NodeInfo) *framework.Status {
	cs := constraintsOf(pod, api.ScheduleAnyway)
	if len(cs) == 0 {
		return framework.NewStatus(framework.Skip)
	}
	s := &spreadScore{constraints: cs, counts: countMatching(selectorsOf(state), pod, state.Nodes(), cs), weights: make([]float64, len(cs))}
	for i := range cs {
		s.weights[i] = math.Log(float64(len(s.counts[i]) + 2))
	}
	state.Write(spreadScoreKey, s)
	return nil
}

func (PodTopologySpread) Score(_ context.Context, state *framework.CycleState, _ *api.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	v, ok := state.Read(spreadScoreKey)
	if !ok {
		return 0, nil
	}
	s := v.(*spreadScore)
	var score float64
	for i, c := range s.constraints {
		val, ok := n.Node.Labels[c.TopologyKey]
		if !ok {
			continue
		}
		score += float64(s.counts[i][val]+int64(c.MaxSkew)-1) * s.weights[i]
	}
	return int64(math.Round(score)), nil
}

// NormalizeScore flips the scores: fewer matching pods, higher score.
func (PodTopologySpread) NormalizeScore(_ context.Context, state *framework.CycleState, _ *api.Pod, scores []framework.NodeScore) *framework.Status {
	if _, ok := state.Read(spreadScoreKey); !ok {
		return nil
	}
	minS, maxS := int64(math.MaxInt64), int64(0)
	for _, s := range scores {
		minS, maxS = min(minS, s.Score), max(maxS, s.Score)
	}
	for i := range scores {
		if maxS == 0 {
			scores[i].Score = framework.MaxNodeScore
			continue
		}
		scores[i].Score = framework.MaxNodeScore * (maxS + minS - scores[i].Score) / maxS
	}
	return nil
}
