package api

import (
	"maps"
	"slices"
)

// The DeepCopy methods return copies that share no mutable memory with the original:
// every map, slice and pointer is duplicated (Quantity values are immutable and copied
// as values). Objects read from shared caches must be deep-copied before they are
// changed.

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneEach[T any](s []T, clone func(T) T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i := range s {
		out[i] = clone(s[i])
	}
	return out
}

// DeepCopy returns an independent copy of m.
func (m ObjectMeta) DeepCopy() ObjectMeta {
	out := m
	out.DeletionTimestamp = clonePtr(m.DeletionTimestamp)
	out.DeletionGracePeriodSeconds = clonePtr(m.DeletionGracePeriodSeconds)
	out.Labels = maps.Clone(m.Labels)
	out.Annotations = maps.Clone(m.Annotations)
	out.OwnerReferences = cloneEach(m.OwnerReferences, OwnerReference.DeepCopy)
	out.Finalizers = slices.Clone(m.Finalizers)
	return out
}

// DeepCopy returns an independent copy of r.
func (r OwnerReference) DeepCopy() OwnerReference {
	r.Controller = clonePtr(r.Controller)
	r.BlockOwnerDeletion = clonePtr(r.BlockOwnerDeletion)
	return r
}

// DeepCopy returns an independent copy of m.
func (m ListMeta) DeepCopy() ListMeta {
	m.RemainingItemCount = clonePtr(m.RemainingItemCount)
	return m
}

// DeepCopy returns an independent copy of s (nil stays nil).
func (s *LabelSelector) DeepCopy() *LabelSelector {
	if s == nil {
		return nil
	}
	return &LabelSelector{
		MatchLabels:      maps.Clone(s.MatchLabels),
		MatchExpressions: cloneEach(s.MatchExpressions, LabelSelectorRequirement.DeepCopy),
	}
}

// DeepCopy returns an independent copy of r.
func (r LabelSelectorRequirement) DeepCopy() LabelSelectorRequirement {
	r.Values = slices.Clone(r.Values)
	return r
}

// DeepCopy returns an independent copy of p (nil stays nil).
func (p *Pod) DeepCopy() *Pod {
	if p == nil {
		return nil
	}
	return &Pod{
		TypeMeta:   p.TypeMeta,
		ObjectMeta: p.ObjectMeta.DeepCopy(),
		Spec:       p.Spec.DeepCopy(),
		Status:     p.Status.DeepCopy(),
	}
}

// DeepCopy returns an independent copy of l (nil stays nil).
func (l *PodList) DeepCopy() *PodList {
	if l == nil {
		return nil
	}
	return &PodList{TypeMeta: l.TypeMeta, ListMeta: l.ListMeta.DeepCopy(),
		Items: cloneEach(l.Items, func(p Pod) Pod { return *p.DeepCopy() })}
}

// DeepCopy returns an independent copy of t.
func (t PodTemplateSpec) DeepCopy() PodTemplateSpec {
	return PodTemplateSpec{ObjectMeta: t.ObjectMeta.DeepCopy(), Spec: t.Spec.DeepCopy()}
}

// DeepCopy returns an independent copy of s.
func (s PodSpec) DeepCopy() PodSpec {
	out := s
	out.InitContainers = cloneEach(s.InitContainers, Container.DeepCopy)
	out.Containers = cloneEach(s.Containers, Container.DeepCopy)
	out.TerminationGracePeriodSeconds = clonePtr(s.TerminationGracePeriodSeconds)
	out.ActiveDeadlineSeconds = clonePtr(s.ActiveDeadlineSeconds)
	out.NodeSelector = maps.Clone(s.NodeSelector)
	out.Affinity = s.Affinity.DeepCopy()
	out.Tolerations = cloneEach(s.Tolerations, Toleration.DeepCopy)
	out.Priority = clonePtr(s.Priority)
	out.PreemptionPolicy = clonePtr(s.PreemptionPolicy)
	out.Overhead = s.Overhead.DeepCopy()
	out.TopologySpreadConstraints = cloneEach(s.TopologySpreadConstraints, TopologySpreadConstraint.DeepCopy)
	out.Volumes = cloneEach(s.Volumes, Volume.DeepCopy)
	out.SecurityContext = s.SecurityContext.DeepCopy()
	out.ImagePullSecrets = slices.Clone(s.ImagePullSecrets)
	out.EnableServiceLinks = clonePtr(s.EnableServiceLinks)
	out.AutomountServiceAccountToken = clonePtr(s.AutomountServiceAccountToken)
	return out
}

