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
// Kinds are registered in a Registry, one registration each (Register with a Kind):
// names, scope, subresources, verbs, defaults, validation, selectable and indexed
// fields and the rest of the strategy. The apiserver, the clients and the informers
// read the Registry they are given; api/builtin registers the built-in kinds, and a
// program registers its own Go types into the same Registry. A Registry is copied on
// write, so kinds can be added while it is in use.
//
// The package imports only the standard library. Selectors live in api/labels and
// api/fields, validation and defaulting in api/validation, the built-in registrations
// in api/builtin.
package api
