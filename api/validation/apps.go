package validation

import (
	"github.com/orrery-dev/orrery/api"
)

// ValidateReplicaSet checks a replica set being created: metadata, replicas and
// minReadySeconds non-negative, a non-empty valid selector that matches the template's
// labels, and a template whose pods restart Always and have no activeDeadlineSeconds.
func ValidateReplicaSet(rs *api.ReplicaSet) ErrorList {
	errs := ValidateObjectMeta(&rs.ObjectMeta, true, NameIsDNSSubdomain, NewPath("metadata"))
	errs = append(errs, validateReplicaSetSpec(&rs.Spec, NewPath("spec"))...)
	return errs
}

func validateReplicaSetSpec(spec *api.ReplicaSetSpec, p *Path) ErrorList {
	var errs ErrorList
	if spec.Replicas != nil && *spec.Replicas < 0 {
		errs = append(errs, Invalid(p.Child("replicas"), int64(*spec.Replicas), "must be greater than or equal to 0"))
	}
	if spec.MinReadySeconds < 0 {
		errs = append(errs, Invalid(p.Child("minReadySeconds"), int64(spec.MinReadySeconds), "must be greater than or equal to 0"))
	}
	selectorOK := false
	if spec.Selector == nil {
		errs = append(errs, Required(p.Child("selector"), ""))
	} else {
		selErrs := ValidateLabelSelector(spec.Selector, p.Child("selector"))
		errs = append(errs, selErrs...)
		if len(selErrs) > 0 {
			// Kubernetes also fails to convert such a selector, and says so.
			errs = append(errs, Invalid(p.Child("selector"), spec.Selector, "invalid label selector"))
		}
		if len(spec.Selector.MatchLabels)+len(spec.Selector.MatchExpressions) == 0 {
			errs = append(errs, Invalid(p.Child("selector"), spec.Selector, "empty selector is invalid for deployment"))
		} else if len(selErrs) == 0 {
			selectorOK = true
		}
	}
	tp := p.Child("template")
	if selectorOK && !selectorMatches(spec.Selector, spec.Template.Labels) {
		errs = append(errs, Invalid(tp.Child("metadata", "labels"), spec.Template.Labels, "`selector` does not match template `labels`"))
	}
	errs = append(errs, ValidatePodTemplateSpec(&spec.Template, tp)...)
	if rp := spec.Template.Spec.RestartPolicy; rp != api.RestartPolicyAlways && rp != "" {
		errs = append(errs, NotSupported(tp.Child("spec", "restartPolicy"), rp, []api.RestartPolicy{api.RestartPolicyAlways}))
	}
	if spec.Template.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, Invalid(tp.Child("spec", "activeDeadlineSeconds"), spec.Template.Spec.ActiveDeadlineSeconds, "activeDeadlineSeconds in ReplicaSet is not Supported"))
	}
	return errs
}

// ValidateReplicaSetUpdate checks an update of a replica set: the metadata rules of any
// update, the new spec as on create, and an unchanged selector.
func ValidateReplicaSetUpdate(newRS, oldRS *api.ReplicaSet) ErrorList {
	errs := ValidateObjectMetaUpdate(&newRS.ObjectMeta, &oldRS.ObjectMeta, NewPath("metadata"))
	errs = append(errs, validateReplicaSetSpec(&newRS.Spec, NewPath("spec"))...)
	errs = append(errs, ValidateImmutableField(newRS.Spec.Selector, oldRS.Spec.Selector, NewPath("spec", "selector"))...)
	return errs
}

// ValidateReplicaSetStatusUpdate checks an update through replicasets/status: counts
// are non-negative and no count exceeds status.replicas, nor availableReplicas
// readyReplicas.
func ValidateReplicaSetStatusUpdate(newRS, oldRS *api.ReplicaSet) ErrorList {
	errs := ValidateObjectMetaUpdate(&newRS.ObjectMeta, &oldRS.ObjectMeta, NewPath("metadata"))
	st := &newRS.Status
	p := NewPath("status")
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"replicas", int64(st.Replicas)},
		{"fullyLabeledReplicas", int64(st.FullyLabeledReplicas)},
		{"readyReplicas", int64(st.ReadyReplicas)},
		{"availableReplicas", int64(st.AvailableReplicas)},
		{"observedGeneration", st.ObservedGeneration},
	} {
		if f.v < 0 {
			errs = append(errs, Invalid(p.Child(f.name), f.v, "must be greater than or equal to 0"))
		}
	}
	if st.FullyLabeledReplicas > st.Replicas {
		errs = append(errs, Invalid(p.Child("fullyLabeledReplicas"), int64(st.FullyLabeledReplicas), "cannot be greater than status.replicas"))
	}
	if st.ReadyReplicas > st.Replicas {
		errs = append(errs, Invalid(p.Child("readyReplicas"), int64(st.ReadyReplicas), "cannot be greater than status.replicas"))
	}
	if st.AvailableReplicas > st.Replicas {
		errs = append(errs, Invalid(p.Child("availableReplicas"), int64(st.AvailableReplicas), "cannot be greater than status.replicas"))
	}
	if st.AvailableReplicas > st.ReadyReplicas {
		errs = append(errs, Invalid(p.Child("availableReplicas"), int64(st.AvailableReplicas), "cannot be greater than readyReplicas"))
	}
	return errs
}

// ValidateScale checks a Scale written to replicasets/scale: metadata and a
// non-negative spec.replicas.
func ValidateScale(s *api.Scale) ErrorList {
	errs := ValidateObjectMeta(&s.ObjectMeta, true, NameIsDNSSubdomain, NewPath("metadata"))
	if s.Spec.Replicas < 0 {
		errs = append(errs, Invalid(NewPath("spec", "replicas"), int64(s.Spec.Replicas), "must be greater than or equal to 0"))
	}
	return errs
}

// ValidateLease checks a lease being created: metadata, a positive
// leaseDurationSeconds and non-negative leaseTransitions when set.
func ValidateLease(l *api.Lease) ErrorList {
	errs := ValidateObjectMeta(&l.ObjectMeta, true, NameIsDNSSubdomain, NewPath("metadata"))
	errs = append(errs, validateLeaseSpec(&l.Spec, NewPath("spec"))...)
	return errs
}

func validateLeaseSpec(spec *api.LeaseSpec, p *Path) ErrorList {
	var errs ErrorList
	if d := spec.LeaseDurationSeconds; d != nil && *d <= 0 {
		errs = append(errs, Invalid(p.Child("leaseDurationSeconds"), int64(*d), "must be greater than 0"))
	}
	if t := spec.LeaseTransitions; t != nil && *t < 0 {
		errs = append(errs, Invalid(p.Child("leaseTransitions"), int64(*t), "must be greater than or equal to 0"))
	}
	return errs
}

// ValidateLeaseUpdate checks an update of a lease: the metadata rules of any update and
// the new spec as on create.
func ValidateLeaseUpdate(newL, oldL *api.Lease) ErrorList {
	errs := ValidateObjectMetaUpdate(&newL.ObjectMeta, &oldL.ObjectMeta, NewPath("metadata"))
	errs = append(errs, validateLeaseSpec(&newL.Spec, NewPath("spec"))...)
	return errs
}
