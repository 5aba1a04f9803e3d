package cacher

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// runFake runs a Cacher over an in-memory storage inside a synctest bubble: time only
// passes when every goroutine of the bubble waits, so the durations below are exact.
func runFake(t *testing.T, cfg Config) (*Cacher, *fakeStorage) {
	t.Helper()
	f := newFake(0)
	cfg.Storage, cfg.Resource = f, "pods"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	<-c.Synced()
	return c, f
}

func TestStallBudget(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const budget = 250 * time.Millisecond
		c, f := runFake(t, Config{WatcherBuffer: 2, StallTimeout: budget})
		stalled, err := c.Watch(t.Context(), "", storage.WatchOptions{ResourceVersion: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer stalled.Stop()
		fast, err := c.Watch(t.Context(), "", storage.WatchOptions{ResourceVersion: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer fast.Stop()
		const events = 40
		received := make(chan int)
		go func() {
			n := 0
			for ev := range fast.ResultChan() {
				if ev.Revision != int64(n+2) {
					t.Errorf("fast watcher: got revision %d, want %d", ev.Revision, n+2)
				}
				if n++; n == events {
					break
				}
			}
			received <- n
		}()
		start := time.Now()
		for i := range events {
			f.events <- storage.Event{Type: api.Added, Object: benchPod(i), Revision: int64(i + 2)}
		}
		if got := <-received; got != events {
			t.Fatalf("fast watcher: got %d events, want %d", got, events)
		}
		<-stalled.(*watcher).done
		if got := time.Since(start); got != budget {
			t.Errorf("stalled watcher closed after %s, want %s", got, budget)
		}
	})
}

func TestBookmarkTimes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		timeout  time.Duration // of the watch's context; 0: none
		min, max time.Duration // when the first bookmark comes
	}{
		{"every interval", 0, time.Minute, time.Minute + time.Second},
		{"before the deadline", 30 * time.Second, 28 * time.Second, 29 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				c, _ := runFake(t, Config{})
				ctx := t.Context()
				if tc.timeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.timeout)
					defer cancel()
				}
				start := time.Now()
				w, err := c.Watch(ctx, "", storage.WatchOptions{ResourceVersion: 1, ProgressNotify: true})
				if err != nil {
					t.Fatal(err)
				}
				defer w.Stop()
				ev := <-w.ResultChan()
				if ev.Type != api.Bookmark || ev.Revision != 1 {
					t.Fatalf("got %s at %d, want BOOKMARK at 1", ev.Type, ev.Revision)
				}
				if got := time.Since(start); got < tc.min || got > tc.max {
					t.Errorf("first bookmark after %s, want between %s and %s", got, tc.min, tc.max)
				}
			})
		})
	}
}

// TestSlowWatcherUsesUpTheSharedBudget: a watcher that takes one event every 200 ms
// would never time out on a wait of its own, but waits draw from one shared budget:
// it is closed once that is used up, and the others are never delayed by more than the
// budget.
func TestSlowWatcherUsesUpTheSharedBudget(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const budget, fastWatchers, events, interval = 250 * time.Millisecond, 100, 300, 10 * time.Millisecond
		reg := prometheus.NewRegistry()
		metrics, err := NewMetrics(reg)
		if err != nil {
			t.Fatal(err)
		}
		// Default buffers (100 events); a negligible refill, so that the budget is the
		// bound on every delay.
		c, f := runFake(t, Config{StallTimeout: budget, StallRefill: time.Nanosecond, Metrics: metrics})
		sentAt := make([]time.Time, events)
		slow, err := c.Watch(t.Context(), "", storage.WatchOptions{ResourceVersion: 1})
		if err != nil {
			t.Fatal(err)
		}
		slowDone := make(chan struct{})
		go func() {
			defer close(slowDone)
			for range slow.ResultChan() {
				time.Sleep(200 * time.Millisecond)
			}
		}()
		defer func() {
			slow.Stop()
			<-slowDone
		}()
		type result struct {
			n        int
			maxDelay time.Duration
		}
		results := make(chan result, fastWatchers)
		for range fastWatchers {
			w, err := c.Watch(t.Context(), "", storage.WatchOptions{ResourceVersion: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Stop()
			go func() {
				var r result
				for ev := range w.ResultChan() {
					if want := int64(r.n + 2); ev.Revision != want {
						t.Errorf("fast watcher: got revision %d, want %d", ev.Revision, want)
					}
					r.maxDelay = max(r.maxDelay, time.Since(sentAt[ev.Revision-2]))
					if r.n++; r.n == events {
						break
					}
				}
				results <- r
			}()
		}
		for i := range events {
			sentAt[i] = time.Now()
			f.events <- storage.Event{Type: api.Added, Object: benchPod(i), Revision: int64(i + 2)}
			time.Sleep(interval)
		}
		for range fastWatchers {
			r := <-results
			if r.n != events {
				t.Fatalf("fast watcher: got %d events, want %d", r.n, events)
			}
			if r.maxDelay > budget {
				t.Fatalf("fast watcher: an event was delayed %s, want at most the budget %s", r.maxDelay, budget)
			}
		}
		select {
		case <-slow.(*watcher).done:
		default:
			t.Fatal("slow watcher still open after all events")
		}
		if got := metricValue(t, metrics.terminated.WithLabelValues("pods")); got != 1 {
			t.Errorf("apiserver_terminated_watchers_total: got %v, want 1", got)
		}
	})
}
