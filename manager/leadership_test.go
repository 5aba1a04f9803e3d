package manager_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/leaderelection"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/manager"
)

// TestLosingTheLeaseStopsEverything: another holder takes the lease over while a
// reconcile runs; the reconcile's context is cancelled at once (not after the grace
// period) and Run returns ErrLeadershipLost.
func TestLosingTheLeaseStopsEverything(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	m, err := manager.New(manager.Options{
		Client: c, GracefulShutdownTimeout: time.Minute,
		LeaderElection: &leaderelection.Config{Namespace: "default", Name: "fenced", Identity: "me",
			LeaseDuration: 3 * time.Second, RenewDeadline: 2 * time.Second, RetryPeriod: 100 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	reconciling := make(chan struct{})
	cancelled := make(chan error, 1)
	ctrl, err := manager.NewController(m, "fenced", manager.ReconcilerFunc(func(ctx context.Context, _ manager.Request) (manager.Result, error) {
		close(reconciling)
		<-ctx.Done()
		cancelled <- context.Cause(ctx)
		return manager.Result{}, ctx.Err()
	}), manager.ControllerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := manager.For[*api.Pod](ctrl); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	if _, err := client.Resource[*api.Pod](c).Namespace("default").Create(t.Context(), newPod("work", nil)); err != nil {
		t.Fatal(err)
	}
	<-reconciling

	// An intruder takes the lease: the manager cannot renew it.
	leases := client.Resource[*api.Lease](c).Namespace("default")
	takeOver := func() error {
		return client.RetryOnConflict(t.Context(), func() error {
			l, err := leases.Get(t.Context(), "fenced")
			if err != nil {
				return err
			}
			intruder, now := "intruder", api.NewMicroTime(time.Now())
			l.Spec.HolderIdentity, l.Spec.RenewTime = &intruder, &now
			_, err = leases.Update(t.Context(), l)
			return err
		})
	}
	if err := takeOver(); err != nil {
		t.Fatal(err)
	}
	lost := time.Now()
	select {
	case cause := <-cancelled:
		if !errors.Is(cause, leaderelection.ErrLeaseLost) {
			t.Errorf("the reconcile's context ended with %v; want %v", cause, leaderelection.ErrLeaseLost)
		}
	case <-time.After(waitTimeout):
		t.Fatal("the reconcile was not cancelled after the lease was lost")
	}
	select {
	case err := <-done:
		if !errors.Is(err, manager.ErrLeadershipLost) {
			t.Errorf("Run returned %v; want ErrLeadershipLost", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("Run did not return after the lease was lost")
	}
	if took := time.Since(lost); took > 10*time.Second {
		t.Errorf("stopping took %v; the renew deadline is 2s and nothing waited for the 1 minute grace period", took)
	}
}