// DeepCopy returns an independent copy of v.
func (v Volume) DeepCopy() Volume {
	v.VolumeSource = v.VolumeSource.DeepCopy()
	return v
}

// DeepCopy returns an independent copy of s.
func (s VolumeSource) DeepCopy() VolumeSource {
	out := VolumeSource{PersistentVolumeClaim: clonePtr(s.PersistentVolumeClaim)}
	if s.HostPath != nil {
		out.HostPath = &HostPathVolumeSource{Path: s.HostPath.Path, Type: clonePtr(s.HostPath.Type)}
	}
	if s.EmptyDir != nil {
		out.EmptyDir = &EmptyDirVolumeSource{Medium: s.EmptyDir.Medium, SizeLimit: clonePtr(s.EmptyDir.SizeLimit)}
	}
	if s.Secret != nil {
		out.Secret = &SecretVolumeSource{
			SecretName:  s.Secret.SecretName,
			Items:       cloneEach(s.Secret.Items, KeyToPath.DeepCopy),
			DefaultMode: clonePtr(s.Secret.DefaultMode),
			Optional:    clonePtr(s.Secret.Optional),
		}
	}
	if s.DownwardAPI != nil {
		out.DownwardAPI = &DownwardAPIVolumeSource{
			Items: cloneEach(s.DownwardAPI.Items, func(f DownwardAPIVolumeFile) DownwardAPIVolumeFile {
				f.FieldRef = clonePtr(f.FieldRef)
				f.Mode = clonePtr(f.Mode)
				return f
			}),
			DefaultMode: clonePtr(s.DownwardAPI.DefaultMode),
		}
	}
	if s.ConfigMap != nil {
		out.ConfigMap = &ConfigMapVolumeSource{
			LocalObjectReference: s.ConfigMap.LocalObjectReference,
			Items:                cloneEach(s.ConfigMap.Items, KeyToPath.DeepCopy),
			DefaultMode:          clonePtr(s.ConfigMap.DefaultMode),
			Optional:             clonePtr(s.ConfigMap.Optional),
		}
	}
	return out
}

// DeepCopy returns an independent copy of k.
func (k KeyToPath) DeepCopy() KeyToPath {
	k.Mode = clonePtr(k.Mode)
	return k
}

// DeepCopy returns an independent copy of c (nil stays nil).
func (c *PodSecurityContext) DeepCopy() *PodSecurityContext {
	if c == nil {
		return nil
	}
	return &PodSecurityContext{
		RunAsUser:          clonePtr(c.RunAsUser),
		RunAsNonRoot:       clonePtr(c.RunAsNonRoot),
		SupplementalGroups: slices.Clone(c.SupplementalGroups),
		FSGroup:            clonePtr(c.FSGroup),
		RunAsGroup:         clonePtr(c.RunAsGroup),
		SeccompProfile:     c.SeccompProfile.DeepCopy(),
	}
}

// DeepCopy returns an independent copy of p (nil stays nil).
func (p *SeccompProfile) DeepCopy() *SeccompProfile {
	if p == nil {
		return nil
	}
	return &SeccompProfile{Type: p.Type, LocalhostProfile: clonePtr(p.LocalhostProfile)}
}

// DeepCopy returns an independent copy of c (nil stays nil).
func (c *SecurityContext) DeepCopy() *SecurityContext {
	if c == nil {
		return nil
	}
	out := &SecurityContext{
		Privileged:               clonePtr(c.Privileged),
		RunAsUser:                clonePtr(c.RunAsUser),
		RunAsGroup:               clonePtr(c.RunAsGroup),
		RunAsNonRoot:             clonePtr(c.RunAsNonRoot),
		ReadOnlyRootFilesystem:   clonePtr(c.ReadOnlyRootFilesystem),
		AllowPrivilegeEscalation: clonePtr(c.AllowPrivilegeEscalation),
		SeccompProfile:           c.SeccompProfile.DeepCopy(),
	}
	if c.Capabilities != nil {
		out.Capabilities = &Capabilities{Add: slices.Clone(c.Capabilities.Add), Drop: slices.Clone(c.Capabilities.Drop)}
	}
	return out
}

