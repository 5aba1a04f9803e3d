package compat

import (
	"fmt"
	"sync"
	"testing"
	"time"

	cgworkqueue "k8s.io/client-go/util/workqueue"

	"github.com/orrery-dev/orrery/workqueue"
)

// The queue interfaces the benchmarks need; both implementations satisfy
// them, so each scenario runs the same code against both.
type (
	plainQueue interface {
		Add(item string)
		Get() (item string, shutdown bool)
		Done(item string)
		ShutDown()
		ShutDownWithDrain()
	}
	delayingQueue interface {
		plainQueue
		AddAfter(item string, d time.Duration)
	}
	rateLimitedQueue interface {
		delayingQueue
		AddRateLimited(item string)
		Forget(item string)
	}
)

// impl builds each layer of one implementation with its defaults.
type impl struct {
	name        string
	plain       func() plainQueue
	delaying    func() delayingQueue
	rateLimited func() rateLimitedQueue
}

func orrery() rateLimitedQueue {
	q, err := workqueue.New(workqueue.Config[string]{})
	if err != nil {
		panic(err)
	}
	return q
}

var impls = []impl{
	{
		name:        "orrery",
		plain:       func() plainQueue { return orrery() },
		delaying:    func() delayingQueue { return orrery() },
		rateLimited: orrery,
	},
	{
		name:     "clientgo",
		plain:    func() plainQueue { return cgworkqueue.NewTyped[string]() },
		delaying: func() delayingQueue { return cgworkqueue.NewTypedDelayingQueue[string]() },
		rateLimited: func() rateLimitedQueue {
			return cgworkqueue.NewTypedRateLimitingQueue(cgworkqueue.DefaultTypedControllerRateLimiter[string]())
		},
	},
}

// makeKeys returns n distinct namespace/name keys, built before timing.
func makeKeys(prefix string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s/object-%07d", prefix, i)
	}
	return keys
}

// xorshift is a tiny allocation-free random source for producers.
type xorshift uint64

func (x *xorshift) intn(n int) int {
	*x ^= *x << 13
	*x ^= *x >> 7
	*x ^= *x << 17
	return int(uint64(*x) % uint64(n))
}

// BenchmarkQueue compares Orrery's workqueue with client-go's on the same
// scenarios: BenchmarkQueue/<impl>/<scenario>. One op is one Add, AddAfter or
// AddRateLimited call (with the Get and Done it causes, where there are
// workers).
func BenchmarkQueue(b *testing.B) {
	for _, im := range impls {
		b.Run(im.name, func(b *testing.B) {
			b.Run("serial", func(b *testing.B) { benchSerial(b, im) })
			b.Run("producer-consumer", func(b *testing.B) { benchProducerConsumer(b, im) })
			b.Run("8x8", func(b *testing.B) { benchContended(b, im) })
			for _, pending := range []int{1_000, 10_000, 100_000} {
				b.Run(fmt.Sprintf("AddAfter/pending=%d", pending), func(b *testing.B) {
					benchAddAfter(b, im, pending)
				})
			}
			b.Run("AddAfter/duplicate", func(b *testing.B) { benchAddAfterDuplicate(b, im) })
			b.Run("AddRateLimited+Forget", func(b *testing.B) { benchRateLimited(b, im) })
		})
	}
}

// benchSerial: one goroutine does Add, Get and Done of one item at a time.
func benchSerial(b *testing.B, im impl) {
	keys := makeKeys("serial", 1024)
	q := im.plain()
	defer q.ShutDown()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		q.Add(keys[i&1023])
		item, _ := q.Get()
		q.Done(item)
	}
}

// benchProducerConsumer: one producer adds distinct keys in turn while one
// consumer gets and finishes them.
func benchProducerConsumer(b *testing.B, im impl) {
	const n = 1 << 16
	keys := makeKeys("pc", n)
	q := im.plain()
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	wg.Go(func() { work(q, func(string) {}) })
	for i := range b.N {
		q.Add(keys[i&(n-1)])
	}
	q.ShutDownWithDrain()
	wg.Wait()
}

// benchContended: 8 producers add random keys out of 10,000 while 8 workers
// process them, each item costing a little work. The queue starts full and
// producers outpace workers, so most adds are duplicates of a queued or
// processing item: the heavy duplication of a busy controller.
func benchContended(b *testing.B, im impl) {
	const producers, workers, distinct = 8, 8, 10_000
	keys := makeKeys("contended", distinct)
	q := im.plain()
	for _, k := range keys {
		q.Add(k)
	}
	var workerWG, producerWG sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	for range workers {
		workerWG.Go(func() { work(q, reconcile) })
	}
	for p := range producers {
		n := b.N / producers
		if p < b.N%producers {
			n++
		}
		producerWG.Go(func() {
			rng := xorshift(p + 1)
			for range n {
				q.Add(keys[rng.intn(distinct)])
			}
		})
	}
	producerWG.Wait()
	q.ShutDownWithDrain()
	workerWG.Wait()
}

// reconcile stands for a worker's processing of key: about a microsecond of
// computation.
func reconcile(key string) {
	h := uint64(14695981039346656037)
	for range 64 {
		for i := range len(key) {
			h = (h ^ uint64(key[i])) * 1099511628211
		}
	}
	if h == 0 {
		panic("unreachable in practice; keeps the loop from being optimized away")
	}
}

// work gets, processes and finishes items until the queue shuts down.
func work(q plainQueue, process func(string)) {
	for {
		item, shutdown := q.Get()
		if shutdown {
			return
		}
		process(item)
		q.Done(item)
	}
}

// benchAddAfter measures AddAfter of new items into a queue that holds
// pending delayed items already (between pending and 2*pending of them: the
// queue is rebuilt, off the clock, every pending adds).
func benchAddAfter(b *testing.B, im impl, pending int) {
	old := makeKeys("pending", pending)
	fresh := makeKeys("fresh", pending)
	build := func() delayingQueue {
		q := im.delaying()
		for i, k := range old {
			q.AddAfter(k, time.Hour+time.Duration(i*7919%pending)*time.Millisecond)
		}
		return q
	}
	q := build()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		j := i % pending
		if j == 0 && i > 0 {
			b.StopTimer()
			q.ShutDown()
			q = build()
			b.StartTimer()
		}
		q.AddAfter(fresh[j], time.Hour+time.Duration(j*104729%pending)*time.Millisecond)
	}
	b.StopTimer()
	q.ShutDown()
}

// benchAddAfterDuplicate measures AddAfter of items that are already pending
// with an earlier ready time, the common case of a controller re-adding a key
// it is waiting on (10,000 pending).
func benchAddAfterDuplicate(b *testing.B, im impl) {
	const pending = 10_000
	keys := makeKeys("dup", pending)
	q := im.delaying()
	defer q.ShutDown()
	for _, k := range keys {
		q.AddAfter(k, time.Hour)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		q.AddAfter(keys[i%pending], 2*time.Hour)
	}
}

// benchRateLimited: a retry storm with the default controller rate limiter:
// AddRateLimited and Forget of 1,000 keys in turn.
func benchRateLimited(b *testing.B, im impl) {
	keys := makeKeys("retry", 1000)
	q := im.rateLimited()
	defer q.ShutDown()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := keys[i%1000]
		q.AddRateLimited(k)
		q.Forget(k)
	}
}
