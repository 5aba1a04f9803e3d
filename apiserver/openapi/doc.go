// Package openapi builds and serves the OpenAPI v3 documents of the kinds Orrery
// serves, laid out as the Kubernetes apiserver lays out its own, so that kubectl uses
// them unchanged: `kubectl create` and `kubectl apply` find the fieldValidation
// parameter of each kind's PATCH operation and validate on the server, `kubectl apply`
// computes three-way strategic merge patches from the schemas, and `kubectl explain`
// prints them.
//
// The schemas are derived by reflection from the Go types of package api, under the
// names Kubernetes gives them ("io.k8s.api.core.v1.Pod",
// "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"). The package guarantees:
//
//   - every kind of api.Kinds, its list kind and the kinds of its subresources (Scale,
//     Binding) have a component schema carrying x-kubernetes-group-version-kind;
//   - the strategic merge patch extensions (x-kubernetes-patch-strategy and
//     x-kubernetes-patch-merge-key) are those of the kinds' merge rules (patch.SchemaOf), so kubectl computes
//     the patches the server applies;
//   - every PATCH, PUT and POST operation has the dryRun, fieldManager and
//     fieldValidation query parameters, written inline; every PATCH operation accepts
//     application/strategic-merge-patch+json;
//   - every $ref resolves within its document;
//   - the documents are built once, by New, and are identical from run to run, so their
//     hashes (upper-case hex SHA-512, as Kubernetes computes them) change only when the
//     types do.
//
// New fails when a served Go type has no Kubernetes name in the package's table, or a
// kind lists a subresource the package does not describe; the package's tests run New,
// so such a change fails the build's tests rather than the server.
//
// Docs is immutable after New and safe for concurrent use. Its ServeHTTP answers
// /openapi/v3 and /openapi/v3/<group-version>; everything else, /openapi/v2 included,
// is a 404 Status, after which kubectl falls back to its compiled-in types.
package openapi