// DeepCopy returns an independent copy of p (nil stays nil).
func (p *Probe) DeepCopy() *Probe {
	if p == nil {
		return nil
	}
	out := *p
	out.TerminationGracePeriodSeconds = clonePtr(p.TerminationGracePeriodSeconds)
	if p.Exec != nil {
		out.Exec = &ExecAction{Command: slices.Clone(p.Exec.Command)}
	}
	if p.HTTPGet != nil {
		h := *p.HTTPGet
		h.HTTPHeaders = slices.Clone(p.HTTPGet.HTTPHeaders)
		out.HTTPGet = &h
	}
	out.TCPSocket = clonePtr(p.TCPSocket)
	if p.GRPC != nil {
		out.GRPC = &GRPCAction{Port: p.GRPC.Port, Service: clonePtr(p.GRPC.Service)}
	}
	return &out
}

// DeepCopy returns an independent copy of a (nil stays nil).
func (a *Affinity) DeepCopy() *Affinity {
	if a == nil {
		return nil
	}
	out := &Affinity{}
	if na := a.NodeAffinity; na != nil {
		out.NodeAffinity = &NodeAffinity{
			PreferredDuringSchedulingIgnoredDuringExecution: cloneEach(na.PreferredDuringSchedulingIgnoredDuringExecution,
				func(p PreferredSchedulingTerm) PreferredSchedulingTerm {
					p.Preference = p.Preference.DeepCopy()
					return p
				}),
		}
		if req := na.RequiredDuringSchedulingIgnoredDuringExecution; req != nil {
			out.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = &NodeSelector{
				NodeSelectorTerms: cloneEach(req.NodeSelectorTerms, NodeSelectorTerm.DeepCopy),
			}
		}
	}
	if pa := a.PodAffinity; pa != nil {
		out.PodAffinity = &PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution:  cloneEach(pa.RequiredDuringSchedulingIgnoredDuringExecution, PodAffinityTerm.DeepCopy),
			PreferredDuringSchedulingIgnoredDuringExecution: cloneEach(pa.PreferredDuringSchedulingIgnoredDuringExecution, cloneWeightedPodAffinityTerm),
		}
	}
	if pa := a.PodAntiAffinity; pa != nil {
		out.PodAntiAffinity = &PodAntiAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution:  cloneEach(pa.RequiredDuringSchedulingIgnoredDuringExecution, PodAffinityTerm.DeepCopy),
			PreferredDuringSchedulingIgnoredDuringExecution: cloneEach(pa.PreferredDuringSchedulingIgnoredDuringExecution, cloneWeightedPodAffinityTerm),
		}
	}
	return out
}

// DeepCopy returns an independent copy of t.
func (t PodAffinityTerm) DeepCopy() PodAffinityTerm {
	t.LabelSelector = t.LabelSelector.DeepCopy()
	t.Namespaces = slices.Clone(t.Namespaces)
	t.NamespaceSelector = t.NamespaceSelector.DeepCopy()
	t.MatchLabelKeys = slices.Clone(t.MatchLabelKeys)
	t.MismatchLabelKeys = slices.Clone(t.MismatchLabelKeys)
	return t
}

func cloneWeightedPodAffinityTerm(t WeightedPodAffinityTerm) WeightedPodAffinityTerm {
	t.PodAffinityTerm = t.PodAffinityTerm.DeepCopy()
	return t
}

// DeepCopy returns an independent copy of c.
func (c TopologySpreadConstraint) DeepCopy() TopologySpreadConstraint {
	c.LabelSelector = c.LabelSelector.DeepCopy()
	c.MinDomains = clonePtr(c.MinDomains)
	c.NodeAffinityPolicy = clonePtr(c.NodeAffinityPolicy)
	c.NodeTaintsPolicy = clonePtr(c.NodeTaintsPolicy)
	c.MatchLabelKeys = slices.Clone(c.MatchLabelKeys)
	return c
}

// DeepCopy returns an independent copy of t.
func (t NodeSelectorTerm) DeepCopy() NodeSelectorTerm {
	return NodeSelectorTerm{
		MatchExpressions: cloneEach(t.MatchExpressions, NodeSelectorRequirement.DeepCopy),
		MatchFields:      cloneEach(t.MatchFields, NodeSelectorRequirement.DeepCopy),
	}
}

// DeepCopy returns an independent copy of r.
func (r NodeSelectorRequirement) DeepCopy() NodeSelectorRequirement {
	r.Values = slices.Clone(r.Values)
	return r
}

// DeepCopy returns an independent copy of t.
func (t Toleration) DeepCopy() Toleration {
	t.TolerationSeconds = clonePtr(t.TolerationSeconds)
	return t
}

