package manager

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/leaderelection"
	"github.com/orrery-dev/orrery/workqueue"
)

// ControllerOptions configure a Controller. The zero value is one worker with
// Kubernetes' default controller rate limiter, run only while leading (when the
// manager elects a leader).
type ControllerOptions struct {
	// MaxConcurrentReconciles is the number of workers: how many keys are reconciled
	// at once. Zero means 1.
	MaxConcurrentReconciles int
	// RateLimiter decides the backoff of a key whose reconcile failed. Nil means
	// workqueue.DefaultControllerRateLimiter.
	RateLimiter workqueue.RateLimiter[Request]
	// RunWithoutLeadership runs the controller whether or not this process leads.
	RunWithoutLeadership bool
}

// Controller feeds the keys of the objects its watches see into a work queue and
// reconciles them with MaxConcurrentReconciles workers. Make one with NewController,
// give it its watches (For, Owns, Watches), and it runs with its Manager.
type Controller struct {
	name    string
	mgr     *Manager
	rec     Reconciler
	opts    ControllerOptions
	queue   *workqueue.Queue[Request]
	logger  *zap.Logger
	metrics *metrics

	mu      sync.Mutex
	forKind *api.KindInfo // set by For
	started bool
}

// NewController makes a controller named name (unique in the manager: it labels logs
// and metrics) that reconciles with r, and adds it to m.
func NewController(m *Manager, name string, r Reconciler, opts ControllerOptions) (*Controller, error) {
	if name == "" || r == nil {
		return nil, errors.New("manager: a controller needs a name and a Reconciler")
	}
	if opts.MaxConcurrentReconciles <= 0 {
		opts.MaxConcurrentReconciles = 1
	}
	if !m.claimName(name) {
		return nil, fmt.Errorf("manager: a controller named %q exists already", name)
	}
	q, err := workqueue.New(workqueue.Config[Request]{
		Name: name, RateLimiter: opts.RateLimiter, Registerer: m.registry,
	})
	if err != nil {
		return nil, fmt.Errorf("manager: controller %q: %w", name, err)
	}
	c := &Controller{
		name: name, mgr: m, rec: r, opts: opts, queue: q, metrics: m.metrics,
		logger: m.logger.Named("controller").With(zap.String("controller", name)),
	}
	c.metrics.maxWorkers.WithLabelValues(name).Set(float64(opts.MaxConcurrentReconciles))
	c.metrics.activeWorkers.WithLabelValues(name).Set(0)
	for _, result := range []string{labelSuccess, labelError, labelRequeueAfter} {
		c.metrics.reconcileTotal.WithLabelValues(name, result)
	}
	c.metrics.reconcileErrors.WithLabelValues(name)
	c.metrics.terminalErrors.WithLabelValues(name)
	c.metrics.reconcilePanics.WithLabelValues(name)
	if err := m.add(c, !opts.RunWithoutLeadership); err != nil {
		q.ShutDown()
		return nil, err
	}
	return c, nil
}

// Name is the controller's name.
func (c *Controller) Name() string { return c.name }

// Enqueue asks for a reconcile of req, as an event would.
func (c *Controller) Enqueue(req Request) { c.queue.Add(req) }

// EnqueueAfter asks for a reconcile of req once d has passed.
func (c *Controller) EnqueueAfter(req Request, d time.Duration) { c.queue.AddAfter(req, d) }

