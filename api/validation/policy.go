package validation

import (
	"github.com/orrery-dev/orrery/api"
)

// ValidatePodDisruptionBudget checks a PodDisruptionBudget: its metadata, exactly one
// of minAvailable and maxUnavailable (each an integer or percentage, a percentage at
// most 100%), a valid selector, and the unhealthyPodEvictionPolicy.
func ValidatePodDisruptionBudget(pdb *api.PodDisruptionBudget) ErrorList {
	errs := ValidateObjectMeta(&pdb.ObjectMeta, true, NameIsDNSSubdomain, NewPath("metadata"))
	return append(errs, validatePDBSpec(&pdb.Spec, NewPath("spec"))...)
}

// ValidatePodDisruptionBudgetUpdate checks an update: the metadata rules of any update
// and the spec as on create (the selector may change in policy/v1).
func ValidatePodDisruptionBudgetUpdate(pdb, old *api.PodDisruptionBudget) ErrorList {
	errs := ValidateObjectMetaUpdate(&pdb.ObjectMeta, &old.ObjectMeta, NewPath("metadata"))
	return append(errs, validatePDBSpec(&pdb.Spec, NewPath("spec"))...)
}

func validatePDBSpec(spec *api.PodDisruptionBudgetSpec, p *Path) ErrorList {
	var errs ErrorList
	if spec.MinAvailable != nil && spec.MaxUnavailable != nil {
		errs = append(errs, Invalid(p, spec, "minAvailable and maxUnavailable cannot be both set"))
	}
	for _, f := range []struct {
		name string
		v    *api.IntOrString
	}{{"minAvailable", spec.MinAvailable}, {"maxUnavailable", spec.MaxUnavailable}} {
		name, v := f.name, f.v
		if v == nil {
			continue
		}
		errs = append(errs, validateIntOrPercent(*v, p.Child(name))...)
		if n, ok := percentValue(*v); ok && n > 100 {
			errs = append(errs, Invalid(p.Child(name), v.StrVal, "must not be greater than 100%"))
		}
	}
	errs = append(errs, ValidateLabelSelector(spec.Selector, p.Child("selector"))...)
	if pol := spec.UnhealthyPodEvictionPolicy; pol != nil && *pol != "IfHealthyBudget" && *pol != "AlwaysAllow" {
		errs = append(errs, NotSupported(p.Child("unhealthyPodEvictionPolicy"), *pol, []string{"AlwaysAllow", "IfHealthyBudget"}))
	}
	return errs
}
