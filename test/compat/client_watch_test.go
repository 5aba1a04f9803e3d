package compat

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/utils/ptr"
)

// seen is one watch event reduced to what the tests compare.
type seen struct {
	Type watch.EventType
	Name string
}

func (e seen) String() string { return fmt.Sprintf("%s %s", e.Type, e.Name) }

// watcher reads a client-go watch and remembers the last resourceVersion it saw.
type watcher struct {
	t      *testing.T
	w      watch.Interface
	lastRV uint64
}

func startWatch(t *testing.T, pods v1.PodInterface, opts metav1.ListOptions) *watcher {
	t.Helper()
	w, err := pods.Watch(t.Context(), opts)
	if err != nil {
		t.Fatalf("Watch(%+v): %s", opts, statusOf(err))
	}
	t.Cleanup(w.Stop)
	return &watcher{t: t, w: w}
}

// next returns the next event that is not a bookmark, failing the test if none
// comes in time. Resource versions must go up from one event to the next.
func (w *watcher) next() watch.Event {
	w.t.Helper()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-w.w.ResultChan():
			if !ok {
				w.t.Fatalf("watch closed; want another event")
			}
			if ev.Type == watch.Error {
				w.t.Fatalf("watch error event: %+v", ev.Object)
			}
			if ev.Type == watch.Bookmark {
				continue
			}
			pod := ev.Object.(*corev1.Pod)
			rv, err := strconv.ParseUint(pod.ResourceVersion, 10, 64)
			if err != nil {
				w.t.Fatalf("event %s %s has resourceVersion %q: %v", ev.Type, pod.Name, pod.ResourceVersion, err)
			}
			if rv <= w.lastRV {
				w.t.Errorf("event %s %s has resourceVersion %d after %d; want increasing", ev.Type, pod.Name, rv, w.lastRV)
			}
			w.lastRV = rv
			return ev
		case <-timer.C:
			w.t.Fatalf("no watch event within 10s")
		}
	}
}

// expect reads len(want) events and compares them with want.
func (w *watcher) expect(want ...seen) {
	w.t.Helper()
	for i, wantEv := range want {
		ev := w.next()
		got := seen{ev.Type, ev.Object.(*corev1.Pod).Name}
		if got != wantEv {
			w.t.Fatalf("event %d = %v; want %v (all wanted: %v)", i, got, wantEv, want)
		}
	}
}

