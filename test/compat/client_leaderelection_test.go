package compat

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// candidate is one participant in a leader election, running until its
// context is cancelled.
type candidate struct {
	id      string
	elector *leaderelection.LeaderElector
	cancel  context.CancelFunc
	done    chan struct{} // closed when Run has returned
}

func TestLeaderElection(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	const leaseName = "compat-election"
	leases := s.client.CoordinationV1().Leases("kube-system")

	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	newCandidate := func(id string) *candidate {
		elector, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
			Lock: &resourcelock.LeaseLock{
				LeaseMeta:  metav1.ObjectMeta{Name: leaseName, Namespace: "kube-system"},
				Client:     s.client.CoordinationV1(),
				LockConfig: resourcelock.ResourceLockConfig{Identity: id},
			},
			LeaseDuration:   2 * time.Second,
			RenewDeadline:   1 * time.Second,
			RetryPeriod:     200 * time.Millisecond,
			ReleaseOnCancel: true,
			Name:            "compat",
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(context.Context) {},
				OnStoppedLeading: func() {},
			},
		})
		if err != nil {
			t.Fatalf("NewLeaderElector(%s): %v", id, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		c := &candidate{id: id, elector: elector, cancel: cancel, done: make(chan struct{})}
		wg.Go(func() {
			defer close(c.done)
			elector.Run(ctx)
		})
		t.Cleanup(cancel)
		return c
	}
	a, b := newCandidate("candidate-a"), newCandidate("candidate-b")

	lease := func(ctx context.Context) (*coordinationv1.Lease, error) {
		return leases.Get(ctx, leaseName, metav1.GetOptions{})
	}
	var leader, follower *candidate
	poll(t, "one candidate to lead", func(ctx context.Context) (bool, error) {
		l, err := lease(ctx)
		if err != nil {
			return false, err
		}
		switch {
		case a.elector.IsLeader() && b.elector.IsLeader():
			t.Fatalf("both candidates lead")
		case a.elector.IsLeader():
			leader, follower = a, b
		case b.elector.IsLeader():
			leader, follower = b, a
		default:
			return false, fmt.Errorf("no leader yet; lease holder %v", l.Spec.HolderIdentity)
		}
		if h := l.Spec.HolderIdentity; h == nil || *h != leader.id {
			return false, fmt.Errorf("lease holder %v; want %s", h, leader.id)
		}
		return true, nil
	})

	// The leader keeps renewing; the follower sees it and waits. Watch over
	// more than one lease duration that it stays so.
	first, err := lease(t.Context())
	if err != nil {
		t.Fatalf("get lease: %s", statusOf(err))
	}
	poll(t, "the leader to renew past one lease duration", func(ctx context.Context) (bool, error) {
		if follower.elector.IsLeader() {
			t.Fatalf("%s leads while %s holds the lease", follower.id, leader.id)
		}
		if !leader.elector.IsLeader() {
			t.Fatalf("%s lost the lease while running", leader.id)
		}
		if got := follower.elector.GetLeader(); got != leader.id {
			return false, fmt.Errorf("follower sees leader %q", got)
		}
		l, err := lease(ctx)
		if err != nil {
			return false, err
		}
		if *l.Spec.HolderIdentity != leader.id {
			t.Fatalf("lease holder changed to %s", *l.Spec.HolderIdentity)
		}
		if renewed := l.Spec.RenewTime.Sub(first.Spec.AcquireTime.Time); renewed <= 2500*time.Millisecond {
			return false, fmt.Errorf("renewed %v after acquiring", renewed)
		}
		return true, nil
	})
	if d := first.Spec.LeaseDurationSeconds; d == nil || *d != 2 {
		t.Errorf("lease duration %v; want 2 seconds", d)
	}

	// The leader steps down and releases the lease; the follower takes over.
	leader.cancel()
	select {
	case <-leader.done:
	case <-time.After(waitTimeout):
		t.Fatalf("%s did not stop", leader.id)
	}
	poll(t, "the follower to take over", func(ctx context.Context) (bool, error) {
		if !follower.elector.IsLeader() {
			return false, fmt.Errorf("%s does not lead", follower.id)
		}
		l, err := lease(ctx)
		if err != nil {
			return false, err
		}
		if h := l.Spec.HolderIdentity; h == nil || *h != follower.id {
			return false, fmt.Errorf("lease holder %v", h)
		}
		if n := l.Spec.LeaseTransitions; n == nil || *n != 1 {
			t.Errorf("lease transitions %v; want 1", n)
		}
		return true, nil
	})
	follower.cancel()
	<-follower.done
	l, err := lease(t.Context())
	if err != nil {
		t.Fatalf("get lease: %s", statusOf(err))
	}
	if h := l.Spec.HolderIdentity; h != nil && *h != "" {
		t.Errorf("lease holder after both stepped down = %q; want released", *h)
	}
}
