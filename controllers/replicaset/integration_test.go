package replicaset_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/internal/podutil"
	"github.com/orrery-dev/orrery/controllers/replicaset"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// start runs the controller with a client of cfg until the test ends.
func start(t *testing.T, cfg client.Config) {
	t.Helper()
	controllertest.Run(t, cfg, func(m *manager.Manager) error {
		_, err := replicaset.Setup(m, replicaset.Options{})
		return err
	})
}

func newRS(name string, replicas int32, app string) *api.ReplicaSet {
	return &api.ReplicaSet{
		ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default"},
		Spec: api.ReplicaSetSpec{
			Replicas: &replicas,
			Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": app}},
			Template: api.PodTemplateSpec{
				ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": app}},
				Spec:       api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx"}}},
			},
		},
	}
}

// ownedActive lists the active pods rs owns.
func ownedActive(t *testing.T, c *client.Client, rs *api.ReplicaSet) []api.Pod {
	t.Helper()
	l, err := client.Resource[*api.Pod](c).Namespace(rs.Namespace).List(t.Context(), client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []api.Pod
	for _, p := range l.Items {
		if ref := podutil.ControllerOf(p); ref != nil && ref.UID == rs.UID && podutil.IsActive(p) {
			out = append(out, *p)
		}
	}
	return out
}

func scale(t *testing.T, c *client.Client, name string, n int32) {
	t.Helper()
	rsets := client.Resource[*api.ReplicaSet](c).Namespace("default")
	err := client.RetryOnConflict(t.Context(), func() error {
		rs, err := rsets.Get(t.Context(), name)
		if err != nil {
			return err
		}
		rs.Spec.Replicas = &n
		_, err = rsets.Update(t.Context(), rs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestScaleUpAndDown scales a ReplicaSet 0 → 20 → 5 → 30 → 10 in quick steps while a
// watch counts its pods: there are never more than the largest number asked for so
// far, and each pod carries a controller reference that blocks owner deletion.
func TestScaleUpAndDown(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	start(t, env.Config())
	ctx := t.Context()
	rs, err := client.Resource[*api.ReplicaSet](c).Namespace("default").Create(ctx, newRS("web", 0, "web"))
	if err != nil {
		t.Fatal(err)
	}

	// Count the live owned pods from a watch.
	w, err := client.Resource[*api.Pod](c).Namespace("default").Watch(ctx, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var mu sync.Mutex
	live := map[string]bool{}
	var maxDesired, peak atomic.Int32
	var violation atomic.Value
	var wg sync.WaitGroup
	wg.Go(func() {
		for ev := range w.ResultChan() {
			p, ok := ev.Object.(*api.Pod)
			if !ok {
				continue
			}
			mu.Lock()
			if ev.Type == api.Deleted || !podutil.IsActive(p) {
				delete(live, p.Name)
			} else {
				live[p.Name] = true
			}
			n := int32(len(live))
			mu.Unlock()
			if n > peak.Load() {
				peak.Store(n)
			}
			if n > maxDesired.Load() {
				violation.Store(fmt.Sprintf("%d pods while at most %d were ever asked for", n, maxDesired.Load()))
			}
		}
	})
	for _, n := range []int32{20, 5, 30, 10} {
		if n > maxDesired.Load() {
			maxDesired.Store(n)
		}
		scale(t, c, "web", n)
	}
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%d pods", len(ownedActive(t, c, rs))) }, func() bool {
		return len(ownedActive(t, c, rs)) == 10
	})
	rsets := client.Resource[*api.ReplicaSet](c).Namespace("default")
	controllertest.Eventually(t, func() string { return "status" }, func() bool {
		got, err := rsets.Get(ctx, "web")
		return err == nil && got.Status.Replicas == 10 && got.Status.FullyLabeledReplicas == 10 && got.Status.ObservedGeneration == got.Generation
	})
	w.Stop()
	wg.Wait()
	if v := violation.Load(); v != nil {
		t.Error(v)
	}
	if peak.Load() < 20 {
		t.Errorf("the watch saw at most %d pods at once; the scale to 20 was not observed", peak.Load())
	}
	for _, p := range ownedActive(t, c, rs) {
		ref := podutil.ControllerOf(&p)
		if ref.BlockOwnerDeletion == nil || !*ref.BlockOwnerDeletion || ref.Kind != "ReplicaSet" || ref.APIVersion != "apps/v1" ||
			!strings.HasPrefix(p.Name, "web-") || p.Labels["app"] != "web" {
			t.Errorf("pod %s: ownerReferences %+v labels %v", p.Name, p.OwnerReferences, p.Labels)
		}
	}
}

// TestAdoptReleaseAndOverlap: an orphan that matches is adopted (and counted), a pod
// whose labels stop matching is released and replaced, and a pod matching two
// ReplicaSets is owned by one only.
func TestAdoptReleaseAndOverlap(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	ctx := t.Context()
	pods := client.Resource[*api.Pod](c).Namespace("default")
	orphan := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "orphan", Namespace: "default", Labels: map[string]string{"app": "api"}},
		Spec: api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx"}}}}
	if _, err := pods.Create(ctx, orphan); err != nil {
		t.Fatal(err)
	}
	start(t, env.Config())
	rsets := client.Resource[*api.ReplicaSet](c).Namespace("default")
	a, err := rsets.Create(ctx, newRS("api-a", 3, "api"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := rsets.Create(ctx, newRS("api-b", 3, "api")) // the same selector
	if err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "6 pods" }, func() bool {
		return len(ownedActive(t, c, a)) == 3 && len(ownedActive(t, c, b)) == 3
	})
	got, err := pods.Get(ctx, "orphan")
	if err != nil {
		t.Fatal(err)
	}
	if ref := podutil.ControllerOf(got); ref == nil || (ref.UID != a.UID && ref.UID != b.UID) {
		t.Fatalf("the orphan was not adopted: %+v", got.OwnerReferences)
	}
	l, err := pods.List(ctx, client.ListOptions{LabelSelector: "app=api"})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 6 {
		t.Errorf("%d pods match both ReplicaSets; want 6 (the orphan adopted, not replaced)", len(l.Items))
	}
	for _, p := range l.Items {
		controllers := 0
		for _, ref := range p.OwnerReferences {
			if ref.Controller != nil && *ref.Controller {
				controllers++
			}
		}
		if controllers != 1 {
			t.Errorf("pod %s has %d controllers", p.Name, controllers)
		}
	}

	// Relabel the adopted orphan: it is released and replaced.
	if _, err := pods.Patch(ctx, "orphan", client.MergePatchType, []byte(`{"metadata":{"labels":{"app":"other"}}}`)); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "release" }, func() bool {
		p, err := pods.Get(ctx, "orphan")
		return err == nil && podutil.ControllerOf(p) == nil && len(ownedActive(t, c, a)) == 3 && len(ownedActive(t, c, b)) == 3
	})
}

// failingCreates fails pod creates with a 403 quota error while on is set, as a
// ResourceQuota would.
type failingCreates struct {
	next  http.RoundTripper
	on    atomic.Bool
	tries atomic.Int32
}

func (f *failingCreates) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/pods") && f.on.Load() {
		f.tries.Add(1)
		body := `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"web-x\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2","reason":"Forbidden","code":403}`
		return &http.Response{StatusCode: http.StatusForbidden, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	}
	return f.next.RoundTrip(r)
}

