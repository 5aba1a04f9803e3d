// Package cacher is the watch cache: one Cacher per resource keeps the resource's
// current state and a buffer of its recent changes in memory, fed by a single storage
// watch, and serves LIST, GET and WATCH from them to any number of clients. A Cacher
// implements storage.Interface over the storage it wraps, so the apiserver's handlers
// do not change; writes go to storage.
//
// Reads:
//   - GET without a resourceVersion reads storage; "0" the cache; "N" the cache once it
//     has reached N (waiting up to Config.ReadWait, then TooLargeResourceVersion).
//   - LIST without a resourceVersion is consistent: it is served from the cache once the
//     cache has reached storage's current revision, which it learns through a progress
//     notification; from storage if that takes longer than Config.ReadWait. LIST "0"
//     and "N" (NotOlderThan) are served from the cache; continue tokens and Exact read
//     storage. ListResult.FromCache tells which served it.
//
// Watches:
//   - From any revision in the buffer's window, a watch gets exactly the later changes,
//     in revision order, each once (all of them when one transaction changed several
//     keys); from an older revision, one ERROR event (Expired, HTTP 410) and the end of
//     the watch; from a revision the cache has not reached, it waits up to
//     Config.ReadWait, then TooLargeResourceVersion (HTTP 504).
//   - From 0, an initial state as ADDED first: storage's current one (a consistent
//     read, as a LIST without resourceVersion), the cache's with AnyInitialState, or one
//     not older than MinInitialRevision.
//   - An object that stops matching a watcher's selector reaches it as DELETED, one that
//     starts matching as ADDED.
//   - Bookmarks come about every Config.BookmarkInterval and shortly before the watch's
//     deadline, at a revision every earlier change of the watch has reached.
//
// Fan-out: one dispatcher per Cacher hands each change to the watchers it concerns,
// found through indexes (namespace and Config.IndexFields), not by looking at all
// watchers. Each watcher has a bounded buffer. Waits for watchers whose buffer is full
// draw from one budget shared by all of them (Config.StallTimeout, refilled by
// Config.StallRefill a second); when it is used up, a watcher whose buffer is full is
// closed at once (its client resumes from its last resourceVersion). So slow clients
// together never hold the others back by more than the budget, nor make memory grow.
// Each object is encoded at most once, lazily, and the bytes are shared by every
// watcher that receives it (storage.Event.Encoded). A watch that starts takes the
// buffered events (or the objects) it replays under the cache's lock, and filters them
// in its own goroutine, so that many watches starting at once do not stall dispatch.
//
// State: the objects are kept by key in a map and in a B-tree (for ranges in key
// order), so that a change costs the same however many objects there are. The changes
// of one revision are applied together: no reader sees a revision half applied. A
// stored value that does not decode is not in the cache (storage passes over it, and a
// watcher that had its last readable state sees it DELETED).
//
// Objects handed out by a Cacher are shared by all its readers: they must never be
// modified. They carry Config.TypeMeta.
//
// The buffer of recent changes doubles when it fills faster than
// Config.FreshnessWindow and halves when it holds much more, between
// Config.MinCapacity and Config.MaxCapacity.
//
// Lifecycle: New builds a Cacher, Run(ctx) fills it with a consistent LIST and follows
// storage until ctx ends. When the storage watch breaks, the cache resumes from the
// last revision it reached, so open watches miss nothing; when that revision is gone
// (compacted), it lists again and closes every watcher, whose clients then watch
// again. Run returns after every goroutine of the Cacher has exited; after that, the
// Cacher passes every request to storage.
package cacher
