package validation

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/orrery-dev/orrery/api"
)

// DefaultDeployment fills a deployment's apps/v1 defaults, leaving set fields alone:
// replicas 1; strategy type RollingUpdate; for a RollingUpdate strategy, a
// rollingUpdate whose unset maxUnavailable and maxSurge are 25%; revisionHistoryLimit
// 10; progressDeadlineSeconds 600; and the pod template's defaults (see DefaultPodSpec).
func DefaultDeployment(d *api.Deployment) {
	spec := &d.Spec
	if spec.Replicas == nil {
		one := int32(1)
		spec.Replicas = &one
	}
	s := &spec.Strategy
	if s.Type == "" {
		s.Type = api.RollingUpdateDeploymentStrategyType
	}
	if s.Type == api.RollingUpdateDeploymentStrategyType {
		if s.RollingUpdate == nil {
			s.RollingUpdate = &api.RollingUpdateDeployment{}
		}
		if s.RollingUpdate.MaxUnavailable == nil {
			v := api.FromString("25%")
			s.RollingUpdate.MaxUnavailable = &v
		}
		if s.RollingUpdate.MaxSurge == nil {
			v := api.FromString("25%")
			s.RollingUpdate.MaxSurge = &v
		}
	}
	if spec.RevisionHistoryLimit == nil {
		limit := int32(10)
		spec.RevisionHistoryLimit = &limit
	}
	if spec.ProgressDeadlineSeconds == nil {
		deadline := int32(600)
		spec.ProgressDeadlineSeconds = &deadline
	}
	DefaultPodSpec(&spec.Template.Spec)
}

// ValidateDeployment checks a deployment being created: its metadata (a DNS subdomain
// name), replicas, selector and pod template as a replica set's (see
// ValidateReplicaSet), the strategy, minReadySeconds and revisionHistoryLimit
// non-negative, and progressDeadlineSeconds, when set, non-negative and greater than
// minReadySeconds.
//
// A Recreate strategy may not have a rollingUpdate; a RollingUpdate one must. Its
// maxUnavailable and maxSurge must be non-negative integers or percentages ("25%"),
// not both 0, and maxUnavailable at most 100%; an unset one counts as 0.
func ValidateDeployment(d *api.Deployment) ErrorList {
	errs := ValidateObjectMeta(&d.ObjectMeta, true, NameIsDNSSubdomain, NewPath("metadata"))
	errs = append(errs, validateDeploymentSpec(&d.Spec, NewPath("spec"))...)
	return errs
}

func validateDeploymentSpec(spec *api.DeploymentSpec, p *Path) ErrorList {
	// Kubernetes checks a deployment's replicas, selector and template with the rules
	// (and words) it has for replica sets; minReadySeconds comes after the strategy.
	errs := validateReplicaSetSpec(&api.ReplicaSetSpec{
		Replicas: spec.Replicas,
		Selector: spec.Selector,
		Template: spec.Template,
	}, p)
	errs = append(errs, validateDeploymentStrategy(&spec.Strategy, p.Child("strategy"))...)
	if spec.MinReadySeconds < 0 {
		errs = append(errs, Invalid(p.Child("minReadySeconds"), int64(spec.MinReadySeconds), "must be greater than or equal to 0"))
	}
	if l := spec.RevisionHistoryLimit; l != nil && *l < 0 {
		errs = append(errs, Invalid(p.Child("revisionHistoryLimit"), int64(*l), "must be greater than or equal to 0"))
	}
	if d := spec.ProgressDeadlineSeconds; d != nil {
		if *d < 0 {
			errs = append(errs, Invalid(p.Child("progressDeadlineSeconds"), int64(*d), "must be greater than or equal to 0"))
		}
		if *d <= spec.MinReadySeconds {
			errs = append(errs, Invalid(p.Child("progressDeadlineSeconds"), int64(*d), "must be greater than minReadySeconds"))
		}
	}
	return errs
}