func TestClientWatch(t *testing.T) {
	t.Parallel()
	s := startServer(t)

	t.Run("events in order", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		pods := s.client.CoreV1().Pods(s.namespace(t, "order"))
		list, err := pods.List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatalf("List: %s", statusOf(err))
		}
		w := startWatch(t, pods, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
		mustCreate(t, pods, newPod("a", nil))
		mustPatchLabels(t, pods, "a", `{"x":"1"}`)
		mustCreate(t, pods, newPod("b", nil))
		if err := pods.Delete(ctx, "a", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete: %s", statusOf(err))
		}
		mustPatchLabels(t, pods, "b", `{"x":"2"}`)
		w.expect(
			seen{watch.Added, "a"}, seen{watch.Modified, "a"}, seen{watch.Added, "b"},
			seen{watch.Deleted, "a"}, seen{watch.Modified, "b"},
		)
	})

	t.Run("from a resourceVersion", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		pods := s.client.CoreV1().Pods(s.namespace(t, "fromrv"))
		first := mustCreate(t, pods, newPod("first", nil))
		mustPatchLabels(t, pods, "first", `{"x":"1"}`)
		mustCreate(t, pods, newPod("second", nil))
		w := startWatch(t, pods, metav1.ListOptions{ResourceVersion: first.ResourceVersion})
		w.expect(seen{watch.Modified, "first"}, seen{watch.Added, "second"})
		if err := pods.Delete(ctx, "first", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete: %s", statusOf(err))
		}
		w.expect(seen{watch.Deleted, "first"})
	})

	t.Run("without a resourceVersion starts with the current state", func(t *testing.T) {
		t.Parallel()
		pods := s.client.CoreV1().Pods(s.namespace(t, "norv"))
		mustCreate(t, pods, newPod("old", nil))
		w := startWatch(t, pods, metav1.ListOptions{})
		w.expect(seen{watch.Added, "old"})
		mustCreate(t, pods, newPod("new", nil))
		w.expect(seen{watch.Added, "new"})
	})

	t.Run("label selector transitions", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		pods := s.client.CoreV1().Pods(s.namespace(t, "labels"))
		list, err := pods.List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatalf("List: %s", statusOf(err))
		}
		w := startWatch(t, pods, metav1.ListOptions{LabelSelector: "app=web", ResourceVersion: list.ResourceVersion})
		mustCreate(t, pods, newPod("other", map[string]string{"app": "db"}))
		mustCreate(t, pods, newPod("p", map[string]string{"app": "web"}))
		w.expect(seen{watch.Added, "p"})
		mustPatchLabels(t, pods, "p", `{"app":"db"}`)
		w.expect(seen{watch.Deleted, "p"})
		// Matching neither before nor after: had it been sent, it would come
		// before the next event of p.
		mustPatchLabels(t, pods, "other", `{"x":"1"}`)
		mustPatchLabels(t, pods, "p", `{"app":"web"}`)
		w.expect(seen{watch.Added, "p"})
		mustPatchLabels(t, pods, "p", `{"x":"2"}`)
		w.expect(seen{watch.Modified, "p"})
		if err := pods.Delete(ctx, "p", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete: %s", statusOf(err))
		}
		w.expect(seen{watch.Deleted, "p"})
	})

	t.Run("field selector transitions", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		pods := s.client.CoreV1().Pods(s.namespace(t, "fields"))
		list, err := pods.List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatalf("List: %s", statusOf(err))
		}
		onNode := startWatch(t, pods, metav1.ListOptions{FieldSelector: "spec.nodeName=node-1", ResourceVersion: list.ResourceVersion})
		running := startWatch(t, pods, metav1.ListOptions{FieldSelector: "status.phase=Running", ResourceVersion: list.ResourceVersion})
		pod := mustCreate(t, pods, newPod("p", nil))
		if err := pods.Bind(ctx, &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: "p"},
			Target:     corev1.ObjectReference{Kind: "Node", Name: "node-1"},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatalf("bind: %s", statusOf(err))
		}
		ev := onNode.next()
		if got := (seen{ev.Type, ev.Object.(*corev1.Pod).Name}); got != (seen{watch.Added, "p"}) {
			t.Fatalf("on node-1 after bind: got %v; want ADDED p", got)
		}
		if got := ev.Object.(*corev1.Pod).Spec.NodeName; got != "node-1" {
			t.Errorf("bound pod's nodeName = %q; want node-1", got)
		}
		for _, phase := range []corev1.PodPhase{corev1.PodRunning, corev1.PodSucceeded} {
			pod, err = pods.Get(ctx, "p", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get: %s", statusOf(err))
			}
			pod.Status.Phase = phase
			if _, err := pods.UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
				t.Fatalf("update status to %s: %s", phase, statusOf(err))
			}
		}
		running.expect(seen{watch.Added, "p"}, seen{watch.Deleted, "p"})
		onNode.expect(seen{watch.Modified, "p"}, seen{watch.Modified, "p"})
	})

	t.Run("initial events end with a bookmark", func(t *testing.T) {
		t.Parallel()
		pods := s.client.CoreV1().Pods(s.namespace(t, "initial"))
		mustCreate(t, pods, newPod("x", nil))
		mustCreate(t, pods, newPod("y", nil))
		list, err := pods.List(t.Context(), metav1.ListOptions{})
		if err != nil {
			t.Fatalf("List: %s", statusOf(err))
		}
		// An informer's first watch-list request carries no resourceVersion;
		// a re-watch carries the last one it synced to.
		for _, rv := range []string{"", list.ResourceVersion} {
			t.Run("resourceVersion="+rv, func(t *testing.T) {
				w, err := pods.Watch(t.Context(), metav1.ListOptions{
					ResourceVersion:      rv,
					SendInitialEvents:    ptr.To(true),
					ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan,
					AllowWatchBookmarks:  true,
				})
				if err != nil {
					t.Fatalf("Watch: %s", statusOf(err))
				}
				defer w.Stop()
				got := initialEvents(t, w)
				if want := []seen{{watch.Added, "x"}, {watch.Added, "y"}}; fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("initial events = %v; want %v", got, want)
				}
			})
		}
	})

	t.Run("ends after timeoutSeconds", func(t *testing.T) {
		t.Parallel()
		pods := s.client.CoreV1().Pods(s.namespace(t, "timeout"))
		w, err := pods.Watch(t.Context(), metav1.ListOptions{TimeoutSeconds: ptr.To[int64](1)})
		if err != nil {
			t.Fatalf("Watch: %s", statusOf(err))
		}
		defer w.Stop()
		timer := time.NewTimer(10 * time.Second)
		defer timer.Stop()
		for {
			select {
			case ev, ok := <-w.ResultChan():
				if !ok {
					return // closed by the server, as asked
				}
				if ev.Type == watch.Error {
					t.Fatalf("watch ended with an error event: %+v", ev.Object)
				}
			case <-timer.C:
				t.Fatalf("watch with timeoutSeconds=1 still open after 10s")
			}
		}
	})

	t.Run("nodes", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		nodes := s.client.CoreV1().Nodes()
		w, err := nodes.Watch(ctx, metav1.ListOptions{LabelSelector: "watch-test=yes"})
		if err != nil {
			t.Fatalf("Watch: %s", statusOf(err))
		}
		t.Cleanup(w.Stop)
		if _, err := nodes.Create(ctx, newNode("watched", map[string]string{"watch-test": "yes"}), metav1.CreateOptions{}); err != nil {
			t.Fatalf("create node: %s", statusOf(err))
		}
		if err := nodes.Delete(ctx, "watched", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete node: %s", statusOf(err))
		}
		for _, want := range []watch.EventType{watch.Added, watch.Deleted} {
			select {
			case ev := <-w.ResultChan():
				if n, ok := ev.Object.(*corev1.Node); !ok || ev.Type != want || n.Name != "watched" {
					t.Fatalf("got %s %T; want %s of node watched", ev.Type, ev.Object, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("no %s event within 10s", want)
			}
		}
	})
}