// TestFailedCreatesSetReplicaFailure: creates refused by the server set the
// ReplicaFailure condition with the server's message and record an event; the
// controller backs off (one create per attempt, not one per missing pod); once creates
// pass, the pods appear and the condition goes.
func TestFailedCreatesSetReplicaFailure(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	cfg := env.Config()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(cfg.CAData)
	fault := &failingCreates{next: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}}
	fault.on.Store(true)
	cfg.Transport = fault
	start(t, cfg)
	ctx := t.Context()
	rsets := client.Resource[*api.ReplicaSet](c).Namespace("default")
	if _, err := rsets.Create(ctx, newRS("web", 50, "web")); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "ReplicaFailure" }, func() bool {
		rs, err := rsets.Get(ctx, "web")
		if err != nil || len(rs.Status.Conditions) != 1 {
			return false
		}
		cond := rs.Status.Conditions[0]
		return cond.Type == api.ReplicaSetReplicaFailure && cond.Reason == "FailedCreate" && strings.Contains(cond.Message, "exceeded quota")
	})
	controllertest.Eventually(t, func() string { return "FailedCreate event" }, func() bool {
		l, err := client.Resource[*api.Event](c).Namespace("default").List(ctx, client.ListOptions{FieldSelector: "reason=FailedCreate"})
		return err == nil && len(l.Items) == 1 && strings.Contains(l.Items[0].Message, "Error creating: ") && l.Items[0].Type == api.EventTypeWarning
	})
	// Backoff: 5 ms doubling per failed sync, one create per sync.
	tries := fault.tries.Load()
	if tries > 20 {
		t.Errorf("%d create attempts for 50 missing pods; slow start and backoff allow one per sync", tries)
	}
	fault.on.Store(false)
	rs, err := rsets.Get(ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	// Nudge a sync (a spec-neutral label change), as any event would; the backoff may be long by now.
	if _, err := rsets.Patch(ctx, "web", client.MergePatchType, []byte(`{"metadata":{"labels":{"nudge":"1"}}}`)); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "50 pods and no condition" }, func() bool {
		got, err := rsets.Get(ctx, "web")
		return err == nil && len(ownedActive(t, c, rs)) == 50 && got.Status.Replicas == 50 && len(got.Status.Conditions) == 0
	})
}

// BenchmarkCreateReplicas measures the time from creating a ReplicaSet of 1,000
// replicas until all its pods exist (no scheduler, so they stay Pending):
//
//	go test -run '^$' -bench CreateReplicas -benchtime 1x -count 3 ./controllers/replicaset/
func BenchmarkCreateReplicas(b *testing.B) {
	const n = 1000
	for range b.N {
		env := envtest.Start(b, envtest.Options{})
		c := env.Client()
		cm, err := client.New(env.Config())
		if err != nil {
			b.Fatal(err)
		}
		m, err := manager.New(manager.Options{Client: cm})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := replicaset.Setup(m, replicaset.Options{}); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx) }()
		pods := client.Resource[*api.Pod](c).Namespace("default")
		start := time.Now()
		if _, err := client.Resource[*api.ReplicaSet](c).Namespace("default").Create(ctx, newRS("big", n, "big")); err != nil {
			b.Fatal(err)
		}
		tick := time.NewTicker(5 * time.Millisecond)
		for {
			l, err := pods.List(ctx, client.ListOptions{LabelSelector: "app=big", ResourceVersion: "0"})
			if err != nil {
				b.Fatal(err)
			}
			if len(l.Items) >= n {
				break
			}
			<-tick.C
		}
		tick.Stop()
		took := time.Since(start)
		b.ReportMetric(took.Seconds(), "s/1000-pods")
		b.ReportMetric(n/took.Seconds(), "pods/s")
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		cm.Close()
	}
}
