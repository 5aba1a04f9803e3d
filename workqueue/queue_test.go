package workqueue_test

import (
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/orrery-dev/orrery/workqueue"
)

// newQueue returns a queue without metrics that is shut down when t ends.
func newQueue[T comparable](t *testing.T, cfg workqueue.Config[T]) *workqueue.Queue[T] {
	t.Helper()
	q, err := workqueue.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(q.ShutDown)
	return q
}

// drain hands out and marks Done every queued item, returning them in order.
func drain[T comparable](q *workqueue.Queue[T]) []T {
	var got []T
	for q.Len() > 0 {
		item, _ := q.Get()
		got = append(got, item)
		q.Done(item)
	}
	return got
}

func TestQueueOrderAndDeduplication(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		adds []string
		want []string
	}{
		{name: "empty", adds: nil, want: nil},
		{name: "fifo", adds: []string{"a", "b", "c"}, want: []string{"a", "b", "c"}},
		{name: "duplicate keeps first position", adds: []string{"a", "b", "a", "c", "b"}, want: []string{"a", "b", "c"}},
		{name: "same item many times", adds: []string{"x", "x", "x", "x"}, want: []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := newQueue(t, workqueue.Config[string]{})
			for _, a := range tt.adds {
				q.Add(a)
			}
			if got, want := q.Len(), len(tt.want); got != want {
				t.Errorf("Len() = %d, want %d", got, want)
			}
			if got := drain(q); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestQueueReAddWhileProcessing(t *testing.T) {
	t.Parallel()
	q := newQueue(t, workqueue.Config[string]{})
	q.Add("a")
	q.Add("b")
	item, _ := q.Get()
	if item != "a" {
		t.Fatalf("Get() = %q, want %q", item, "a")
	}
	q.Add("a") // while processing: remembered, not queued
	q.Add("a")
	if got, want := q.Len(), 1; got != want {
		t.Fatalf("Len() while a is processing = %d, want %d", got, want)
	}
	if got, _ := q.Get(); got != "b" {
		t.Fatalf("Get() = %q, want %q (a must not be handed out while processing)", got, "b")
	}
	q.Done("a")
	if got, want := q.Len(), 1; got != want {
		t.Fatalf("Len() after Done(a) = %d, want %d", got, want)
	}
	q.Done("b")
	if got, want := drain(q), []string{"a"}; !slices.Equal(got, want) {
		t.Errorf("after Done: got %q, want %q", got, want)
	}
	if got := q.Len(); got != 0 {
		t.Errorf("Len() at the end = %d, want 0", got)
	}
}

func TestQueueDoneOfUnknownItemIsIgnored(t *testing.T) {
	t.Parallel()
	q := newQueue(t, workqueue.Config[string]{})
	q.Done("never-added")
	q.Add("a")
	q.Done("a") // queued, not processing
	if got, want := drain(q), []string{"a"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestQueueShutDownWakesEveryGet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := newQueue(t, workqueue.Config[int]{})
		const getters = 8
		var wg sync.WaitGroup
		var shutdowns atomic.Int32
		for range getters {
			wg.Go(func() {
				if _, shutdown := q.Get(); shutdown {
					shutdowns.Add(1)
				}
			})
		}
		synctest.Wait() // every getter is blocked on the empty queue
		if got := shutdowns.Load(); got != 0 {
			t.Fatalf("%d getters returned before ShutDown", got)
		}
		q.ShutDown()
		wg.Wait()
		if got, want := shutdowns.Load(), int32(getters); got != want {
			t.Errorf("getters that saw shutdown = %d, want %d", got, want)
		}
		if !q.ShuttingDown() {
			t.Errorf("ShuttingDown() = false after ShutDown")
		}
	})
}

func TestQueueShutDownHandsOutQueuedItems(t *testing.T) {
	t.Parallel()
	q := newQueue(t, workqueue.Config[string]{})
	q.Add("a")
	q.Add("b")
	q.ShutDown()
	q.Add("c") // ignored
	var got []string
	for {
		item, shutdown := q.Get()
		if shutdown {
			break
		}
		got = append(got, item)
		q.Done(item)
	}
	if want := []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	q.ShutDown() // twice is fine
}

func TestQueueShutDownWithDrainWaitsForDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := newQueue(t, workqueue.Config[string]{})
		q.Add("a")
		q.Add("b")
		a, _ := q.Get()
		b, _ := q.Get()
		var returned atomic.Bool
		var wg sync.WaitGroup
		wg.Go(func() {
			q.ShutDownWithDrain()
			returned.Store(true)
		})
		synctest.Wait()
		if !q.ShuttingDown() {
			t.Fatalf("ShuttingDown() = false during ShutDownWithDrain")
		}
		q.Add("c") // ignored while shutting down
		q.Done(a)
		synctest.Wait()
		if returned.Load() {
			t.Fatalf("ShutDownWithDrain returned with %q still processing", b)
		}
		q.Done(b)
		wg.Wait()
		if got := q.Len(); got != 0 {
			t.Errorf("Len() = %d, want 0", got)
		}
	})
}

func TestQueueShutDownEndsDrain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := newQueue(t, workqueue.Config[string]{})
		q.Add("a")
		q.Get()
		var wg sync.WaitGroup
		wg.Go(q.ShutDownWithDrain)
		synctest.Wait()
		q.ShutDown() // ends the wait although "a" is still processing
		wg.Wait()
	})
}

// TestQueueNeverProcessesAnItemTwiceAtOnce hammers a queue with random adds
// from several producers while 16 workers process, and checks two invariants:
// no item is ever processed by two workers at once, and every Add is followed
// by a processing of its item that starts after it.
func TestQueueNeverProcessesAnItemTwiceAtOnce(t *testing.T) {
	t.Parallel()
	const (
		keys      = 1000
		producers = 4
		adds      = 1_000_000
		workers   = 16
	)
	q := newQueue(t, workqueue.Config[int]{})
	var (
		inFlight  [keys]atomic.Bool
		added     [keys]atomic.Int64 // Adds of each key, counted before Add
		processed [keys]atomic.Int64 // added[k] seen by k's latest processing
		overlaps  atomic.Int64
		tooLong   atomic.Int64
	)
	var workerWG sync.WaitGroup
	for range workers {
		workerWG.Go(func() {
			for {
				k, shutdown := q.Get()
				if shutdown {
					return
				}
				if !inFlight[k].CompareAndSwap(false, true) {
					overlaps.Add(1)
				}
				processed[k].Store(added[k].Load())
				inFlight[k].Store(false)
				q.Done(k)
			}
		})
	}
	var producerWG sync.WaitGroup
	for p := range producers {
		producerWG.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(p), 42))
			for n := range adds / producers {
				k := rng.IntN(keys)
				added[k].Add(1)
				q.Add(k)
				if n%1024 == 0 && q.Len() > keys {
					tooLong.Add(1)
				}
			}
		})
	}
	producerWG.Wait()
	q.ShutDownWithDrain()
	workerWG.Wait()

	if got := overlaps.Load(); got != 0 {
		t.Errorf("items handed to two workers at once: %d times, want 0", got)
	}
	if got := tooLong.Load(); got != 0 {
		t.Errorf("Len() exceeded the number of distinct keys %d times, want 0", got)
	}
	for k := range keys {
		if got, want := processed[k].Load(), added[k].Load(); got != want {
			t.Errorf("key %d: last processing saw %d adds, want %d", k, got, want)
		}
	}
}