// DeepCopy returns an independent copy of c.
func (c Container) DeepCopy() Container {
	out := c
	out.Command = slices.Clone(c.Command)
	out.Args = slices.Clone(c.Args)
	out.Ports = slices.Clone(c.Ports)
	out.Env = cloneEach(c.Env, func(e EnvVar) EnvVar {
		if e.ValueFrom != nil {
			e.ValueFrom = &EnvVarSource{
				FieldRef:        clonePtr(e.ValueFrom.FieldRef),
				ConfigMapKeyRef: cloneKeySelector(e.ValueFrom.ConfigMapKeyRef),
				SecretKeyRef:    cloneKeySelector(e.ValueFrom.SecretKeyRef),
			}
		}
		return e
	})
	out.Resources = ResourceRequirements{
		Limits:   c.Resources.Limits.DeepCopy(),
		Requests: c.Resources.Requests.DeepCopy(),
	}
	out.VolumeMounts = slices.Clone(c.VolumeMounts)
	out.EnvFrom = cloneEach(c.EnvFrom, func(e EnvFromSource) EnvFromSource {
		if e.ConfigMapRef != nil {
			e.ConfigMapRef = &ConfigMapEnvSource{LocalObjectReference: e.ConfigMapRef.LocalObjectReference,
				Optional: clonePtr(e.ConfigMapRef.Optional)}
		}
		if e.SecretRef != nil {
			e.SecretRef = &SecretEnvSource{LocalObjectReference: e.SecretRef.LocalObjectReference,
				Optional: clonePtr(e.SecretRef.Optional)}
		}
		return e
	})
	out.LivenessProbe = c.LivenessProbe.DeepCopy()
	out.ReadinessProbe = c.ReadinessProbe.DeepCopy()
	out.StartupProbe = c.StartupProbe.DeepCopy()
	out.SecurityContext = c.SecurityContext.DeepCopy()
	return out
}

func cloneKeySelector(k *KeySelector) *KeySelector {
	if k == nil {
		return nil
	}
	out := *k
	out.Optional = clonePtr(k.Optional)
	return &out
}

// DeepCopy returns an independent copy of s.
func (s PodStatus) DeepCopy() PodStatus {
	out := s
	out.Conditions = slices.Clone(s.Conditions)
	out.HostIPs = slices.Clone(s.HostIPs)
	out.PodIPs = slices.Clone(s.PodIPs)
	out.StartTime = clonePtr(s.StartTime)
	out.InitContainerStatuses = cloneEach(s.InitContainerStatuses, ContainerStatus.DeepCopy)
	out.ContainerStatuses = cloneEach(s.ContainerStatuses, ContainerStatus.DeepCopy)
	return out
}

// DeepCopy returns an independent copy of s.
func (s ContainerStatus) DeepCopy() ContainerStatus {
	s.State = s.State.DeepCopy()
	s.LastTerminationState = s.LastTerminationState.DeepCopy()
	s.Started = clonePtr(s.Started)
	return s
}

// DeepCopy returns an independent copy of s.
func (s ContainerState) DeepCopy() ContainerState {
	return ContainerState{
		Waiting:    clonePtr(s.Waiting),
		Running:    clonePtr(s.Running),
		Terminated: clonePtr(s.Terminated),
	}
}

// DeepCopy returns an independent copy of b (nil stays nil).
func (b *Binding) DeepCopy() *Binding {
	if b == nil {
		return nil
	}
	return &Binding{TypeMeta: b.TypeMeta, ObjectMeta: b.ObjectMeta.DeepCopy(), Target: b.Target}
}

// DeepCopy returns an independent copy of n (nil stays nil).
func (n *Node) DeepCopy() *Node {
	if n == nil {
		return nil
	}
	out := &Node{TypeMeta: n.TypeMeta, ObjectMeta: n.ObjectMeta.DeepCopy(), Spec: n.Spec, Status: n.Status}
	out.Spec.PodCIDRs = slices.Clone(n.Spec.PodCIDRs)
	out.Spec.Taints = cloneEach(n.Spec.Taints, func(t Taint) Taint {
		t.TimeAdded = clonePtr(t.TimeAdded)
		return t
	})
	out.Status.Capacity = n.Status.Capacity.DeepCopy()
	out.Status.Allocatable = n.Status.Allocatable.DeepCopy()
	out.Status.Conditions = slices.Clone(n.Status.Conditions)
	out.Status.Addresses = slices.Clone(n.Status.Addresses)
	out.Status.Images = cloneEach(n.Status.Images, func(i ContainerImage) ContainerImage {
		i.Names = slices.Clone(i.Names)
		return i
	})
	return out
}

