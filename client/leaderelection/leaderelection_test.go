package leaderelection_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/leaderelection"
	"github.com/orrery-dev/orrery/envtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestTakeOverAfterExpiry: a leader that stops without releasing (as a killed process
// would) keeps the lease until it expires; the other candidate takes it then, not
// before, and never while the first still leads.
func TestTakeOverAfterExpiry(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	const leaseDuration = 3 * time.Second
	var leading atomic.Int32
	var overlap atomic.Bool
	started := make(chan string, 2)
	var wg sync.WaitGroup
	ctxs := map[string]context.CancelFunc{}
	var newLeaders sync.Map
	for _, id := range []string{"a", "b"} {
		e, err := leaderelection.New(leaderelection.Config{
			Client: env.Client(), Namespace: "default", Name: "expiry", Identity: id,
			LeaseDuration: leaseDuration, RenewDeadline: 2 * time.Second, RetryPeriod: 100 * time.Millisecond,
			KeepOnCancel: true,
			OnStartedLeading: func(ctx context.Context) {
				if leading.Add(1) > 1 {
					overlap.Store(true)
				}
				started <- id
				<-ctx.Done()
				leading.Add(-1)
			},
			OnNewLeader: func(leader string) { newLeaders.Store(id+"->"+leader, true) },
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		ctxs[id] = cancel
		wg.Go(func() { e.Run(ctx) })
		if id == "a" {
			if got := <-started; got != "a" {
				t.Fatalf("first leader %q", got)
			}
		}
	}
	defer func() {
		for _, cancel := range ctxs {
			cancel()
		}
		wg.Wait()
	}()
	killed := time.Now()
	ctxs["a"]() // "a" dies without releasing
	select {
	case got := <-started:
		waited := time.Since(killed)
		if got != "b" {
			t.Fatalf("new leader %q", got)
		}
		if waited < leaseDuration-time.Second {
			t.Errorf("b took over %v after a stopped; the lease (%v) had not expired", waited, leaseDuration)
		}
	case <-time.After(3 * leaseDuration):
		t.Fatal("b did not take over after the lease expired")
	}
	if overlap.Load() {
		t.Error("two candidates led at once")
	}
	if _, ok := newLeaders.Load("b->a"); !ok {
		t.Error("b was not told that a leads")
	}
	lease, err := client.Resource[*api.Lease](env.Client()).Namespace("default").Get(t.Context(), "expiry")
	if err != nil {
		t.Fatal(err)
	}
	if *lease.Spec.HolderIdentity != "b" || *lease.Spec.LeaseTransitions != 1 || *lease.Spec.LeaseDurationSeconds != 3 {
		t.Errorf("lease spec holder=%s transitions=%d duration=%d", *lease.Spec.HolderIdentity, *lease.Spec.LeaseTransitions, *lease.Spec.LeaseDurationSeconds)
	}
}

func TestConfigChecks(t *testing.T) {
	t.Parallel()
	c, err := client.New(client.Config{Host: "https://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	lead := func(context.Context) {}
	for _, cfg := range []leaderelection.Config{
		{Namespace: "ns", Name: "n", OnStartedLeading: lead},
		{Client: c, Name: "n", OnStartedLeading: lead},
		{Client: c, Namespace: "ns", Name: "n"},
		{Client: c, Namespace: "ns", Name: "n", OnStartedLeading: lead, LeaseDuration: 5 * time.Second, RenewDeadline: 5 * time.Second},
		{Client: c, Namespace: "ns", Name: "n", OnStartedLeading: lead, RenewDeadline: time.Second, RetryPeriod: time.Second},
	} {
		if _, err := leaderelection.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted a bad config", cfg)
		}
	}
}
