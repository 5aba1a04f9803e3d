package validation

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/orrery-dev/orrery/api"
)

// TotalAnnotationSizeLimit is the largest total size, in bytes of keys and values, of
// an object's annotations.
const TotalAnnotationSizeLimit = 256 * 1024

// NameFunc checks an object name and returns the problems; with prefix set it checks a
// generateName prefix, which may end in '-'.
type NameFunc func(name string, prefix bool) []string

// NameIsDNSSubdomain checks names of kinds named like DNS subdomains (pods, nodes,
// replicasets, events, leases).
func NameIsDNSSubdomain(name string, prefix bool) []string {
	if prefix {
		name = maskTrailingDash(name)
	}
	return api.IsDNS1123Subdomain(name)
}

// NameIsDNSLabel checks names of kinds named like DNS labels (namespaces).
func NameIsDNSLabel(name string, prefix bool) []string {
	if prefix {
		name = maskTrailingDash(name)
	}
	return api.IsDNS1123Label(name)
}

func maskTrailingDash(name string) string {
	if len(name) > 1 && strings.HasSuffix(name, "-") {
		return name[:len(name)-2] + "a"
	}
	return name
}

// ValidateObjectMeta checks the metadata of an object being created: its name (or
// generateName) with nameFn, the namespace (required when namespaced, forbidden
// otherwise), generation, labels, annotations, owner references and finalizers.
func ValidateObjectMeta(meta *api.ObjectMeta, namespaced bool, nameFn NameFunc, p *Path) ErrorList {
	var errs ErrorList
	if meta.GenerateName != "" {
		for _, msg := range nameFn(meta.GenerateName, true) {
			errs = append(errs, Invalid(p.Child("generateName"), meta.GenerateName, msg))
		}
	}
	if meta.Name == "" {
		if meta.GenerateName == "" {
			errs = append(errs, Required(p.Child("name"), "name or generateName is required"))
		}
	} else {
		for _, msg := range nameFn(meta.Name, false) {
			errs = append(errs, Invalid(p.Child("name"), meta.Name, msg))
		}
	}
	if namespaced {
		if meta.Namespace == "" {
			errs = append(errs, Required(p.Child("namespace"), ""))
		} else {
			for _, msg := range api.IsDNS1123Label(meta.Namespace) {
				errs = append(errs, Invalid(p.Child("namespace"), meta.Namespace, msg))
			}
		}
	} else if meta.Namespace != "" {
		errs = append(errs, Forbidden(p.Child("namespace"), "not allowed on this type"))
	}
	if meta.Generation < 0 {
		errs = append(errs, Invalid(p.Child("generation"), meta.Generation, "must be greater than or equal to 0"))
	}
	errs = append(errs, ValidateLabels(meta.Labels, p.Child("labels"))...)
	errs = append(errs, ValidateAnnotations(meta.Annotations, p.Child("annotations"))...)
	errs = append(errs, validateOwnerReferences(meta.OwnerReferences, p.Child("ownerReferences"))...)
	errs = append(errs, validateFinalizers(meta.Finalizers, p.Child("finalizers"))...)
	return errs
}

