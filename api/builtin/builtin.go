// Package builtin registers the kinds Orrery serves out of the box: core/v1 Pod, Node,
// Namespace and Event, apps/v1 ReplicaSet and Deployment, coordination.k8s.io/v1 Lease.
// Each is one registration (api.Register) carrying its names, defaults, validation,
// selectable fields, strategy, strategic-merge rules, the Table columns of Kubernetes'
// printers and the protobuf message with Kubernetes' field numbers; a program that serves kinds of its own registers them into the
// same Registry.
package builtin

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/protoschema"
	"github.com/orrery-dev/orrery/api/validation"
)

// Options tune the built-in kinds' strategies. The zero value is Kubernetes' defaults.
type Options struct {
	// DefaultNotReadyTolerationSeconds and DefaultUnreachableTolerationSeconds are the
	// tolerationSeconds of the node.kubernetes.io/not-ready and
	// node.kubernetes.io/unreachable NoExecute tolerations a pod gets on create when it
	// has none of its own, as Kubernetes' DefaultTolerationSeconds admission and its
	// --default-not-ready-toleration-seconds and
	// --default-unreachable-toleration-seconds flags. Nil means 300.
	DefaultNotReadyTolerationSeconds, DefaultUnreachableTolerationSeconds *int64
}

// Registry returns a new Registry holding the built-in kinds with Kubernetes' defaults.
func Registry() *api.Registry {
	r, err := RegistryWith(Options{})
	if err != nil {
		panic(err) // the built-in registrations are fixed: a test proves they succeed
	}
	return r
}

// RegistryWith returns a new Registry holding the built-in kinds tuned by opts.
func RegistryWith(opts Options) (*api.Registry, error) {
	r := api.NewRegistry()
	if err := RegisterWith(r, opts); err != nil {
		return nil, err
	}
	return r, nil
}

// Register registers the built-in kinds into r, in a fixed order.
func Register(r *api.Registry) error { return RegisterWith(r, Options{}) }

// RegisterWith registers the built-in kinds tuned by opts into r, in a fixed order.
func RegisterWith(r *api.Registry, opts Options) error {
	notReady, unreachable := defaultTolerationSeconds, defaultTolerationSeconds
	for _, o := range []struct {
		flag string
		v    *int64
		into *int64
	}{
		{"DefaultNotReadyTolerationSeconds", opts.DefaultNotReadyTolerationSeconds, &notReady},
		{"DefaultUnreachableTolerationSeconds", opts.DefaultUnreachableTolerationSeconds, &unreachable},
	} {
		if o.v == nil {
			continue
		}
		if *o.v < 0 {
			return fmt.Errorf("builtin: %s must not be negative, got %d", o.flag, *o.v)
		}
		*o.into = *o.v
	}
	defaults := []api.Toleration{
		{Key: taintNotReady, Operator: api.TolerationOpExists, Effect: api.TaintEffectNoExecute, TolerationSeconds: &notReady},
		{Key: taintUnreachable, Operator: api.TolerationOpExists, Effect: api.TaintEffectNoExecute, TolerationSeconds: &unreachable},
	}
	for _, register := range []func(*api.Registry) error{
		func(r *api.Registry) error { return pods(r, defaults) },
		nodes, namespaces, events, replicaSets, leases, deployments, podDisruptionBudgets,
	} {
		if err := register(r); err != nil {
			return err
		}
	}
	return nil
}

// The strategic-merge-patch rules of Kubernetes' types (their patchStrategy and
// patchMergeKey tags), by field path.
var (
	merge       = func(key string) api.MergeRule { return api.MergeRule{Strategy: "merge", Key: key} }
	mergeRetain = func(key string) api.MergeRule { return api.MergeRule{Strategy: "merge,retainKeys", Key: key} }
)

// mergeRules joins rule sets, each below its prefix ("spec." for a pod's spec).
func mergeRules(sets ...map[string]api.MergeRule) map[string]api.MergeRule {
	out := map[string]api.MergeRule{}
	for _, set := range sets {
		for path, r := range set {
			out[path] = r
		}
	}
	return out
}

