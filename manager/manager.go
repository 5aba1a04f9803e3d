// Package manager is the runtime that controllers are written with: a Reconciler per
// controller, fed by typed watches on shared, scoped caches, run by a Manager that
// owns the client, the caches, leader election, health endpoints and metrics, and
// stops everything in order.
//
//	m, _ := manager.New(manager.Options{Client: c})
//	pods, _ := manager.NewClient[*api.Pod](m, manager.Scope{}) // cached reads that see its writes
//	events := m.EventRecorder("zone-labeller")
//	ctrl, _ := manager.NewController(m, "zone-labeller", reconciler, manager.ControllerOptions{})
//	_ = manager.For[*api.Pod](ctrl)
//	_ = manager.Watches[*api.Node](ctrl, manager.ByIndex[*api.Node](podsByNode))
//	err := m.Run(ctx)
//
// Caches are made only on request (Cache, MetadataCache, NewClient and the watches of
// controllers), each for a kind and a scope, with its transform and typed indexes.
// Several managers of one process may share their caches (Options.Caches), as
// `orrery up` has its controller-manager, scheduler and kubelet do.
//
// Run starts, in order: the health endpoint, the caches (and waits for them to sync),
// the work that runs on every replica, then, once leadership is won (or at once when
// the manager elects no leader), the controllers. When ctx ends it stops in the
// reverse order: controllers take no new keys and the reconciles in flight finish (up
// to Options.GracefulShutdownTimeout), the caches stop, the lease is released (so a
// successor takes over at once), pending events are written, and the health endpoint
// closes.
package manager

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/leaderelection"
	"github.com/orrery-dev/orrery/client/record"
)

// Options configure a Manager. Client is required; the zero value of each other field
// is documented.
type Options struct {
	// Client talks to the apiserver for the caches, the controllers and leader
	// election. Required.
	Client *client.Client
	// Logger receives the logs of the manager and its controllers. Nil means none.
	Logger *zap.Logger
	// Registry receives the metrics of the controllers, their work queues and leader
	// election, and is served on /metrics. Nil means a new registry of the manager's own.
	Registry *prometheus.Registry
	// HealthAddress is where /healthz, /readyz and /metrics are served
	// ("127.0.0.1:8081"; port 0 picks a free one, see Manager.Addr). Empty means no
	// endpoint.
	HealthAddress string
	// LeaderElection, when set, runs the controllers only while this process holds the
	// lease it names. Nil means they always run.
	LeaderElection *leaderelection.Config
	// GracefulShutdownTimeout bounds how long Run waits, once ctx ends, for reconciles
	// in flight to finish; then their context is cancelled. Zero means 30 seconds.
	GracefulShutdownTimeout time.Duration
	// ReadYourWritesTimeout bounds how long a Client's Get waits for the cache to
	// catch up with the client's own last write of the object (see Client); past it,
	// Get fails with a Timeout. Zero means 10 seconds; negative means reads never
	// wait.
	ReadYourWritesTimeout time.Duration
	// Caches, when set, are informers shared with other managers of the process (see
	// Caches), which the caller runs. Nil means the manager's own, run by Run over
	// Client.
	Caches *Caches
}

// Runnable is work a Manager runs: Start runs until ctx ends.
type Runnable interface {
	Start(ctx context.Context) error
}

// RunnableFunc makes a function a Runnable.
type RunnableFunc func(ctx context.Context) error

// Start calls f.
func (f RunnableFunc) Start(ctx context.Context) error { return f(ctx) }

// Manager runs controllers and other Runnables with shared caches. Make one with New.
type Manager struct {
	opts     Options
	client   *client.Client
	logger   *zap.Logger
	registry *prometheus.Registry
	metrics  *metrics
	cache    *cache
	events   *record.Broadcaster

	baseCtx    context.Context // for map functions; ends when Run returns
	cancelBase context.CancelFunc

	mu         sync.Mutex
	names      map[string]bool
	always     []Runnable // run on every replica
	leaderOnly []Runnable // run while leading
	running    bool

	leading atomic.Bool
	addr    atomic.Pointer[string]
}