// DeepCopy returns an independent copy of l (nil stays nil).
func (l *NodeList) DeepCopy() *NodeList {
	if l == nil {
		return nil
	}
	return &NodeList{TypeMeta: l.TypeMeta, ListMeta: l.ListMeta.DeepCopy(),
		Items: cloneEach(l.Items, func(n Node) Node { return *n.DeepCopy() })}
}

// DeepCopy returns an independent copy of n (nil stays nil).
func (n *Namespace) DeepCopy() *Namespace {
	if n == nil {
		return nil
	}
	out := &Namespace{TypeMeta: n.TypeMeta, ObjectMeta: n.ObjectMeta.DeepCopy(), Spec: n.Spec, Status: n.Status}
	out.Spec.Finalizers = slices.Clone(n.Spec.Finalizers)
	out.Status.Conditions = slices.Clone(n.Status.Conditions)
	return out
}

// DeepCopy returns an independent copy of l (nil stays nil).
func (l *NamespaceList) DeepCopy() *NamespaceList {
	if l == nil {
		return nil
	}
	return &NamespaceList{TypeMeta: l.TypeMeta, ListMeta: l.ListMeta.DeepCopy(),
		Items: cloneEach(l.Items, func(n Namespace) Namespace { return *n.DeepCopy() })}
}

// DeepCopy returns an independent copy of e (nil stays nil).
func (e *Event) DeepCopy() *Event {
	if e == nil {
		return nil
	}
	out := *e
	out.ObjectMeta = e.ObjectMeta.DeepCopy()
	out.Series = clonePtr(e.Series)
	out.Related = clonePtr(e.Related)
	return &out
}

// DeepCopy returns an independent copy of l (nil stays nil).
func (l *EventList) DeepCopy() *EventList {
	if l == nil {
		return nil
	}
	return &EventList{TypeMeta: l.TypeMeta, ListMeta: l.ListMeta.DeepCopy(),
		Items: cloneEach(l.Items, func(e Event) Event { return *e.DeepCopy() })}
}

// DeepCopy returns an independent copy of rs (nil stays nil).
func (rs *ReplicaSet) DeepCopy() *ReplicaSet {
	if rs == nil {
		return nil
	}
	out := &ReplicaSet{TypeMeta: rs.TypeMeta, ObjectMeta: rs.ObjectMeta.DeepCopy(), Spec: rs.Spec, Status: rs.Status}
	out.Spec.Replicas = clonePtr(rs.Spec.Replicas)
	out.Spec.Selector = rs.Spec.Selector.DeepCopy()
	out.Spec.Template = rs.Spec.Template.DeepCopy()
	out.Status.Conditions = slices.Clone(rs.Status.Conditions)
	return out
}

// DeepCopy returns an independent copy of l (nil stays nil).
func (l *ReplicaSetList) DeepCopy() *ReplicaSetList {
	if l == nil {
		return nil
	}
	return &ReplicaSetList{TypeMeta: l.TypeMeta, ListMeta: l.ListMeta.DeepCopy(),
		Items: cloneEach(l.Items, func(rs ReplicaSet) ReplicaSet { return *rs.DeepCopy() })}
}

// DeepCopy returns an independent copy of s (nil stays nil).
func (s *Scale) DeepCopy() *Scale {
	if s == nil {
		return nil
	}
	return &Scale{TypeMeta: s.TypeMeta, ObjectMeta: s.ObjectMeta.DeepCopy(), Spec: s.Spec, Status: s.Status}
}

// DeepCopy returns an independent copy of l (nil stays nil).
func (l *Lease) DeepCopy() *Lease {
	if l == nil {
		return nil
	}
	out := &Lease{TypeMeta: l.TypeMeta, ObjectMeta: l.ObjectMeta.DeepCopy()}
	out.Spec = LeaseSpec{
		HolderIdentity:       clonePtr(l.Spec.HolderIdentity),
		LeaseDurationSeconds: clonePtr(l.Spec.LeaseDurationSeconds),
		AcquireTime:          clonePtr(l.Spec.AcquireTime),
		RenewTime:            clonePtr(l.Spec.RenewTime),
		LeaseTransitions:     clonePtr(l.Spec.LeaseTransitions),
	}
	return out
}

