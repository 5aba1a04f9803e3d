package api

// Affinity groups a pod's scheduling constraints relative to nodes and to other pods.
type Affinity struct {
	// NodeAffinity constrains the nodes the pod may run on, by their labels and fields.
	NodeAffinity *NodeAffinity `json:"nodeAffinity,omitempty"`
	// PodAffinity co-locates the pod with pods matching its terms.
	PodAffinity *PodAffinity `json:"podAffinity,omitempty"`
	// PodAntiAffinity keeps the pod away from pods matching its terms.
	PodAntiAffinity *PodAntiAffinity `json:"podAntiAffinity,omitempty"`
}

// NodeAffinity constrains the nodes a pod may run on.
type NodeAffinity struct {
	// RequiredDuringSchedulingIgnoredDuringExecution must match for the pod to be
	// scheduled onto a node.
	RequiredDuringSchedulingIgnoredDuringExecution *NodeSelector `json:"requiredDuringSchedulingIgnoredDuringExecution,omitempty"`
	// PreferredDuringSchedulingIgnoredDuringExecution ranks the nodes that fit: a node
	// scores the weights of the terms it matches.
	PreferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm `json:"preferredDuringSchedulingIgnoredDuringExecution,omitempty"`
}

// NodeSelector matches a node when any of its terms matches.
type NodeSelector struct {
	NodeSelectorTerms []NodeSelectorTerm `json:"nodeSelectorTerms"`
}

// NodeSelectorTerm matches a node when all its requirements hold. An empty term
// matches no node.
type NodeSelectorTerm struct {
	// MatchExpressions are requirements on the node's labels.
	MatchExpressions []NodeSelectorRequirement `json:"matchExpressions,omitempty"`
	// MatchFields are requirements on the node's fields; only metadata.name is
	// supported.
	MatchFields []NodeSelectorRequirement `json:"matchFields,omitempty"`
}

// NodeSelectorOperator is the operator of a NodeSelectorRequirement.
type NodeSelectorOperator string

// The node selector operators. Gt and Lt compare the label's value and the single
// value of the requirement as integers.
const (
	NodeSelectorOpIn           NodeSelectorOperator = "In"
	NodeSelectorOpNotIn        NodeSelectorOperator = "NotIn"
	NodeSelectorOpExists       NodeSelectorOperator = "Exists"
	NodeSelectorOpDoesNotExist NodeSelectorOperator = "DoesNotExist"
	NodeSelectorOpGt           NodeSelectorOperator = "Gt"
	NodeSelectorOpLt           NodeSelectorOperator = "Lt"
)

// NodeSelectorRequirement is one requirement on a node label or field.
type NodeSelectorRequirement struct {
	Key      string               `json:"key"`
	Operator NodeSelectorOperator `json:"operator"`
	// Values is non-empty for In and NotIn, empty for Exists and DoesNotExist, and one
	// value for Gt and Lt.
	Values []string `json:"values,omitempty"`
}

// PreferredSchedulingTerm is a weighted node preference.
type PreferredSchedulingTerm struct {
	// Weight is in the range 1-100.
	Weight     int32            `json:"weight"`
	Preference NodeSelectorTerm `json:"preference"`
}

// PodAffinity co-locates a pod with other pods: in the same topology domain (node,
// zone, ...) as pods matching its terms.
type PodAffinity struct {
	// RequiredDuringSchedulingIgnoredDuringExecution must all hold for the pod to be
	// scheduled onto a node.
	RequiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm `json:"requiredDuringSchedulingIgnoredDuringExecution,omitempty"`
	// PreferredDuringSchedulingIgnoredDuringExecution adds its weights to the score of
	// the nodes whose domain holds matching pods.
	PreferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm `json:"preferredDuringSchedulingIgnoredDuringExecution,omitempty"`
}

// PodAntiAffinity keeps a pod out of the topology domains (node, zone, ...) that hold
// pods matching its terms.
type PodAntiAffinity struct {
	// RequiredDuringSchedulingIgnoredDuringExecution must all hold for the pod to be
	// scheduled onto a node.
	RequiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm `json:"requiredDuringSchedulingIgnoredDuringExecution,omitempty"`
	// PreferredDuringSchedulingIgnoredDuringExecution subtracts its weights from the
	// score of the nodes whose domain holds matching pods.
	PreferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm `json:"preferredDuringSchedulingIgnoredDuringExecution,omitempty"`
}

// PodAffinityTerm selects a set of pods, by labels and namespaces, and the topology
// within which the pod is (or is not) placed with them: nodes sharing the value of the
// label TopologyKey form one domain.
type PodAffinityTerm struct {
	// LabelSelector selects the pods; nil matches no pod.
	LabelSelector *LabelSelector `json:"labelSelector,omitempty"`
	// Namespaces are namespace names the term applies to, in addition to those
	// NamespaceSelector selects. Both empty means the pod's own namespace.
	Namespaces []string `json:"namespaces,omitempty"`
	// TopologyKey is the node label whose values define the domains; required.
	TopologyKey string `json:"topologyKey"`
	// NamespaceSelector selects namespaces by label; an empty selector selects all.
	NamespaceSelector *LabelSelector `json:"namespaceSelector,omitempty"`
	// MatchLabelKeys are pod label keys whose values, taken from the incoming pod, are
	// added to LabelSelector as "key in (value)". Set only with LabelSelector.
	MatchLabelKeys []string `json:"matchLabelKeys,omitempty"`
	// MismatchLabelKeys are pod label keys whose values, taken from the incoming pod,
	// are added to LabelSelector as "key notin (value)". Set only with LabelSelector.
	MismatchLabelKeys []string `json:"mismatchLabelKeys,omitempty"`
}

// WeightedPodAffinityTerm is a preferred pod (anti-)affinity term with its weight.
type WeightedPodAffinityTerm struct {
	// Weight is in the range 1-100.
	Weight          int32           `json:"weight"`
	PodAffinityTerm PodAffinityTerm `json:"podAffinityTerm"`
}