// ValidateObjectMetaUpdate checks metadata on update: newMeta must carry a
// resourceVersion (the apiserver fills it in for unconditional updates before
// validating); name, namespace, uid, creationTimestamp, deletionTimestamp and
// deletionGracePeriodSeconds are immutable; generation may not decrease; an object
// being deleted may not gain finalizers; labels, annotations and owner references are
// checked as on create.
func ValidateObjectMetaUpdate(newMeta, oldMeta *api.ObjectMeta, p *Path) ErrorList {
	var errs ErrorList
	if oldMeta.DeletionTimestamp != nil {
		old := make(map[string]bool, len(oldMeta.Finalizers))
		for _, f := range oldMeta.Finalizers {
			old[f] = true
		}
		for _, f := range newMeta.Finalizers {
			if !old[f] {
				errs = append(errs, Forbidden(p.Child("finalizers"),
					fmt.Sprintf("no new finalizers can be added if the object is being deleted, found new finalizers %q", []string{f})))
			}
		}
	}
	if newMeta.ResourceVersion == "" {
		errs = append(errs, Invalid(p.Child("resourceVersion"), newMeta.ResourceVersion, "must be specified for an update"))
	}
	if newMeta.Generation < oldMeta.Generation {
		errs = append(errs, Invalid(p.Child("generation"), newMeta.Generation, "must not be decremented"))
	}
	errs = append(errs, ValidateImmutableField(newMeta.Name, oldMeta.Name, p.Child("name"))...)
	errs = append(errs, ValidateImmutableField(newMeta.Namespace, oldMeta.Namespace, p.Child("namespace"))...)
	errs = append(errs, ValidateImmutableField(newMeta.UID, oldMeta.UID, p.Child("uid"))...)
	if !newMeta.CreationTimestamp.Equal(oldMeta.CreationTimestamp.Time) {
		errs = append(errs, Invalid(p.Child("creationTimestamp"), newMeta.CreationTimestamp, "field is immutable"))
	}
	if !sameTimePtr(newMeta.DeletionTimestamp, oldMeta.DeletionTimestamp) {
		errs = append(errs, Invalid(p.Child("deletionTimestamp"), newMeta.DeletionTimestamp, "field is immutable"))
	}
	errs = append(errs, ValidateImmutableField(newMeta.DeletionGracePeriodSeconds, oldMeta.DeletionGracePeriodSeconds, p.Child("deletionGracePeriodSeconds"))...)
	errs = append(errs, ValidateLabels(newMeta.Labels, p.Child("labels"))...)
	errs = append(errs, ValidateAnnotations(newMeta.Annotations, p.Child("annotations"))...)
	errs = append(errs, validateOwnerReferences(newMeta.OwnerReferences, p.Child("ownerReferences"))...)
	errs = append(errs, validateFinalizers(newMeta.Finalizers, p.Child("finalizers"))...)
	return errs
}

func sameTimePtr(a, b *api.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(b.Time)
}

// ValidateImmutableField returns "field is immutable" when newVal differs from oldVal.
// Values are compared as Kubernetes' semantic equality does: by their JSON form, so nil
// and empty collections are equal and quantities compare by amount.
func ValidateImmutableField(newVal, oldVal any, p *Path) ErrorList {
	if !semanticEqual(newVal, oldVal) {
		return ErrorList{Invalid(p, newVal, "field is immutable")}
	}
	return nil
}

