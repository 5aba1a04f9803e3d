package patch

import (
	"fmt"
	"strings"
)

// Patch strategies, as written in Kubernetes' patchStrategy struct tags.
const (
	// StrategyMerge merges a list element by element: lists of objects by their merge
	// key, lists of primitives as sets.
	StrategyMerge = "merge"
	// StrategyReplace replaces the value wholesale; it is what a list without a strategy
	// gets.
	StrategyReplace = "replace"
	// StrategyRetainKeys marks a union type: a patch may carry a $retainKeys directive
	// that clears every field it does not list.
	StrategyRetainKeys = "retainKeys"
	// StrategyMergeRetainKeys is StrategyMerge for the list, with union-typed elements.
	StrategyMergeRetainKeys = "merge,retainKeys"
)

// Schema is the strategic merge patch metadata of a JSON value: what Kubernetes reads
// from the patchStrategy and patchMergeKey struct tags of its API types.
//
// A nil *Schema, or a field missing from Fields, means "no metadata": objects merge,
// lists are replaced. A Schema must not be modified while a patch is using it.
type Schema struct {
	// Fields holds, for an object, the schema of each field by its JSON name.
	Fields map[string]*Schema
	// PatchStrategy is the strategy of this value: "" (the default: objects merge,
	// lists are replaced), StrategyMerge, StrategyReplace, StrategyRetainKeys or
	// StrategyMergeRetainKeys.
	PatchStrategy string
	// PatchMergeKey is, for a merged list of objects, the field that identifies an
	// element (for example "name" for containers). Lists of primitives have none.
	PatchMergeKey string
	// Elem is, for a list, the schema of its elements.
	Elem *Schema
}

// field returns the schema of the named field; nil when there is none.
func (s *Schema) field(name string) *Schema {
	if s == nil {
		return nil
	}
	return s.Fields[name]
}

// elem returns the schema of list elements; nil when there is none.
func (s *Schema) elem() *Schema {
	if s == nil {
		return nil
	}
	return s.Elem
}

// mergeKey returns the merge key of a list; "" when there is none.
func (s *Schema) mergeKey() string {
	if s == nil {
		return ""
	}
	return s.PatchMergeKey
}

// strategy returns the patch strategy other than retainKeys ("" if there is none), as
// Kubernetes splits a combined tag.
func (s *Schema) strategy() (string, error) {
	if s == nil || s.PatchStrategy == "" {
		return "", nil
	}
	parts := strings.Split(s.PatchStrategy, ",")
	switch len(parts) {
	case 1:
		if parts[0] == StrategyRetainKeys {
			return "", nil
		}
		return parts[0], nil
	case 2:
		switch {
		case parts[0] == StrategyRetainKeys:
			return parts[1], nil
		case parts[1] == StrategyRetainKeys:
			return parts[0], nil
		}
	}
	return "", fmt.Errorf("unexpected patch strategy: %v", parts)
}

// SchemaFor returns the strategic merge patch schema of a kind Orrery serves: "Pod",
// "Node", "Namespace", "Event", "ReplicaSet", "Deployment", "Lease", "Binding" and
// "Scale". It is built
// from the patchStrategy and patchMergeKey tags of Kubernetes' core/v1, apps/v1,
// coordination/v1, autoscaling/v1 and meta/v1 types. Every call returns a new Schema,
// which callers may keep and share. Unknown kinds give nil, which merges no lists.
//
// Lists Kubernetes gives no strategy are replaced by a patch; among them pod
// tolerations, node taints, container command, args and envFrom, pod and container
// status lists, and namespace spec.finalizers.
func SchemaFor(kind string) *Schema {
	switch kind {
	case "Pod":
		return &Schema{Fields: map[string]*Schema{
			"metadata": objectMetaSchema(),
			"spec":     podSpecSchema(),
			"status":   podStatusSchema(),
		}}
	case "ReplicaSet", "Deployment":
		return &Schema{Fields: map[string]*Schema{
			"metadata": objectMetaSchema(),
			"spec": {Fields: map[string]*Schema{
				"template": podTemplateSpecSchema(),
			}},
			"status": {Fields: map[string]*Schema{
				"conditions": mergeList("type", nil),
			}},
		}}
	case "Node":
		return &Schema{Fields: map[string]*Schema{
			"metadata": objectMetaSchema(),
			"spec": {Fields: map[string]*Schema{
				// +patchStrategy=merge, a set of primitives.
				"podCIDRs": {PatchStrategy: StrategyMerge},
			}},
			"status": {Fields: map[string]*Schema{
				"conditions": mergeList("type", nil),
				"addresses":  mergeList("type", nil),
			}},
		}}
	case "Namespace":
		return &Schema{Fields: map[string]*Schema{
			"metadata": objectMetaSchema(),
			"status": {Fields: map[string]*Schema{
				"conditions": mergeList("type", nil),
			}},
		}}
	case "Event", "Lease", "Binding", "Scale":
		return &Schema{Fields: map[string]*Schema{
			"metadata": objectMetaSchema(),
		}}
	}
	return nil
}

// mergeList is a list merged by key.
func mergeList(key string, elem *Schema) *Schema {
	return &Schema{PatchStrategy: StrategyMerge, PatchMergeKey: key, Elem: elem}
}

// objectMetaSchema is meta/v1 ObjectMeta.
func objectMetaSchema() *Schema {
	return &Schema{Fields: map[string]*Schema{
		"finalizers":      {PatchStrategy: StrategyMerge},
		"ownerReferences": mergeList("uid", nil),
	}}
}

// podTemplateSpecSchema is core/v1 PodTemplateSpec.
func podTemplateSpecSchema() *Schema {
	return &Schema{Fields: map[string]*Schema{
		"metadata": objectMetaSchema(),
		"spec":     podSpecSchema(),
	}}
}

// podSpecSchema is core/v1 PodSpec.
func podSpecSchema() *Schema {
	container := containerSchema()
	return &Schema{Fields: map[string]*Schema{
		"volumes":                   {PatchStrategy: StrategyMergeRetainKeys, PatchMergeKey: "name"},
		"initContainers":            mergeList("name", container),
		"containers":                mergeList("name", container),
		"ephemeralContainers":       mergeList("name", container),
		"imagePullSecrets":          mergeList("name", nil),
		"hostAliases":               mergeList("ip", nil),
		"topologySpreadConstraints": mergeList("topologyKey", nil),
		"schedulingGates":           mergeList("name", nil),
		"resourceClaims":            {PatchStrategy: StrategyMergeRetainKeys, PatchMergeKey: "name"},
	}}
}

// containerSchema is core/v1 Container (and EphemeralContainerCommon).
func containerSchema() *Schema {
	return &Schema{Fields: map[string]*Schema{
		"ports":         mergeList("containerPort", nil),
		"env":           mergeList("name", nil),
		"volumeMounts":  mergeList("mountPath", nil),
		"volumeDevices": mergeList("devicePath", nil),
	}}
}

// podStatusSchema is core/v1 PodStatus.
func podStatusSchema() *Schema {
	return &Schema{Fields: map[string]*Schema{
		"conditions":            mergeList("type", nil),
		"podIPs":                mergeList("ip", nil),
		"hostIPs":               mergeList("ip", nil),
		"resourceClaimStatuses": {PatchStrategy: StrategyMergeRetainKeys, PatchMergeKey: "name"},
	}}
}
