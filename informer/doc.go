// Package informer keeps local, indexed caches of collections on the apiserver and
// tells handlers about every change: the machinery controllers are built from.
//
// The layers, each usable alone:
//   - Reflector lists and watches one collection through a ListerWatcher (a
//     *client.ResourceClient is one) and pushes what it sees into a Sink.
//   - Queue is the in-order Sink: it applies each change to a Store and delivers the
//     resulting Deltas, with no per-key coalescing.
//   - Store is a thread-safe map by "namespace/name" with indexes.
//   - SharedInformer ties them together for one collection and feeds any number of
//     Handlers; Factory shares informers per resource, namespace and selectors; Lister
//     reads a Store by selector, namespace, name and index.
//
// Guarantees:
//   - One list and one watch per informer, however many handlers it has.
//   - Every handler sees, for every key, the changes in the order the server made
//     them; a relist (after the watch failed or expired) replaces the Store and
//     delivers OnDelete, with the last known object, for every key that vanished
//     meanwhile, OnAdd for new keys and OnUpdate for changed ones. No key is added
//     twice without a delete in between, and no delete is lost.
//   - Each handler has its own unbounded buffer and goroutine: a slow handler delays
//     nobody else (it only grows its own buffer).
//   - A handler added after the informer has synced first gets OnAdd(obj, true) for
//     every stored object, then every later change.
//   - HasSynced (of the informer, and of each Registration) becomes true once the
//     first list is stored (and, for a Registration, handled).
//   - Objects in the Store and passed to handlers are shared: never mutate them.
//   - Objects are compacted before they are stored (slices trimmed to their length,
//     strings that recur across objects held once), which changes nothing they say.
//   - The first sync is a streaming list (a watch with sendInitialEvents) where the
//     server supports it, else a LIST; either way handlers see the same thing.
//
// Lifecycle: SharedInformer.Run(ctx) lists, watches and feeds handlers until ctx ends,
// and returns only after every goroutine it started has exited. Factory.Start(ctx)
// runs its informers; Factory.Shutdown waits for them after ctx ends.
package informer
