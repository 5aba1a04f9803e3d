// Package protoschema describes messages of Kubernetes' protobuf encoding: for each
// message, the field numbers of Kubernetes' generated.proto files that a Go type
// models, with the JSON names of those fields. A kind's registration (api.Kind) carries
// its message, so that bodies client-go sends as application/vnd.kubernetes.protobuf can
// be read into the kind's Go type.
//
// The messages of meta/v1 (ObjectMeta, ListMeta, LabelSelector, Status, DeleteOptions
// and their parts) and autoscaling/v1 Scale are here, for every kind to embed; the
// messages of the built-in kinds are registered with them in package api/builtin.
//
// A Message is immutable once built, so one may be shared by any number of kinds and
// read concurrently.
package protoschema
