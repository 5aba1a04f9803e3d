package workqueue_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"

	"github.com/orrery-dev/orrery/workqueue"
)

func TestAddAfterKeepsEarliestReadyTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		delays []time.Duration // AddAfter("a", d) at time 0, in order
		want   []time.Duration // when "a" is handed out, in order
	}{
		{name: "one delay", delays: []time.Duration{3 * time.Second}, want: []time.Duration{3 * time.Second}},
		{name: "earlier second", delays: []time.Duration{2 * time.Second, time.Second}, want: []time.Duration{time.Second}},
		{name: "later second", delays: []time.Duration{time.Second, 2 * time.Second}, want: []time.Duration{time.Second}},
		{name: "middle earliest", delays: []time.Duration{2 * time.Second, time.Second, 3 * time.Second}, want: []time.Duration{time.Second}},
		{name: "zero adds now", delays: []time.Duration{0}, want: []time.Duration{0}},
		{name: "negative adds now", delays: []time.Duration{-time.Second}, want: []time.Duration{0}},
		{
			// The immediate add does not cancel the pending one, as in Kubernetes.
			name:   "zero after pending",
			delays: []time.Duration{5 * time.Second, 0},
			want:   []time.Duration{0, 5 * time.Second},
		},
		{name: "overflowing delay never fires", delays: []time.Duration{1<<63 - 1}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				q := newQueue(t, workqueue.Config[string]{})
				start := time.Now()
				for _, d := range tt.delays {
					q.AddAfter("a", d)
				}
				for _, want := range tt.want {
					item, _ := q.Get()
					if got := time.Since(start); got != want {
						t.Errorf("%q handed out after %v, want %v", item, got, want)
					}
					q.Done(item)
				}
				time.Sleep(24 * time.Hour)
				synctest.Wait()
				if got := q.Len(); got != 0 {
					t.Errorf("Len() a day later = %d, want 0", got)
				}
			})
		})
	}
}

func TestAddAfterEarlierItemWakesTheQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := newQueue(t, workqueue.Config[string]{})
		start := time.Now()
		q.AddAfter("late", 10*time.Second)
		time.Sleep(time.Second)
		q.AddAfter("early", time.Second) // due before the loop's timer
		for _, want := range []struct {
			item string
			at   time.Duration
		}{{"early", 2 * time.Second}, {"late", 10 * time.Second}} {
			item, _ := q.Get()
			if got := time.Since(start); item != want.item || got != want.at {
				t.Errorf("got %q at %v, want %q at %v", item, got, want.item, want.at)
			}
			q.Done(item)
		}
	})
}

// TestAddAfterManyItems delays many items, some twice, and checks that each is
// handed out exactly once, at its earliest ready time, in time order.
func TestAddAfterManyItems(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 2000
		q := newQueue(t, workqueue.Config[string]{})
		rng := rand.New(rand.NewPCG(1, 2))
		want := make(map[string]time.Duration, n)
		start := time.Now()
		for i := range n {
			key := fmt.Sprint(i)
			d := time.Duration(1+rng.IntN(10_000)) * time.Millisecond
			q.AddAfter(key, d)
			want[key] = d
			if i%2 == 0 { // again, earlier or later
				d2 := time.Duration(1+rng.IntN(10_000)) * time.Millisecond
				q.AddAfter(key, d2)
				want[key] = min(d, d2)
			}
		}
		var last time.Duration
		for range n {
			item, _ := q.Get()
			got := time.Since(start)
			if got != want[item] {
				t.Errorf("%q handed out after %v, want %v", item, got, want[item])
			}
			if got < last {
				t.Errorf("%q handed out after %v, before an item due at %v", item, got, last)
			}
			last = got
			delete(want, item)
			q.Done(item)
		}
		if len(want) != 0 {
			t.Errorf("%d items never handed out", len(want))
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if got := q.Len(); got != 0 {
			t.Errorf("Len() after every item was processed = %d, want 0", got)
		}
	})
}

func TestAddAfterWhileQueuedOrProcessing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := newQueue(t, workqueue.Config[string]{})
		q.Add("a")
		q.AddAfter("a", time.Second) // queued now and due again in 1s
		item, _ := q.Get()
		time.Sleep(2 * time.Second) // due while processing: dirty, not queued
		synctest.Wait()
		if got := q.Len(); got != 0 {
			t.Fatalf("Len() while %q is processing = %d, want 0", item, got)
		}
		q.Done(item)
		if got := q.Len(); got != 1 {
			t.Fatalf("Len() after Done = %d, want 1", got)
		}
	})
}

func TestShutDownStopsDelayedItems(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := newQueue(t, workqueue.Config[string]{})
		q.AddAfter("a", time.Second)
		q.ShutDown() // returns after the delaying goroutine has exited
		q.AddAfter("b", 0)
		q.AddAfter("c", time.Second)
		time.Sleep(time.Hour)
		if got := q.Len(); got != 0 {
			t.Errorf("Len() after ShutDown = %d, want 0", got)
		}
		if _, shutdown := q.Get(); !shutdown {
			t.Errorf("Get() after ShutDown: shutdown = false, want true")
		}
	})
}
