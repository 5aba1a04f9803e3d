package workqueue

// RateLimitingInterface is a DelayingInterface that asks a RateLimiter how
// long to delay an item, typically one whose processing failed.
type RateLimitingInterface[T comparable] interface {
	DelayingInterface[T]
	// AddRateLimited adds item after the delay the rate limiter gives it.
	AddRateLimited(item T)
	// Forget tells the rate limiter that item is done with: its failures
	// are forgotten and its next delay starts from the beginning. It does
	// not remove item from the queue.
	Forget(item T)
	// NumRequeues returns how many times item was rate limited since it was
	// last forgotten.
	NumRequeues(item T) int
}

// AddRateLimited implements RateLimitingInterface.
func (q *Queue[T]) AddRateLimited(item T) {
	q.AddAfter(item, q.limiter.When(item))
}

// Forget implements RateLimitingInterface.
func (q *Queue[T]) Forget(item T) {
	q.limiter.Forget(item)
}

// NumRequeues implements RateLimitingInterface.
func (q *Queue[T]) NumRequeues(item T) int {
	return q.limiter.NumRequeues(item)
}
