// Package cluster runs a whole Orrery control plane in one process: the apiserver
// (embedded etcd unless told otherwise), the controller-manager, the scheduler and the
// simulated kubelets, each component talking to the apiserver over its HTTPS API with
// its own client, exactly as when it runs alone. `orrery up` and `orrery demo` are
// built on it.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers"
	"github.com/orrery-dev/orrery/controllers/kubelet"
	"github.com/orrery-dev/orrery/controllers/nodelifecycle"
	"github.com/orrery-dev/orrery/controllers/scheduler"
	"github.com/orrery-dev/orrery/manager"
)

// Config configures a cluster.
type Config struct {
	// DataDir holds the apiserver's state; a second start on it resumes the cluster.
	DataDir string
	// Address and Port are where the apiserver serves (port 0: a free one).
	Address string
	Port    int
	// EtcdServers, when set, is an external etcd cluster.
	EtcdServers []string
	// Nodes is how many nodes the kubelet simulates.
	Nodes int
	// Kubelet, when its fields are set, configures the simulated nodes further
	// (Nodes above wins).
	Kubelet kubelet.Options
	// Controllers chooses the controllers as --controllers does. Nil means all.
	Controllers []string
	// Scheduler is the scheduler's configuration (one profile).
	Scheduler scheduler.Options
	// Fast shortens the node lifecycle for demonstrations: leases renewed every
	// second, a node unreachable after 5 s instead of 40 s.
	Fast bool
	// Logger receives every component's logs. Nil means none.
	Logger *zap.Logger
}

// Cluster is a running control plane.
type Cluster struct {
	// Server is the apiserver.
	Server *apiserver.Server
	// ClientConfig is an admin client's configuration.
	ClientConfig client.Config

	cancel context.CancelFunc
	done   chan error
}

// Start runs a cluster until ctx ends or Stop; it returns once the apiserver serves
// and every component has started.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Address == "" {
		cfg.Address = "127.0.0.1"
	}
	srv, err := apiserver.New(apiserver.Config{
		DataDir: cfg.DataDir, BindAddress: net.JoinHostPort(cfg.Address, strconv.Itoa(cfg.Port)),
		EtcdServers: cfg.EtcdServers, Logger: cfg.Logger.Named("apiserver"),
		// The pipeline writes hundreds of objects a second on one machine: no limit
		// below what the server itself can take.
		MaxRequestsInFlight: 2000, MaxMutatingRequestsInFlight: 1000,
	})
	if err != nil {
		return nil, err
	}
	// The components stop with ctx (or Stop); the apiserver only after them.
	apiCtx, stopAPI := context.WithCancel(context.WithoutCancel(ctx))
	ctx, cancel := context.WithCancel(ctx)
	c := &Cluster{Server: srv, cancel: cancel, done: make(chan error, 1)}
	apiDone := make(chan error, 1)
	go func() { apiDone <- srv.Run(apiCtx) }()
	select {
	case <-srv.Ready():
	case err := <-apiDone:
		cancel()
		stopAPI()
		return nil, fmt.Errorf("apiserver: %w", err)
	}
	c.ClientConfig = client.Config{Host: srv.URL(), CAData: srv.CAPEM(), BearerToken: srv.AdminToken(), QPS: 2000, Burst: 4000}

	// Each component with its own client and manager, as when run alone.
	type component struct {
		name  string
		setup func(*manager.Manager) error
	}
	chosen, err := controllers.Select(orAll(cfg.Controllers))
	if err != nil {
		cancel()
		stopAPI()
		<-apiDone
		return nil, err
	}
	lifecycle := nodelifecycle.Options{}
	kopts := cfg.Kubelet
	kopts.Nodes = max(cfg.Nodes, kopts.Nodes)
	if cfg.Fast {
		lifecycle = nodelifecycle.Options{GracePeriod: 5 * time.Second, MonitorPeriod: time.Second, EvictionRate: 1}
		kopts.RenewInterval, kopts.LeaseDuration = time.Second, 5*time.Second
	}
	components := []component{
		{"controller-manager", func(m *manager.Manager) error {
			for _, ctl := range chosen {
				if ctl.Name == nodelifecycle.Name {
					if _, err := nodelifecycle.Setup(m, lifecycle); err != nil {
						return err
					}
					continue
				}
				if err := ctl.Setup(m); err != nil {
					return fmt.Errorf("%s: %w", ctl.Name, err)
				}
			}
			return nil
		}},
		{"scheduler", func(m *manager.Manager) error { _, err := scheduler.Setup(m, cfg.Scheduler); return err }},
	}
	if kopts.Nodes > 0 {
		components = append(components, component{"kubelet", func(m *manager.Manager) error { _, err := kubelet.Setup(m, kopts); return err }})
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	var clients []*client.Client
	// The components read from one set of informers, as kube-controller-manager's
	// controllers share one informer factory: one watch of each kind for the process
	// and one copy of its objects. Each writes through its own client.
	cc := c.ClientConfig
	cc.UserAgent = "orrery-shared-informers"
	informers, err := client.New(cc)
	if err != nil {
		cancel()
		stopAPI()
		<-apiDone
		return nil, err
	}
	clients = append(clients, informers)
	caches := manager.NewCaches(informers, cfg.Logger.Named("shared-informers"))
	for _, comp := range components {
		cc := c.ClientConfig
		cc.UserAgent = "orrery-" + comp.name
		cl, err := client.New(cc)
		if err != nil {
			errs = append(errs, err)
			break
		}
		clients = append(clients, cl)
		m, err := manager.New(manager.Options{Client: cl, Logger: cfg.Logger.Named(comp.name), GracefulShutdownTimeout: 10 * time.Second, Caches: caches})
		if err == nil {
			err = comp.setup(m)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", comp.name, err))
			break
		}
		wg.Go(func() {
			if err := m.Run(ctx); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("%s: %w", comp.name, err))
				mu.Unlock()
			}
		})
	}
	cachesCtx, stopCaches := context.WithCancel(context.WithoutCancel(ctx))
	cachesDone := make(chan struct{})
	go func() {
		defer close(cachesDone)
		_ = caches.Run(cachesCtx) // runs once; ends with cachesCtx
	}()
	go func() {
		wg.Wait() // the components stop first, then their informers, then the apiserver
		stopCaches()
		<-cachesDone
		for _, cl := range clients {
			cl.Close()
		}
		cancel()
		stopAPI()
		apiErr := <-apiDone
		if apiErr != nil && !errors.Is(apiErr, context.Canceled) {
			errs = append(errs, fmt.Errorf("apiserver: %w", apiErr))
		}
		c.done <- errors.Join(errs...)
	}()
	if len(errs) > 0 {
		cancel()
		return nil, <-c.done
	}
	return c, nil
}

func orAll(s []string) []string {
	if s == nil {
		return []string{"*"}
	}
	return s
}

// KubeconfigPath is the admin kubeconfig.
func (c *Cluster) KubeconfigPath() string { return c.Server.KubeconfigPath() }

// Stop stops every component, then the apiserver, and returns their errors.
func (c *Cluster) Stop() error {
	c.cancel()
	return <-c.done
}

// Wait waits until the cluster stops (its context ended) and returns its errors.
func (c *Cluster) Wait() error { return <-c.done }
