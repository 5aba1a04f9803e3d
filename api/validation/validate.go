package validation

import (
	"fmt"

	"github.com/orrery-dev/orrery/api"
)

// Validate checks obj for creation with the validator of its kind. An object of a kind
// the package does not know gives a single error.
func Validate(obj api.Object) ErrorList {
	switch o := obj.(type) {
	case *api.Pod:
		return ValidatePod(o)
	case *api.Node:
		return ValidateNode(o)
	case *api.Namespace:
		return ValidateNamespace(o)
	case *api.Event:
		return ValidateEvent(o)
	case *api.ReplicaSet:
		return ValidateReplicaSet(o)
	case *api.Lease:
		return ValidateLease(o)
	case *api.Binding:
		return ValidateBinding(o)
	case *api.Scale:
		return ValidateScale(o)
	}
	return ErrorList{unknownKind(obj)}
}

// ValidateUpdate checks newObj as an update of oldObj with the update validator of
// their kind. Objects of different or unknown kinds give a single error.
func ValidateUpdate(newObj, oldObj api.Object) ErrorList {
	switch n := newObj.(type) {
	case *api.Pod:
		if o, ok := oldObj.(*api.Pod); ok {
			return ValidatePodUpdate(n, o)
		}
	case *api.Node:
		if o, ok := oldObj.(*api.Node); ok {
			return ValidateNodeUpdate(n, o)
		}
	case *api.Namespace:
		if o, ok := oldObj.(*api.Namespace); ok {
			return ValidateNamespaceUpdate(n, o)
		}
	case *api.Event:
		if o, ok := oldObj.(*api.Event); ok {
			return ValidateEventUpdate(n, o)
		}
	case *api.ReplicaSet:
		if o, ok := oldObj.(*api.ReplicaSet); ok {
			return ValidateReplicaSetUpdate(n, o)
		}
	case *api.Lease:
		if o, ok := oldObj.(*api.Lease); ok {
			return ValidateLeaseUpdate(n, o)
		}
	default:
		return ErrorList{unknownKind(newObj)}
	}
	return ErrorList{Invalid(NewPath("kind"), fmt.Sprintf("%T", oldObj), fmt.Sprintf("cannot update a %T from a %T", newObj, oldObj))}
}

// ValidateStatusUpdate checks newObj as an update of oldObj through the status
// subresource of their kind.
func ValidateStatusUpdate(newObj, oldObj api.Object) ErrorList {
	switch n := newObj.(type) {
	case *api.Pod:
		if o, ok := oldObj.(*api.Pod); ok {
			return ValidatePodStatusUpdate(n, o)
		}
	case *api.Node:
		if o, ok := oldObj.(*api.Node); ok {
			return ValidateNodeUpdate(n, o)
		}
	case *api.Namespace:
		if o, ok := oldObj.(*api.Namespace); ok {
			return ValidateNamespaceStatusUpdate(n, o)
		}
	case *api.ReplicaSet:
		if o, ok := oldObj.(*api.ReplicaSet); ok {
			return ValidateReplicaSetStatusUpdate(n, o)
		}
	default:
		return ErrorList{unknownKind(newObj)}
	}
	return ErrorList{Invalid(NewPath("kind"), fmt.Sprintf("%T", oldObj), fmt.Sprintf("cannot update a %T from a %T", newObj, oldObj))}
}

func unknownKind(obj api.Object) *Error {
	return Invalid(NewPath("kind"), obj.GetTypeMeta().Kind, fmt.Sprintf("no validation for %T", obj))
}
