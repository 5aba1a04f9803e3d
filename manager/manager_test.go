package manager_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/leaderelection"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/manager"
)

// waitTimeout bounds each wait for something the server or the manager does.
const waitTimeout = 30 * time.Second

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", waitTimeout, what)
		}
		<-tick.C
	}
}

// seen records the requests a reconciler got.
type seen struct {
	mu   sync.Mutex
	reqs map[manager.Request]int
}

func (s *seen) add(r manager.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reqs == nil {
		s.reqs = map[manager.Request]int{}
	}
	s.reqs[r]++
}

func (s *seen) count(r manager.Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs[r]
}

func (s *seen) recorder() manager.Reconciler {
	return manager.ReconcilerFunc(func(_ context.Context, r manager.Request) (manager.Result, error) {
		s.add(r)
		return manager.Result{}, nil
	})
}

// run runs m until the test ends and returns a function that stops it and returns
// Run's error.
func run(t *testing.T, m *manager.Manager) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func newPod(name string, owner *api.OwnerReference) *api.Pod {
	p := &api.Pod{
		ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default"},
		Spec:       api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx"}}},
	}
	if owner != nil {
		p.OwnerReferences = []api.OwnerReference{*owner}
	}
	return p
}

// TestForOwnsAndPredicates runs a ReplicaSet controller that owns pods: a pod with a
// controller reference maps to its ReplicaSet, other pods to nothing; label-only
// updates of a ReplicaSet are dropped by GenerationChanged.
func TestForOwnsAndPredicates(t *testing.T) {
	t.Parallel()
	m, c := startManager(t, manager.Options{HealthAddress: "127.0.0.1:0"})
	var s seen
	ctrl, err := manager.NewController(m, "replicasets", s.recorder(), manager.ControllerOptions{MaxConcurrentReconciles: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := manager.Owns[*api.Pod](ctrl); err == nil {
		t.Error("Owns before For was accepted")
	}
	if err := manager.For[*api.ReplicaSet](ctrl, manager.WithPredicates(manager.GenerationChanged())); err != nil {
		t.Fatal(err)
	}
	if err := manager.Owns[*api.Pod](ctrl); err != nil {
		t.Fatal(err)
	}
	stop := run(t, m)

	ctx := t.Context()
	replicas := int32(0)
	rs, err := client.Resource[*api.ReplicaSet](c).Namespace("default").Create(ctx, &api.ReplicaSet{
		ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: api.ReplicaSetSpec{Replicas: &replicas, Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx"}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	web := manager.Request{Namespace: "default", Name: "web"}
	eventually(t, "the ReplicaSet is reconciled", func() bool { return s.count(web) >= 1 })

	// Health and readiness.
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + m.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}

	// An owned pod maps to its owner; an unowned one and one owned by another kind map
	// to nothing.
	before := s.count(web)
	yes := true
	if _, err := client.Resource[*api.Pod](c).Namespace("default").Create(ctx, newPod("owned", &api.OwnerReference{
		APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web", UID: rs.UID, Controller: &yes})); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the owned pod's event reconciles its ReplicaSet", func() bool { return s.count(web) > before })
	for _, p := range []*api.Pod{newPod("loose", nil), newPod("other", &api.OwnerReference{
		APIVersion: "v1", Kind: "Node", Name: "web", UID: "u", Controller: &yes})} {
		if _, err := client.Resource[*api.Pod](c).Namespace("default").Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}

	// A label-only update does not bump the generation: dropped. A spec change is not.
	before = s.count(web)
	rs.Labels = map[string]string{"tier": "front"}
	if rs, err = client.Resource[*api.ReplicaSet](c).Namespace("default").Update(ctx, rs); err != nil {
		t.Fatal(err)
	}
	replicas = 1
	rs.Spec.Replicas = &replicas
	if _, err = client.Resource[*api.ReplicaSet](c).Namespace("default").Update(ctx, rs); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the spec change is reconciled", func() bool { return s.count(web) > before })
	if got := s.count(web) - before; got != 1 {
		t.Errorf("reconciled %d times after a label change and a spec change; want 1", got)
	}
	for _, name := range []string{"loose", "other", "owned"} {
		if n := s.count(manager.Request{Namespace: "default", Name: name}); n != 0 {
			t.Errorf("pod %s was reconciled as a ReplicaSet %d times", name, n)
		}
	}

	// Metrics with controller-runtime's names.
	resp, err := http.Get("http://" + m.Addr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`controller_runtime_reconcile_total{controller="replicasets",result="success"}`,
		`controller_runtime_max_concurrent_reconciles{controller="replicasets"} 2`,
		`workqueue_adds_total{name="replicasets"}`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestIndexesAndByIndex maps Node events to the pods on the node through a typed index.
func TestIndexesAndByIndex(t *testing.T) {
	t.Parallel()
	m, c := startManager(t, manager.Options{})
	podsByNode := manager.NewIndex("byNode", func(p *api.Pod) []string {
		if p.Spec.NodeName == "" {
			return nil
		}
		return []string{p.Spec.NodeName}
	})
	if _, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.Pod]{Indexes: []*manager.Index[*api.Pod]{podsByNode}}); err != nil {
		t.Fatal(err)
	}
	// Another index on the same cache, as a second controller would add it; not one of
	// the same name, and no transform on a cache that exists.
	byName := manager.NewIndex("byName", func(p *api.Pod) []string { return []string{p.Name} })
	if _, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.Pod]{Indexes: []*manager.Index[*api.Pod]{byName}}); err != nil {
		t.Fatalf("a second index on a cache: %v", err)
	}
	if _, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.Pod]{Indexes: []*manager.Index[*api.Pod]{manager.NewIndex("byNode", func(*api.Pod) []string { return nil })}}); err == nil {
		t.Error("a second index named byNode was accepted")
	}
	if _, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.Pod]{Transform: func(p *api.Pod) *api.Pod { return p }}); err == nil {
		t.Error("a transform for an existing cache was accepted")
	}
	var s seen
	ctrl, err := manager.NewController(m, "zones", s.recorder(), manager.ControllerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := manager.For[*api.Pod](ctrl); err != nil {
		t.Fatal(err)
	}
	if err := manager.Watches[*api.Node](ctrl, manager.ByIndex[*api.Node](podsByNode)); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for i := range 3 {
		p := newPod(fmt.Sprintf("p%d", i), nil)
		if i < 2 {
			p.Spec.NodeName = "n1"
		}
		if _, err := client.Resource[*api.Pod](c).Namespace("default").Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	run(t, m)
	p0, p1, p2 := manager.Request{Namespace: "default", Name: "p0"}, manager.Request{Namespace: "default", Name: "p1"}, manager.Request{Namespace: "default", Name: "p2"}
	eventually(t, "the pods are reconciled", func() bool { return s.count(p0) == 1 && s.count(p1) == 1 && s.count(p2) == 1 })
	got, err := podsByNode.Lookup("n1")
	if err != nil || len(got) != 2 {
		t.Fatalf("Lookup(n1) = %d pods, %v; want 2", len(got), err)
	}
	if got, err := byName.Lookup("p2"); err != nil || len(got) != 1 {
		t.Errorf("the second index: Lookup(p2) = %d pods, %v; want 1", len(got), err)
	}
	if _, err := client.Resource[*api.Node](c).Create(ctx, &api.Node{ObjectMeta: api.ObjectMeta{Name: "n1"}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the node's pods are reconciled again", func() bool { return s.count(p0) == 2 && s.count(p1) == 2 })
	if s.count(p2) != 1 {
		t.Errorf("a pod on no node was reconciled for the node: %d", s.count(p2))
	}
}

// TestLeaderElectionHandOver runs two managers on one lease: one leads; when it stops
// it releases the lease and the other takes over at once; the two never lead together.
func TestLeaderElectionHandOver(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	var leaders atomic.Int32
	var overlap atomic.Bool
	var led [2]atomic.Bool
	var stops [2]func() error
	for i := range 2 {
		m, err := manager.New(manager.Options{
			Client: env.Client(), HealthAddress: "127.0.0.1:0",
			LeaderElection: &leaderelection.Config{Namespace: "default", Name: "test-lease",
				Identity:      fmt.Sprintf("m%d", i),
				LeaseDuration: 4 * time.Second, RenewDeadline: 3 * time.Second, RetryPeriod: 200 * time.Millisecond},
		})
		if err != nil {
			t.Fatal(err)
		}
		err = m.Add(manager.RunnableFunc(func(ctx context.Context) error {
			if leaders.Add(1) > 1 {
				overlap.Store(true)
			}
			led[i].Store(true)
			<-ctx.Done()
			leaders.Add(-1)
			return nil
		}), true)
		if err != nil {
			t.Fatal(err)
		}
		stops[i] = run(t, m)
	}
	eventually(t, "one manager leads", func() bool { return led[0].Load() || led[1].Load() })
	first := 0
	if led[1].Load() {
		first = 1
	}
	start := time.Now()
	if err := stops[first](); err != nil {
		t.Errorf("Run of the first leader: %v", err)
	}
	eventually(t, "the other manager takes over", func() bool { return led[1-first].Load() })
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("hand-over took %v; the released lease should be taken within a few retry periods", took)
	}
	if overlap.Load() {
		t.Error("two managers led at once")
	}
	lease, err := client.Resource[*api.Lease](env.Client()).Namespace("default").Get(t.Context(), "test-lease")
	if err != nil {
		t.Fatal(err)
	}
	if got := *lease.Spec.HolderIdentity; got != fmt.Sprintf("m%d", 1-first) {
		t.Errorf("holderIdentity = %q", got)
	}
	if got := *lease.Spec.LeaseTransitions; got != 1 {
		t.Errorf("leaseTransitions = %d, want 1", got)
	}
}

// TestEventRecorder records an event from a reconcile; it reaches the apiserver.
func TestEventRecorder(t *testing.T) {
	t.Parallel()
	m, c := startManager(t, manager.Options{})
	rec := m.EventRecorder("pod-greeter")
	pods, err := manager.NewClient[*api.Pod](m, manager.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	ctrl, err := manager.NewController(m, "pod-greeter", manager.ReconcilerFunc(func(ctx context.Context, req manager.Request) (manager.Result, error) {
		p, err := pods.Get(ctx, req.Namespace, req.Name)
		if client.IsNotFound(err) {
			return manager.Result{}, nil
		}
		if err != nil {
			return manager.Result{}, err
		}
		rec.Eventf(p, api.EventTypeNormal, "Greeted", "hello %s", p.Name)
		return manager.Result{}, nil
	}), manager.ControllerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := manager.For[*api.Pod](ctrl); err != nil {
		t.Fatal(err)
	}
	run(t, m)
	if _, err := client.Resource[*api.Pod](c).Namespace("default").Create(t.Context(), newPod("hi", nil)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the pod is cached", func() bool {
		return len(pods.List("", nil)) == 1 && len(pods.List("default", nil)) == 1 && len(pods.List("other", nil)) == 0
	})
	events := client.Resource[*api.Event](c).Namespace("default")
	eventually(t, "the Greeted event is written", func() bool {
		l, err := events.List(t.Context(), client.ListOptions{FieldSelector: "involvedObject.name=hi,reason=Greeted"})
		return err == nil && len(l.Items) == 1 && l.Items[0].Message == "hello hi" && l.Items[0].Source.Component == "pod-greeter"
	})
}

// startManager starts an apiserver for the test and returns a manager of it (opts with
// its client) and the client.
func startManager(t *testing.T, opts manager.Options) (*manager.Manager, *client.Client) {
	t.Helper()
	opts.Client = envtest.Start(t, envtest.Options{}).Client()
	m, err := manager.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return m, opts.Client
}

// TestSharedCaches runs two managers over one set of Caches: they get the same
// informer, the server sees one watch of pods for both, each manager's controller
// reconciles from it, and everything stops when the managers and the Caches do.
func TestSharedCaches(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	newClient := func(agent string) *client.Client {
		cfg := env.Config()
		cfg.UserAgent = agent
		c, err := client.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	caches := manager.NewCaches(newClient("shared-informers"), nil)
	var managers []*manager.Manager
	var recorders []*seen
	for _, name := range []string{"one", "two"} {
		m, err := manager.New(manager.Options{Client: newClient(name), Caches: caches})
		if err != nil {
			t.Fatal(err)
		}
		s := &seen{}
		ctrl, err := manager.NewController(m, "pods-"+name, s.recorder(), manager.ControllerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := manager.For[*api.Pod](ctrl); err != nil {
			t.Fatal(err)
		}
		managers, recorders = append(managers, m), append(recorders, s)
	}
	a, err := manager.Cache(managers[0], manager.Scope{}, manager.CacheOptions[*api.Pod]{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := manager.Cache(managers[1], manager.Scope{}, manager.CacheOptions[*api.Pod]{})
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatal("the two managers got different informers of pods")
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for _, m := range managers {
		wg.Go(func() { errs <- m.Run(ctx) })
	}
	cachesDone := make(chan error, 1)
	cachesCtx, stopCaches := context.WithCancel(context.Background())
	go func() { cachesDone <- caches.Run(cachesCtx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		wg.Wait() // the managers first, then the caches they read
		stopCaches()
		if err := <-cachesDone; err != nil {
			t.Errorf("Caches.Run: %v", err)
		}
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("Manager.Run: %v", err)
			}
		}
	}
	t.Cleanup(stop)

	if _, err := client.Resource[*api.Pod](env.Client()).Namespace("default").Create(t.Context(), newPod("shared", nil)); err != nil {
		t.Fatal(err)
	}
	req := manager.Request{Namespace: "default", Name: "shared"}
	for i, s := range recorders {
		eventually(t, fmt.Sprintf("manager %d reconciles the pod", i), func() bool { return s.count(req) >= 1 })
	}
	if err := caches.Run(cachesCtx); err == nil { // the first one runs: the managers synced
		t.Error("a second Caches.Run was accepted")
	}
	body, err := env.Client().Do(t.Context(), client.Request{Method: http.MethodGet, Path: "/metrics", Accept: "text/plain"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `apiserver_registered_watchers{resource="pods"} 1`; !strings.Contains(string(body), want) {
		t.Errorf("metrics lack %q: one watch of pods for both managers", want)
	}
	stop()
}
