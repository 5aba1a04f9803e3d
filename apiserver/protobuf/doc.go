// Package protobuf reads request bodies in Kubernetes' protobuf encoding
// (Content-Type application/vnd.kubernetes.protobuf), the encoding client-go's generated
// clients use by default for built-in kinds, and turns them into the JSON the rest of
// the apiserver decodes.
//
// A body is the four bytes "k8s\x00" followed by a runtime.Unknown message whose
// typeMeta names the kind and apiVersion and whose raw field holds the object's own
// message, with the field numbers of Kubernetes' generated.proto files. A [Decoder]
// reads the kinds of an api.Registry that carry a protobuf message (package
// api/protoschema; the built-in kinds all do, and pods' Binding bodies), and the
// apiserver's own bodies: Status, Scale (autoscaling/v1) and DeleteOptions in any
// group's v1.
//
// Guarantees:
//
//   - Every field that Orrery's api types model is decoded, under its JSON name, with
//     the JSON form Kubernetes gives it: times as RFC 3339 (null when zero), quantities
//     and int-or-strings as in JSON, maps as objects. Fields Orrery does not model are
//     skipped silently, as Kubernetes' own decoder skips unknown fields.
//   - Malformed input (truncated varints or values, lengths past the end, a wire type
//     that does not fit a known field, nesting deeper than a fixed bound, timestamps
//     out of range) is an error, never a panic; decoding reads nothing outside the
//     input, and the memory it uses grows linearly with the size of the input.
//   - The package holds no mutable state and starts no goroutines; every function and
//     Decoder is safe for concurrent use.
//
// The package imports only the standard library and Orrery's api packages.
package protobuf
