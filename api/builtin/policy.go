package builtin

import (
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/protoschema"
	"github.com/orrery-dev/orrery/api/validation"
)

const policyPrefix = "io.k8s.api.policy.v1."

func podDisruptionBudgets(r *api.Registry) error {
	return api.Register(r, api.Kind[*api.PodDisruptionBudget]{
		Protobuf: pdbMsg,
		Group:    "policy", Version: "v1", Kind: "PodDisruptionBudget", Resource: "poddisruptionbudgets", Namespaced: true,
		StorageKey: "poddisruptionbudgets", SchemaPrefix: policyPrefix, ShortNames: []string{"pdb"},
		Subresources:     []string{"status"},
		NewList:          func() api.ListObject { return &api.PodDisruptionBudgetList{} },
		PrepareForCreate: func(p *api.PodDisruptionBudget) { p.Status = api.PodDisruptionBudgetStatus{} },
		Validate:         causes(validation.ValidatePodDisruptionBudget),
		ValidateUpdate:   causes2(validation.ValidatePodDisruptionBudgetUpdate),
		MergeRules:       map[string]api.MergeRule{"status.conditions": merge("type")},
		Columns: []api.TableColumnDefinition{
			nameColumn(),
			col("Min Available", typeString, "Minimum number or percentage of pods that must stay available."),
			col("Max Unavailable", typeString, "Maximum number or percentage of pods that may be unavailable."),
			col("Allowed Disruptions", typeInteger, "Number of pod disruptions that are currently allowed."),
			ageColumn(),
		},
		Row: func(p *api.PodDisruptionBudget, now time.Time) api.TableRow {
			show := func(v *api.IntOrString) string {
				if v == nil {
					return "N/A"
				}
				return v.String()
			}
			return api.TableRow{Cells: []any{p.Name, show(p.Spec.MinAvailable), show(p.Spec.MaxUnavailable),
				int64(p.Status.DisruptionsAllowed), since(p.CreationTimestamp.Time, now)}}
		},
		Descriptions: map[string]string{
			"PodDisruptionBudget":                    "PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods",
			"PodDisruptionBudgetList":                "PodDisruptionBudgetList is a collection of PodDisruptionBudgets.",
			"PodDisruptionBudgetSpec":                "PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.",
			"PodDisruptionBudgetStatus":              "PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget. Status may trail the actual state of a system.",
			"PodDisruptionBudgetSpec.selector":       "Label query over pods whose evictions are managed by the disruption budget.",
			"PodDisruptionBudgetSpec.minAvailable":   "An eviction is allowed if at least \"minAvailable\" pods selected by \"selector\" will still be available after the eviction.",
			"PodDisruptionBudgetSpec.maxUnavailable": "An eviction is allowed if at most \"maxUnavailable\" pods selected by \"selector\" are unavailable after the eviction.",
			"Eviction":                               "Eviction evicts a pod from its node subject to certain policies and safety constraints.",
		},
	})
}

// The messages of policy/v1 (k8s.io/api/policy/v1/generated.proto), by Kubernetes'
// field numbers.
var (
	pdbMsg = protoschema.NewMessage("PodDisruptionBudget",
		protoschema.Embedded(1, "metadata", protoschema.ObjectMeta),
		protoschema.Embedded(2, "spec", pdbSpecMsg),
		protoschema.Embedded(3, "status", pdbStatusMsg),
	)
	pdbSpecMsg = protoschema.NewMessage("PodDisruptionBudgetSpec",
		protoschema.IntOrString(1, "minAvailable"),
		protoschema.Embedded(2, "selector", protoschema.LabelSelector),
		protoschema.IntOrString(3, "maxUnavailable"),
		protoschema.String(4, "unhealthyPodEvictionPolicy"),
	)
	pdbStatusMsg = protoschema.NewMessage("PodDisruptionBudgetStatus",
		protoschema.Int64(1, "observedGeneration"),
		protoschema.TimeMap(2, "disruptedPods"),
		protoschema.Int32(3, "disruptionsAllowed"),
		protoschema.Int32(4, "currentHealthy"),
		protoschema.Int32(5, "desiredHealthy"),
		protoschema.Int32(6, "expectedPods"),
		protoschema.EmbeddedList(7, "conditions", protoschema.Condition),
	)
)