func prefixed(prefix string, rules map[string]api.MergeRule) map[string]api.MergeRule {
	out := make(map[string]api.MergeRule, len(rules))
	for path, r := range rules {
		out[prefix+path] = r
	}
	return out
}

// objectMetaRules are meta/v1 ObjectMeta's (for embedded metadata: a template's).
func objectMetaRules() map[string]api.MergeRule {
	return map[string]api.MergeRule{"finalizers": merge(""), "ownerReferences": merge("uid")}
}

// podSpecRules are core/v1 PodSpec's, with Container's in each list of containers.
func podSpecRules() map[string]api.MergeRule {
	rules := map[string]api.MergeRule{
		"volumes":                   mergeRetain("name"),
		"imagePullSecrets":          merge("name"),
		"hostAliases":               merge("ip"),
		"topologySpreadConstraints": merge("topologyKey"),
		"schedulingGates":           merge("name"),
		"resourceClaims":            mergeRetain("name"),
	}
	for _, list := range []string{"initContainers", "containers", "ephemeralContainers"} {
		rules[list] = merge("name")
		rules[list+".ports"] = merge("containerPort")
		rules[list+".env"] = merge("name")
		rules[list+".volumeMounts"] = merge("mountPath")
		rules[list+".volumeDevices"] = merge("devicePath")
	}
	return rules
}

// podTemplateRules are those of a workload's spec.template.
func podTemplateRules() map[string]api.MergeRule {
	return mergeRules(prefixed("spec.template.metadata.", objectMetaRules()), prefixed("spec.template.spec.", podSpecRules()))
}

// The OpenAPI schema name prefixes of Kubernetes' API groups.
const (
	core = "io.k8s.api.core.v1."
	apps = "io.k8s.api.apps.v1."
)

// causes adapts a validator to a registration.
func causes[T any](f func(T) validation.ErrorList) func(T) []api.StatusCause {
	return func(obj T) []api.StatusCause { return f(obj).Causes() }
}

// causes2 adapts an update validator to a registration.
func causes2[T any](f func(T, T) validation.ErrorList) func(T, T) []api.StatusCause {
	return func(obj, old T) []api.StatusCause { return f(obj, old).Causes() }
}

// pods registers core/v1 Pod; tolerations are those a pod gets on create unless it
// tolerates their taints itself.
func pods(r *api.Registry, tolerations []api.Toleration) error {
	return api.Register(r, api.Kind[*api.Pod]{
		Protobuf:       podMsg,
		ProtobufBodies: map[string]*protoschema.Message{"Binding": bindingMsg},
		Version:        "v1", Kind: "Pod", SchemaPrefix: core, Resource: "pods", Namespaced: true,
		ShortNames: []string{"po"}, Categories: []string{"all"},
		Subresources:        []string{"status", "binding", "eviction"},
		ReturnDeletedObject: true,
		NewList:             func() api.ListObject { return &api.PodList{} },
		Default:             validation.DefaultPod,
		PrepareForCreate: func(p *api.Pod) {
			p.Status = api.PodStatus{Phase: api.PodPending, QOSClass: qosClass(&p.Spec)}
			addDefaultTolerations(&p.Spec, tolerations)
		},
		Validate:             causes(validation.ValidatePod),
		ValidateUpdate:       causes2(validation.ValidatePodUpdate),
		ValidateStatusUpdate: causes2(validation.ValidatePodStatusUpdate),
		MergeRules: mergeRules(prefixed("spec.", podSpecRules()), map[string]api.MergeRule{
			"status.conditions":            merge("type"),
			"status.podIPs":                merge("ip"),
			"status.hostIPs":               merge("ip"),
			"status.resourceClaimStatuses": mergeRetain("name"),
		}),
		SelectableFields: func(p *api.Pod) map[string]string {
			podIP := p.Status.PodIP
			if podIP == "" && len(p.Status.PodIPs) > 0 {
				podIP = p.Status.PodIPs[0].IP
			}
			return map[string]string{
				"spec.nodeName":            p.Spec.NodeName,
				"spec.restartPolicy":       string(p.Spec.RestartPolicy),
				"spec.schedulerName":       p.Spec.SchedulerName,
				"spec.serviceAccountName":  p.Spec.ServiceAccountName,
				"spec.hostNetwork":         strconv.FormatBool(p.Spec.HostNetwork),
				"status.phase":             string(p.Status.Phase),
				"status.podIP":             podIP,
				"status.nominatedNodeName": p.Status.NominatedNodeName,
			}
		},
		IndexFields: []string{"spec.nodeName"},
		GracePeriod: podGracePeriod,
		Columns:     podColumns(),
		Row:         podRow,
	})
}