func validateDeploymentStrategy(s *api.DeploymentStrategy, p *Path) ErrorList {
	switch s.Type {
	case api.RecreateDeploymentStrategyType:
		if s.RollingUpdate != nil {
			return ErrorList{Forbidden(p.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")}
		}
	case api.RollingUpdateDeploymentStrategyType:
		if s.RollingUpdate == nil {
			return ErrorList{Required(p.Child("rollingUpdate"), "this should be defaulted and never be nil")}
		}
		return validateRollingUpdateDeployment(s.RollingUpdate, p.Child("rollingUpdate"))
	default:
		// Kubernetes reports the whole strategy, at spec.strategy.
		return ErrorList{NotSupported(p, *s, []api.DeploymentStrategyType{
			api.RecreateDeploymentStrategyType, api.RollingUpdateDeploymentStrategyType})}
	}
	return nil
}

func validateRollingUpdateDeployment(ru *api.RollingUpdateDeployment, p *Path) ErrorList {
	// An unset bound is 0, as it converts to Kubernetes' internal type.
	var maxUnavailable, maxSurge api.IntOrString
	if ru.MaxUnavailable != nil {
		maxUnavailable = *ru.MaxUnavailable
	}
	if ru.MaxSurge != nil {
		maxSurge = *ru.MaxSurge
	}
	up, sp := p.Child("maxUnavailable"), p.Child("maxSurge")
	errs := validateIntOrPercent(maxUnavailable, up)
	errs = append(errs, validateIntOrPercent(maxSurge, sp)...)
	if intOrPercentValue(maxUnavailable) == 0 && intOrPercentValue(maxSurge) == 0 {
		errs = append(errs, Invalid(up, intOrStringValue(maxUnavailable), "may not be 0 when `maxSurge` is 0"))
	}
	if v, ok := percentValue(maxUnavailable); ok && v > 100 {
		errs = append(errs, Invalid(up, intOrStringValue(maxUnavailable), "must not be greater than 100%"))
	}
	return errs
}

var percentRegexp = regexp.MustCompile(`^[0-9]+%$`)

// percentMsg is Kubernetes' IsValidPercent message.
const percentMsg = "a valid percent string must be a numeric string followed by an ending '%' " +
	"(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"

// validateIntOrPercent checks that v is a non-negative integer or a percentage.
func validateIntOrPercent(v api.IntOrString, p *Path) ErrorList {
	switch v.Type {
	case api.IntOrStringString:
		if !percentRegexp.MatchString(v.StrVal) {
			return ErrorList{Invalid(p, intOrStringValue(v), percentMsg)}
		}
	case api.IntOrStringInt:
		if v.IntVal < 0 {
			return ErrorList{Invalid(p, int64(v.IntVal), "must be greater than or equal to 0")}
		}
	default:
		// The doubled % is Kubernetes' own.
		return ErrorList{Invalid(p, intOrStringValue(v), "must be an integer or percentage (e.g '5%%')")}
	}
	return nil
}

// percentValue returns the number of a valid percentage ("25%" gives 25).
func percentValue(v api.IntOrString) (int, bool) {
	if v.Type != api.IntOrStringString || !percentRegexp.MatchString(v.StrVal) {
		return 0, false
	}
	n, err := strconv.Atoi(v.StrVal[:len(v.StrVal)-1])
	return n, err == nil
}

// intOrPercentValue returns the number in v, as Kubernetes compares bounds with 0: a
// percentage's number, an integer, or a string read as an integer (0 if it is none).
func intOrPercentValue(v api.IntOrString) int {
	if n, ok := percentValue(v); ok {
		return n
	}
	if v.Type == api.IntOrStringString {
		n, _ := strconv.Atoi(v.StrVal)
		return n
	}
	return int(v.IntVal)
}

// intOrStringValue is an IntOrString as the bad value of an error: Kubernetes prints
// it in Go syntax (`intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}`), not as
// "110%".
type intOrStringValue api.IntOrString

func (v intOrStringValue) String() string {
	return fmt.Sprintf("intstr.IntOrString{Type:%d, IntVal:%d, StrVal:%q}", v.Type, v.IntVal, v.StrVal)
}

// ValidateDeploymentUpdate checks an update of a deployment: the metadata rules of any
// update, the new spec as on create, and an unchanged selector.
func ValidateDeploymentUpdate(newD, oldD *api.Deployment) ErrorList {
	errs := ValidateObjectMetaUpdate(&newD.ObjectMeta, &oldD.ObjectMeta, NewPath("metadata"))
	errs = append(errs, validateDeploymentSpec(&newD.Spec, NewPath("spec"))...)
	errs = append(errs, ValidateImmutableField(newD.Spec.Selector, oldD.Spec.Selector, NewPath("spec", "selector"))...)
	return errs
}

// ValidateDeploymentStatusUpdate checks an update through deployments/status: the
// metadata rules of any update; observedGeneration, every count and collisionCount
// non-negative; updatedReplicas, readyReplicas and availableReplicas at most
// status.replicas, availableReplicas at most readyReplicas; and a collisionCount that
// neither decreases nor is unset once set.
func ValidateDeploymentStatusUpdate(newD, oldD *api.Deployment) ErrorList {
	errs := ValidateObjectMetaUpdate(&newD.ObjectMeta, &oldD.ObjectMeta, NewPath("metadata"))
	st := &newD.Status
	p := NewPath("status")
	if st.ObservedGeneration < 0 {
		errs = append(errs, Invalid(p.Child("observedGeneration"), st.ObservedGeneration, "must be greater than or equal to 0"))
	}
	for _, c := range []struct {
		name string
		v    *int32 // nil: unset
	}{
		{"replicas", &st.Replicas},
		{"updatedReplicas", &st.UpdatedReplicas},
		{"readyReplicas", &st.ReadyReplicas},
		{"availableReplicas", &st.AvailableReplicas},
		{"unavailableReplicas", &st.UnavailableReplicas},
		{"terminatingReplicas", st.TerminatingReplicas},
		{"collisionCount", st.CollisionCount},
	} {
		if c.v != nil && *c.v < 0 {
			errs = append(errs, Invalid(p.Child(c.name), int64(*c.v), "must be greater than or equal to 0"))
		}
	}
	for _, c := range []struct {
		name string
		v    int32
	}{{"updatedReplicas", st.UpdatedReplicas}, {"readyReplicas", st.ReadyReplicas}, {"availableReplicas", st.AvailableReplicas}} {
		if c.v > st.Replicas {
			errs = append(errs, Invalid(p.Child(c.name), int64(c.v), "cannot be greater than status.replicas"))
		}
	}
	if st.AvailableReplicas > st.ReadyReplicas {
		errs = append(errs, Invalid(p.Child("availableReplicas"), int64(st.AvailableReplicas), "cannot be greater than readyReplicas"))
	}
	if newC, oldC := st.CollisionCount, oldD.Status.CollisionCount; oldC != nil && (newC == nil || *newC < *oldC) {
		var v int64
		if newC != nil {
			v = int64(*newC)
		}
		errs = append(errs, Invalid(p.Child("collisionCount"), v, "cannot be decremented"))
	}
	return errs
}
