package api

import "slices"

// Deployment declares the pods of an application and rolls them from one template to
// the next through replica sets (apps/v1).
type Deployment struct {
	TypeMeta   `json:",inline"`
	ObjectMeta `json:"metadata,omitempty"`
	Spec       DeploymentSpec   `json:"spec,omitempty"`
	Status     DeploymentStatus `json:"status,omitempty"`
}

// DeploymentList is a list of Deployments.
type DeploymentList struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty"`
	Items    []Deployment `json:"items"`
}

// DeploymentSpec is the desired state of a Deployment.
type DeploymentSpec struct {
	// Replicas is the number of pods wanted; it defaults to 1.
	Replicas *int32 `json:"replicas,omitempty"`
	// Selector must match Template's labels; it is immutable. It selects the replica
	// sets (and through them the pods) the deployment owns.
	Selector *LabelSelector `json:"selector"`
	// Template is the pod template of the newest replica set. Its restartPolicy must
	// be Always.
	Template PodTemplateSpec `json:"template"`
	// Strategy says how pods of an old template are replaced by pods of the new one.
	Strategy DeploymentStrategy `json:"strategy,omitempty"`
	// MinReadySeconds is how long a new pod must have been ready, with no container
	// crashing, to count as available; 0 means as soon as it is ready.
	MinReadySeconds int32 `json:"minReadySeconds,omitempty"`
	// RevisionHistoryLimit is the number of old, scaled-down replica sets kept for
	// rollbacks; it defaults to 10.
	RevisionHistoryLimit *int32 `json:"revisionHistoryLimit,omitempty"`
	// Paused stops the rollout of template changes.
	Paused bool `json:"paused,omitempty"`
	// ProgressDeadlineSeconds is how long a rollout may go without progress before the
	// Progressing condition turns False with reason ProgressDeadlineExceeded; it
	// defaults to 600 and must exceed MinReadySeconds.
	ProgressDeadlineSeconds *int32 `json:"progressDeadlineSeconds,omitempty"`
}

// DefaultDeploymentUniqueLabelKey is the label the deployment controller adds to the
// selector, template and pods of each of its replica sets, holding a hash of the pod
// template, so that the replica sets of one deployment select disjoint pods.
const DefaultDeploymentUniqueLabelKey = "pod-template-hash"

// DeploymentStrategy says how a Deployment replaces old pods with new ones.
type DeploymentStrategy struct {
	// Type is Recreate or RollingUpdate; it defaults to RollingUpdate.
	Type DeploymentStrategyType `json:"type,omitempty"`
	// RollingUpdate tunes a RollingUpdate strategy; it must be nil for Recreate.
	RollingUpdate *RollingUpdateDeployment `json:"rollingUpdate,omitempty"`
}

// DeploymentStrategyType names a deployment strategy.
type DeploymentStrategyType string

// The deployment strategies.
const (
	// RecreateDeploymentStrategyType deletes every old pod before creating new ones.
	RecreateDeploymentStrategyType DeploymentStrategyType = "Recreate"
	// RollingUpdateDeploymentStrategyType scales the new replica set up and the old
	// ones down gradually, within RollingUpdateDeployment's bounds.
	RollingUpdateDeploymentStrategyType DeploymentStrategyType = "RollingUpdate"
)

// RollingUpdateDeployment bounds a rolling update. Each bound is a number of pods or a
// percentage ("25%") of spec.replicas; both default to 25% and may not both be 0.
type RollingUpdateDeployment struct {
	// MaxUnavailable is how many pods may be unavailable during the update; a
	// percentage is rounded down.
	MaxUnavailable *IntOrString `json:"maxUnavailable,omitempty"`
	// MaxSurge is how many pods may exist above spec.replicas during the update; a
	// percentage is rounded up.
	MaxSurge *IntOrString `json:"maxSurge,omitempty"`
}

// DeploymentStatus is the observed state of a Deployment. Every count is of pods
// selected by the deployment; all but terminatingReplicas count only pods that are
// not terminating.
type DeploymentStatus struct {
	// ObservedGeneration is the generation of the spec the controller last acted on.
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Replicas counts the pods.
	Replicas int32 `json:"replicas,omitempty"`
	// UpdatedReplicas counts the pods of the current template.
	UpdatedReplicas int32 `json:"updatedReplicas,omitempty"`
	// ReadyReplicas counts the pods whose Ready condition is True.
	ReadyReplicas int32 `json:"readyReplicas,omitempty"`
	// AvailableReplicas counts the pods ready for at least minReadySeconds.
	AvailableReplicas int32 `json:"availableReplicas,omitempty"`
	// UnavailableReplicas is the number of pods still missing for the deployment to be
	// fully available: pods not yet available and pods not yet created.
	UnavailableReplicas int32 `json:"unavailableReplicas,omitempty"`
	// TerminatingReplicas counts the pods being deleted that have not yet Succeeded
	// or Failed; nil when not tracked.
	TerminatingReplicas *int32 `json:"terminatingReplicas,omitempty"`
	// Conditions are the latest observations, at most one per type.
	Conditions []DeploymentCondition `json:"conditions,omitempty"`
	// CollisionCount counts the hash collisions met when naming the newest replica
	// set; the controller mixes it into the hash. It never decreases.
	CollisionCount *int32 `json:"collisionCount,omitempty"`
}