// podGracePeriod: only pods bound to a node and not finished have a grace period (the
// kubelet stops them); the request's gracePeriodSeconds, else the pod's
// terminationGracePeriodSeconds, else 30.
func podGracePeriod(pod *api.Pod, opts *api.DeleteOptions) int64 {
	if pod.Spec.NodeName == "" {
		return 0 // never scheduled: nothing runs it, nothing to wait for
	}
	if pod.Status.Phase == api.PodSucceeded || pod.Status.Phase == api.PodFailed {
		return 0
	}
	if opts != nil && opts.GracePeriodSeconds != nil {
		return max(*opts.GracePeriodSeconds, 0)
	}
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		return *pod.Spec.TerminationGracePeriodSeconds
	}
	return 30
}

// qosClass is the quality-of-service class of a pod, as Kubernetes computes it.
func qosClass(spec *api.PodSpec) api.PodQOSClass {
	requests, limits := 0, 0
	guaranteed := true
	for _, c := range spec.Containers {
		requests += len(c.Resources.Requests)
		limits += len(c.Resources.Limits)
		for _, name := range []api.ResourceName{api.ResourceCPU, api.ResourceMemory} {
			l, hasLimit := c.Resources.Limits[name]
			r, hasRequest := c.Resources.Requests[name]
			if !hasLimit || (hasRequest && r.Cmp(l) != 0) {
				guaranteed = false
			}
		}
	}
	switch {
	case requests == 0 && limits == 0:
		return api.PodQOSBestEffort
	case guaranteed:
		return api.PodQOSGuaranteed
	}
	return api.PodQOSBurstable
}

func nodes(r *api.Registry) error {
	return api.Register(r, api.Kind[*api.Node]{
		Protobuf: nodeMsg,
		Version:  "v1", Kind: "Node", SchemaPrefix: core, Resource: "nodes",
		ShortNames: []string{"no"}, Subresources: []string{"status"},
		NewList: func() api.ListObject { return &api.NodeList{} },
		Default: validation.DefaultNode,
		// A node keeps the status it is created with: the kubelet registers it so.
		Validate:             causes(validation.ValidateNode),
		ValidateUpdate:       causes2(validation.ValidateNodeUpdate),
		ValidateStatusUpdate: causes2(validation.ValidateNodeUpdate),
		MergeRules: map[string]api.MergeRule{
			"spec.podCIDRs":     merge(""),
			"status.conditions": merge("type"),
			"status.addresses":  merge("type"),
		},
		SelectableFields: func(n *api.Node) map[string]string {
			return map[string]string{"spec.unschedulable": strconv.FormatBool(n.Spec.Unschedulable)}
		},
		Columns: nodeColumns(),
		Row:     nodeRow,
	})
}

