// Package leaderelection elects one leader among the replicas of a program through a
// Lease object (coordination.k8s.io/v1), with client-go's semantics and defaults, so
// that it interoperates with client-go's leader election on the same Lease: at most
// one of all the candidates, whichever library they use, leads at a time.
//
// A candidate takes the lease when it is free (no holder, or a holder that has not
// renewed it for leaseDurationSeconds as this candidate has observed it, by its own
// clock), renews it every RetryPeriod while leading, and stops leading if it could not
// renew it for RenewDeadline, which is shorter than the LeaseDuration so that it stops
// before anyone else may take over. On a clean stop it releases the lease (holder
// empty, duration 1 s) so a successor takes over at once.
package leaderelection

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	mrand "math/rand/v2"
	"os"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
)

// ErrLeaseLost is the cause (context.Cause) of the end of OnStartedLeading's context
// when the lease could not be renewed, as opposed to Run's context ending.
var ErrLeaseLost = errors.New("leaderelection: lease lost")

// Config configures an Elector. Client, Namespace, Name and OnStartedLeading are
// required; the zero value of each other field is documented.
type Config struct {
	// Client reads and writes the Lease.
	Client *client.Client
	// Namespace and Name name the Lease.
	Namespace, Name string
	// Identity is this candidate's holderIdentity. Empty means the host name and a
	// random suffix.
	Identity string
	// LeaseDuration is how long others wait, after the last renewal they observed,
	// before taking the lease. Zero means 15 seconds.
	LeaseDuration time.Duration
	// RenewDeadline is how long the leader keeps trying to renew before it stops
	// leading. Zero means 10 seconds. It must be less than LeaseDuration.
	RenewDeadline time.Duration
	// RetryPeriod is the interval between attempts to take or renew the lease. Zero
	// means 2 seconds.
	RetryPeriod time.Duration
	// KeepOnCancel leaves the lease held when Run's context ends, so a successor waits
	// for it to expire. By default it is released, once OnStartedLeading has returned.
	KeepOnCancel bool
	// OnStartedLeading runs, in its own goroutine, when this candidate becomes the
	// leader; its context ends when leadership ends: Run's context ended, or the lease
	// was lost (then its cause is ErrLeaseLost). Run waits for it to return.
	OnStartedLeading func(ctx context.Context)
	// OnStoppedLeading is called when Run returns (whether or not it ever led).
	OnStoppedLeading func()
	// OnNewLeader is called when the observed leader changes, with its identity.
	OnNewLeader func(identity string)
	// Logger receives the elector's logs. Nil means none.
	Logger *zap.Logger
}

// Elector campaigns for one Lease. Make it with New and run it with Run.
type Elector struct {
	cfg    Config
	leases *client.ResourceClient[*api.Lease]
	logger *zap.Logger

	mu           sync.Mutex
	observed     api.LeaseSpec // the last record seen or written
	observedTime time.Time     // when it was first seen, by the local clock
	observedRV   string
	reported     string // the last leader given to OnNewLeader
}

// New checks cfg and returns an Elector.
func New(cfg Config) (*Elector, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("leaderelection: Config.Client is required")
	case cfg.Namespace == "" || cfg.Name == "":
		return nil, errors.New("leaderelection: Config.Namespace and Config.Name are required")
	case cfg.OnStartedLeading == nil:
		return nil, errors.New("leaderelection: Config.OnStartedLeading is required")
	}
	if cfg.LeaseDuration <= 0 {
		cfg.LeaseDuration = 15 * time.Second
	}
	if cfg.RenewDeadline <= 0 {
		cfg.RenewDeadline = 10 * time.Second
	}
	if cfg.RetryPeriod <= 0 {
		cfg.RetryPeriod = 2 * time.Second
	}
	if cfg.LeaseDuration <= cfg.RenewDeadline {
		return nil, errors.New("leaderelection: LeaseDuration must be greater than RenewDeadline")
	}
	if float64(cfg.RenewDeadline) <= 1.2*float64(cfg.RetryPeriod) {
		return nil, errors.New("leaderelection: RenewDeadline must be greater than 1.2 × RetryPeriod")
	}
	if cfg.Identity == "" {
		host, _ := os.Hostname()
		var b [8]byte
		_, _ = rand.Read(b[:])
		cfg.Identity = host + "_" + hex.EncodeToString(b[:])
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	return &Elector{
		cfg:    cfg,
		leases: client.Resource[*api.Lease](cfg.Client).Namespace(cfg.Namespace),
		logger: cfg.Logger.Named("leaderelection").With(zap.String("lease", cfg.Namespace+"/"+cfg.Name), zap.String("identity", cfg.Identity)),
	}, nil
}

// Identity is this candidate's holderIdentity.
func (e *Elector) Identity() string { return e.cfg.Identity }

// Run campaigns until it leads, leads until ctx ends or the lease is lost, and returns
// once OnStartedLeading has returned and (unless KeepOnCancel) the lease is released.
func (e *Elector) Run(ctx context.Context) {
	if e.cfg.OnStoppedLeading != nil {
		defer e.cfg.OnStoppedLeading()
	}
	if !e.acquire(ctx) {
		return
	}
	e.logger.Info("became leader")
	leaderCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var wg sync.WaitGroup
	wg.Go(func() { e.cfg.OnStartedLeading(leaderCtx) })
	e.renew(leaderCtx)
	stop(ErrLeaseLost) // fencing: leader-only work stops as soon as renewal failed
	wg.Wait()
	if ctx.Err() != nil && !e.cfg.KeepOnCancel {
		e.release()
	}
}

