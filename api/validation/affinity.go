package validation

import (
	"github.com/orrery-dev/orrery/api"
)

// validateAffinity checks a pod's node affinity, pod affinity and pod anti-affinity.
// With allowInvalidRequiredValues set, the values of required node affinity
// expressions are not checked as label values: an update may keep the values an older
// pod was created with.
func validateAffinity(a *api.Affinity, allowInvalidRequiredValues bool, p *Path) ErrorList {
	if a == nil {
		return nil
	}
	var errs ErrorList
	if a.NodeAffinity != nil {
		errs = append(errs, validateNodeAffinity(a.NodeAffinity, allowInvalidRequiredValues, p.Child("nodeAffinity"))...)
	}
	if pa := a.PodAffinity; pa != nil {
		errs = append(errs, validatePodAffinityTerms(pa.RequiredDuringSchedulingIgnoredDuringExecution,
			p.Child("podAffinity", "requiredDuringSchedulingIgnoredDuringExecution"))...)
		errs = append(errs, validateWeightedPodAffinityTerms(pa.PreferredDuringSchedulingIgnoredDuringExecution,
			p.Child("podAffinity", "preferredDuringSchedulingIgnoredDuringExecution"))...)
	}
	if pa := a.PodAntiAffinity; pa != nil {
		errs = append(errs, validatePodAffinityTerms(pa.RequiredDuringSchedulingIgnoredDuringExecution,
			p.Child("podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"))...)
		errs = append(errs, validateWeightedPodAffinityTerms(pa.PreferredDuringSchedulingIgnoredDuringExecution,
			p.Child("podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution"))...)
	}
	return errs
}

// validateNodeAffinity checks the required node selector (at least one term) and the
// preferred terms (weights 1-100). Values of required expressions must be label
// values; preferred ones may be anything, as in Kubernetes.
func validateNodeAffinity(na *api.NodeAffinity, allowInvalidRequiredValues bool, p *Path) ErrorList {
	var errs ErrorList
	if req := na.RequiredDuringSchedulingIgnoredDuringExecution; req != nil {
		rp := p.Child("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
		if len(req.NodeSelectorTerms) == 0 {
			errs = append(errs, Required(rp, "must have at least one node selector term"))
		}
		for i, term := range req.NodeSelectorTerms {
			errs = append(errs, validateNodeSelectorTerm(term, allowInvalidRequiredValues, rp.Index(i))...)
		}
	}
	for i, pref := range na.PreferredDuringSchedulingIgnoredDuringExecution {
		pp := p.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i)
		if pref.Weight <= 0 || pref.Weight > 100 {
			errs = append(errs, Invalid(pp.Child("weight"), pref.Weight, "must be in the range 1-100"))
		}
		errs = append(errs, validateNodeSelectorTerm(pref.Preference, true, pp.Child("preference"))...)
	}
	return errs
}