func namespaces(r *api.Registry) error {
	return api.Register(r, api.Kind[*api.Namespace]{
		Protobuf: namespaceMsg,
		Version:  "v1", Kind: "Namespace", SchemaPrefix: core, Resource: "namespaces",
		ShortNames: []string{"ns"}, Subresources: []string{"status", "finalize"},
		// As in Kubernetes, namespaces cannot be deleted as a collection.
		Verbs:   []string{"create", "delete", "get", "list", "patch", "update", "watch"},
		NewList: func() api.ListObject { return &api.NamespaceList{} },
		Default: validation.DefaultNamespace,
		PrepareForCreate: func(ns *api.Namespace) {
			ns.Status = api.NamespaceStatus{Phase: api.NamespaceActive}
			if !slices.Contains(ns.Spec.Finalizers, api.FinalizerKubernetes) {
				ns.Spec.Finalizers = append(ns.Spec.Finalizers, api.FinalizerKubernetes)
			}
		},
		PrepareForUpdate: func(ns, old *api.Namespace) {
			// Namespace finalizers change through the finalize subresource only.
			ns.Spec.Finalizers = old.Spec.Finalizers
		},
		PrepareForDelete:     func(ns *api.Namespace) { ns.Status.Phase = api.NamespaceTerminating },
		Finalizing:           func(ns *api.Namespace) bool { return len(ns.Spec.Finalizers) > 0 },
		Validate:             causes(validation.ValidateNamespace),
		ValidateUpdate:       causes2(validation.ValidateNamespaceUpdate),
		ValidateStatusUpdate: causes2(validation.ValidateNamespaceStatusUpdate),
		MergeRules:           map[string]api.MergeRule{"status.conditions": merge("type")},
		SelectableFields: func(ns *api.Namespace) map[string]string {
			return map[string]string{"status.phase": string(ns.Status.Phase), "name": ns.Name}
		},
		Columns: namespaceColumns(),
		Row:     namespaceRow,
	})
}

func events(r *api.Registry) error {
	return api.Register(r, api.Kind[*api.Event]{
		Protobuf: eventMsg,
		Version:  "v1", Kind: "Event", SchemaPrefix: core, Resource: "events", Namespaced: true,
		ShortNames: []string{"ev"}, Expires: true, AllowCreateOnUpdate: true,
		NewList:        func() api.ListObject { return &api.EventList{} },
		Validate:       causes(validation.ValidateEvent),
		ValidateUpdate: causes2(validation.ValidateEventUpdate),
		SelectableFields: func(ev *api.Event) map[string]string {
			return map[string]string{
				"involvedObject.kind":            ev.InvolvedObject.Kind,
				"involvedObject.namespace":       ev.InvolvedObject.Namespace,
				"involvedObject.name":            ev.InvolvedObject.Name,
				"involvedObject.uid":             ev.InvolvedObject.UID,
				"involvedObject.apiVersion":      ev.InvolvedObject.APIVersion,
				"involvedObject.resourceVersion": ev.InvolvedObject.ResourceVersion,
				"involvedObject.fieldPath":       ev.InvolvedObject.FieldPath,
				"reason":                         ev.Reason,
				"reportingComponent":             ev.ReportingComponent,
				"source":                         ev.Source.Component,
				"type":                           ev.Type,
			}
		},
		Columns: eventColumns(),
		Row:     eventRow,
	})
}

func replicaSets(r *api.Registry) error {
	return api.Register(r, api.Kind[*api.ReplicaSet]{
		Protobuf: replicaSetMsg,
		Group:    "apps", Version: "v1", Kind: "ReplicaSet", Resource: "replicasets", Namespaced: true,
		StorageKey: "replicasets", SchemaPrefix: apps,
		ShortNames: []string{"rs"}, Categories: []string{"all"},
		Subresources:         []string{"status", "scale"},
		NewList:              func() api.ListObject { return &api.ReplicaSetList{} },
		Default:              validation.DefaultReplicaSet,
		PrepareForCreate:     func(rs *api.ReplicaSet) { rs.Status = api.ReplicaSetStatus{} },
		Validate:             causes(validation.ValidateReplicaSet),
		ValidateUpdate:       causes2(validation.ValidateReplicaSetUpdate),
		ValidateStatusUpdate: causes2(validation.ValidateReplicaSetStatusUpdate),
		MergeRules:           mergeRules(podTemplateRules(), map[string]api.MergeRule{"status.conditions": merge("type")}),
		SelectableFields: func(rs *api.ReplicaSet) map[string]string {
			return map[string]string{"status.replicas": strconv.Itoa(int(rs.Status.Replicas))}
		},
		Replicas: func(rs *api.ReplicaSet) (int32, int32, *api.LabelSelector) {
			return ptrValue(rs.Spec.Replicas), rs.Status.Replicas, rs.Spec.Selector
		},
		SetReplicas: func(rs *api.ReplicaSet, n int32) { rs.Spec.Replicas = &n },
		Columns:     replicaSetColumns(),
		Row:         replicaSetRow,
	})
}

