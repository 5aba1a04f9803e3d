// Package patch applies the three patch formats the Kubernetes apiserver accepts to JSON
// documents, with Kubernetes' semantics:
//
//   - [MergePatch]: application/merge-patch+json, RFC 7386 (JSON Merge Patch).
//   - [JSONPatch]: application/json-patch+json, RFC 6902 (JSON Patch) as implemented by the
//     evanphx/json-patch library the apiserver uses, including its extensions (negative
//     array indices count from the end) and its error messages.
//   - [StrategicMergePatch]: application/strategic-merge-patch+json, Kubernetes' strategic
//     merge patch, driven by a [Schema] that records the patchStrategy and patchMergeKey
//     struct tags of the Kubernetes API types ([SchemaOf] builds the schema of a kind
//     from its registration's merge rules).
//
// All three work on generic JSON: documents are decoded into map[string]any, []any,
// string, bool, nil and json.Number (integers keep their exact value), never into Go API
// types. The result is always a complete JSON document, encoded with object keys sorted.
// Inputs are never modified. Every function is safe for concurrent use; the package holds
// no state and starts no goroutines.
//
// # Errors
//
// Every error matches, with errors.Is, exactly one of the following (the only exception
// is a Schema with an invalid PatchStrategy, which is a programming error):
//
//   - [ErrInvalidPatch]: the patch is not a valid document of its format (not JSON, wrong
//     shape, unknown operation or directive, malformed directive). The apiserver answers
//     400 Bad Request.
//   - [ErrCannotApply]: the patch is well formed but cannot be applied to this document
//     (missing path, failed test operation, index out of range, list element without its
//     merge key). The apiserver answers 422 Unprocessable Entity.
//   - [ErrTooManyOperations]: a JSON patch with more operations than
//     [MaxJSONPatchOperations]. The apiserver answers 413 Request Entity Too Large.
//   - [ErrInvalidDocument]: the original document is not valid JSON of the expected shape,
//     which is the caller's fault (500 Internal Server Error).
//
// The message of an error is the one Kubernetes gives for the same failure, for example
// `add operation does not apply: doc is missing path: "/spec/foo/bar": missing value` or
// `testing value /metadata/name failed: test failed`.
//
// # Differences from Kubernetes
//
// Where Kubernetes' libraries panic (null elements first in a merged list, object-valued
// merge keys) this package returns an error instead. A merge patch whose body is not an
// object replaces the whole document as RFC 7386 says (evanphx/json-patch rejects it;
// for the apiserver the outcome is an error either way, since the result is not an
// object). A strategic merge patch strips directive keys ($patch, $retainKeys,
// $setElementOrder/..., $deleteFromPrimitiveList/...) from the parts of the patch it
// copies into the result verbatim, where Kubernetes leaves them for the typed decoder to
// drop; the decoded object is the same. The keys of a patch object are processed in
// sorted order, so results never depend on map iteration order.
//
// # Cost
//
// Merging lists is linear in their length apart from a sort (a 10,000-element list
// merged with a 10,000-element patch takes about 55 ms); a JSON patch may hold at most
// MaxJSONPatchOperations operations and its copy operations may add at most
// MaxJSONPatchCopyBytes to the document.
package patch