// validateNodeSelectorTerm checks a term's label expressions and field expressions.
// Kubernetes does not check that the value of a Gt or Lt expression is an integer; a
// node whose label or the expression's value does not parse simply does not match.
func validateNodeSelectorTerm(term api.NodeSelectorTerm, allowInvalidValues bool, p *Path) ErrorList {
	var errs ErrorList
	for i, r := range term.MatchExpressions {
		rp := p.Child("matchExpressions").Index(i)
		switch r.Operator {
		case api.NodeSelectorOpIn, api.NodeSelectorOpNotIn:
			if len(r.Values) == 0 {
				errs = append(errs, Required(rp.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
			}
		case api.NodeSelectorOpExists, api.NodeSelectorOpDoesNotExist:
			if len(r.Values) > 0 {
				errs = append(errs, Forbidden(rp.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
			}
		case api.NodeSelectorOpGt, api.NodeSelectorOpLt:
			if len(r.Values) != 1 {
				errs = append(errs, Required(rp.Child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"))
			}
		default:
			errs = append(errs, Invalid(rp.Child("operator"), r.Operator, "not a valid selector operator"))
		}
		errs = append(errs, validateLabelName(r.Key, rp.Child("key"))...)
		if !allowInvalidValues {
			for j, v := range r.Values {
				for _, msg := range api.IsValidLabelValue(v) {
					errs = append(errs, Invalid(rp.Child("values").Index(j), v, msg))
				}
			}
		}
	}
	for i, r := range term.MatchFields {
		rp := p.Child("matchFields").Index(i)
		switch r.Operator {
		case api.NodeSelectorOpIn, api.NodeSelectorOpNotIn:
			if len(r.Values) != 1 {
				errs = append(errs, Required(rp.Child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
			}
		default:
			errs = append(errs, Invalid(rp.Child("operator"), r.Operator, "not a valid selector operator"))
		}
		if r.Key != "metadata.name" {
			errs = append(errs, Invalid(rp.Child("key"), r.Key, "not a valid field selector key"))
		} else {
			for j, v := range r.Values {
				for _, msg := range api.IsDNS1123Subdomain(v) {
					errs = append(errs, Invalid(rp.Child("values").Index(j), v, msg))
				}
			}
		}
	}
	return errs
}

// hasInvalidRequiredNodeAffinityValue reports whether a required node affinity
// expression of spec has a value that is not a label value.
func hasInvalidRequiredNodeAffinityValue(spec *api.PodSpec) bool {
	if spec.Affinity == nil || spec.Affinity.NodeAffinity == nil || spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return false
	}
	for _, term := range spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		for _, r := range term.MatchExpressions {
			for _, v := range r.Values {
				if len(api.IsValidLabelValue(v)) > 0 {
					return true
				}
			}
		}
	}
	return false
}

func validatePodAffinityTerms(terms []api.PodAffinityTerm, p *Path) ErrorList {
	var errs ErrorList
	for i, term := range terms {
		errs = append(errs, validatePodAffinityTerm(term, p.Index(i))...)
	}
	return errs
}

func validateWeightedPodAffinityTerms(terms []api.WeightedPodAffinityTerm, p *Path) ErrorList {
	var errs ErrorList
	for i, wt := range terms {
		if wt.Weight <= 0 || wt.Weight > 100 {
			errs = append(errs, Invalid(p.Index(i).Child("weight"), wt.Weight, "must be in the range 1-100"))
		}
		errs = append(errs, validatePodAffinityTerm(wt.PodAffinityTerm, p.Index(i).Child("podAffinityTerm"))...)
	}
	return errs
}

// validatePodAffinityTerm checks a term's selectors, namespaces (DNS labels, reported
// at "namespace" as Kubernetes does), label keys and topology key (a required label
// name).
func validatePodAffinityTerm(term api.PodAffinityTerm, p *Path) ErrorList {
	errs := ValidateLabelSelector(term.LabelSelector, p.Child("labelSelector"))
	errs = append(errs, ValidateLabelSelector(term.NamespaceSelector, p.Child("namespaceSelector"))...)
	for _, ns := range term.Namespaces {
		for _, msg := range api.IsDNS1123Label(ns) {
			errs = append(errs, Invalid(p.Child("namespace"), ns, msg))
		}
	}
	errs = append(errs, validateMatchAndMismatchLabelKeys(term.MatchLabelKeys, term.MismatchLabelKeys, term.LabelSelector, p)...)
	if term.TopologyKey == "" {
		errs = append(errs, Required(p.Child("topologyKey"), "can not be empty"))
	}
	return append(errs, validateLabelName(term.TopologyKey, p.Child("topologyKey"))...)
}

// validateMatchAndMismatchLabelKeys checks the label keys of a pod affinity term: they
// are label names, need a label selector, and no key is in both lists. Kubernetes
// checks them after its create strategy has added "key in (value)" to the selector
// for each matchLabelKeys entry the pod has a label for, so a key in matchLabelKeys is
// an error when it appears twice in the selector. (The error's path is the term's,
// indexed by the key's position, as Kubernetes reports it.)
func validateMatchAndMismatchLabelKeys(matchKeys, mismatchKeys []string, selector *api.LabelSelector, p *Path) ErrorList {
	errs := validateLabelKeys(matchKeys, selector, p.Child("matchLabelKeys"))
	errs = append(errs, validateLabelKeys(mismatchKeys, selector, p.Child("mismatchLabelKeys"))...)
	if selector != nil {
		index := map[string]int{}
		for i, k := range matchKeys {
			index[k] = i
		}
		seen := map[string]bool{}
		for k := range selector.MatchLabels {
			seen[k] = true
		}
		for _, r := range selector.MatchExpressions {
			if i, ok := index[r.Key]; ok && seen[r.Key] {
				errs = append(errs, Invalid(p.Index(i), r.Key, "exists in both matchLabelKeys and labelSelector"))
			}
			seen[r.Key] = true
		}
	}
	for i, k := range matchKeys {
		if contains(mismatchKeys, k) {
			errs = append(errs, Invalid(p.Child("matchLabelKeys").Index(i), k, "exists in both matchLabelKeys and mismatchLabelKeys"))
		}
	}
	return errs
}

// validateLabelKeys checks matchLabelKeys or mismatchLabelKeys: label names, allowed
// only with a label selector.
func validateLabelKeys(keys []string, selector *api.LabelSelector, p *Path) ErrorList {
	if len(keys) == 0 {
		return nil
	}
	if selector == nil {
		return ErrorList{Forbidden(p, "must not be specified when labelSelector is not set")}
	}
	var errs ErrorList
	for i, k := range keys {
		errs = append(errs, validateLabelName(k, p.Index(i))...)
	}
	return errs
}

// validateLabelName checks a label key (a qualified name).
func validateLabelName(name string, p *Path) ErrorList {
	var errs ErrorList
	for _, msg := range api.IsQualifiedName(name) {
		errs = append(errs, Invalid(p, name, msg))
	}
	return errs
}
