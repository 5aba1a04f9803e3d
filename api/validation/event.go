package validation

import (
	"fmt"

	"github.com/orrery-dev/orrery/api"
)

// Length limits of core/v1 event fields written by new-style recorders.
const (
	eventReasonLengthLimit   = 128
	eventActionLengthLimit   = 128
	eventInstanceLengthLimit = 128
	eventNoteLengthLimit     = 1024
)

var supportedEventTypes = []string{api.EventTypeNormal, api.EventTypeWarning}

// ValidateEvent checks an event being created. Events without eventTime (written by
// legacy recorders) need only a namespace that agrees with the involved object's;
// events with eventTime also need reportingComponent, reportingInstance, action and
// reason, within Kubernetes' length limits.
func ValidateEvent(ev *api.Event) ErrorList {
	errs := ValidateObjectMeta(&ev.ObjectMeta, true, NameIsDNSSubdomain, NewPath("metadata"))
	return append(errs, validateEventBody(ev)...)
}

func validateEventBody(ev *api.Event) ErrorList {
	var errs ErrorList
	nsPath := NewPath("involvedObject", "namespace")
	if ev.EventTime.IsZero() {
		if ev.InvolvedObject.Namespace == "" {
			// Cluster-scoped objects' events live in "default" (or nowhere).
			if ev.Namespace != "" && ev.Namespace != "default" {
				errs = append(errs, Invalid(nsPath, ev.InvolvedObject.Namespace, "does not match event.namespace"))
			}
		} else if ev.Namespace != ev.InvolvedObject.Namespace {
			errs = append(errs, Invalid(nsPath, ev.InvolvedObject.Namespace, "does not match event.namespace"))
		}
	} else {
		if ev.InvolvedObject.Namespace == "" && ev.Namespace != "default" && ev.Namespace != "kube-system" {
			errs = append(errs, Invalid(nsPath, ev.InvolvedObject.Namespace, "does not match event.namespace"))
		}
		if ev.ReportingComponent == "" {
			errs = append(errs, Required(NewPath("reportingComponent"), ""))
		} else {
			for _, msg := range api.IsQualifiedName(ev.ReportingComponent) {
				errs = append(errs, Invalid(NewPath("reportingComponent"), ev.ReportingComponent, msg))
			}
		}
		errs = append(errs, requiredWithLimit(ev.ReportingInstance, eventInstanceLengthLimit, NewPath("reportingInstance"))...)
		errs = append(errs, requiredWithLimit(ev.Action, eventActionLengthLimit, NewPath("action"))...)
		errs = append(errs, requiredWithLimit(ev.Reason, eventReasonLengthLimit, NewPath("reason"))...)
		if len(ev.Message) > eventNoteLengthLimit {
			errs = append(errs, Invalid(NewPath("message"), "", fmt.Sprintf("can have at most %d characters", eventNoteLengthLimit)))
		}
	}
	if ev.Type != "" && !contains(supportedEventTypes, ev.Type) {
		errs = append(errs, NotSupported(NewPath("type"), ev.Type, supportedEventTypes))
	}
	return errs
}

func requiredWithLimit(v string, limit int, p *Path) ErrorList {
	if v == "" {
		return ErrorList{Required(p, "")}
	}
	if len(v) > limit {
		return ErrorList{Invalid(p, "", fmt.Sprintf("can have at most %d characters", limit))}
	}
	return nil
}

// ValidateEventUpdate checks an update of an event: the metadata rules of any update,
// the new event as on create, and an unchanged involvedObject. Count, timestamps and
// message may change, as legacy recorders update them.
func ValidateEventUpdate(newEv, oldEv *api.Event) ErrorList {
	errs := ValidateObjectMetaUpdate(&newEv.ObjectMeta, &oldEv.ObjectMeta, NewPath("metadata"))
	errs = append(errs, validateEventBody(newEv)...)
	errs = append(errs, ValidateImmutableField(newEv.InvolvedObject, oldEv.InvolvedObject, NewPath("involvedObject"))...)
	return errs
}