func mustCreate(t *testing.T, pods v1.PodInterface, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	out, err := pods.Create(t.Context(), pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create %s: %s", pod.Name, statusOf(err))
	}
	return out
}

func mustPatchLabels(t *testing.T, pods v1.PodInterface, name, labels string) *corev1.Pod {
	t.Helper()
	out, err := pods.Patch(t.Context(), name, types.MergePatchType, []byte(`{"metadata":{"labels":`+labels+`}}`), metav1.PatchOptions{})
	if err != nil {
		t.Fatalf("patch labels of %s: %s", name, statusOf(err))
	}
	return out
}

// initialEvents reads a watch-list stream up to the bookmark that ends its
// initial events.
func initialEvents(t *testing.T, w watch.Interface) []seen {
	t.Helper()
	var got []seen
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("watch closed after %v", got)
			}
			if ev.Type == watch.Error {
				t.Fatalf("watch error event: %+v", ev.Object)
			}
			m := ev.Object.(metav1.Object)
			if ev.Type != watch.Bookmark {
				got = append(got, seen{ev.Type, m.GetName()})
				continue
			}
			if m.GetAnnotations()[metav1.InitialEventsAnnotationKey] != "true" {
				continue // a periodic bookmark
			}
			if m.GetResourceVersion() == "" {
				t.Errorf("initial-events-end bookmark has no resourceVersion")
			}
			return got
		case <-timer.C:
			t.Fatalf("no initial-events-end bookmark within 10s; saw %v", got)
		}
	}
}
