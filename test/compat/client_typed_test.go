package compat

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/pager"
	"k8s.io/utils/ptr"
)

// object is what every typed client hands back.
type object interface {
	metav1.Object
	runtime.Object
}

// crudClient is the part of client-go's generated typed clients that the CRUD
// test drives; every resource's client satisfies it.
type crudClient[T object, L runtime.Object] interface {
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
}

// exerciseCRUD creates obj, reads it back, lists it, updates a label and
// deletes it. A kind whose deletion is finalized by a controller
// (namespaces) only has to be marked for deletion.
func exerciseCRUD[T object, L runtime.Object](t *testing.T, c crudClient[T, L], obj T, deletionMarks bool) {
	t.Helper()
	ctx := t.Context()
	name := obj.GetName()

	created, err := c.Create(ctx, obj, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("Create %s: %s", name, statusOf(err))
	}
	if created.GetUID() == "" || created.GetResourceVersion() == "" || created.GetCreationTimestamp().Time.IsZero() {
		t.Errorf("Create gave uid=%q resourceVersion=%q creationTimestamp=%v; want all set",
			created.GetUID(), created.GetResourceVersion(), created.GetCreationTimestamp())
	}

	got, err := c.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("Get %s: %s", name, statusOf(err))
	}
	if got.GetUID() != created.GetUID() || got.GetResourceVersion() != created.GetResourceVersion() {
		t.Errorf("Get gave uid=%s rv=%s; want the created uid=%s rv=%s",
			got.GetUID(), got.GetResourceVersion(), created.GetUID(), created.GetResourceVersion())
	}

	list, err := c.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("List: %s", statusOf(err))
	}
	items, err := apimeta.ExtractList(list)
	if err != nil {
		t.Fatalf("ExtractList: %v", err)
	}
	if !slices.ContainsFunc(items, func(o runtime.Object) bool { return o.(metav1.Object).GetName() == name }) {
		t.Errorf("List has no %s", name)
	}
	if lrv := any(list).(metav1.ListInterface).GetResourceVersion(); lrv == "" {
		t.Errorf("List resourceVersion is empty")
	}

	got.SetLabels(map[string]string{"updated": "yes"})
	updated, err := c.Update(ctx, got, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("Update %s: %s", name, statusOf(err))
	}
	if updated.GetLabels()["updated"] != "yes" {
		t.Errorf("Update gave labels %v; want updated=yes", updated.GetLabels())
	}
	if updated.GetResourceVersion() == created.GetResourceVersion() {
		t.Errorf("Update kept resourceVersion %s; want a new one", updated.GetResourceVersion())
	}

	if err := c.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		t.Fatalf("Delete %s: %s", name, statusOf(err))
	}
	after, err := c.Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		t.Fatalf("Get after Delete: %s; want NotFound", statusOf(err))
	case deletionMarks && after.GetDeletionTimestamp() != nil:
	default:
		t.Errorf("Get after Delete found %s (deletionTimestamp %v); want NotFound", name, after.GetDeletionTimestamp())
	}
}

func TestClientCRUD(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ns := s.namespace(t, "crud")
	core, apps, coord := s.client.CoreV1(), s.client.AppsV1(), s.client.CoordinationV1()
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"pods", func(t *testing.T) {
			exerciseCRUD(t, core.Pods(ns), newPod("crud-pod", nil), false)
		}},
		{"nodes", func(t *testing.T) {
			exerciseCRUD(t, core.Nodes(), newNode("crud-node", nil), false)
		}},
		{"namespaces", func(t *testing.T) {
			exerciseCRUD(t, core.Namespaces(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "crud-namespace"}}, true)
		}},
		{"events", func(t *testing.T) {
			exerciseCRUD(t, core.Events(ns), &corev1.Event{
				ObjectMeta:     metav1.ObjectMeta{Name: "crud-event.1", Namespace: ns},
				InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: "crud-pod", APIVersion: "v1"},
				Reason:         "Testing", Message: "a message", Type: corev1.EventTypeNormal,
				Source:         corev1.EventSource{Component: "compat"},
				FirstTimestamp: metav1.Now(), LastTimestamp: metav1.Now(), Count: 1,
			}, false)
		}},
		{"replicasets", func(t *testing.T) {
			exerciseCRUD(t, apps.ReplicaSets(ns), newReplicaSet("crud-rs", 2), false)
		}},
		{"leases", func(t *testing.T) {
			exerciseCRUD(t, coord.Leases(ns), &coordinationv1.Lease{
				ObjectMeta: metav1.ObjectMeta{Name: "crud-lease"},
				Spec: coordinationv1.LeaseSpec{
					HolderIdentity: ptr.To("me"), LeaseDurationSeconds: ptr.To[int32](10),
					RenewTime: &metav1.MicroTime{Time: time.Now()},
				},
			}, false)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t)
		})
	}
}