// acquire tries to take the lease every RetryPeriod (with jitter) until it does, or
// ctx ends.
func (e *Elector) acquire(ctx context.Context) bool {
	for {
		if e.tryAcquireOrRenew(ctx) {
			return true
		}
		if !sleep(ctx, jitter(e.cfg.RetryPeriod)) {
			return false
		}
	}
}

// renew renews the lease every RetryPeriod; it returns when ctx ends or a renewal did
// not succeed within RenewDeadline.
func (e *Elector) renew(ctx context.Context) {
	for {
		deadline := time.Now().Add(e.cfg.RenewDeadline)
		renewed := false
		for !renewed {
			attemptCtx, cancel := context.WithDeadline(ctx, deadline)
			renewed = e.tryAcquireOrRenew(attemptCtx)
			cancel()
			if renewed {
				break
			}
			if ctx.Err() != nil {
				return
			}
			if time.Now().Add(e.cfg.RetryPeriod).After(deadline) {
				e.logger.Warn("failed to renew the lease within the renew deadline; stopping leading",
					zap.Duration("renewDeadline", e.cfg.RenewDeadline))
				return
			}
			if !sleep(ctx, e.cfg.RetryPeriod) {
				return
			}
		}
		if !sleep(ctx, e.cfg.RetryPeriod) {
			return
		}
	}
}

// tryAcquireOrRenew takes or renews the lease if it is free or ours; it reports
// whether this candidate holds it now.
func (e *Elector) tryAcquireOrRenew(ctx context.Context) bool {
	now := time.Now()
	id := e.cfg.Identity
	durSec := int32(e.cfg.LeaseDuration / time.Second)
	lease, err := e.leases.Get(ctx, e.cfg.Name)
	if client.IsNotFound(err) {
		nowMT := api.NewMicroTime(now)
		zero := int32(0)
		created, err := e.leases.Create(ctx, &api.Lease{
			ObjectMeta: api.ObjectMeta{Namespace: e.cfg.Namespace, Name: e.cfg.Name},
			Spec: api.LeaseSpec{HolderIdentity: &id, LeaseDurationSeconds: &durSec,
				AcquireTime: &nowMT, RenewTime: &nowMT, LeaseTransitions: &zero},
		})
		if err != nil {
			e.logger.Debug("create the lease", zap.Error(err))
			return false
		}
		e.observe(created, now)
		return true
	}
	if err != nil {
		e.logger.Debug("read the lease", zap.Error(err))
		return false
	}
	e.observe(lease, now)
	e.mu.Lock()
	holder := deref(e.observed.HolderIdentity)
	held := holder != "" && holder != id &&
		e.observedTime.Add(time.Duration(deref(e.observed.LeaseDurationSeconds))*time.Second).After(now)
	e.mu.Unlock()
	if held {
		return false
	}
	spec := lease.Spec
	nowMT := api.NewMicroTime(now)
	transitions := deref(spec.LeaseTransitions)
	if holder != id {
		spec.AcquireTime = &nowMT
		transitions++
	}
	spec.HolderIdentity, spec.LeaseDurationSeconds, spec.RenewTime, spec.LeaseTransitions = &id, &durSec, &nowMT, &transitions
	lease.Spec = spec
	updated, err := e.leases.Update(ctx, lease)
	if err != nil {
		e.logger.Debug("update the lease", zap.Error(err))
		return false
	}
	e.observe(updated, now)
	return true
}

// observe records the lease as seen at now; the observed time moves only when the
// record changes, so expiry is judged by the local clock, never by the holder's.
func (e *Elector) observe(l *api.Lease, now time.Time) {
	e.mu.Lock()
	changed := l.ResourceVersion != e.observedRV
	if changed {
		e.observed, e.observedRV, e.observedTime = l.Spec, l.ResourceVersion, now
	}
	leader := deref(l.Spec.HolderIdentity)
	report := leader != e.reported && leader != ""
	if report {
		e.reported = leader
	}
	e.mu.Unlock()
	if report && e.cfg.OnNewLeader != nil {
		e.cfg.OnNewLeader(leader)
	}
}

// release gives the lease up if this candidate still holds it: holder empty and a
// duration of one second, as client-go releases it.
// A renewal cut short by the stop may still land after the release reads the lease:
// the release then conflicts, and reads the lease again.
func (e *Elector) release() {
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.RenewDeadline)
	defer cancel()
	for attempt := 0; ; attempt++ {
		lease, err := e.leases.Get(ctx, e.cfg.Name)
		if err != nil || deref(lease.Spec.HolderIdentity) != e.cfg.Identity {
			return
		}
		now := api.NewMicroTime(time.Now())
		empty, one := "", int32(1)
		lease.Spec.HolderIdentity, lease.Spec.LeaseDurationSeconds = &empty, &one
		lease.Spec.AcquireTime, lease.Spec.RenewTime = &now, &now
		_, err = e.leases.Update(ctx, lease)
		if client.IsConflict(err) && attempt < 3 {
			continue
		}
		if err != nil {
			e.logger.Warn("release the lease", zap.Error(err))
			return
		}
		e.logger.Info("released the lease")
		return
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// jitter returns d plus up to 1.2 × d, as client-go spreads its retries.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration(mrand.Float64()*1.2*float64(d))
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
