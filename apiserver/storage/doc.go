// Package storage is Orrery's storage layer: an Interface with Kubernetes'
// resourceVersion semantics, and Store, its implementation over etcd.
//
// One Store serves one resource. Objects live under Config.Prefix at keys "<ns>/<name>"
// (namespaced) or "<name>" (cluster-scoped) — see ObjectKey — as JSON. An object's
// resourceVersion is the etcd ModRevision that wrote it; a list's is the etcd revision it
// was read at. Clients treat both as opaque.
//
// Guarantees:
//   - Create writes only if the key does not exist (AlreadyExists otherwise).
//   - GuaranteedUpdate is a compare-and-swap on the ModRevision, retried on conflict, so
//     concurrent updates never lose one another; a stale resourceVersion in the updated
//     object is a Conflict and stores nothing.
//   - List reads one revision: every page of a paged list (limit/continue) is read at the
//     revision of the first page, so it is consistent while writes go on.
//   - Watch delivers, in revision order, exactly the changes after the requested revision,
//     each once, filtered by the predicate; an object that stops matching arrives as
//     DELETED, one that starts matching as ADDED. A revision that was compacted away is
//     an Expired error.
//   - A stored value that does not decode fails only the request that reads it, with an
//     Invalid error naming the key.
//
// Errors are *Error values with a Code; test them with IsNotFound, IsConflict and the
// other Is functions.
//
// Compactor removes old history periodically; run it with Run(ctx).
package storage
