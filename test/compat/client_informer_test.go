package compat

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// handlerLog records what an informer's event handler was told, per object.
type handlerLog struct {
	mu     sync.Mutex
	events map[string][]string // name -> "add", "update:<label x>", "delete"
}

func newHandlerLog() *handlerLog { return &handlerLog{events: map[string][]string{}} }

func (l *handlerLog) record(obj any, what string) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj, what = d.Obj, what+"(final state unknown)"
	}
	m := obj.(metav1.Object)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events[m.GetName()] = append(l.events[m.GetName()], what)
}

func (l *handlerLog) handler() cache.ResourceEventHandler {
	return cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) { l.record(obj, "add") },
		UpdateFunc: func(_, obj any) {
			l.record(obj, "update:"+obj.(metav1.Object).GetLabels()["x"])
		},
		DeleteFunc: func(obj any) { l.record(obj, "delete") },
	}
}

func (l *handlerLog) of(name string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events[name])
}

// requestLog records the requests a client makes: "GET /api/v1/pods?...".
type requestLog struct {
	mu   sync.Mutex
	reqs []string
}

func (l *requestLog) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		l.mu.Lock()
		l.reqs = append(l.reqs, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
		l.mu.Unlock()
		return rt.RoundTrip(r)
	})
}

func (l *requestLog) matching(method, path string, query ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.reqs {
		if !strings.HasPrefix(r, method+" "+path+"?") {
			continue
		}
		if !slices.ContainsFunc(query, func(q string) bool { return !strings.Contains(r, q) }) {
			out = append(out, r)
		}
	}
	return out
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// startFactory starts the informers of factory; they are stopped and waited
// for when the test ends.
func startFactory(t *testing.T, factory informers.SharedInformerFactory) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		factory.Shutdown()
	})
	factory.Start(ctx.Done())
	synced := factory.WaitForCacheSync(t.Context().Done())
	for typ, ok := range synced {
		if !ok {
			t.Fatalf("informer for %v did not sync", typ)
		}
	}
}

// converged reports whether the lister holds exactly what the server holds:
// the same names at the same resourceVersions.
func converged[T metav1.Object](listed []T, served []T) error {
	want, got := map[string]string{}, map[string]string{}
	for _, o := range served {
		want[o.GetName()] = o.GetResourceVersion()
	}
	for _, o := range listed {
		got[o.GetName()] = o.GetResourceVersion()
	}
	if !maps.Equal(got, want) {
		return fmt.Errorf("lister has %v; server has %v", got, want)
	}
	return nil
}