// New checks opts and returns a Manager ready for controllers.
func New(opts Options) (*Manager, error) {
	if opts.Client == nil {
		return nil, errors.New("manager: Options.Client is required")
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	if opts.GracefulShutdownTimeout <= 0 {
		opts.GracefulShutdownTimeout = 30 * time.Second
	}
	if opts.ReadYourWritesTimeout == 0 {
		opts.ReadYourWritesTimeout = 10 * time.Second
	}
	if le := opts.LeaderElection; le != nil {
		check := *le
		check.Client, check.OnStartedLeading = opts.Client, func(context.Context) {}
		if _, err := leaderelection.New(check); err != nil {
			return nil, fmt.Errorf("manager: %w", err)
		}
	}
	met, err := newMetrics(opts.Registry)
	if err != nil {
		return nil, fmt.Errorf("manager: register metrics: %w", err)
	}
	c := newCache(opts.Client, opts.Logger.Named("cache"))
	if opts.Caches != nil {
		c = opts.Caches.c
	}
	base, cancel := context.WithCancel(context.Background())
	return &Manager{
		opts: opts, client: opts.Client, logger: opts.Logger.Named("manager"),
		registry: opts.Registry, metrics: met,
		events:  record.NewBroadcaster(record.BroadcasterConfig{Registry: opts.Client.Registry(), Logger: opts.Logger}),
		cache:   c,
		baseCtx: base, cancelBase: cancel,
		names: map[string]bool{},
	}, nil
}

// Client is the manager's client.
func (m *Manager) Client() *client.Client { return m.client }

// Logger is the manager's logger.
func (m *Manager) Logger() *zap.Logger { return m.opts.Logger }

// Registry is the registry of the manager's metrics.
func (m *Manager) Registry() *prometheus.Registry { return m.registry }

// EventRecorder returns a recorder of Events from component (a controller's name),
// written to the apiserver while the manager runs, with Kubernetes' correlation and
// spam filter (package record).
func (m *Manager) EventRecorder(component string) record.Recorder {
	return m.events.NewRecorder(component)
}

// Addr is the address the health endpoint listens on, once Run has started it; empty
// before, or without one.
func (m *Manager) Addr() string {
	if a := m.addr.Load(); a != nil {
		return *a
	}
	return ""
}

// Add adds work to run with the manager: on every replica, or only while leading if
// needLeader (and the manager elects a leader). It must be called before Run.
func (m *Manager) Add(r Runnable, needLeader bool) error { return m.add(r, needLeader) }

func (m *Manager) add(r Runnable, needLeader bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running {
		return errors.New("manager: Add after Run")
	}
	if needLeader && m.opts.LeaderElection != nil {
		m.leaderOnly = append(m.leaderOnly, r)
	} else {
		m.always = append(m.always, r)
	}
	return nil
}

func (m *Manager) claimName(name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return false
	}
	m.names[name] = true
	return true
}

// ErrLeadershipLost is returned by Run when the manager stopped leading while ctx was
// still live: the process should exit, and a new one campaigns again.
var ErrLeadershipLost = errors.New("manager: leader election lost")

