package validation

import (
	"net"

	"github.com/orrery-dev/orrery/api"
)

// ValidateNode checks a node being created: a DNS-subdomain name, no namespace, pod
// CIDRs, taints and non-negative capacity.
func ValidateNode(node *api.Node) ErrorList {
	errs := ValidateObjectMeta(&node.ObjectMeta, false, NameIsDNSSubdomain, NewPath("metadata"))
	errs = append(errs, validateNodeSpec(&node.Spec, NewPath("spec"))...)
	errs = append(errs, validateNodeStatus(&node.Status, NewPath("status"))...)
	return errs
}

func validateNodeSpec(spec *api.NodeSpec, p *Path) ErrorList {
	var errs ErrorList
	if spec.PodCIDR != "" && len(spec.PodCIDRs) == 0 {
		if _, _, err := net.ParseCIDR(spec.PodCIDR); err != nil {
			errs = append(errs, Invalid(p.Child("podCIDR"), spec.PodCIDR, "must be a valid CIDR"))
		}
	}
	for i, cidr := range spec.PodCIDRs {
		if _, _, err := net.ParseCIDR(cidr); err != nil {
			errs = append(errs, Invalid(p.Child("podCIDRs").Index(i), cidr, "must be a valid CIDR"))
		}
	}
	if len(spec.PodCIDRs) > 2 {
		errs = append(errs, Invalid(p.Child("podCIDRs"), spec.PodCIDRs, "may specify no more than one CIDR for each IP family"))
	}
	if spec.PodCIDR != "" && len(spec.PodCIDRs) > 0 && spec.PodCIDRs[0] != spec.PodCIDR {
		errs = append(errs, Invalid(p.Child("podCIDRs").Index(0), spec.PodCIDRs[0], "must match spec.podCIDR"))
	}
	type taintKey struct {
		key    string
		effect api.TaintEffect
	}
	seen := map[taintKey]bool{}
	for i, t := range spec.Taints {
		tp := p.Child("taints").Index(i)
		if t.Key == "" {
			errs = append(errs, Required(tp.Child("key"), ""))
		} else {
			for _, msg := range api.IsQualifiedName(t.Key) {
				errs = append(errs, Invalid(tp.Child("key"), t.Key, msg))
			}
		}
		for _, msg := range api.IsValidLabelValue(t.Value) {
			errs = append(errs, Invalid(tp.Child("value"), t.Value, msg))
		}
		switch {
		case t.Effect == "":
			errs = append(errs, Required(tp.Child("effect"), ""))
		case !contains(supportedTaintEffects, t.Effect):
			errs = append(errs, NotSupported(tp.Child("effect"), t.Effect, supportedTaintEffects))
		}
		k := taintKey{t.Key, t.Effect}
		if seen[k] {
			errs = append(errs, Duplicate(tp, t.Key+":"+string(t.Effect)))
		}
		seen[k] = true
	}
	return errs
}

func validateNodeStatus(st *api.NodeStatus, p *Path) ErrorList {
	var errs ErrorList
	for _, list := range []struct {
		name string
		l    api.ResourceList
	}{{"capacity", st.Capacity}, {"allocatable", st.Allocatable}} {
		for _, name := range sortedResourceNames(list.l) {
			q := list.l[name]
			rp := p.Child(list.name).Key(string(name))
			for _, msg := range api.IsQualifiedName(string(name)) {
				errs = append(errs, Invalid(rp, name, msg))
			}
			if q.Sign() < 0 {
				errs = append(errs, Invalid(rp, q.String(), "must be greater than or equal to 0"))
			}
		}
	}
	return errs
}

// ValidateNodeUpdate checks an update of a node (including through nodes/status): the
// metadata rules of any update, the new node's spec and status, and podCIDRs and
// providerID, which may only be set once.
func ValidateNodeUpdate(newNode, oldNode *api.Node) ErrorList {
	errs := ValidateObjectMetaUpdate(&newNode.ObjectMeta, &oldNode.ObjectMeta, NewPath("metadata"))
	errs = append(errs, validateNodeSpec(&newNode.Spec, NewPath("spec"))...)
	errs = append(errs, validateNodeStatus(&newNode.Status, NewPath("status"))...)
	if len(oldNode.Spec.PodCIDRs) > 0 && !semanticEqual(newNode.Spec.PodCIDRs, oldNode.Spec.PodCIDRs) {
		errs = append(errs, Forbidden(NewPath("spec", "podCIDRs"), "node updates may not change podCIDR except from \"\" to valid"))
	}
	if oldNode.Spec.ProviderID != "" && newNode.Spec.ProviderID != oldNode.Spec.ProviderID {
		errs = append(errs, Forbidden(NewPath("spec", "providerID"), "node updates may not change providerID except from \"\" to valid"))
	}
	return errs
}

// ValidateNamespace checks a namespace being created: a DNS-label name, no namespace,
// and finalizer names.
func ValidateNamespace(ns *api.Namespace) ErrorList {
	errs := ValidateObjectMeta(&ns.ObjectMeta, false, NameIsDNSLabel, NewPath("metadata"))
	for i, f := range ns.Spec.Finalizers {
		errs = append(errs, validateFinalizerName(string(f), NewPath("spec", "finalizers").Index(i))...)
	}
	return errs
}

// ValidateNamespaceUpdate checks an update of a namespace: the metadata rules of any
// update and the new namespace's finalizer names.
func ValidateNamespaceUpdate(newNS, oldNS *api.Namespace) ErrorList {
	errs := ValidateObjectMetaUpdate(&newNS.ObjectMeta, &oldNS.ObjectMeta, NewPath("metadata"))
	for i, f := range newNS.Spec.Finalizers {
		errs = append(errs, validateFinalizerName(string(f), NewPath("spec", "finalizers").Index(i))...)
	}
	return errs
}

// ValidateNamespaceStatusUpdate checks an update through namespaces/status: the phase
// must be Active while the namespace has no deletionTimestamp and Terminating after.
func ValidateNamespaceStatusUpdate(newNS, oldNS *api.Namespace) ErrorList {
	errs := ValidateObjectMetaUpdate(&newNS.ObjectMeta, &oldNS.ObjectMeta, NewPath("metadata"))
	pp := NewPath("status", "phase")
	if newNS.DeletionTimestamp == nil {
		if newNS.Status.Phase != api.NamespaceActive {
			errs = append(errs, Invalid(pp, newNS.Status.Phase, "may only be 'Active' if `deletionTimestamp` is empty"))
		}
	} else if newNS.Status.Phase != api.NamespaceTerminating {
		errs = append(errs, Invalid(pp, newNS.Status.Phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"))
	}
	return errs
}