// semanticEqual compares two API values by their JSON encoding.
func semanticEqual(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// ValidateLabels checks label keys (qualified names) and values.
func ValidateLabels(labels map[string]string, p *Path) ErrorList {
	var errs ErrorList
	for _, k := range sortedKeys(labels) {
		for _, msg := range api.IsQualifiedName(k) {
			errs = append(errs, Invalid(p, k, msg))
		}
		for _, msg := range api.IsValidLabelValue(labels[k]) {
			errs = append(errs, Invalid(p, labels[k], msg))
		}
	}
	return errs
}

// ValidateAnnotations checks annotation keys (qualified names, compared in lower case)
// and their total size.
func ValidateAnnotations(annotations map[string]string, p *Path) ErrorList {
	var errs ErrorList
	total := 0
	for _, k := range sortedKeys(annotations) {
		for _, msg := range api.IsQualifiedName(strings.ToLower(k)) {
			errs = append(errs, Invalid(p, k, msg))
		}
		total += len(k) + len(annotations[k])
	}
	if total > TotalAnnotationSizeLimit {
		errs = append(errs, TooLong(p, "", TotalAnnotationSizeLimit))
	}
	return errs
}

func validateOwnerReferences(refs []api.OwnerReference, p *Path) ErrorList {
	var errs ErrorList
	var controllers []string
	for _, ref := range refs {
		// Kubernetes reports owner reference fields without an index.
		group, version := splitAPIVersion(ref.APIVersion)
		if version == "" {
			errs = append(errs, Invalid(p.Child("apiVersion"), ref.APIVersion, "version must not be empty"))
		}
		if ref.Kind == "" {
			errs = append(errs, Invalid(p.Child("kind"), ref.Kind, "kind must not be empty"))
		}
		if ref.Name == "" {
			errs = append(errs, Invalid(p.Child("name"), ref.Name, "name must not be empty"))
		}
		if ref.UID == "" {
			errs = append(errs, Invalid(p.Child("uid"), ref.UID, "uid must not be empty"))
		}
		if ref.Controller != nil && *ref.Controller {
			controllers = append(controllers, fmt.Sprintf("%s/%s, Kind=%s, Name=%s, UID=%s", group, version, ref.Kind, ref.Name, ref.UID))
		}
	}
	if len(controllers) > 1 {
		errs = append(errs, Invalid(p, refs, fmt.Sprintf("Only one reference can have Controller set to true. Found \"true\" in references for %s", strings.Join(controllers, " and "))))
	}
	return errs
}

// splitAPIVersion splits "apps/v1" into ("apps", "v1") and "v1" into ("", "v1").
func splitAPIVersion(v string) (group, version string) {
	if i := strings.LastIndex(v, "/"); i >= 0 {
		return v[:i], v[i+1:]
	}
	return "", v
}

var standardFinalizers = map[string]bool{"kubernetes": true, "orphan": true, "foregroundDeletion": true}

func validateFinalizers(finalizers []string, p *Path) ErrorList {
	var errs ErrorList
	for _, f := range finalizers {
		errs = append(errs, validateFinalizerName(f, p)...)
	}
	return errs
}

func validateFinalizerName(f string, p *Path) ErrorList {
	var errs ErrorList
	for _, msg := range api.IsQualifiedName(f) {
		errs = append(errs, Invalid(p, f, msg))
	}
	if len(errs) == 0 && !strings.Contains(f, "/") && !standardFinalizers[f] {
		errs = append(errs, Invalid(p, f, "name is neither a standard finalizer name nor is it fully qualified"))
	}
	return errs
}

// ValidateLabelSelector checks a label selector: matchLabels as labels, and each
// matchExpressions requirement's key, operator and values.
func ValidateLabelSelector(s *api.LabelSelector, p *Path) ErrorList {
	if s == nil {
		return nil
	}
	errs := ValidateLabels(s.MatchLabels, p.Child("matchLabels"))
	for i, r := range s.MatchExpressions {
		rp := p.Child("matchExpressions").Index(i)
		switch r.Operator {
		case api.LabelSelectorOpIn, api.LabelSelectorOpNotIn:
			if len(r.Values) == 0 {
				errs = append(errs, Required(rp.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
			}
		case api.LabelSelectorOpExists, api.LabelSelectorOpDoesNotExist:
			if len(r.Values) > 0 {
				errs = append(errs, Forbidden(rp.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
			}
		default:
			errs = append(errs, Invalid(rp.Child("operator"), r.Operator, "not a valid selector operator"))
		}
		for _, msg := range api.IsQualifiedName(r.Key) {
			errs = append(errs, Invalid(rp.Child("key"), r.Key, msg))
		}
		for j, v := range r.Values {
			for _, msg := range api.IsValidLabelValue(v) {
				errs = append(errs, Invalid(rp.Child("values").Index(j), v, msg))
			}
		}
	}
	return errs
}

// selectorMatches reports whether a valid selector matches labels. A nil selector
// matches nothing; an empty one, everything.
func selectorMatches(s *api.LabelSelector, labels map[string]string) bool {
	if s == nil {
		return false
	}
	for k, v := range s.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, r := range s.MatchExpressions {
		got, ok := labels[r.Key]
		in := ok && contains(r.Values, got)
		switch r.Operator {
		case api.LabelSelectorOpIn:
			if !in {
				return false
			}
		case api.LabelSelectorOpNotIn:
			if in {
				return false
			}
		case api.LabelSelectorOpExists:
			if !ok {
				return false
			}
		case api.LabelSelectorOpDoesNotExist:
			if ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func contains[T comparable](s []T, v T) bool {
	for _, e := range s {
		if e == v {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
