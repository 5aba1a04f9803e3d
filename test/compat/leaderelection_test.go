package compat

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"

	"github.com/orrery-dev/orrery/client"
	orreryle "github.com/orrery-dev/orrery/client/leaderelection"
)

// TestLeaderElectionWithClientGo runs Orrery's elector and client-go's on one Lease:
// whichever leads first, the other takes over when it releases the lease, and the two
// never lead at once.
func TestLeaderElectionWithClientGo(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	oc, err := client.New(client.Config{Host: s.srv.URL(), CAData: s.srv.CAPEM(), BearerToken: s.srv.AdminToken(), QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	ns := s.namespace(t, "election")

	var leading atomic.Int32
	var overlap atomic.Bool
	started := make(chan string, 4)
	onLead := func(id string) func(context.Context) {
		return func(ctx context.Context) {
			if leading.Add(1) > 1 {
				overlap.Store(true)
			}
			started <- id
			<-ctx.Done()
			leading.Add(-1)
		}
	}
	const (
		leaseDuration = 4 * time.Second
		renewDeadline = 3 * time.Second
		retryPeriod   = 200 * time.Millisecond
	)

	// Orrery's candidate.
	oe, err := orreryle.New(orreryle.Config{
		Client: oc, Namespace: ns, Name: "shared", Identity: "orrery",
		LeaseDuration: leaseDuration, RenewDeadline: renewDeadline, RetryPeriod: retryPeriod,
		OnStartedLeading: onLead("orrery"),
	})
	if err != nil {
		t.Fatal(err)
	}
	// client-go's candidate.
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Namespace: ns, Name: "shared"},
		Client:     s.client.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: "client-go"},
	}
	ge, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock: lock, LeaseDuration: leaseDuration, RenewDeadline: renewDeadline, RetryPeriod: retryPeriod,
		ReleaseOnCancel: true, Name: "shared",
		Callbacks: leaderelection.LeaderCallbacks{OnStartedLeading: onLead("client-go"), OnStoppedLeading: func() {}},
	})
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	defer wg.Wait()
	octx, ocancel := context.WithCancel(context.Background())
	defer ocancel()
	wg.Go(func() { oe.Run(octx) })
	if got := <-started; got != "orrery" {
		t.Fatalf("first leader %q, want orrery (it ran alone)", got)
	}
	gctx, gcancel := context.WithCancel(context.Background())
	defer gcancel()
	wg.Go(func() { ge.Run(gctx) })

	// Orrery's candidate keeps the lease while it renews: client-go waits.
	select {
	case got := <-started:
		t.Fatalf("%s led while orrery renewed the lease", got)
	case <-time.After(leaseDuration + time.Second):
	}
	// Orrery stops and releases: client-go takes over at once.
	ocancel()
	select {
	case got := <-started:
		if got != "client-go" {
			t.Fatalf("new leader %q, want client-go", got)
		}
	case <-time.After(waitTimeout):
		t.Fatal("client-go did not take over the released lease")
	}
	// And back: Orrery campaigns again; client-go releases on cancel.
	octx2, ocancel2 := context.WithCancel(context.Background())
	defer ocancel2()
	wg.Go(func() { oe2(t, oc, ns, onLead).Run(octx2) })
	gcancel()
	select {
	case got := <-started:
		if got != "orrery" {
			t.Fatalf("new leader %q, want orrery", got)
		}
	case <-time.After(waitTimeout):
		t.Fatal("orrery did not take over the lease client-go released")
	}
	ocancel2()
	if overlap.Load() {
		t.Error("the two candidates led at once")
	}
}

func oe2(t *testing.T, oc *client.Client, ns string, onLead func(string) func(context.Context)) *orreryle.Elector {
	t.Helper()
	e, err := orreryle.New(orreryle.Config{
		Client: oc, Namespace: ns, Name: "shared", Identity: "orrery-2",
		LeaseDuration: 4 * time.Second, RenewDeadline: 3 * time.Second, RetryPeriod: 200 * time.Millisecond,
		OnStartedLeading: onLead("orrery"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
