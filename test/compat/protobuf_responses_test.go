package compat

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
)

// TestProtobufResponsesMatchJSON reads objects of every kind with a protobuf schema
// through client-go twice, once as protobuf only and once as JSON, and checks that
// client-go's generated code decodes Orrery's protobuf to the very objects the JSON
// gives: single objects, lists, watch events and an informer's cache.
func TestProtobufResponsesMatchJSON(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	pbConfig := rest.CopyConfig(s.config)
	pbConfig.ContentType, pbConfig.AcceptContentTypes = runtime.ContentTypeProtobuf, runtime.ContentTypeProtobuf
	log := &bodyLog{types: map[string][]string{}, responses: map[string][]string{}}
	pbConfig.WrapTransport = log.wrap
	pb, err := kubernetes.NewForConfig(pbConfig)
	if err != nil {
		t.Fatal(err)
	}
	js := s.client
	ns := s.namespace(t, "pbjson")
	now := metav1.NewTime(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	labels := map[string]string{"app": "web"}
	template := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m")}}}}}}

	// One object of each kind, created as JSON.
	if _, err := js.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "pbjson-node", Labels: labels},
		Spec:   corev1.NodeSpec{PodCIDR: "10.0.1.0/24", Taints: []corev1.Taint{{Key: "k", Effect: corev1.TaintEffectNoSchedule, TimeAdded: &now}}},
		Status: corev1.NodeStatus{Capacity: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("32"), corev1.ResourceMemory: resource.MustParse("256Gi")}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(statusOf(err))
	}
	pod, err := js.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: labels, Annotations: map[string]string{"a": "b"}},
		Spec: template.Spec}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(statusOf(err))
	}
	pod.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "10.0.1.5", StartTime: &now,
		Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now}},
		ContainerStatuses: []corev1.ContainerStatus{{Name: "app", Ready: true, Image: "nginx", RestartCount: 3,
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}}}}}
	if _, err := js.CoreV1().Pods(ns).UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(statusOf(err))
	}
	if _, err := js.AppsV1().ReplicaSets(ns).Create(ctx, &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: template}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(statusOf(err))
	}
	surge := intstr.FromString("30%")
	if _, err := js.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: template,
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &surge}}}},
		metav1.CreateOptions{}); err != nil {
		t.Fatal(statusOf(err))
	}
	if _, err := js.CoordinationV1().Leases(ns).Create(ctx, &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To("me"), LeaseDurationSeconds: ptr.To[int32](15), RenewTime: &metav1.MicroTime{Time: now.Add(1234567 * time.Microsecond)}}},
		metav1.CreateOptions{}); err != nil {
		t.Fatal(statusOf(err))
	}
	if _, err := js.CoreV1().Events(ns).Create(ctx, &corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: "web.1"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: "web"}, Reason: "Started", Message: "started", Type: "Normal",
		Count: 2, FirstTimestamp: now, LastTimestamp: now, Source: corev1.EventSource{Component: "kubelet"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(statusOf(err))
	}
	half := intstr.FromString("50%")
	if _, err := js.PolicyV1().PodDisruptionBudgets(ns).Create(ctx, &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: &half, Selector: &metav1.LabelSelector{MatchLabels: labels}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(statusOf(err))
	}

	// Each kind: GET and LIST as protobuf and as JSON decode to equal objects.
	type kindCase struct {
		name       string
		gvr        schema.GroupVersionResource
		rest       func(kubernetes.Interface) rest.Interface
		collection string
		object     string
	}
	kinds := []kindCase{
		{"pods", schema.GroupVersionResource{Version: "v1", Resource: "pods"}, func(c kubernetes.Interface) rest.Interface { return c.CoreV1().RESTClient() }, "/api/v1/namespaces/" + ns + "/pods", "web"},
		{"nodes", schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, func(c kubernetes.Interface) rest.Interface { return c.CoreV1().RESTClient() }, "/api/v1/nodes", "pbjson-node"},
		{"namespaces", schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, func(c kubernetes.Interface) rest.Interface { return c.CoreV1().RESTClient() }, "/api/v1/namespaces", ns},
		{"events", schema.GroupVersionResource{Version: "v1", Resource: "events"}, func(c kubernetes.Interface) rest.Interface { return c.CoreV1().RESTClient() }, "/api/v1/namespaces/" + ns + "/events", "web.1"},
		{"replicasets", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "replicasets"}, func(c kubernetes.Interface) rest.Interface { return c.AppsV1().RESTClient() }, "/apis/apps/v1/namespaces/" + ns + "/replicasets", "web"},
		{"deployments", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, func(c kubernetes.Interface) rest.Interface { return c.AppsV1().RESTClient() }, "/apis/apps/v1/namespaces/" + ns + "/deployments", "web"},
		{"leases", schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}, func(c kubernetes.Interface) rest.Interface { return c.CoordinationV1().RESTClient() }, "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases", "web"},
		{"poddisruptionbudgets", schema.GroupVersionResource{Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"}, func(c kubernetes.Interface) rest.Interface { return c.PolicyV1().RESTClient() }, "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets", "web"},
	}
	for _, k := range kinds {
		for _, path := range []string{k.collection + "/" + k.object, k.collection} {
			fromPB, err := k.rest(pb).Get().AbsPath(path).Do(ctx).Get()
			if err != nil {
				t.Errorf("%s: GET %s as protobuf: %s", k.name, path, statusOf(err))
				continue
			}
			fromJSON, err := k.rest(js).Get().AbsPath(path).Do(ctx).Get()
			if err != nil {
				t.Errorf("%s: GET %s as JSON: %s", k.name, path, statusOf(err))
				continue
			}
			// Kubernetes' lists carry no kind on their items; Orrery's JSON lists do.
			for _, l := range []runtime.Object{fromPB, fromJSON} {
				_ = meta.EachListItem(l, func(item runtime.Object) error {
					item.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
					return nil
				})
			}
			if diff := cmp.Diff(fromJSON, fromPB); diff != "" {
				t.Errorf("%s: GET %s: protobuf and JSON differ (-json +protobuf):\n%s", k.name, path, diff)
			}
		}
	}
	// A Status error, as protobuf.
	_, err = pb.CoreV1().Pods(ns).Get(ctx, "missing", metav1.GetOptions{})
	_, jsonErr := js.CoreV1().Pods(ns).Get(ctx, "missing", metav1.GetOptions{})
	if err == nil || statusOf(err) != statusOf(jsonErr) {
		t.Errorf("GET of a missing pod as protobuf: %s; as JSON: %s", statusOf(err), statusOf(jsonErr))
	}

	// A watch as protobuf sees what one as JSON sees.
	watchOf := func(c kubernetes.Interface) <-chan string {
		w, err := c.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: pod.ResourceVersion, AllowWatchBookmarks: true})
		if err != nil {
			t.Fatal(statusOf(err))
		}
		out := make(chan string, 16)
		go func() {
			defer close(out)
			defer w.Stop()
			for ev := range w.ResultChan() {
				p, ok := ev.Object.(*corev1.Pod)
				if !ok || ev.Type == "BOOKMARK" {
					continue
				}
				out <- fmt.Sprintf("%s %s labels=%v phase=%s containers=%d", ev.Type, p.Name, p.Labels, p.Status.Phase, len(p.Spec.Containers))
				if ev.Type == "DELETED" {
					return
				}
			}
		}()
		return out
	}
	pbEvents, jsonEvents := watchOf(pb), watchOf(js)
	if _, err := js.CoreV1().Pods(ns).Patch(ctx, "web", "application/merge-patch+json", []byte(`{"metadata":{"labels":{"v":"2"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(statusOf(err))
	}
	if err := js.CoreV1().Pods(ns).Delete(ctx, "web", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(statusOf(err))
	}
	collect := func(ch <-chan string) []string {
		var got []string
		timeout := time.After(waitTimeout)
		for {
			select {
			case e, ok := <-ch:
				if !ok {
					return got
				}
				got = append(got, e)
			case <-timeout:
				t.Errorf("watch did not end with the pod's deletion; got %v", got)
				return got
			}
		}
	}
	gotPB, gotJSON := collect(pbEvents), collect(jsonEvents)
	if diff := cmp.Diff(gotJSON, gotPB); diff != "" || len(gotPB) < 3 {
		t.Errorf("watch events (-json +protobuf):\n%s\n%v", diff, gotPB)
	}

	// Informers over protobuf, one per kind, sync the objects a GET as JSON gives; a
	// change made as JSON reaches each of them through its protobuf watch.
	factory := informers.NewSharedInformerFactory(pb, 0)
	generic := map[string]informers.GenericInformer{}
	for _, k := range kinds {
		inf, err := factory.ForResource(k.gvr)
		if err != nil {
			t.Fatalf("%s: %v", k.name, err)
		}
		generic[k.name] = inf
		inf.Informer()
	}
	informerCtx, stop := context.WithCancel(ctx)
	defer func() { stop(); factory.Shutdown() }()
	factory.Start(informerCtx.Done())
	for name, ok := range factory.WaitForCacheSync(informerCtx.Done()) {
		if !ok {
			t.Fatalf("informer of %v over protobuf did not sync", name)
		}
	}
	cachedOf := func(k kindCase) (runtime.Object, error) {
		lister := generic[k.name].Lister()
		if k.name == "nodes" || k.name == "namespaces" {
			return lister.Get(k.object)
		}
		return lister.ByNamespace(ns).Get(k.object)
	}
	for _, k := range kinds {
		if k.name == "pods" {
			continue // deleted above
		}
		cached, err := cachedOf(k)
		if err != nil {
			t.Errorf("%s: informer over protobuf: %v", k.name, err)
			continue
		}
		fromJSON, err := k.rest(js).Get().AbsPath(k.collection + "/" + k.object).Do(ctx).Get()
		if err != nil {
			t.Fatal(statusOf(err))
		}
		cached = cached.DeepCopyObject()
		for _, o := range []runtime.Object{cached, fromJSON} {
			o.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
		}
		if diff := cmp.Diff(fromJSON, cached); diff != "" {
			t.Errorf("%s: informer's object over protobuf (-json +protobuf):\n%s", k.name, diff)
		}
		if err := k.rest(js).Patch("application/merge-patch+json").AbsPath(k.collection + "/" + k.object).
			Body([]byte(`{"metadata":{"labels":{"watched":"yes"}}}`)).Do(ctx).Error(); err != nil {
			t.Fatalf("%s: patch: %s", k.name, statusOf(err))
		}
		poll(t, k.name+"'s change through the protobuf watch", func(context.Context) (bool, error) {
			o, err := cachedOf(k)
			if err != nil {
				return false, err
			}
			m, err := meta.Accessor(o)
			return err == nil && m.GetLabels()["watched"] == "yes", err
		})
	}
	if bad, n := log.nonProtobufResponses(); len(bad) > 0 || n < 10 {
		t.Errorf("%d protobuf responses; not protobuf: %v", n, bad)
	}
}
