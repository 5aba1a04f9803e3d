package scheduler

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/orrery-dev/orrery/api"
)

func qpod(name string, prio int32) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "ns", UID: name}, Spec: api.PodSpec{Priority: &prio}}
}

func TestQueueOrderAndBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		q := newQueue(time.Now)
		go q.run(ctx)
		q.add(qpod("low", 0))
		time.Sleep(time.Millisecond)
		q.add(qpod("high", 10))
		q.add(qpod("low-later", 0))
		var order []string
		for range 3 {
			qp, _ := q.pop(ctx)
			order = append(order, qp.pod.Name)
			q.done(qp)
		}
		if order[0] != "high" || order[1] != "low" || order[2] != "low-later" {
			t.Fatalf("order %v, want high, low, low-later", order)
		}

		// Failures back off 1 s, 2 s, 4 s, 8 s, then 10 s.
		q.add(qpod("flaky", 0))
		start := time.Now()
		var waits []time.Duration
		for range 6 {
			qp, cycle := q.pop(ctx)
			waits = append(waits, time.Since(start).Round(time.Second))
			start = time.Now()
			q.requeue(qp, cycle, false)
		}
		want := []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second}
		for i := range want {
			if waits[i] != want[i] {
				t.Fatalf("waits %v, want %v", waits, want)
			}
		}
	})
}

func TestQueueUnschedulable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		q := newQueue(time.Now)
		go q.run(ctx)

		// An unschedulable pod waits for an event; after its backoff, an event brings it
		// back at once.
		q.add(qpod("big", 0))
		qp, cycle := q.pop(ctx)
		q.requeue(qp, cycle, true)
		time.Sleep(time.Minute)
		synctest.Wait()
		if a, b, u := q.lengths(); a != 0 || b != 0 || u != 1 {
			t.Fatalf("after a minute: active %d backoff %d unschedulable %d; want it unschedulable", a, b, u)
		}
		q.moveAll()
		if a, _, _ := q.lengths(); a != 1 {
			t.Fatal("a cluster event did not move the pod to activeQ")
		}
		qp, cycle = q.pop(ctx)

		// Without an event it is tried again after 5 minutes (checked every 30 s).
		q.requeue(qp, cycle, true)
		start := time.Now()
		qp, cycle = q.pop(ctx)
		if waited := time.Since(start); waited < maxUnschedulableStay || waited > maxUnschedulableStay+unschedulableFlushGap {
			t.Errorf("tried again after %v; want 5 minutes (to 5m30s)", waited)
		}

		// An event during its cycle sends it to backoff, not to wait for another event.
		q.moveAll()
		q.requeue(qp, cycle, true)
		if _, b, u := q.lengths(); b != 1 || u != 0 {
			t.Errorf("an event during the cycle: backoff %d unschedulable %d; want backoff", b, u)
		}

		// A deleted pod leaves every queue.
		q.remove(qp.pod)
		if a, b, u := q.lengths(); a+b+u != 0 {
			t.Errorf("a deleted pod is still queued: %d %d %d", a, b, u)
		}
	})
}
