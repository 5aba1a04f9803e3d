package plugins

import (
	"context"
	"math"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
)

// topologyPair is one topology domain: a node label and its value.
type topologyPair struct{ key, value string }

// InterPodAffinity places pods by the pods already running: required pod affinity
// and anti-affinity (the pod's own, and the anti-affinity of pods already there) as a
// filter, preferred terms as a score.
type InterPodAffinity struct {
	// NamespaceLabels returns a namespace's labels, for terms with a
	// namespaceSelector. Nil means such selectors match only when empty (all
	// namespaces).
	NamespaceLabels func(namespace string) map[string]string
}

func (InterPodAffinity) Name() string { return NameInterPodAffinity }

const (
	interPodKey      = "PreFilter" + NameInterPodAffinity
	interPodScoreKey = "PreScore" + NameInterPodAffinity

	errReasonExistingAntiAffinity = "node(s) didn't satisfy existing pods anti-affinity rules"
	errReasonAntiAffinity         = "node(s) didn't match pod anti-affinity rules"
	errReasonPodAffinity          = "node(s) didn't match pod affinity rules"
)

type interPodState struct {
	existingAnti map[topologyPair]int64
	affinity     map[topologyPair]int64
	anti         map[topologyPair]int64
	terms        []api.PodAffinityTerm
	antiTerms    []api.PodAffinityTerm
}

// termMatches reports whether the term, written on a pod in namespace ownerNS,
// selects pod.
func (p InterPodAffinity) termMatches(sels *selectors, term *api.PodAffinityTerm, ownerNS string, pod *api.Pod) bool {
	if !sels.matches(term.LabelSelector, pod.Labels) {
		return false
	}
	if len(term.Namespaces) == 0 && term.NamespaceSelector == nil {
		return pod.Namespace == ownerNS
	}
	if contains(term.Namespaces, pod.Namespace) {
		return true
	}
	if term.NamespaceSelector == nil {
		return false
	}
	if len(term.NamespaceSelector.MatchLabels) == 0 && len(term.NamespaceSelector.MatchExpressions) == 0 {
		return true // {} selects every namespace
	}
	if p.NamespaceLabels == nil {
		return false
	}
	return sels.matches(term.NamespaceSelector, p.NamespaceLabels(pod.Namespace))
}

func requiredTerms(pod *api.Pod) (affinity, anti []api.PodAffinityTerm) {
	a := pod.Spec.Affinity
	if a == nil {
		return nil, nil
	}
	if a.PodAffinity != nil {
		affinity = a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	}
	if a.PodAntiAffinity != nil {
		anti = a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	}
	return affinity, anti
}

func (p InterPodAffinity) PreFilter(_ context.Context, state *framework.CycleState, pod *api.Pod, nodes []*framework.NodeInfo) *framework.Status {
	sels := selectorsOf(state)
	s := &interPodState{existingAnti: map[topologyPair]int64{}, affinity: map[topologyPair]int64{}, anti: map[topologyPair]int64{}}
	s.terms, s.antiTerms = requiredTerms(pod)
	for _, n := range nodes {
		// The anti-affinity of pods already there, against this pod.
		for _, ep := range n.PodsWithRequiredAntiAffinity {
			_, epAnti := requiredTerms(ep.Pod)
			for i := range epAnti {
				if p.termMatches(sels, &epAnti[i], ep.Pod.Namespace, pod) {
					if v, ok := n.Node.Labels[epAnti[i].TopologyKey]; ok {
						s.existingAnti[topologyPair{epAnti[i].TopologyKey, v}]++
					}
				}
			}
		}
		if len(s.terms) == 0 && len(s.antiTerms) == 0 {
			continue
		}
		for _, ep := range n.Pods {
			if len(s.terms) > 0 && p.matchesAll(sels, s.terms, pod.Namespace, ep.Pod) {
				for _, t := range s.terms {
					if v, ok := n.Node.Labels[t.TopologyKey]; ok {
						s.affinity[topologyPair{t.TopologyKey, v}]++
					}
				}
			}
			for i := range s.antiTerms {
				if p.termMatches(sels, &s.antiTerms[i], pod.Namespace, ep.Pod) {
					if v, ok := n.Node.Labels[s.antiTerms[i].TopologyKey]; ok {
						s.anti[topologyPair{s.antiTerms[i].TopologyKey, v}]++
					}
				}
			}
		}
	}
	state.Write(interPodKey, s)
	if len(s.terms) == 0 && len(s.antiTerms) == 0 && len(s.existingAnti) == 0 {
		return framework.NewStatus(framework.Skip) // nothing to check: Filter does not run
	}
	return nil
}

func (p InterPodAffinity) matchesAll(sels *selectors, terms []api.PodAffinityTerm, ownerNS string, pod *api.Pod) bool {
	for i := range terms {
		if !p.termMatches(sels, &terms[i], ownerNS, pod) {
			return false
		}
	}
	return true
}