// Run starts everything and blocks until ctx ends (then it stops everything in order
// and returns nil, or the errors of the runnables) or leadership is lost (then it
// stops the same way and returns ErrLeadershipLost). A Manager runs once.
func (m *Manager) Run(ctx context.Context) error {
	m.mu.Lock()
	if m.running {
		m.mu.Unlock()
		return errors.New("manager: Run called twice")
	}
	m.running = true
	always, leaderOnly := m.always, m.leaderOnly
	m.mu.Unlock()
	defer m.cancelBase()

	// Health endpoint.
	var srvWG sync.WaitGroup
	if m.opts.HealthAddress != "" {
		ln, err := net.Listen("tcp", m.opts.HealthAddress)
		if err != nil {
			return fmt.Errorf("manager: health endpoint: %w", err)
		}
		addr := ln.Addr().String()
		m.addr.Store(&addr)
		srv := &http.Server{Handler: m.healthHandler(), ReadHeaderTimeout: 10 * time.Second}
		srvWG.Go(func() { _ = srv.Serve(ln) })
		defer func() {
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(shutdownCtx)
			srvWG.Wait()
		}()
	}

	// Events are written until everything else has stopped.
	eventsCtx, stopEvents := context.WithCancel(context.WithoutCancel(ctx))
	if err := m.events.StartRecordingToSink(eventsCtx, record.NewClientSink(m.client)); err != nil {
		stopEvents()
		return fmt.Errorf("manager: events: %w", err)
	}
	defer func() {
		// The sink writes what it holds, for at most a few seconds.
		giveUp := time.AfterFunc(5*time.Second, stopEvents)
		m.events.Shutdown()
		giveUp.Stop()
		stopEvents()
	}()

	// Caches: the manager's own, or shared ones that their owner runs and stops.
	stopCaches := func() {}
	if m.opts.Caches == nil {
		cacheCtx, cancelCache := context.WithCancel(context.WithoutCancel(ctx))
		stopCaches = func() {
			cancelCache()
			m.cache.wg.Wait()
		}
		defer stopCaches()
		if err := m.cache.start(cacheCtx); err != nil {
			return err
		}
	}
	if err := m.cache.waitForSync(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	m.logger.Info("caches synced")

	var (
		wg   sync.WaitGroup
		emu  sync.Mutex
		errs []error
	)
	runAll := func(wg *sync.WaitGroup, ctx context.Context, rs []Runnable) {
		for _, r := range rs {
			wg.Go(func() {
				if err := r.Start(ctx); err != nil && !errors.Is(err, context.Canceled) {
					emu.Lock()
					errs = append(errs, err)
					emu.Unlock()
				}
			})
		}
	}
	// Work on every replica stops with ctx, or when leadership is lost.
	runCtx, stopRun := context.WithCancelCause(ctx)
	defer stopRun(nil)
	runAll(&wg, runCtx, always)

	lost := false
	if le := m.opts.LeaderElection; le != nil {
		lost = m.lead(ctx, *le, func(leaderCtx context.Context) {
			var lwg sync.WaitGroup
			runAll(&lwg, leaderCtx, leaderOnly)
			lwg.Wait()
			if ctx.Err() != nil {
				// A clean stop: the lease is released only after everything else has
				// stopped, caches included.
				wg.Wait()
				stopCaches()
			}
		})
	} else {
		<-ctx.Done()
	}
	if lost {
		stopRun(ErrLeadershipLost)
		wg.Wait()
		return errors.Join(append(errs, ErrLeadershipLost)...)
	}
	wg.Wait()
	return errors.Join(errs...)
}

// lead campaigns for the lease and runs run while leading; it returns once ctx ends
// (after run has returned and the lease is released) or leadership is lost (reported
// true; run's context is cancelled at once and Run returns after it).
func (m *Manager) lead(ctx context.Context, cfg leaderelection.Config, run func(context.Context)) bool {
	gauge := m.metrics.leaderStatus.WithLabelValues(cfg.Name)
	gauge.Set(0)
	cfg.Client = m.client
	if cfg.Logger == nil {
		cfg.Logger = m.opts.Logger
	}
	cfg.OnStartedLeading = func(ctx context.Context) {
		m.leading.Store(true)
		gauge.Set(1)
		run(ctx)
	}
	cfg.OnStoppedLeading = func() {
		m.leading.Store(false)
		gauge.Set(0)
	}
	le, err := leaderelection.New(cfg)
	if err != nil { // checked in New
		panic(err)
	}
	le.Run(ctx)
	return ctx.Err() == nil
}

// healthHandler serves /healthz (the process runs), /readyz (caches synced and, with
// leader election, leading) and /metrics.
func (m *Manager) healthHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		switch {
		case !m.cache.synced():
			http.Error(w, "[-]caches not synced", http.StatusServiceUnavailable)
		case m.opts.LeaderElection != nil && !m.leading.Load():
			http.Error(w, "[-]not leading", http.StatusServiceUnavailable)
		default:
			_, _ = w.Write([]byte("ok"))
		}
	})
	mux.Handle("/metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	return mux
}