// DeepCopy returns an independent copy of l (nil stays nil).
func (l *LeaseList) DeepCopy() *LeaseList {
	if l == nil {
		return nil
	}
	return &LeaseList{TypeMeta: l.TypeMeta, ListMeta: l.ListMeta.DeepCopy(),
		Items: cloneEach(l.Items, func(x Lease) Lease { return *x.DeepCopy() })}
}

// DeepCopy returns an independent copy of p (nil stays nil).
func (p *PartialObjectMetadata) DeepCopy() *PartialObjectMetadata {
	if p == nil {
		return nil
	}
	return &PartialObjectMetadata{TypeMeta: p.TypeMeta, ObjectMeta: p.ObjectMeta.DeepCopy()}
}

// DeepCopy returns an independent copy of l (nil stays nil).
func (l *PartialObjectMetadataList) DeepCopy() *PartialObjectMetadataList {
	if l == nil {
		return nil
	}
	return &PartialObjectMetadataList{TypeMeta: l.TypeMeta, ListMeta: l.ListMeta.DeepCopy(),
		Items: cloneEach(l.Items, func(p PartialObjectMetadata) PartialObjectMetadata { return *p.DeepCopy() })}
}

// DeepCopy returns an independent copy of t (nil stays nil). Cells are copied as JSON
// values: maps and slices are duplicated, other values are immutable.
func (t *Table) DeepCopy() *Table {
	if t == nil {
		return nil
	}
	return &Table{
		TypeMeta:          t.TypeMeta,
		ListMeta:          t.ListMeta.DeepCopy(),
		ColumnDefinitions: slices.Clone(t.ColumnDefinitions),
		Rows: cloneEach(t.Rows, func(r TableRow) TableRow {
			r.Cells = cloneEach(r.Cells, cloneJSONValue)
			r.Conditions = slices.Clone(r.Conditions)
			r.Object = slices.Clone(r.Object)
			return r
		}),
	}
}

func cloneJSONValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = cloneJSONValue(e)
		}
		return out
	case []any:
		return cloneEach(v, cloneJSONValue)
	default:
		return v
	}
}

// DeepCopyObject returns an independent copy of p as an Object.
func (p *Pod) DeepCopyObject() Object { return p.DeepCopy() }

// DeepCopyObject returns an independent copy of n as an Object.
func (n *Node) DeepCopyObject() Object { return n.DeepCopy() }

// DeepCopyObject returns an independent copy of n as an Object.
func (n *Namespace) DeepCopyObject() Object { return n.DeepCopy() }

// DeepCopyObject returns an independent copy of e as an Object.
func (e *Event) DeepCopyObject() Object { return e.DeepCopy() }

// DeepCopyObject returns an independent copy of rs as an Object.
func (rs *ReplicaSet) DeepCopyObject() Object { return rs.DeepCopy() }

// DeepCopyObject returns an independent copy of l as an Object.
func (l *Lease) DeepCopyObject() Object { return l.DeepCopy() }

// DeepCopyObject returns an independent copy of b as an Object.
func (b *Binding) DeepCopyObject() Object { return b.DeepCopy() }

// DeepCopyObject returns an independent copy of s as an Object.
func (s *Scale) DeepCopyObject() Object { return s.DeepCopy() }

// DeepCopyObject returns an independent copy of p as an Object.
func (p *PartialObjectMetadata) DeepCopyObject() Object { return p.DeepCopy() }

// DeepCopyList returns an independent copy of l as a ListObject.
func (l *PodList) DeepCopyList() ListObject { return l.DeepCopy() }

// DeepCopyList returns an independent copy of l as a ListObject.
func (l *NodeList) DeepCopyList() ListObject { return l.DeepCopy() }

// DeepCopyList returns an independent copy of l as a ListObject.
func (l *NamespaceList) DeepCopyList() ListObject { return l.DeepCopy() }

// DeepCopyList returns an independent copy of l as a ListObject.
func (l *EventList) DeepCopyList() ListObject { return l.DeepCopy() }

// DeepCopyList returns an independent copy of l as a ListObject.
func (l *ReplicaSetList) DeepCopyList() ListObject { return l.DeepCopy() }

// DeepCopyList returns an independent copy of l as a ListObject.
func (l *LeaseList) DeepCopyList() ListObject { return l.DeepCopy() }

// DeepCopyList returns an independent copy of l as a ListObject.
func (l *PartialObjectMetadataList) DeepCopyList() ListObject { return l.DeepCopy() }
