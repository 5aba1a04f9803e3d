package validation

import (
	"testing"

	"github.com/orrery-dev/orrery/api"
)

func TestValidatePodAffinity(t *testing.T) {
	t.Parallel()
	const (
		req   = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]."
		pref  = "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]."
		anti  = "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]."
		apref = "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]."
	)
	tests := []struct {
		name   string
		mutate func(a *api.Affinity)
		want   []fieldErr
	}{
		{"valid", func(a *api.Affinity) {}, nil},
		{"empty", func(a *api.Affinity) {
			*a = api.Affinity{PodAffinity: &api.PodAffinity{}, PodAntiAffinity: &api.PodAntiAffinity{}}
		}, nil},
		{"no topology key", func(a *api.Affinity) {
			a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].TopologyKey = ""
		}, []fieldErr{{ErrorTypeRequired, req + "topologyKey"}, {ErrorTypeInvalid, req + "topologyKey"}, {ErrorTypeInvalid, req + "topologyKey"}}},
		{"topology key not a label name", func(a *api.Affinity) {
			a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].TopologyKey = "a/b/c"
		}, []fieldErr{{ErrorTypeInvalid, anti + "topologyKey"}}},
		{"preferred term without topology key", func(a *api.Affinity) {
			a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm.TopologyKey = ""
		}, []fieldErr{
			{ErrorTypeRequired, apref + "podAffinityTerm.topologyKey"},
			{ErrorTypeInvalid, apref + "podAffinityTerm.topologyKey"}, {ErrorTypeInvalid, apref + "podAffinityTerm.topologyKey"},
		}},
		{"zero weight", func(a *api.Affinity) {
			a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].Weight = 0
		}, []fieldErr{{ErrorTypeInvalid, pref + "weight"}}},
		{"weight above 100", func(a *api.Affinity) {
			a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].Weight = 101
		}, []fieldErr{{ErrorTypeInvalid, apref + "weight"}}},
		{"weight 100", func(a *api.Affinity) {
			a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].Weight = 100
		}, nil},
		{"bad label selector", func(a *api.Affinity) {
			a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].LabelSelector.MatchExpressions[0].Values = nil
		}, []fieldErr{{ErrorTypeRequired, req + "labelSelector.matchExpressions[0].values"}}},
		{"label selector value not a label value", func(a *api.Affinity) {
			a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm.LabelSelector.MatchLabels["app"] = "not valid"
		}, []fieldErr{{ErrorTypeInvalid, pref + "podAffinityTerm.labelSelector.matchLabels"}}},
		{"bad namespace selector", func(a *api.Affinity) {
			a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].NamespaceSelector.MatchExpressions = []api.LabelSelectorRequirement{
				{Key: "team", Operator: api.LabelSelectorOpExists, Values: []string{"a"}}}
		}, []fieldErr{{ErrorTypeForbidden, req + "namespaceSelector.matchExpressions[0].values"}}},
		{"empty namespace selector", func(a *api.Affinity) {
			a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].NamespaceSelector = &api.LabelSelector{}
		}, nil},
		{"bad namespace", func(a *api.Affinity) {
			a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].Namespaces = []string{"default", "Team.A"}
		}, []fieldErr{{ErrorTypeInvalid, req + "namespace"}}},
		{"matchLabelKeys without selector", func(a *api.Affinity) {
			a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].LabelSelector = nil
		}, []fieldErr{{ErrorTypeForbidden, req + "matchLabelKeys"}, {ErrorTypeForbidden, req + "mismatchLabelKeys"}}},
		{"label keys not label names", func(a *api.Affinity) {
			term := &a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0]
			term.MatchLabelKeys = []string{"version", "-bad"}
			term.MismatchLabelKeys = []string{"a/b/c"}
		}, []fieldErr{{ErrorTypeInvalid, req + "matchLabelKeys[1]"}, {ErrorTypeInvalid, req + "mismatchLabelKeys[0]"}}},
		{"key in matchLabelKeys and mismatchLabelKeys", func(a *api.Affinity) {
			term := &a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0]
			term.MatchLabelKeys = []string{"version", "tenant"}
			term.MismatchLabelKeys = []string{"tenant"}
		}, []fieldErr{{ErrorTypeInvalid, req + "matchLabelKeys[1]"}}},
		{"matchLabelKey also in the selector once", func(a *api.Affinity) {
			a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].MatchLabelKeys = []string{"version", "app"}
		}, nil},
		{"matchLabelKey twice in the selector", func(a *api.Affinity) {
			term := &a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0]
			term.MatchLabelKeys = []string{"version", "app"}
			term.LabelSelector.MatchExpressions = append(term.LabelSelector.MatchExpressions,
				api.LabelSelectorRequirement{Key: "app", Operator: api.LabelSelectorOpIn, Values: []string{"web"}})
		}, []fieldErr{{ErrorTypeInvalid, "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0][1]"}}},
		{"mismatchLabelKey twice in the selector", func(a *api.Affinity) {
			term := &a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0]
			term.LabelSelector.MatchExpressions = append(term.LabelSelector.MatchExpressions,
				api.LabelSelectorRequirement{Key: "app", Operator: api.LabelSelectorOpNotIn, Values: []string{"db"}})
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pod := validPod()
			pod.Spec.Affinity = validPodAffinity()
			tt.mutate(pod.Spec.Affinity)
			checkErrors(t, ValidatePod(pod), tt.want)
		})
	}
}

// validPodAffinity returns a valid affinity that sets every pod (anti-)affinity
// field.
func validPodAffinity() *api.Affinity {
	term := func() api.PodAffinityTerm {
		return api.PodAffinityTerm{
			LabelSelector: &api.LabelSelector{
				MatchLabels:      map[string]string{"app": "web"},
				MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: api.LabelSelectorOpIn, Values: []string{"front"}}},
			},
			Namespaces:        []string{"default"},
			TopologyKey:       "topology.kubernetes.io/zone",
			NamespaceSelector: &api.LabelSelector{MatchLabels: map[string]string{"team": "a"}},
			MatchLabelKeys:    []string{"version"},
			MismatchLabelKeys: []string{"tenant"},
		}
	}
	return &api.Affinity{
		PodAffinity: &api.PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution:  []api.PodAffinityTerm{term()},
			PreferredDuringSchedulingIgnoredDuringExecution: []api.WeightedPodAffinityTerm{{Weight: 50, PodAffinityTerm: term()}},
		},
		PodAntiAffinity: &api.PodAntiAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution:  []api.PodAffinityTerm{term()},
			PreferredDuringSchedulingIgnoredDuringExecution: []api.WeightedPodAffinityTerm{{Weight: 1, PodAffinityTerm: term()}},
		},
	}
}