// newReplicaSet is a valid ReplicaSet selecting app=<name>.
func newReplicaSet(name string, replicas int32) *appsv1.ReplicaSet {
	labels := map[string]string{"app": name}
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{
					{Name: "app", Image: "registry.example/app:1"},
					{Name: "side", Image: "registry.example/side:1"},
				}},
			},
		},
	}
}

func TestClientErrors(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	ns := s.namespace(t, "errors")
	pods := s.client.CoreV1().Pods(ns)
	existing, err := pods.Create(ctx, newPod("existing", nil), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create pod: %s", statusOf(err))
	}
	// A namespace being deleted: nothing finalizes it in a bare apiserver, so
	// it stays Terminating.
	doomed := s.namespace(t, "doomed")
	if err := s.client.CoreV1().Namespaces().Delete(ctx, doomed, metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete namespace: %s", statusOf(err))
	}

	tests := []struct {
		name string
		do   func(ctx context.Context) error
		is   func(error) bool
		// cause, when set, must be among the Status's causes.
		cause *metav1.StatusCause
	}{
		{
			name: "get of a missing pod is NotFound",
			do: func(ctx context.Context) error {
				_, err := pods.Get(ctx, "missing", metav1.GetOptions{})
				return err
			},
			is: apierrors.IsNotFound,
		},
		{
			name: "delete of a missing pod is NotFound",
			do:   func(ctx context.Context) error { return pods.Delete(ctx, "missing", metav1.DeleteOptions{}) },
			is:   apierrors.IsNotFound,
		},
		{
			name: "create in a missing namespace is NotFound",
			do: func(ctx context.Context) error {
				_, err := s.client.CoreV1().Pods("no-such-namespace").Create(ctx, newPod("p", nil), metav1.CreateOptions{})
				return err
			},
			is: apierrors.IsNotFound,
		},
		{
			name: "second create is AlreadyExists",
			do: func(ctx context.Context) error {
				_, err := pods.Create(ctx, newPod("existing", nil), metav1.CreateOptions{})
				return err
			},
			is: apierrors.IsAlreadyExists,
		},
		{
			name: "update with a stale resourceVersion is Conflict",
			do: func(ctx context.Context) error {
				fresh := existing.DeepCopy()
				fresh.Labels = map[string]string{"round": "1"}
				if _, err := pods.Update(ctx, fresh, metav1.UpdateOptions{}); err != nil {
					return fmt.Errorf("first update: %w", err)
				}
				stale := existing.DeepCopy()
				stale.Labels = map[string]string{"round": "2"}
				_, err := pods.Update(ctx, stale, metav1.UpdateOptions{})
				return err
			},
			is: apierrors.IsConflict,
		},
		{
			name: "pod without containers is Invalid",
			do: func(ctx context.Context) error {
				p := newPod("empty", nil)
				p.Spec.Containers = nil
				_, err := pods.Create(ctx, p, metav1.CreateOptions{})
				return err
			},
			is:    apierrors.IsInvalid,
			cause: &metav1.StatusCause{Type: metav1.CauseTypeFieldValueRequired, Field: "spec.containers"},
		},
		{
			name: "pod with a bad name is Invalid",
			do: func(ctx context.Context) error {
				_, err := pods.Create(ctx, newPod("Bad_Name", nil), metav1.CreateOptions{})
				return err
			},
			is:    apierrors.IsInvalid,
			cause: &metav1.StatusCause{Type: metav1.CauseTypeFieldValueInvalid, Field: "metadata.name"},
		},
		{
			name: "create in a terminating namespace is Forbidden",
			do: func(ctx context.Context) error {
				_, err := s.client.CoreV1().Pods(doomed).Create(ctx, newPod("late", nil), metav1.CreateOptions{})
				return err
			},
			is: apierrors.IsForbidden,
		},
		{
			name: "delete with a wrong uid precondition is Conflict",
			do: func(ctx context.Context) error {
				return pods.Delete(ctx, "existing", metav1.DeleteOptions{Preconditions: metav1.NewUIDPreconditions("not-the-uid")})
			},
			is: apierrors.IsConflict,
		},
		{
			// Kubernetes does not serve deletecollection on namespaces.
			name: "delete collection of namespaces is MethodNotAllowed",
			do: func(ctx context.Context) error {
				return s.client.CoreV1().RESTClient().Delete().Resource("namespaces").
					Param("labelSelector", "compat-test=matches-nothing").Do(ctx).Error()
			},
			is: apierrors.IsMethodNotSupported,
		},
		{
			name: "unsupported field selector is BadRequest",
			do: func(ctx context.Context) error {
				_, err := pods.List(ctx, metav1.ListOptions{FieldSelector: "spec.noSuchField=x"})
				return err
			},
			is: apierrors.IsBadRequest,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do(t.Context())
			if err == nil {
				t.Fatalf("got no error; want one")
			}
			if !tc.is(err) {
				t.Fatalf("got %s; want another reason", statusOf(err))
			}
			if tc.cause == nil {
				return
			}
			var causes []metav1.StatusCause
			if se, ok := err.(apierrors.APIStatus); ok && se.Status().Details != nil {
				causes = se.Status().Details.Causes
			}
			if !slices.ContainsFunc(causes, func(c metav1.StatusCause) bool {
				return c.Type == tc.cause.Type && c.Field == tc.cause.Field
			}) {
				t.Errorf("got causes %+v; want one of type %q on field %q", causes, tc.cause.Type, tc.cause.Field)
			}
		})
	}
}