func (p InterPodAffinity) Filter(_ context.Context, state *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) *framework.Status {
	v, ok := state.Read(interPodKey)
	if !ok {
		return framework.NewStatus(framework.Error, "InterPodAffinity: PreFilter did not run")
	}
	s := v.(*interPodState)
	sels := selectorsOf(state)
	for k, val := range n.Node.Labels {
		if s.existingAnti[topologyPair{k, val}] > 0 {
			return framework.NewStatus(framework.Unschedulable, errReasonExistingAntiAffinity)
		}
	}
	for _, t := range s.antiTerms {
		if val, ok := n.Node.Labels[t.TopologyKey]; ok && s.anti[topologyPair{t.TopologyKey, val}] > 0 {
			return framework.NewStatus(framework.Unschedulable, errReasonAntiAffinity)
		}
	}
	if len(s.terms) == 0 {
		return nil
	}
	satisfied := true
	for _, t := range s.terms {
		val, ok := n.Node.Labels[t.TopologyKey]
		if !ok || s.affinity[topologyPair{t.TopologyKey, val}] <= 0 {
			satisfied = false
			break
		}
	}
	if satisfied {
		return nil
	}
	// The first pod of a group that wants to be together goes anywhere its terms'
	// topology keys exist.
	if len(s.affinity) == 0 && p.matchesAll(sels, s.terms, pod.Namespace, pod) {
		for _, t := range s.terms {
			if _, ok := n.Node.Labels[t.TopologyKey]; !ok {
				return framework.NewStatus(framework.UnschedulableAndUnresolvable, errReasonPodAffinity)
			}
		}
		return nil
	}
	return framework.NewStatus(framework.UnschedulableAndUnresolvable, errReasonPodAffinity)
}

// PreScore sums, per topology domain, the weights of the preferred terms (the pod's,
// and those of pods already there) that pods in the domain satisfy; anti-affinity
// counts against.
// The pods of every node count, not only those of the feasible nodes.
func (p InterPodAffinity) PreScore(_ context.Context, state *framework.CycleState, pod *api.Pod, _ []*framework.NodeInfo) *framework.Status {
	all := state.Nodes()
	sels := selectorsOf(state)
	scores := map[topologyPair]int64{}
	var pref, prefAnti []api.WeightedPodAffinityTerm
	if a := pod.Spec.Affinity; a != nil {
		if a.PodAffinity != nil {
			pref = a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution
		}
		if a.PodAntiAffinity != nil {
			prefAnti = a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution
		}
	}
	add := func(n *framework.NodeInfo, key string, w int64) {
		if v, ok := n.Node.Labels[key]; ok {
			scores[topologyPair{key, v}] += w
		}
	}
	for _, n := range all {
		pods := n.PodsWithAffinity
		if len(pref)+len(prefAnti) > 0 {
			pods = n.Pods
		}
		for _, ep := range pods {
			for i := range pref {
				if p.termMatches(sels, &pref[i].PodAffinityTerm, pod.Namespace, ep.Pod) {
					add(n, pref[i].PodAffinityTerm.TopologyKey, int64(pref[i].Weight))
				}
			}
			for i := range prefAnti {
				if p.termMatches(sels, &prefAnti[i].PodAffinityTerm, pod.Namespace, ep.Pod) {
					add(n, prefAnti[i].PodAffinityTerm.TopologyKey, -int64(prefAnti[i].Weight))
				}
			}
			// Symmetry: the existing pod's terms about this pod.
			a := ep.Pod.Spec.Affinity
			if a == nil {
				continue
			}
			if a.PodAffinity != nil {
				for i := range a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
					t := &a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[i]
					if p.termMatches(sels, t, ep.Pod.Namespace, pod) {
						add(n, t.TopologyKey, hardPodAffinityWeight)
					}
				}
				for i := range a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
					t := &a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution[i]
					if p.termMatches(sels, &t.PodAffinityTerm, ep.Pod.Namespace, pod) {
						add(n, t.PodAffinityTerm.TopologyKey, int64(t.Weight))
					}
				}
			}
			if a.PodAntiAffinity != nil {
				for i := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
					t := &a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[i]
					if p.termMatches(sels, &t.PodAffinityTerm, ep.Pod.Namespace, pod) {
						add(n, t.PodAffinityTerm.TopologyKey, -int64(t.Weight))
					}
				}
			}
		}
	}
	if len(scores) == 0 {
		return framework.NewStatus(framework.Skip)
	}
	state.Write(interPodScoreKey, scores)
	return nil
}

// hardPodAffinityWeight is the score weight of an existing pod's required affinity
// that the incoming pod satisfies (kube-scheduler's default).
const hardPodAffinityWeight = 1

func (InterPodAffinity) Score(_ context.Context, state *framework.CycleState, _ *api.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	v, ok := state.Read(interPodScoreKey)
	if !ok {
		return 0, nil
	}
	scores := v.(map[topologyPair]int64)
	var s int64
	for k, val := range n.Node.Labels {
		s += scores[topologyPair{k, val}]
	}
	return s, nil
}

func (InterPodAffinity) NormalizeScore(_ context.Context, _ *framework.CycleState, _ *api.Pod, scores []framework.NodeScore) *framework.Status {
	minS, maxS := int64(math.MaxInt64), int64(math.MinInt64)
	for _, s := range scores {
		minS, maxS = min(minS, s.Score), max(maxS, s.Score)
	}
	for i := range scores {
		if maxS-minS > 0 {
			scores[i].Score = framework.MaxNodeScore * (scores[i].Score - minS) / (maxS - minS)
		} else {
			scores[i].Score = 0
		}
	}
	return nil
}
