package api

import "strconv"

// KindInfo describes one kind Orrery serves: where it lives in the API and how to make
// empty values of it.
type KindInfo struct {
	// Group is the API group: "" for core, "apps", "coordination.k8s.io".
	Group string
	// Version is the API version within the group: "v1".
	Version string
	// Kind is the kind's name: "Pod".
	Kind string
	// ListKind is the kind of its list: "PodList".
	ListKind string
	// Resource is the plural, lower-case resource name in URLs: "pods".
	Resource string
	// SingularName is the singular resource name: "pod".
	SingularName string
	// Namespaced says whether objects live in namespaces.
	Namespaced bool
	// ShortNames are kubectl's abbreviations: "po".
	ShortNames []string
	// Categories group resources for kubectl ("all").
	Categories []string
	// Subresources are the subresources served under each object: "status", "binding".
	Subresources []string
	// Verbs are the verbs the resource itself serves, as discovery lists them.
	Verbs []string
	// ReturnDeletedObject says that a DELETE of an object removed at once answers with
	// the object, in its last state, not a Status, as Kubernetes does for pods.
	ReturnDeletedObject bool
	// Expires says that objects of the kind expire a while after their last write (the
	// apiserver's --event-ttl), as Kubernetes stores Events.
	Expires bool
	// New returns an empty object of the kind with its TypeMeta set.
	New func() Object
	// NewList returns an empty list of the kind with its TypeMeta set.
	NewList func() ListObject
}

// APIVersion returns the group/version string: "v1" for core, else "group/version".
func (k KindInfo) APIVersion() string {
	if k.Group == "" {
		return k.Version
	}
	return k.Group + "/" + k.Version
}

// GroupResource returns the kind's group and resource.
func (k KindInfo) GroupResource() GroupResource {
	return GroupResource{Group: k.Group, Resource: k.Resource}
}

// Kinds returns the kinds Orrery serves, in a fixed order. Each call returns fresh
// values the caller may keep or change.
func Kinds() []KindInfo {
	core := func(kind string) TypeMeta { return TypeMeta{Kind: kind, APIVersion: "v1"} }
	apps := func(kind string) TypeMeta { return TypeMeta{Kind: kind, APIVersion: "apps/v1"} }
	coord := func(kind string) TypeMeta { return TypeMeta{Kind: kind, APIVersion: "coordination.k8s.io/v1"} }
	all := func() []string {
		return []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	}
	return []KindInfo{
		{
			Version: "v1", Kind: "Pod", ListKind: "PodList", Resource: "pods", SingularName: "pod",
			Namespaced: true, ShortNames: []string{"po"}, Categories: []string{"all"},
			Subresources:        []string{"status", "binding"},
			Verbs:               all(),
			ReturnDeletedObject: true,
			New:                 func() Object { return &Pod{TypeMeta: core("Pod")} },
			NewList:             func() ListObject { return &PodList{TypeMeta: core("PodList")} },
		},
		{
			Version: "v1", Kind: "Node", ListKind: "NodeList", Resource: "nodes", SingularName: "node",
			ShortNames: []string{"no"}, Subresources: []string{"status"},
			Verbs:   all(),
			New:     func() Object { return &Node{TypeMeta: core("Node")} },
			NewList: func() ListObject { return &NodeList{TypeMeta: core("NodeList")} },
		},
		{
			Version: "v1", Kind: "Namespace", ListKind: "NamespaceList", Resource: "namespaces", SingularName: "namespace",
			ShortNames: []string{"ns"}, Subresources: []string{"status", "finalize"},
			// As in Kubernetes, namespaces cannot be deleted as a collection.
			Verbs:   []string{"create", "delete", "get", "list", "patch", "update", "watch"},
			New:     func() Object { return &Namespace{TypeMeta: core("Namespace")} },
			NewList: func() ListObject { return &NamespaceList{TypeMeta: core("NamespaceList")} },
		},
		{
			Version: "v1", Kind: "Event", ListKind: "EventList", Resource: "events", SingularName: "event",
			Namespaced: true, ShortNames: []string{"ev"},
			Verbs: all(), Expires: true,
			New:     func() Object { return &Event{TypeMeta: core("Event")} },
			NewList: func() ListObject { return &EventList{TypeMeta: core("EventList")} },
		},
		{
			Group: "apps", Version: "v1", Kind: "ReplicaSet", ListKind: "ReplicaSetList", Resource: "replicasets",
			SingularName: "replicaset", Namespaced: true, ShortNames: []string{"rs"}, Categories: []string{"all"},
			Subresources: []string{"status", "scale"},
			Verbs:        all(),
			New:          func() Object { return &ReplicaSet{TypeMeta: apps("ReplicaSet")} },
			NewList:      func() ListObject { return &ReplicaSetList{TypeMeta: apps("ReplicaSetList")} },
		},
		{
			Group: "coordination.k8s.io", Version: "v1", Kind: "Lease", ListKind: "LeaseList", Resource: "leases",
			SingularName: "lease", Namespaced: true,
			Verbs:   all(),
			New:     func() Object { return &Lease{TypeMeta: coord("Lease")} },
			NewList: func() ListObject { return &LeaseList{TypeMeta: coord("LeaseList")} },
		},
	}
}

