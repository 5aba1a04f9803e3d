package manager

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// offlineManager is a Manager whose client is never used: the controller tests feed
// the queue with Enqueue.
func offlineManager(t *testing.T) *Manager {
	t.Helper()
	c, err := client.New(client.Config{Host: "https://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	m, err := New(Options{Client: c, GracefulShutdownTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// calls records the times a reconciler ran, per key.
type calls struct {
	mu    sync.Mutex
	times map[string][]time.Duration
	start time.Time
}

func (c *calls) record(req Request) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.times[req.String()] = append(c.times[req.String()], time.Since(c.start))
	return len(c.times[req.String()])
}

func (c *calls) of(key string) []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.times[key]...)
}

// start runs c and returns a function that stops it and returns Start's error.
func start(t *testing.T, c *Controller) (stop func() error) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- c.Start(ctx) }()
	return func() error {
		cancel()
		return <-done
	}
}

// runController runs c until f returns.
func runController(t *testing.T, _ *Manager, c *Controller, f func()) {
	t.Helper()
	stop := start(t, c)
	f()
	if err := stop(); err != nil {
		t.Errorf("Start: %v", err)
	}
}

func TestRequeueAndBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := offlineManager(t)
		rec := &calls{times: map[string][]time.Duration{}, start: time.Now()}
		errBoom := errors.New("boom")
		c, err := NewController(m, "backoff", ReconcilerFunc(func(_ context.Context, req Request) (Result, error) {
			n := rec.record(req)
			switch req.Name {
			case "fails-thrice":
				if n <= 3 {
					return Result{}, errBoom
				}
			case "after":
				if n == 1 {
					return Result{RequeueAfter: 7 * time.Second}, nil
				}
			case "error-and-after":
				if n == 1 {
					return Result{RequeueAfter: time.Hour}, errBoom
				}
			case "terminal":
				return Result{}, TerminalError(errBoom)
			}
			return Result{}, nil
		}), ControllerOptions{MaxConcurrentReconciles: 2})
		if err != nil {
			t.Fatal(err)
		}
		runController(t, m, c, func() {
			for _, name := range []string{"fails-thrice", "after", "error-and-after", "terminal"} {
				c.Enqueue(Request{Namespace: "ns", Name: name})
			}
			time.Sleep(time.Minute) // fake time: everything due has run
			synctest.Wait()
		})
		// 5 ms doubling: retries at 5, 15 and 35 ms after the first run.
		want := map[string][]time.Duration{
			"ns/fails-thrice":    {0, 5 * time.Millisecond, 15 * time.Millisecond, 35 * time.Millisecond},
			"ns/after":           {0, 7 * time.Second},
			"ns/error-and-after": {0, 5 * time.Millisecond}, // the error's backoff, not the hour
			"ns/terminal":        {0},                       // not retried
		}
		for key, w := range want {
			got := rec.of(key)
			if len(got) != len(w) {
				t.Errorf("%s: ran at %v, want %v", key, got, w)
				continue
			}
			for i := range w {
				if got[i] != w[i] {
					t.Errorf("%s: ran at %v, want %v", key, got, w)
					break
				}
			}
		}
		if got := testutil.ToFloat64(m.metrics.terminalErrors.WithLabelValues("backoff")); got != 1 {
			t.Errorf("terminal errors = %v, want 1", got)
		}
		if got := testutil.ToFloat64(m.metrics.reconcileErrors.WithLabelValues("backoff")); got != 5 {
			t.Errorf("reconcile errors = %v, want 5 (3 + 1 + 1 terminal)", got)
		}
		if got := testutil.ToFloat64(m.metrics.reconcileTotal.WithLabelValues("backoff", labelRequeueAfter)); got != 1 {
			t.Errorf("requeue_after results = %v, want 1", got)
		}
	})
}

func TestPanicIsRecoveredAndRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := offlineManager(t)
		rec := &calls{times: map[string][]time.Duration{}, start: time.Now()}
		c, err := NewController(m, "panics", ReconcilerFunc(func(_ context.Context, req Request) (Result, error) {
			if rec.record(req) == 1 {
				var p *api.Pod
				_ = p.Name // nil dereference
			}
			return Result{}, nil
		}), ControllerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		runController(t, m, c, func() {
			c.Enqueue(Request{Name: "x"})
			time.Sleep(time.Second)
			synctest.Wait()
		})
		if got := rec.of("x"); len(got) != 2 {
			t.Errorf("ran %d times, want 2 (the panic, then the retry)", len(got))
		}
		if got := testutil.ToFloat64(m.metrics.reconcilePanics.WithLabelValues("panics")); got != 1 {
			t.Errorf("panics = %v, want 1", got)
		}
	})
}

