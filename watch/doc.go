// Package watch holds the primitives of Kubernetes' watch protocol on the client side:
// the Interface every watch satisfies, the Event it delivers, a Broadcaster that fans
// one source out to many watchers, a filtering watcher, a stream watcher that decodes
// the server's chunked JSON stream, Until conditions, and a Fake for tests.
//
// Guarantees:
//   - Every Interface delivers events in the order its source produced them and closes
//     its result channel exactly once, after which it delivers nothing more.
//   - Stop may be called any number of times, from any goroutine, including the one
//     reading ResultChan; once it returns, the goroutines the watcher started have
//     exited and its result channel is closed (or will be, without blocking anyone).
//   - A stream watcher reports an undecodable line as one Error event whose Status
//     says why, then closes; the end of the stream (clean or not) just closes it.
//   - A Broadcaster never blocks Send on a full watcher under DropIfFull; under
//     WaitIfFull it waits, but a watcher that is stopped never blocks anyone.
//
// Nothing in the package starts a goroutine that outlives its watcher's Stop.
package watch