// KindByResource returns the kind served as group/resource ("apps", "replicasets").
func KindByResource(group, resource string) (KindInfo, bool) {
	for _, k := range Kinds() {
		if k.Group == group && k.Resource == resource {
			return k, true
		}
	}
	return KindInfo{}, false
}

// KindOf returns the kind of obj, judged by its Go type, not its TypeMeta.
func KindOf(obj Object) (KindInfo, bool) {
	var want string
	switch obj.(type) {
	case *Pod:
		want = "Pod"
	case *Node:
		want = "Node"
	case *Namespace:
		want = "Namespace"
	case *Event:
		want = "Event"
	case *ReplicaSet:
		want = "ReplicaSet"
	case *Lease:
		want = "Lease"
	default:
		return KindInfo{}, false
	}
	for _, k := range Kinds() {
		if k.Kind == want {
			return k, true
		}
	}
	return KindInfo{}, false
}

// SelectableFields returns the fields a field selector may test on obj, with their
// values, as Kubernetes defines them per kind. Every kind has metadata.name; namespaced
// kinds also metadata.namespace. Pods add spec.nodeName, spec.restartPolicy,
// spec.schedulerName, spec.serviceAccountName, spec.hostNetwork, status.phase,
// status.podIP and status.nominatedNodeName; nodes spec.unschedulable; namespaces
// status.phase (and the legacy "name"); replicasets status.replicas; events their
// involvedObject.*, reason, reportingComponent, source and type.
func SelectableFields(obj Object) map[string]string {
	meta := obj.GetObjectMeta()
	fields := map[string]string{"metadata.name": meta.Name}
	namespaced := func() { fields["metadata.namespace"] = meta.Namespace }
	switch o := obj.(type) {
	case *Pod:
		namespaced()
		podIP := o.Status.PodIP
		if podIP == "" && len(o.Status.PodIPs) > 0 {
			podIP = o.Status.PodIPs[0].IP
		}
		fields["spec.nodeName"] = o.Spec.NodeName
		fields["spec.restartPolicy"] = string(o.Spec.RestartPolicy)
		fields["spec.schedulerName"] = o.Spec.SchedulerName
		fields["spec.serviceAccountName"] = o.Spec.ServiceAccountName
		fields["spec.hostNetwork"] = strconv.FormatBool(o.Spec.HostNetwork)
		fields["status.phase"] = string(o.Status.Phase)
		fields["status.podIP"] = podIP
		fields["status.nominatedNodeName"] = o.Status.NominatedNodeName
	case *Node:
		fields["spec.unschedulable"] = strconv.FormatBool(o.Spec.Unschedulable)
	case *Namespace:
		fields["status.phase"] = string(o.Status.Phase)
		fields["name"] = meta.Name
	case *Event:
		namespaced()
		fields["involvedObject.kind"] = o.InvolvedObject.Kind
		fields["involvedObject.namespace"] = o.InvolvedObject.Namespace
		fields["involvedObject.name"] = o.InvolvedObject.Name
		fields["involvedObject.uid"] = o.InvolvedObject.UID
		fields["involvedObject.apiVersion"] = o.InvolvedObject.APIVersion
		fields["involvedObject.resourceVersion"] = o.InvolvedObject.ResourceVersion
		fields["involvedObject.fieldPath"] = o.InvolvedObject.FieldPath
		fields["reason"] = o.Reason
		fields["reportingComponent"] = o.ReportingComponent
		fields["source"] = o.Source.Component
		fields["type"] = o.Type
	case *ReplicaSet:
		namespaced()
		fields["status.replicas"] = strconv.Itoa(int(o.Status.Replicas))
	default:
		if meta.Namespace != "" {
			namespaced()
		} else if k, ok := KindOf(obj); ok && k.Namespaced {
			namespaced()
		}
	}
	return fields
}

// Every kind is an Object and every list a ListObject.
var (
	_ Object     = (*Pod)(nil)
	_ Object     = (*Node)(nil)
	_ Object     = (*Namespace)(nil)
	_ Object     = (*Event)(nil)
	_ Object     = (*ReplicaSet)(nil)
	_ Object     = (*Lease)(nil)
	_ Object     = (*Binding)(nil)
	_ Object     = (*Scale)(nil)
	_ Object     = (*PartialObjectMetadata)(nil)
	_ ListObject = (*PodList)(nil)
	_ ListObject = (*NodeList)(nil)
	_ ListObject = (*NamespaceList)(nil)
	_ ListObject = (*EventList)(nil)
	_ ListObject = (*ReplicaSetList)(nil)
	_ ListObject = (*LeaseList)(nil)
	_ ListObject = (*PartialObjectMetadataList)(nil)
	_ ListObject = (*Table)(nil)
	_ error      = (*Status)(nil)
)