// TestNeverTwoReconcilesOfOneKey hammers 8 workers with 20 keys added over and over
// while reconciles take time, and checks that no key is ever reconciled twice at once
// and that each key's last add is followed by a reconcile.
func TestNeverTwoReconcilesOfOneKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := offlineManager(t)
		var mu sync.Mutex
		inFlight := map[string]bool{}
		runs := map[string]int{}
		overlaps := 0
		c, err := NewController(m, "exclusive", ReconcilerFunc(func(_ context.Context, req Request) (Result, error) {
			mu.Lock()
			if inFlight[req.Name] {
				overlaps++
			}
			inFlight[req.Name] = true
			runs[req.Name]++
			mu.Unlock()
			time.Sleep(3 * time.Millisecond)
			mu.Lock()
			inFlight[req.Name] = false
			mu.Unlock()
			return Result{}, nil
		}), ControllerOptions{MaxConcurrentReconciles: 8})
		if err != nil {
			t.Fatal(err)
		}
		runController(t, m, c, func() {
			for round := range 200 {
				for k := range 20 {
					c.Enqueue(Request{Name: string(rune('a' + k))})
				}
				if round%3 == 0 {
					time.Sleep(time.Millisecond)
				}
			}
			time.Sleep(time.Second)
			synctest.Wait()
		})
		mu.Lock()
		defer mu.Unlock()
		if overlaps > 0 {
			t.Errorf("%d reconciles overlapped another of the same key", overlaps)
		}
		for k := range 20 {
			if runs[string(rune('a'+k))] < 2 {
				t.Errorf("key %c ran %d times", 'a'+k, runs[string(rune('a'+k))])
			}
		}
	})
}

// TestShutdownLetsRunningReconcilesFinish stops the controller while a reconcile runs
// and keys wait: the running one finishes with a live context, the waiting ones are
// not started.
func TestShutdownLetsRunningReconcilesFinish(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := offlineManager(t)
		started := make(chan struct{})
		var finishedWithLiveCtx, others int
		var mu sync.Mutex
		c, err := NewController(m, "graceful", ReconcilerFunc(func(ctx context.Context, req Request) (Result, error) {
			if req.Name != "slow" {
				mu.Lock()
				others++
				mu.Unlock()
				return Result{}, nil
			}
			close(started)
			time.Sleep(2 * time.Second)
			mu.Lock()
			if ctx.Err() == nil {
				finishedWithLiveCtx++
			}
			mu.Unlock()
			return Result{}, nil
		}), ControllerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		stop := start(t, c)
		c.Enqueue(Request{Name: "slow"})
		<-started
		c.Enqueue(Request{Name: "queued-1"})
		c.Enqueue(Request{Name: "queued-2"})
		if err := stop(); err != nil {
			t.Fatalf("Start: %v", err)
		}
		if finishedWithLiveCtx != 1 || others != 0 {
			t.Errorf("slow finished with a live context %d times, others ran %d times; want 1 and 0", finishedWithLiveCtx, others)
		}
	})
}

// TestShutdownIsBounded cancels a reconcile that outlives the grace period.
func TestShutdownIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := offlineManager(t)
		started := make(chan struct{})
		c, err := NewController(m, "stuck", ReconcilerFunc(func(ctx context.Context, _ Request) (Result, error) {
			close(started)
			<-ctx.Done()
			return Result{}, ctx.Err()
		}), ControllerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		stop := start(t, c)
		c.Enqueue(Request{Name: "x"})
		<-started
		begin := time.Now()
		if err := stop(); err == nil {
			t.Fatal("Start returned nil; want the error of the cancelled reconcile")
		}
		if waited := time.Since(begin); waited != 5*time.Second {
			t.Errorf("waited %v, want the grace period of 5s", waited)
		}
	})
}

func TestControllerNamesAreUnique(t *testing.T) {
	m := offlineManager(t)
	r := ReconcilerFunc(func(context.Context, Request) (Result, error) { return Result{}, nil })
	c, err := NewController(m, "one", r, ControllerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.queue.ShutDown()
	if _, err := NewController(m, "one", r, ControllerOptions{}); err == nil {
		t.Error("a second controller named \"one\" was accepted")
	}
}
