// Package workqueue provides the work queues that controllers are built on: a
// queue of keys to reconcile, a delaying layer that adds a key once a duration
// has passed, and a rate-limiting layer that asks a RateLimiter for that
// duration. One type, Queue, implements all three layers; each layer is also
// described by an interface (Interface, DelayingInterface,
// RateLimitingInterface) that embeds the one below it.
//
// # Guarantees
//
//   - Stingy: an item is queued at most once. Adding an item that is already
//     waiting to be processed does nothing.
//   - Exclusive: an item is never handed to two workers at once. Between Get
//     and Done the item is "processing"; adding it again marks it dirty, and
//     Done puts it back in the queue, so the change that caused the second Add
//     is still processed, after the first worker has finished.
//   - Fair: distinct items are handed out in the order they were added
//     (first in, first out).
//   - Many producers and many consumers may use one queue concurrently.
//   - A delayed item (AddAfter) is added once its delay has passed; a delayed
//     item added again keeps the earlier of its two ready times.
//
// # Starting and stopping
//
// New returns a ready queue; there is nothing to start. The delaying layer
// starts one goroutine the first time an item is delayed. ShutDown stops it
// and returns only after it has exited, so every queue must be shut down
// once it is no longer needed. After ShutDown, Add and AddAfter are ignored,
// delayed items that are not ready yet are dropped, Get hands out the items
// already queued and then reports shutdown. ShutDownWithDrain additionally
// waits until every item handed out by Get has been marked Done.
//
// # Metrics
//
// When Config.Registerer is set, the queue registers Prometheus metrics with
// Kubernetes' names, labelled name=Config.Name: workqueue_depth,
// workqueue_adds_total, workqueue_queue_duration_seconds,
// workqueue_work_duration_seconds, workqueue_unfinished_work_seconds,
// workqueue_longest_running_processor_seconds and workqueue_retries_total.
// The unfinished-work gauges are computed when the registry is scraped.
// Without a Registerer the queue keeps no timing data at all.
package workqueue
