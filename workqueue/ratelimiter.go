package workqueue

import (
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimiter decides how long an item waits before it is retried. Its
// methods are safe for concurrent use.
type RateLimiter[T comparable] interface {
	// When returns how long item must wait before it is added again, and
	// counts the attempt.
	When(item T) time.Duration
	// Forget clears what the limiter knows about item, as when it has been
	// processed successfully.
	Forget(item T)
	// NumRequeues returns how many times When was called for item since it
	// was last forgotten.
	NumRequeues(item T) int
}

// DefaultControllerRateLimiter returns the rate limiter Kubernetes
// controllers use: the larger of a per-item exponential backoff (5 ms,
// doubling on each failure up to 1000 s) and an overall token bucket of 10
// items per second with a burst of 100.
func DefaultControllerRateLimiter[T comparable]() RateLimiter[T] {
	return NewMaxOfRateLimiter(
		NewExponentialRateLimiter[T](5*time.Millisecond, 1000*time.Second),
		NewBucketRateLimiter[T](rate.NewLimiter(rate.Limit(10), 100)),
	)
}

// failures counts When calls per item; the zero value is ready to use.
type failures[T comparable] struct {
	mu sync.Mutex
	n  map[T]int
}

// inc counts one more failure of item and returns the count before it.
func (f *failures[T]) inc(item T) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == nil {
		f.n = make(map[T]int)
	}
	n := f.n[item]
	f.n[item] = n + 1
	return n
}

func (f *failures[T]) get(item T) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n[item]
}

func (f *failures[T]) forget(item T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.n, item)
}

// NewExponentialRateLimiter returns a per-item limiter whose delay is base
// after the first failure of an item and doubles after each further one, up
// to maxDelay: the n-th call of When (n >= 1) returns
// min(base*2^(n-1), maxDelay).
func NewExponentialRateLimiter[T comparable](base, maxDelay time.Duration) RateLimiter[T] {
	return &exponential[T]{base: base, maxDelay: maxDelay}
}

type exponential[T comparable] struct {
	base, maxDelay time.Duration
	failures       failures[T]
}

func (r *exponential[T]) When(item T) time.Duration {
	return backoff(r.base, r.maxDelay, r.failures.inc(item))
}

func (r *exponential[T]) Forget(item T)          { r.failures.forget(item) }
func (r *exponential[T]) NumRequeues(item T) int { return r.failures.get(item) }

// backoff returns min(base*2^exp, maxDelay) without overflowing.
func backoff(base, maxDelay time.Duration, exp int) time.Duration {
	if exp < 63 && base <= maxDelay>>exp {
		return base << exp
	}
	return maxDelay
}

// NewBucketRateLimiter returns a limiter shared by all items: each When takes
// a token from l and returns how long until that token is available. It keeps
// no per-item state; NumRequeues is always 0. Like l itself, it reads the
// time package's clock (which testing/synctest fakes), not Config.Clock.
func NewBucketRateLimiter[T comparable](l *rate.Limiter) RateLimiter[T] {
	return bucket[T]{l}
}

type bucket[T comparable] struct{ l *rate.Limiter }

func (r bucket[T]) When(T) time.Duration {
	// ReserveN, unlike Reserve, is inlined: the reservation stays on the
	// stack.
	now := time.Now()
	return r.l.ReserveN(now, 1).DelayFrom(now)
}
func (r bucket[T]) Forget(T)          {}
func (r bucket[T]) NumRequeues(T) int { return 0 }

// NewFastSlowRateLimiter returns a per-item limiter that returns fast for the
// first fastAttempts failures of an item and slow after that.
func NewFastSlowRateLimiter[T comparable](fast, slow time.Duration, fastAttempts int) RateLimiter[T] {
	return &fastSlow[T]{fast: fast, slow: slow, fastAttempts: fastAttempts}
}

type fastSlow[T comparable] struct {
	fast, slow   time.Duration
	fastAttempts int
	failures     failures[T]
}

func (r *fastSlow[T]) When(item T) time.Duration {
	if r.failures.inc(item) < r.fastAttempts {
		return r.fast
	}
	return r.slow
}

func (r *fastSlow[T]) Forget(item T)          { r.failures.forget(item) }
func (r *fastSlow[T]) NumRequeues(item T) int { return r.failures.get(item) }

// NewMaxOfRateLimiter returns a limiter that asks every one of limiters and
// returns the longest delay and the largest NumRequeues; Forget is passed to
// all of them.
func NewMaxOfRateLimiter[T comparable](limiters ...RateLimiter[T]) RateLimiter[T] {
	return maxOf[T](slices.Clone(limiters))
}

type maxOf[T comparable] []RateLimiter[T]

func (r maxOf[T]) When(item T) time.Duration {
	var d time.Duration
	for _, l := range r {
		d = max(d, l.When(item))
	}
	return d
}

func (r maxOf[T]) Forget(item T) {
	for _, l := range r {
		l.Forget(item)
	}
}

func (r maxOf[T]) NumRequeues(item T) int {
	var n int
	for _, l := range r {
		n = max(n, l.NumRequeues(item))
	}
	return n
}