// createPods creates n pods named prefix-000... with labels, a few at a time.
func createPods(t *testing.T, s *testServer, ns, prefix string, n int, labels map[string]string) []string {
	t.Helper()
	names := make([]string, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range n {
		names[i] = fmt.Sprintf("%s-%03d", prefix, i)
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if _, err := s.client.CoreV1().Pods(ns).Create(t.Context(), newPod(names[i], labels), metav1.CreateOptions{}); err != nil {
				errs <- fmt.Errorf("create %s: %s", names[i], statusOf(err))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return names
}

func TestClientPagination(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	ns := s.namespace(t, "paging")
	pods := s.client.CoreV1().Pods(ns)
	want := createPods(t, s, ns, "page", 250, nil)

	t.Run("limit and continue", func(t *testing.T) {
		var got []string
		var sizes []int
		opts := metav1.ListOptions{Limit: 100}
		var firstRV string
		for page := 0; ; page++ {
			list, err := pods.List(ctx, opts)
			if err != nil {
				t.Fatalf("page %d: %s", page, statusOf(err))
			}
			if page == 0 {
				firstRV = list.ResourceVersion
				// Created after the first page: a continued list is a snapshot
				// at the first page's resourceVersion and must not show it.
				if _, err := pods.Create(ctx, newPod("page-zzz-late", nil), metav1.CreateOptions{}); err != nil {
					t.Fatalf("create late pod: %s", statusOf(err))
				}
			} else if list.ResourceVersion != firstRV {
				t.Errorf("page %d resourceVersion = %s; want the first page's %s", page, list.ResourceVersion, firstRV)
			}
			sizes = append(sizes, len(list.Items))
			for _, p := range list.Items {
				got = append(got, p.Name)
			}
			if list.Continue == "" {
				if list.RemainingItemCount != nil {
					t.Errorf("last page remainingItemCount = %d; want unset", *list.RemainingItemCount)
				}
				break
			}
			if rem := list.RemainingItemCount; rem == nil || int(*rem) != 250-len(got) {
				t.Errorf("page %d remainingItemCount = %v; want %d", page, rem, 250-len(got))
			}
			opts.Continue = list.Continue
		}
		if !slices.Equal(sizes, []int{100, 100, 50}) {
			t.Errorf("page sizes = %v; want [100 100 50]", sizes)
		}
		if !slices.Equal(got, want) {
			t.Errorf("paged names (%d) are not each pod once in order; first difference in %v", len(got), firstDiff(got, want))
		}
	})

	t.Run("pager", func(t *testing.T) {
		p := pager.New(pager.SimplePageFunc(func(opts metav1.ListOptions) (runtime.Object, error) {
			return pods.List(ctx, opts)
		}))
		p.PageSize = 60
		seen := map[string]int{}
		if err := p.EachListItem(ctx, metav1.ListOptions{}, func(obj runtime.Object) error {
			seen[obj.(*corev1.Pod).Name]++
			return nil
		}); err != nil {
			t.Fatalf("EachListItem: %s", statusOf(err))
		}
		for _, name := range append(want, "page-zzz-late") {
			if seen[name] != 1 {
				t.Errorf("pager saw %s %d times; want once", name, seen[name])
			}
		}
		if len(seen) != 251 {
			t.Errorf("pager saw %d pods; want 251", len(seen))
		}
	})
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("index %d: got %s, want %s", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("lengths: got %d, want %d", len(got), len(want))
}

func TestClientSelectors(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	ns := s.namespace(t, "selectors")
	pods := s.client.CoreV1().Pods(ns)
	for _, p := range []struct {
		name, node string
		labels     map[string]string
		phase      corev1.PodPhase
	}{
		{"web-1", "node-a", map[string]string{"app": "web", "tier": "front"}, corev1.PodRunning},
		{"web-2", "node-b", map[string]string{"app": "web", "tier": "front"}, corev1.PodPending},
		{"db-1", "node-a", map[string]string{"app": "db", "tier": "back"}, corev1.PodRunning},
		{"batch-1", "", map[string]string{"app": "batch"}, corev1.PodPending},
	} {
		pod, err := pods.Create(ctx, newPod(p.name, p.labels), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create %s: %s", p.name, statusOf(err))
		}
		if p.node != "" {
			if err := pods.Bind(ctx, &corev1.Binding{
				ObjectMeta: metav1.ObjectMeta{Name: p.name},
				Target:     corev1.ObjectReference{Kind: "Node", Name: p.node},
			}, metav1.CreateOptions{}); err != nil {
				t.Fatalf("bind %s: %s", p.name, statusOf(err))
			}
			if pod, err = pods.Get(ctx, p.name, metav1.GetOptions{}); err != nil {
				t.Fatalf("get %s: %s", p.name, statusOf(err))
			}
		}
		if p.phase != corev1.PodPending {
			pod.Status.Phase = p.phase
			if _, err := pods.UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
				t.Fatalf("update status of %s: %s", p.name, statusOf(err))
			}
		}
	}

	tests := []struct {
		name  string
		opts  metav1.ListOptions
		want  []string
		allNS bool
	}{
		{"label equality", metav1.ListOptions{LabelSelector: "app=web"}, []string{"web-1", "web-2"}, false},
		{"label set", metav1.ListOptions{LabelSelector: "app in (db,batch)"}, []string{"batch-1", "db-1"}, false},
		{"label inequality and existence", metav1.ListOptions{LabelSelector: "tier,app!=db"}, []string{"web-1", "web-2"}, false},
		{"label absence", metav1.ListOptions{LabelSelector: "!tier"}, []string{"batch-1"}, false},
		{"node name", metav1.ListOptions{FieldSelector: "spec.nodeName=node-a"}, []string{"db-1", "web-1"}, false},
		{"unscheduled", metav1.ListOptions{FieldSelector: "spec.nodeName="}, []string{"batch-1"}, false},
		{"phase", metav1.ListOptions{FieldSelector: "status.phase=Running"}, []string{"db-1", "web-1"}, false},
		{"phase not", metav1.ListOptions{FieldSelector: "status.phase!=Running"}, []string{"batch-1", "web-2"}, false},
		{"fields and labels", metav1.ListOptions{FieldSelector: "spec.nodeName=node-a,status.phase=Running", LabelSelector: "app=web"}, []string{"web-1"}, false},
		{"metadata name", metav1.ListOptions{FieldSelector: "metadata.name=db-1"}, []string{"db-1"}, false},
		{"all namespaces by namespace field", metav1.ListOptions{FieldSelector: "metadata.namespace=" + ns + ",spec.nodeName=node-b"}, []string{"web-2"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := pods
			if tc.allNS {
				c = s.client.CoreV1().Pods(metav1.NamespaceAll)
			}
			list, err := c.List(t.Context(), tc.opts)
			if err != nil {
				t.Fatalf("List: %s", statusOf(err))
			}
			var got []string
			for _, p := range list.Items {
				got = append(got, p.Name)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestClientBinding(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	ns := s.namespace(t, "binding")
	pods := s.client.CoreV1().Pods(ns)
	if _, err := pods.Create(ctx, newPod("p", nil), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %s", statusOf(err))
	}
	bind := func(node string) error {
		return pods.Bind(ctx, &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: ns},
			Target:     corev1.ObjectReference{Kind: "Node", Name: node},
		}, metav1.CreateOptions{})
	}
	if err := bind("node-1"); err != nil {
		t.Fatalf("first bind: %s", statusOf(err))
	}
	got, err := pods.Get(ctx, "p", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %s", statusOf(err))
	}
	if got.Spec.NodeName != "node-1" {
		t.Errorf("spec.nodeName = %q; want node-1", got.Spec.NodeName)
	}
	if !slices.ContainsFunc(got.Status.Conditions, func(c corev1.PodCondition) bool {
		return c.Type == corev1.PodScheduled && c.Status == corev1.ConditionTrue
	}) {
		t.Errorf("conditions %+v; want PodScheduled=True", got.Status.Conditions)
	}
	if err := bind("node-2"); !apierrors.IsConflict(err) {
		t.Errorf("second bind: got %s; want Conflict", statusOf(err))
	}
	if err := pods.Bind(ctx, &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Name: "missing"},
		Target:     corev1.ObjectReference{Kind: "Node", Name: "node-1"},
	}, metav1.CreateOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("bind of a missing pod: got %s; want NotFound", statusOf(err))
	}
	if got, err = pods.Get(ctx, "p", metav1.GetOptions{}); err != nil || got.Spec.NodeName != "node-1" {
		t.Errorf("after the second bind: nodeName %q, err %v; want node-1", got.Spec.NodeName, err)
	}
}

func TestClientStatus(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	ns := s.namespace(t, "status")
	pods := s.client.CoreV1().Pods(ns)
	pod, err := pods.Create(ctx, newPod("p", map[string]string{"a": "1"}), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %s", statusOf(err))
	}
	if pod.Status.Phase != corev1.PodPending {
		t.Errorf("created phase = %q; want Pending", pod.Status.Phase)
	}

	t.Run("UpdateStatus changes status only", func(t *testing.T) {
		in := pod.DeepCopy()
		in.Status.Phase = corev1.PodRunning
		in.Status.PodIP = "10.0.0.7"
		in.Status.PodIPs = []corev1.PodIP{{IP: "10.0.0.7"}}
		in.Labels = map[string]string{"a": "changed"}
		out, err := pods.UpdateStatus(ctx, in, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("UpdateStatus: %s", statusOf(err))
		}
		if out.Status.Phase != corev1.PodRunning || out.Status.PodIP != "10.0.0.7" {
			t.Errorf("status after UpdateStatus = phase %q ip %q; want Running 10.0.0.7", out.Status.Phase, out.Status.PodIP)
		}
		if out.Labels["a"] != "1" {
			t.Errorf("labels after UpdateStatus = %v; want unchanged a=1", out.Labels)
		}
		pod = out
	})

	t.Run("Update ignores status", func(t *testing.T) {
		in := pod.DeepCopy()
		in.Status.Phase = corev1.PodFailed
		in.Labels["b"] = "2"
		out, err := pods.Update(ctx, in, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("Update: %s", statusOf(err))
		}
		if out.Status.Phase != corev1.PodRunning {
			t.Errorf("phase after Update = %q; want Running kept", out.Status.Phase)
		}
		if out.Labels["b"] != "2" {
			t.Errorf("labels after Update = %v; want b=2", out.Labels)
		}
	})

	t.Run("node UpdateStatus", func(t *testing.T) {
		node, err := s.client.CoreV1().Nodes().Create(ctx, newNode("status-node", nil), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create node: %s", statusOf(err))
		}
		node.Status.Conditions = []corev1.NodeCondition{{
			Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
			LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now(),
		}}
		out, err := s.client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("UpdateStatus node: %s", statusOf(err))
		}
		if len(out.Status.Conditions) != 1 || out.Status.Conditions[0].Type != corev1.NodeReady {
			t.Errorf("node conditions = %+v; want Ready", out.Status.Conditions)
		}
	})

	t.Run("UpdateStatus with a stale resourceVersion is Conflict", func(t *testing.T) {
		stale := pod.DeepCopy()
		stale.ResourceVersion = "1"
		if _, err := pods.UpdateStatus(ctx, stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
			t.Errorf("got %s; want Conflict", statusOf(err))
		}
	})
}

func TestClientScale(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	ns := s.namespace(t, "scale")
	rss := s.client.AppsV1().ReplicaSets(ns)
	if _, err := rss.Create(ctx, newReplicaSet("web", 2), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %s", statusOf(err))
	}
	sc, err := rss.GetScale(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("GetScale: %s", statusOf(err))
	}
	if sc.Spec.Replicas != 2 || sc.Status.Selector != "app=web" || sc.Name != "web" || sc.Namespace != ns {
		t.Errorf("GetScale = %s/%s replicas %d selector %q; want %s/web 2 app=web", sc.Namespace, sc.Name, sc.Spec.Replicas, sc.Status.Selector, ns)
	}
	stale := sc.DeepCopy()
	sc.Spec.Replicas = 5
	out, err := rss.UpdateScale(ctx, "web", sc, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("UpdateScale: %s", statusOf(err))
	}
	if out.Spec.Replicas != 5 {
		t.Errorf("UpdateScale gave replicas %d; want 5", out.Spec.Replicas)
	}
	rs, err := rss.Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %s", statusOf(err))
	}
	if rs.Spec.Replicas == nil || *rs.Spec.Replicas != 5 {
		t.Errorf("replicaset spec.replicas = %v; want 5", rs.Spec.Replicas)
	}
	if rs.ResourceVersion != out.ResourceVersion {
		t.Errorf("replicaset resourceVersion %s; want the scale's %s", rs.ResourceVersion, out.ResourceVersion)
	}
	stale.Spec.Replicas = 1
	if _, err := rss.UpdateScale(ctx, "web", stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("UpdateScale with a stale resourceVersion: got %s; want Conflict", statusOf(err))
	}
	if _, err := rss.GetScale(ctx, "missing", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("GetScale of a missing replicaset: got %s; want NotFound", statusOf(err))
	}

	// The status subresource of ReplicaSets is what the controller writes.
	rs.Status.Replicas, rs.Status.ReadyReplicas, rs.Status.ObservedGeneration = 5, 3, rs.Generation
	if _, err := rss.UpdateStatus(ctx, rs, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("UpdateStatus: %s", statusOf(err))
	}
	if sc, err = rss.GetScale(ctx, "web", metav1.GetOptions{}); err != nil || sc.Status.Replicas != 5 {
		t.Errorf("GetScale after status update: status.replicas %d, err %v; want 5", sc.Status.Replicas, err)
	}
}

func TestClientDeleteCollection(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	ns := s.namespace(t, "delcoll")
	pods := s.client.CoreV1().Pods(ns)
	createPods(t, s, ns, "doomed", 5, map[string]string{"batch": "a"})
	keep := createPods(t, s, ns, "kept", 3, map[string]string{"batch": "b"})
	if err := pods.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "batch=a"}); err != nil {
		t.Fatalf("DeleteCollection: %s", statusOf(err))
	}
	list, err := pods.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("List: %s", statusOf(err))
	}
	var got []string
	for _, p := range list.Items {
		got = append(got, p.Name)
	}
	if !slices.Equal(got, keep) {
		t.Errorf("left after DeleteCollection: %v; want %v", got, keep)
	}
}