// DeploymentConditionType names a Deployment condition.
type DeploymentConditionType string

// The Deployment conditions.
const (
	// DeploymentAvailable is True when at least the minimum number of pods
	// (spec.replicas less maxUnavailable) have been available for minReadySeconds.
	DeploymentAvailable DeploymentConditionType = "Available"
	// DeploymentProgressing is True while a rollout makes progress or has completed,
	// and False once it has made none for progressDeadlineSeconds.
	DeploymentProgressing DeploymentConditionType = "Progressing"
	// DeploymentReplicaFailure is set when pods of a replica set cannot be created or
	// deleted.
	DeploymentReplicaFailure DeploymentConditionType = "ReplicaFailure"
)

// DeploymentCondition is one condition of a Deployment.
type DeploymentCondition struct {
	Type   DeploymentConditionType `json:"type"`
	Status ConditionStatus         `json:"status"`
	// LastUpdateTime is when the condition was last written, even with no change.
	LastUpdateTime Time `json:"lastUpdateTime,omitempty"`
	// LastTransitionTime is when Status last changed.
	LastTransitionTime Time   `json:"lastTransitionTime,omitempty"`
	Reason             string `json:"reason,omitempty"`
	Message            string `json:"message,omitempty"`
}

// DeepCopy returns an independent copy of d (nil stays nil).
func (d *Deployment) DeepCopy() *Deployment {
	if d == nil {
		return nil
	}
	return &Deployment{
		TypeMeta:   d.TypeMeta,
		ObjectMeta: d.ObjectMeta.DeepCopy(),
		Spec:       d.Spec.DeepCopy(),
		Status:     d.Status.DeepCopy(),
	}
}

// DeepCopy returns an independent copy of l (nil stays nil).
func (l *DeploymentList) DeepCopy() *DeploymentList {
	if l == nil {
		return nil
	}
	return &DeploymentList{TypeMeta: l.TypeMeta, ListMeta: l.ListMeta.DeepCopy(),
		Items: cloneEach(l.Items, func(d Deployment) Deployment { return *d.DeepCopy() })}
}

// DeepCopy returns an independent copy of s.
func (s DeploymentSpec) DeepCopy() DeploymentSpec {
	out := s
	out.Replicas = clonePtr(s.Replicas)
	out.Selector = s.Selector.DeepCopy()
	out.Template = s.Template.DeepCopy()
	out.Strategy = s.Strategy.DeepCopy()
	out.RevisionHistoryLimit = clonePtr(s.RevisionHistoryLimit)
	out.ProgressDeadlineSeconds = clonePtr(s.ProgressDeadlineSeconds)
	return out
}

// DeepCopy returns an independent copy of s.
func (s DeploymentStrategy) DeepCopy() DeploymentStrategy {
	return DeploymentStrategy{Type: s.Type, RollingUpdate: s.RollingUpdate.DeepCopy()}
}

// DeepCopy returns an independent copy of r (nil stays nil).
func (r *RollingUpdateDeployment) DeepCopy() *RollingUpdateDeployment {
	if r == nil {
		return nil
	}
	return &RollingUpdateDeployment{MaxUnavailable: clonePtr(r.MaxUnavailable), MaxSurge: clonePtr(r.MaxSurge)}
}

// DeepCopy returns an independent copy of s. Conditions hold no references, so
// copying the slice copies them.
func (s DeploymentStatus) DeepCopy() DeploymentStatus {
	out := s
	out.TerminatingReplicas = clonePtr(s.TerminatingReplicas)
	out.Conditions = slices.Clone(s.Conditions)
	out.CollisionCount = clonePtr(s.CollisionCount)
	return out
}

// DeepCopyObject returns an independent copy of d as an Object.
func (d *Deployment) DeepCopyObject() Object { return d.DeepCopy() }

// DeepCopyList returns an independent copy of l as a ListObject.
func (l *DeploymentList) DeepCopyList() ListObject { return l.DeepCopy() }

// A Deployment is an Object and a DeploymentList a ListObject.
var (
	_ Object     = (*Deployment)(nil)
	_ ListObject = (*DeploymentList)(nil)
)
