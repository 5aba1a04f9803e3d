// Package api holds Orrery's API types: Kubernetes' meta types, core/v1 (Pod, Node,
// Namespace, Event, Binding), apps/v1 (ReplicaSet, Scale) and coordination.k8s.io/v1
// (Lease), with JSON identical to Kubernetes' for the fields Orrery serves.
//
// Every kind embeds TypeMeta and ObjectMeta, so *Pod, *Node and the rest satisfy Object.
// Resource quantities ("500m", "128Mi") are exact: they are parsed into integers of a
// fixed scale and compared without floating point.
//
// Objects handed out by shared caches must not be mutated; use DeepCopy first.
//
// The package imports only the standard library. Selectors live in api/labels and
// api/fields, validation and defaulting in api/validation.
package api