// Start runs the workers until ctx ends, then lets the reconciles that are running
// finish, up to the manager's GracefulShutdownTimeout, and returns; if ctx ended
// because the lease was lost (leaderelection.ErrLeaseLost), their context is cancelled
// at once. Keys still queued
// are dropped: the next process reconciles everything again from its first list.
func (c *Controller) Start(ctx context.Context) error {
	c.mu.Lock()
	if c.started {
		c.mu.Unlock()
		return errors.New("manager: controller " + c.name + " started twice")
	}
	c.started = true
	c.mu.Unlock()
	defer c.queue.ShutDown()

	// Reconciles get a context that outlives ctx by the grace period, so that work in
	// flight can finish its writes.
	workCtx, cancelWork := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelWork(nil)
	var wg sync.WaitGroup
	for range c.opts.MaxConcurrentReconciles {
		wg.Go(func() {
			for c.processNext(ctx, workCtx) {
			}
		})
	}
	c.logger.Info("controller started", zap.Int("workers", c.opts.MaxConcurrentReconciles))
	<-ctx.Done()
	c.queue.ShutDown() // wakes idle workers; busy ones stop after their item
	if errors.Is(context.Cause(ctx), leaderelection.ErrLeaseLost) {
		cancelWork(context.Cause(ctx)) // another process may lead already: stop writing at once
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timer := time.NewTimer(c.mgr.opts.GracefulShutdownTimeout)
	defer timer.Stop()
	select {
	case <-done:
		c.logger.Info("controller stopped")
		return nil
	case <-timer.C:
		err := fmt.Errorf("manager: controller %s: reconciles still running after %v; their context was cancelled", c.name, c.mgr.opts.GracefulShutdownTimeout)
		cancelWork(err)
		<-done
		return err
	}
}

// processNext reconciles one key; it reports false once the queue is shut down or ctx
// has ended.
func (c *Controller) processNext(ctx, workCtx context.Context) bool {
	req, shutdown := c.queue.Get()
	if shutdown {
		return false
	}
	defer c.queue.Done(req)
	if ctx.Err() != nil {
		return false // stopping: take no new work
	}
	c.metrics.activeWorkers.WithLabelValues(c.name).Inc()
	defer c.metrics.activeWorkers.WithLabelValues(c.name).Dec()
	c.reconcileHandler(workCtx, req)
	return true
}

func (c *Controller) reconcileHandler(ctx context.Context, req Request) {
	start := time.Now()
	result, err := c.reconcile(ctx, req)
	c.metrics.reconcileTime.WithLabelValues(c.name).Observe(time.Since(start).Seconds())
	switch {
	case err != nil && IsTerminal(err):
		c.queue.Forget(req)
		c.metrics.reconcileTotal.WithLabelValues(c.name, labelError).Inc()
		c.metrics.reconcileErrors.WithLabelValues(c.name).Inc()
		c.metrics.terminalErrors.WithLabelValues(c.name).Inc()
		c.logger.Error("reconcile failed; not retrying", zap.Stringer("request", req), zap.Error(err))
	case err != nil:
		c.queue.AddRateLimited(req)
		c.metrics.reconcileTotal.WithLabelValues(c.name, labelError).Inc()
		c.metrics.reconcileErrors.WithLabelValues(c.name).Inc()
		if client.IsConflict(err) {
			c.metrics.reconcileConflict.WithLabelValues(c.name).Inc()
			c.logger.Debug("reconcile met a conflict; retrying", zap.Stringer("request", req), zap.Error(err))
		} else {
			c.logger.Error("reconcile failed; retrying", zap.Stringer("request", req), zap.Error(err),
				zap.Int("retries", c.queue.NumRequeues(req)))
		}
	case result.RequeueAfter > 0:
		c.queue.Forget(req)
		c.queue.AddAfter(req, result.RequeueAfter)
		c.metrics.reconcileTotal.WithLabelValues(c.name, labelRequeueAfter).Inc()
	default:
		c.queue.Forget(req)
		c.metrics.reconcileTotal.WithLabelValues(c.name, labelSuccess).Inc()
	}
}

// reconcile calls the Reconciler, turning a panic into an error.
func (c *Controller) reconcile(ctx context.Context, req Request) (result Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			c.metrics.reconcilePanics.WithLabelValues(c.name).Inc()
			c.logger.Error("reconcile panicked", zap.Stringer("request", req), zap.Any("panic", r),
				zap.ByteString("stack", debug.Stack()))
			result, err = Result{}, fmt.Errorf("panic in reconcile of %s: %v", req, r)
		}
	}()
	return c.rec.Reconcile(ctx, req)
}