func TestInformerConverges(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	ns := s.namespace(t, "informer")
	pods := s.client.CoreV1().Pods(ns)
	nodes := s.client.CoreV1().Nodes()
	// Present before the informers start: they must arrive as adds.
	mustCreate(t, pods, newPod("before", nil))
	if _, err := nodes.Create(ctx, newNode("node-before", nil), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create node: %s", statusOf(err))
	}

	var reqs requestLog
	config := rest.CopyConfig(s.config)
	config.Wrap(reqs.wrap)
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		t.Fatalf("clientset: %v", err)
	}
	factory := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithNamespace(ns))
	podInformer := factory.Core().V1().Pods()
	podLog := newHandlerLog()
	if _, err := podInformer.Informer().AddEventHandler(podLog.handler()); err != nil {
		t.Fatalf("AddEventHandler: %v", err)
	}
	// Nodes are cluster-scoped; a factory without a namespace serves them.
	nodeFactory := informers.NewSharedInformerFactory(client, 0)
	nodeInformer := nodeFactory.Core().V1().Nodes()
	nodeLog := newHandlerLog()
	if _, err := nodeInformer.Informer().AddEventHandler(nodeLog.handler()); err != nil {
		t.Fatalf("AddEventHandler: %v", err)
	}
	startFactory(t, factory)
	startFactory(t, nodeFactory)

	if got, err := podInformer.Lister().Pods(ns).Get("before"); err != nil || got.Name != "before" {
		t.Fatalf("lister after sync: %v, %v; want pod before", got, err)
	}

	// Changes made while the informers run.
	for i := range 5 {
		mustCreate(t, pods, newPod(fmt.Sprintf("p%d", i), nil))
	}
	mustPatchLabels(t, pods, "p1", `{"x":"1"}`)
	mustPatchLabels(t, pods, "p1", `{"x":"2"}`)
	mustPatchLabels(t, pods, "before", `{"x":"b"}`)
	if err := pods.Delete(ctx, "p2", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %s", statusOf(err))
	}
	if err := pods.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{FieldSelector: "metadata.name=p3"}); err != nil {
		t.Fatalf("delete collection: %s", statusOf(err))
	}
	for i := range 3 {
		if _, err := nodes.Create(ctx, newNode(fmt.Sprintf("node-%d", i), nil), metav1.CreateOptions{}); err != nil {
			t.Fatalf("create node: %s", statusOf(err))
		}
	}
	if _, err := nodes.Patch(ctx, "node-0", types.MergePatchType, []byte(`{"metadata":{"labels":{"x":"n"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatalf("patch node: %s", statusOf(err))
	}
	if err := nodes.Delete(ctx, "node-before", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete node: %s", statusOf(err))
	}

	poll(t, "the pod lister to converge", func(ctx context.Context) (bool, error) {
		served, err := pods.List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		listed, err := podInformer.Lister().Pods(ns).List(labels.Everything())
		if err != nil {
			return false, err
		}
		if err := converged(listed, ptrs(served.Items)); err != nil {
			return false, err
		}
		return true, nil
	})
	poll(t, "the node lister to converge", func(ctx context.Context) (bool, error) {
		served, err := nodes.List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		listed, err := nodeInformer.Lister().List(labels.Everything())
		if err != nil {
			return false, err
		}
		if err := converged(listed, ptrs(served.Items)); err != nil {
			return false, err
		}
		return true, nil
	})

	// The handlers run after the store is updated: wait for the last event each
	// object must see, then compare the whole history.
	wantPods := map[string][]string{
		"before": {"add", "update:b"},
		"p0":     {"add"},
		"p1":     {"add", "update:1", "update:2"},
		"p2":     {"add", "delete"},
		"p3":     {"add", "delete"},
		"p4":     {"add"},
	}
	wantNodes := map[string][]string{
		"node-before": {"add", "delete"},
		"node-0":      {"add", "update:n"},
		"node-1":      {"add"},
		"node-2":      {"add"},
	}
	for _, c := range []struct {
		kind string
		log  *handlerLog
		want map[string][]string
	}{{"pod", podLog, wantPods}, {"node", nodeLog, wantNodes}} {
		for name, want := range c.want {
			poll(t, fmt.Sprintf("the %s handler to see %s %v", c.kind, name, want), func(context.Context) (bool, error) {
				got := c.log.of(name)
				if len(got) < len(want) {
					return false, fmt.Errorf("saw %v", got)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s handler saw %s: %v; want %v", c.kind, name, got, want)
				}
				return true, nil
			})
		}
	}

	// client-go's informers start with a watch list (sendInitialEvents); the
	// server answers it, so they never fall back to LIST.
	if got := reqs.matching("GET", "/api/v1/namespaces/"+ns+"/pods", "watch=true", "sendInitialEvents=true"); len(got) == 0 {
		t.Errorf("pod informer made no watch-list request; requests: %v", reqs.matching("GET", "/api/v1/namespaces/"+ns+"/pods"))
	}
	for _, r := range reqs.matching("GET", "/api/v1/namespaces/"+ns+"/pods") {
		if !strings.Contains(r, "watch=true") {
			t.Errorf("pod informer fell back to a LIST: %s", r)
		}
	}
}

func TestInformerFieldSelector(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	ns := s.namespace(t, "onnode")
	pods := s.client.CoreV1().Pods(ns)
	// A kubelet's view: only the pods bound to its node.
	factory := informers.NewSharedInformerFactoryWithOptions(s.client, 0, informers.WithNamespace(ns),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.FieldSelector = "spec.nodeName=node-a" }))
	informer := factory.Core().V1().Pods()
	log := newHandlerLog()
	if _, err := informer.Informer().AddEventHandler(log.handler()); err != nil {
		t.Fatalf("AddEventHandler: %v", err)
	}
	startFactory(t, factory)

	for _, name := range []string{"mine", "theirs", "unbound"} {
		mustCreate(t, pods, newPod(name, nil))
	}
	for name, node := range map[string]string{"mine": "node-a", "theirs": "node-b"} {
		if err := pods.Bind(ctx, &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Target:     corev1.ObjectReference{Kind: "Node", Name: node},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatalf("bind %s: %s", name, statusOf(err))
		}
	}
	mustPatchLabels(t, pods, "mine", `{"x":"1"}`)
	mustPatchLabels(t, pods, "theirs", `{"x":"1"}`)
	if err := pods.Delete(ctx, "mine", metav1.DeleteOptions{GracePeriodSeconds: new(int64)}); err != nil {
		t.Fatalf("delete: %s", statusOf(err))
	}
	poll(t, "the handler to see mine deleted", func(context.Context) (bool, error) {
		if got := log.of("mine"); len(got) == 0 || got[len(got)-1] != "delete" {
			return false, fmt.Errorf("saw %v", got)
		}
		return true, nil
	})
	if got, want := log.of("mine"), []string{"add", "update:1", "delete"}; !slices.Equal(got, want) {
		t.Errorf("handler saw mine: %v; want %v", got, want)
	}
	for _, name := range []string{"theirs", "unbound"} {
		if got := log.of(name); len(got) != 0 {
			t.Errorf("handler saw %s (not on node-a): %v; want nothing", name, got)
		}
	}
	if got, _ := informer.Lister().List(labels.Everything()); len(got) != 0 {
		t.Errorf("lister holds %d pods; want none", len(got))
	}
}

func ptrs[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}
