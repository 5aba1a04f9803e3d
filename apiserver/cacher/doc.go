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
//     in revision order, each once; from an older revision, one ERROR event (Expired,
//     HTTP 410) and the end of the watch; from 0, the current state as ADDED first.
//   - An object that stops matching a watcher's selector reaches it as DELETED, one that
//     starts matching as ADDED.
//   - Bookmarks come about every Config.BookmarkInterval and shortly before the watch's
//     deadline, at a revision every earlier change of the watch has reached.
//
// Fan-out: one dispatcher per Cacher hands each change to the watchers it concerns,
// found through indexes (namespace and Config.IndexFields), not by looking at all
// watchers. Each watcher has a bounded buffer; one that stays full beyond
// Config.StallTimeout is closed (its client resumes from its last resourceVersion), so
// a slow client never holds the others back for longer than that, nor makes memory
// grow. Each object is encoded at most once, lazily, and the bytes are shared by every
// watcher that receives it (storage.Event.Encoded).
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