func TestClientPatch(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ns := s.namespace(t, "patch")
	rss := s.client.AppsV1().ReplicaSets(ns)

	containers := func(rs *appsv1.ReplicaSet) map[string]string {
		out := map[string]string{}
		for _, c := range rs.Spec.Template.Spec.Containers {
			out[c.Name] = c.Image
		}
		return out
	}
	tests := []struct {
		name  string
		pt    types.PatchType
		patch string
		check func(t *testing.T, rs *appsv1.ReplicaSet)
		is    func(error) bool // when set, the patch must fail so
	}{
		{
			name:  "strategic merge keeps other list items",
			pt:    types.StrategicMergePatchType,
			patch: `{"metadata":{"labels":{"b":"2"}},"spec":{"template":{"spec":{"containers":[{"name":"side","image":"registry.example/side:2"}]}}}}`,
			check: func(t *testing.T, rs *appsv1.ReplicaSet) {
				want := map[string]string{"app": "registry.example/app:1", "side": "registry.example/side:2"}
				if got := containers(rs); !mapsEqual(got, want) {
					t.Errorf("containers = %v; want %v", got, want)
				}
				if rs.Labels["a"] != "1" || rs.Labels["b"] != "2" {
					t.Errorf("labels = %v; want a=1 b=2", rs.Labels)
				}
			},
		},
		{
			name:  "strategic merge delete directive",
			pt:    types.StrategicMergePatchType,
			patch: `{"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}}`,
			check: func(t *testing.T, rs *appsv1.ReplicaSet) {
				want := map[string]string{"app": "registry.example/app:1"}
				if got := containers(rs); !mapsEqual(got, want) {
					t.Errorf("containers = %v; want %v", got, want)
				}
			},
		},
		{
			name:  "merge patch replaces lists and deletes with null",
			pt:    types.MergePatchType,
			patch: `{"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"template":{"spec":{"containers":[{"name":"side","image":"registry.example/side:3"}]}}}}`,
			check: func(t *testing.T, rs *appsv1.ReplicaSet) {
				want := map[string]string{"side": "registry.example/side:3"}
				if got := containers(rs); !mapsEqual(got, want) {
					t.Errorf("containers = %v; want %v", got, want)
				}
				if _, ok := rs.Labels["a"]; ok || rs.Labels["c"] != "3" {
					t.Errorf("labels = %v; want no a, c=3", rs.Labels)
				}
			},
		},
		{
			name:  "json patch",
			pt:    types.JSONPatchType,
			patch: `[{"op":"test","path":"/spec/replicas","value":2},{"op":"replace","path":"/spec/replicas","value":4},{"op":"add","path":"/metadata/labels/d","value":"4"},{"op":"remove","path":"/metadata/labels/a"}]`,
			check: func(t *testing.T, rs *appsv1.ReplicaSet) {
				if rs.Spec.Replicas == nil || *rs.Spec.Replicas != 4 {
					t.Errorf("replicas = %v; want 4", rs.Spec.Replicas)
				}
				if _, ok := rs.Labels["a"]; ok || rs.Labels["d"] != "4" {
					t.Errorf("labels = %v; want no a, d=4", rs.Labels)
				}
			},
		},
		{
			name:  "json patch failing test is Invalid",
			pt:    types.JSONPatchType,
			patch: `[{"op":"test","path":"/spec/replicas","value":7},{"op":"replace","path":"/spec/replicas","value":9}]`,
			is:    apierrors.IsInvalid,
		},
		{
			name:  "patch with a stale resourceVersion is Conflict",
			pt:    types.MergePatchType,
			patch: `{"metadata":{"resourceVersion":"1","labels":{"e":"5"}}}`,
			is:    apierrors.IsConflict,
		},
		{
			name:  "malformed patch is BadRequest",
			pt:    types.MergePatchType,
			patch: `{"metadata":`,
			is:    apierrors.IsBadRequest,
		},
		{
			name:  "patch making the object invalid is Invalid",
			pt:    types.MergePatchType,
			patch: `{"spec":{"replicas":-1}}`,
			is:    apierrors.IsInvalid,
		},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			name := fmt.Sprintf("rs-%d", i)
			rs := newReplicaSet(name, 2)
			rs.Labels = map[string]string{"a": "1"}
			if _, err := rss.Create(ctx, rs, metav1.CreateOptions{}); err != nil {
				t.Fatalf("create: %s", statusOf(err))
			}
			out, err := rss.Patch(ctx, name, tc.pt, []byte(tc.patch), metav1.PatchOptions{})
			if tc.is != nil {
				if err == nil || !tc.is(err) {
					t.Fatalf("Patch: got %s; want another error", statusOf(err))
				}
				return
			}
			if err != nil {
				t.Fatalf("Patch: %s", statusOf(err))
			}
			tc.check(t, out)
			got, err := rss.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get: %s", statusOf(err))
			}
			if got.ResourceVersion != out.ResourceVersion {
				t.Errorf("stored resourceVersion %s; want the patch's %s", got.ResourceVersion, out.ResourceVersion)
			}
			tc.check(t, got)
		})
	}

	t.Run("strategic merge on pod status", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		pods := s.client.CoreV1().Pods(ns)
		if _, err := pods.Create(ctx, newPod("p", nil), metav1.CreateOptions{}); err != nil {
			t.Fatalf("create: %s", statusOf(err))
		}
		out, err := pods.Patch(ctx, "p", types.StrategicMergePatchType,
			[]byte(`{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}`), metav1.PatchOptions{}, "status")
		if err != nil {
			t.Fatalf("Patch status: %s", statusOf(err))
		}
		if out.Status.Phase != corev1.PodRunning || !slices.ContainsFunc(out.Status.Conditions, func(c corev1.PodCondition) bool {
			return c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue
		}) {
			t.Errorf("status = %+v; want Running with Ready=True", out.Status)
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

func TestClientNamespaceLifecycle(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	nss := s.client.CoreV1().Namespaces()

	list, err := nss.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("List: %s", statusOf(err))
	}
	var names []string
	for _, n := range list.Items {
		names = append(names, n.Name)
	}
	for _, want := range []string{"default", "kube-node-lease", "kube-public", "kube-system"} {
		if !slices.Contains(names, want) {
			t.Errorf("namespaces %v lack %s", names, want)
		}
	}

	ns, err := nss.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "lifecycle"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %s", statusOf(err))
	}
	if ns.Status.Phase != corev1.NamespaceActive || !slices.Contains(ns.Spec.Finalizers, corev1.FinalizerKubernetes) {
		t.Errorf("created namespace phase %q finalizers %v; want Active [kubernetes]", ns.Status.Phase, ns.Spec.Finalizers)
	}
	if err := nss.Delete(ctx, "lifecycle", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %s", statusOf(err))
	}
	ns, err = nss.Get(ctx, "lifecycle", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %s", statusOf(err))
	}
	if ns.Status.Phase != corev1.NamespaceTerminating || ns.DeletionTimestamp == nil {
		t.Errorf("deleted namespace phase %q deletionTimestamp %v; want Terminating and set", ns.Status.Phase, ns.DeletionTimestamp)
	}
	// What the namespace controller does once the namespace is empty: remove
	// the kubernetes finalizer through the finalize subresource.
	ns.Spec.Finalizers = nil
	if _, err := nss.Finalize(ctx, ns, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("Finalize: %s", statusOf(err))
	}
	poll(t, "the finalized namespace to be gone", func(ctx context.Context) (bool, error) {
		_, err := nss.Get(ctx, "lifecycle", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

func TestClientKubeconfig(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	config, err := clientcmd.BuildConfigFromFlags("", s.srv.KubeconfigPath())
	if err != nil {
		t.Fatalf("load kubeconfig %s: %v", s.srv.KubeconfigPath(), err)
	}
	if config.Host != s.srv.URL() {
		t.Errorf("kubeconfig server = %s; want %s", config.Host, s.srv.URL())
	}
	client, err := newClientset(config)
	if err != nil {
		t.Fatalf("clientset: %v", err)
	}
	ns, err := client.CoreV1().Namespaces().Get(t.Context(), "kube-system", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get kube-system through the kubeconfig: %s", statusOf(err))
	}
	if ns.Name != "kube-system" {
		t.Errorf("got namespace %q; want kube-system", ns.Name)
	}

	// Without the token the server refuses the request.
	anon := *config
	anon.BearerToken = ""
	client, err = newClientset(&anon)
	if err != nil {
		t.Fatalf("clientset: %v", err)
	}
	if _, err := client.CoreV1().Namespaces().List(t.Context(), metav1.ListOptions{}); !apierrors.IsUnauthorized(err) && !apierrors.IsForbidden(err) {
		t.Errorf("list without a token: got %s; want Unauthorized or Forbidden", statusOf(err))
	}
	bad := *config
	bad.BearerToken = "not-a-token"
	client, err = newClientset(&bad)
	if err != nil {
		t.Fatalf("clientset: %v", err)
	}
	if _, err := client.CoreV1().Namespaces().List(t.Context(), metav1.ListOptions{}); !apierrors.IsUnauthorized(err) {
		t.Errorf("list with a wrong token: got %s; want Unauthorized", statusOf(err))
	}
}

// TestClientDefaultContentType uses client-go exactly as a user who builds a
// clientset from a bare rest.Config would: generated clients then encode
// request bodies as protobuf ("application/vnd.kubernetes.protobuf"), which a
// Kubernetes apiserver accepts.
func TestClientDefaultContentType(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	config := rest.CopyConfig(s.config)
	config.ContentType = ""
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		t.Fatalf("clientset: %v", err)
	}
	ctx := t.Context()
	if _, err := client.CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("List with the default content type: %s", statusOf(err))
	}
	w, err := client.CoreV1().Namespaces().Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=watched"})
	if err != nil {
		t.Fatalf("Watch with the default content type: %s", statusOf(err))
	}
	defer w.Stop()
	if _, err := s.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "watched"}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create namespace: %s", statusOf(err))
	}
	select {
	case ev := <-w.ResultChan():
		if ns, ok := ev.Object.(*corev1.Namespace); ev.Type != watch.Added || !ok || ns.Name != "watched" {
			t.Errorf("watch event %s %T; want ADDED namespace watched", ev.Type, ev.Object)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("no watch event within 10s")
	}
	if _, err := client.CoreV1().Pods("default").Create(ctx, newPod("proto", nil), metav1.CreateOptions{}); err != nil {
		t.Errorf("Create with the default (protobuf) content type: %s", statusOf(err))
	}
}

func TestClientDeletion(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ns := s.namespace(t, "deletion")

	t.Run("dry run creates nothing", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		pods := s.client.CoreV1().Pods(ns)
		out, err := pods.Create(ctx, newPod("dry", nil), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil {
			t.Fatalf("dry-run create: %s", statusOf(err))
		}
		if out.Name != "dry" || out.UID == "" {
			t.Errorf("dry-run create gave name %q uid %q; want dry and a uid", out.Name, out.UID)
		}
		if _, err := pods.Get(ctx, "dry", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after dry-run create: got %s; want NotFound", statusOf(err))
		}
	})

	t.Run("a bound pod waits for its grace period", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		pods := s.client.CoreV1().Pods(ns)
		pod := newPod("graceful", nil)
		pod.Spec.TerminationGracePeriodSeconds = ptr.To[int64](45)
		mustCreate(t, pods, pod)
		if err := pods.Bind(ctx, &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: "graceful"},
			Target:     corev1.ObjectReference{Kind: "Node", Name: "node-1"},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatalf("bind: %s", statusOf(err))
		}
		if err := pods.Delete(ctx, "graceful", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete: %s", statusOf(err))
		}
		got, err := pods.Get(ctx, "graceful", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get after a graceful delete: %s", statusOf(err))
		}
		if got.DeletionTimestamp == nil || got.DeletionGracePeriodSeconds == nil || *got.DeletionGracePeriodSeconds != 45 {
			t.Errorf("deletionTimestamp %v grace %v; want set and 45", got.DeletionTimestamp, got.DeletionGracePeriodSeconds)
		}
		// What the kubelet does once the containers have stopped.
		if err := pods.Delete(ctx, "graceful", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
			t.Fatalf("delete with grace 0: %s", statusOf(err))
		}
		if _, err := pods.Get(ctx, "graceful", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after delete with grace 0: got %s; want NotFound", statusOf(err))
		}
	})

	t.Run("foreground deletion waits for its finalizer", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		rss := s.client.AppsV1().ReplicaSets(ns)
		if _, err := rss.Create(ctx, newReplicaSet("fg", 1), metav1.CreateOptions{}); err != nil {
			t.Fatalf("create: %s", statusOf(err))
		}
		if err := rss.Delete(ctx, "fg", metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationForeground)}); err != nil {
			t.Fatalf("delete: %s", statusOf(err))
		}
		got, err := rss.Get(ctx, "fg", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get after a foreground delete: %s", statusOf(err))
		}
		if got.DeletionTimestamp == nil || !slices.Contains(got.Finalizers, metav1.FinalizerDeleteDependents) {
			t.Errorf("deletionTimestamp %v finalizers %v; want set and %s", got.DeletionTimestamp, got.Finalizers, metav1.FinalizerDeleteDependents)
		}
		// What the garbage collector does once the dependents are gone.
		if _, err := rss.Patch(ctx, "fg", types.JSONPatchType, []byte(`[{"op":"remove","path":"/metadata/finalizers"}]`), metav1.PatchOptions{}); err != nil {
			t.Fatalf("remove finalizers: %s", statusOf(err))
		}
		if _, err := rss.Get(ctx, "fg", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after the last finalizer went: got %s; want NotFound", statusOf(err))
		}
	})
}
