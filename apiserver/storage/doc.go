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
//   - Whole ranges (a List without a limit, the initial state of a watch) are read in
//     pages of Config.PageSize keys at one revision, so no etcd response outgrows the
//     client's message limit.
//   - A stored value that does not decode fails only a Get, update or delete of its key,
//     with an Invalid error naming the key. Lists and watches pass over it (it is logged
//     and counted in apiserver_storage_decode_errors_total{resource}); a watcher that
//     had the object's last readable state receives it as DELETED, and the object
//     appears again once a readable value is written.
//   - Watch marks each change but the last of a revision with Event.More, so that a
//     reader can apply a transaction's changes together.
//   - With Config.TTL, objects expire that long after their last write (Events); they
//     share etcd leases, one per expiry window.
//
// Errors are *Error values with a Code; test them with IsNotFound, IsConflict and the
// other Is functions.
//
// Compactor removes old history periodically; run it with Run(ctx).
package storage
