package api

// PodDisruptionBudget bounds the voluntary disruptions (evictions) of a set of pods
// (policy/v1).
type PodDisruptionBudget struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`
	Spec       PodDisruptionBudgetSpec   `json:"spec,omitempty"`
	Status     PodDisruptionBudgetStatus `json:"status,omitempty"`
}

// PodDisruptionBudgetList is a list of PodDisruptionBudgets.
type PodDisruptionBudgetList struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty"`
	Items    []PodDisruptionBudget `json:"items"`
}

// PodDisruptionBudgetSpec says which pods the budget covers and how many must stay:
// at least MinAvailable, or at most MaxUnavailable missing (one of the two).
type PodDisruptionBudgetSpec struct {
	MinAvailable   *IntOrString   `json:"minAvailable,omitempty"`
	Selector       *LabelSelector `json:"selector,omitempty"`
	MaxUnavailable *IntOrString   `json:"maxUnavailable,omitempty"`
	// UnhealthyPodEvictionPolicy is IfHealthyBudget or AlwaysAllow.
	UnhealthyPodEvictionPolicy *string `json:"unhealthyPodEvictionPolicy,omitempty"`
}

// PodDisruptionBudgetStatus is what the disruption controller observed.
type PodDisruptionBudgetStatus struct {
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// DisruptedPods are pods evicted whose deletion has not been seen yet, with the
	// time of the eviction.
	DisruptedPods      map[string]Time `json:"disruptedPods,omitempty"`
	DisruptionsAllowed int32           `json:"disruptionsAllowed"`
	CurrentHealthy     int32           `json:"currentHealthy"`
	DesiredHealthy     int32           `json:"desiredHealthy"`
	ExpectedPods       int32           `json:"expectedPods"`
	Conditions         []Condition     `json:"conditions,omitempty"`
}

// Eviction asks the apiserver to delete a pod if its disruption budgets allow it: the
// body of POST pods/{name}/eviction (policy/v1).
type Eviction struct {
	TypeMeta      `json:",inline"`
	ObjectMeta    `json:"metadata,omitempty"`
	DeleteOptions *DeleteOptions `json:"deleteOptions,omitempty"`
}

// Condition is a condition of the meta/v1 shape, as newer kinds use.
type Condition struct {
	Type               string          `json:"type"`
	Status             ConditionStatus `json:"status"`
	ObservedGeneration int64           `json:"observedGeneration,omitempty"`
	LastTransitionTime Time            `json:"lastTransitionTime"`
	Reason             string          `json:"reason"`
	Message            string          `json:"message"`
}

// The disruption condition.
const (
	DisruptionAllowedCondition = "DisruptionAllowed"
	// SufficientPodsReason and InsufficientPodsReason explain it.
	SufficientPodsReason   = "SufficientPods"
	InsufficientPodsReason = "InsufficientPods"
	SyncFailedReason       = "SyncFailed"
)

// DeepCopy returns an independent copy of p (nil stays nil).
func (p *PodDisruptionBudget) DeepCopy() *PodDisruptionBudget {
	if p == nil {
		return nil
	}
	out := &PodDisruptionBudget{TypeMeta: p.TypeMeta, ObjectMeta: p.ObjectMeta.DeepCopy(), Spec: p.Spec, Status: p.Status}
	out.Spec.MinAvailable = clonePtr(p.Spec.MinAvailable)
	out.Spec.MaxUnavailable = clonePtr(p.Spec.MaxUnavailable)
	out.Spec.Selector = p.Spec.Selector.DeepCopy()
	out.Spec.UnhealthyPodEvictionPolicy = clonePtr(p.Spec.UnhealthyPodEvictionPolicy)
	if p.Status.DisruptedPods != nil {
		out.Status.DisruptedPods = make(map[string]Time, len(p.Status.DisruptedPods))
		for k, v := range p.Status.DisruptedPods {
			out.Status.DisruptedPods[k] = v
		}
	}
	out.Status.Conditions = append([]Condition(nil), p.Status.Conditions...)
	return out
}

// DeepCopyObject returns an independent copy of p as an Object.
func (p *PodDisruptionBudget) DeepCopyObject() Object { return p.DeepCopy() }

// DeepCopy returns an independent copy of l (nil stays nil).
func (l *PodDisruptionBudgetList) DeepCopy() *PodDisruptionBudgetList {
	if l == nil {
		return nil
	}
	return &PodDisruptionBudgetList{TypeMeta: l.TypeMeta, ListMeta: l.ListMeta.DeepCopy(),
		Items: cloneEach(l.Items, func(p PodDisruptionBudget) PodDisruptionBudget { return *p.DeepCopy() })}
}

// DeepCopyList returns an independent copy of l as a ListObject.
func (l *PodDisruptionBudgetList) DeepCopyList() ListObject { return l.DeepCopy() }