func deployments(r *api.Registry) error {
	return api.Register(r, api.Kind[*api.Deployment]{
		Protobuf: deploymentMsg,
		Group:    "apps", Version: "v1", Kind: "Deployment", Resource: "deployments", Namespaced: true,
		StorageKey: "deployments", SchemaPrefix: apps, Descriptions: deploymentDescriptions(),
		ShortNames: []string{"deploy"}, Categories: []string{"all"},
		Subresources:         []string{"status", "scale"},
		NewList:              func() api.ListObject { return &api.DeploymentList{} },
		Default:              validation.DefaultDeployment,
		PrepareForCreate:     func(d *api.Deployment) { d.Status = api.DeploymentStatus{} },
		Validate:             causes(validation.ValidateDeployment),
		ValidateUpdate:       causes2(validation.ValidateDeploymentUpdate),
		ValidateStatusUpdate: causes2(validation.ValidateDeploymentStatusUpdate),
		MergeRules:           mergeRules(podTemplateRules(), map[string]api.MergeRule{"status.conditions": merge("type")}),
		Replicas: func(d *api.Deployment) (int32, int32, *api.LabelSelector) {
			return ptrValue(d.Spec.Replicas), d.Status.Replicas, d.Spec.Selector
		},
		SetReplicas: func(d *api.Deployment, n int32) { d.Spec.Replicas = &n },
		Columns:     deploymentColumns(),
		Row:         deploymentRow,
	})
}

func ptrValue(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

func leases(r *api.Registry) error {
	return api.Register(r, api.Kind[*api.Lease]{
		Protobuf: leaseMsg,
		Group:    "coordination.k8s.io", Version: "v1", Kind: "Lease", Resource: "leases", Namespaced: true,
		StorageKey: "leases", SchemaPrefix: "io.k8s.api.coordination.v1.",
		AllowCreateOnUpdate: true,
		NewList:             func() api.ListObject { return &api.LeaseList{} },
		Validate:            causes(validation.ValidateLease),
		ValidateUpdate:      causes2(validation.ValidateLeaseUpdate),
		Columns:             leaseColumns(),
		Row:                 leaseRow,
	})
}

// The tolerations Kubernetes' DefaultTolerationSeconds admission gives every pod that
// has none of its own for these taints: a pod stays 5 minutes on a node that stopped
// being ready or reachable before it is evicted.
const (
	taintNotReady            = "node.kubernetes.io/not-ready"
	taintUnreachable         = "node.kubernetes.io/unreachable"
	defaultTolerationSeconds = int64(300)
)

// addDefaultTolerations appends each of defaults whose taint spec does not tolerate
// already (a toleration of the same key, or of every key, for NoExecute or every
// effect), each with its own copy of tolerationSeconds.
func addDefaultTolerations(spec *api.PodSpec, defaults []api.Toleration) {
	has := func(key string) bool {
		for _, t := range spec.Tolerations {
			if (t.Key == key || t.Key == "") && (t.Effect == api.TaintEffectNoExecute || t.Effect == "") {
				return true
			}
		}
		return false
	}
	for _, t := range defaults {
		if !has(t.Key) {
			secs := *t.TolerationSeconds
			t.TolerationSeconds = &secs
			spec.Tolerations = append(spec.Tolerations, t)
		}
	}
}
