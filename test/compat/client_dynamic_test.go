package compat

import (
	"slices"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
)

var (
	podsGVR        = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	replicaSetsGVR = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "replicasets"}
)

func unstructuredPod(name string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "Pod",
		"metadata":   map[string]any{"name": name, "labels": map[string]any{"via": "dynamic"}},
		"spec": map[string]any{
			"containers": []any{map[string]any{"name": "app", "image": "registry.example/app:1"}},
		},
	}}
}

func unstructuredReplicaSet(name string, replicas int64) *unstructured.Unstructured {
	labels := map[string]any{"app": name}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "ReplicaSet",
		"metadata":   map[string]any{"name": name},
		"spec": map[string]any{
			"replicas": replicas,
			"selector": map[string]any{"matchLabels": labels},
			"template": map[string]any{
				"metadata": map[string]any{"labels": labels},
				"spec": map[string]any{
					"containers": []any{map[string]any{"name": "app", "image": "registry.example/app:1"}},
				},
			},
		},
	}}
}

func TestDynamicClient(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	dyn, err := dynamic.NewForConfig(s.config)
	if err != nil {
		t.Fatalf("dynamic.NewForConfig: %v", err)
	}
	ns := s.namespace(t, "dynamic")

	t.Run("pods", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		pods := dyn.Resource(podsGVR).Namespace(ns)
		w, err := pods.Watch(ctx, metav1.ListOptions{LabelSelector: "via=dynamic"})
		if err != nil {
			t.Fatalf("Watch: %s", statusOf(err))
		}
		defer w.Stop()

		created, err := pods.Create(ctx, unstructuredPod("dyn-pod"), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("Create: %s", statusOf(err))
		}
		if created.GetUID() == "" || created.GetKind() != "Pod" || created.GetAPIVersion() != "v1" {
			t.Errorf("created uid=%q kind=%q apiVersion=%q; want a uid, Pod, v1", created.GetUID(), created.GetKind(), created.GetAPIVersion())
		}
		if phase, _, _ := unstructured.NestedString(created.Object, "status", "phase"); phase != "Pending" {
			t.Errorf("created status.phase = %q; want Pending", phase)
		}
		if _, err := pods.Create(ctx, unstructuredPod("dyn-pod"), metav1.CreateOptions{}); !apierrors.IsAlreadyExists(err) {
			t.Errorf("second Create: got %s; want AlreadyExists", statusOf(err))
		}

		got, err := pods.Get(ctx, "dyn-pod", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("Get: %s", statusOf(err))
		}
		containers, _, _ := unstructured.NestedSlice(got.Object, "spec", "containers")
		if len(containers) != 1 || containers[0].(map[string]any)["image"] != "registry.example/app:1" {
			t.Errorf("Get containers = %v; want one with image registry.example/app:1", containers)
		}

		list, err := pods.List(ctx, metav1.ListOptions{LabelSelector: "via=dynamic"})
		if err != nil {
			t.Fatalf("List: %s", statusOf(err))
		}
		if len(list.Items) != 1 || list.Items[0].GetName() != "dyn-pod" || list.GetResourceVersion() == "" {
			t.Errorf("List = %d items, rv %q; want dyn-pod and a resourceVersion", len(list.Items), list.GetResourceVersion())
		}
		if list.GetKind() != "PodList" {
			t.Errorf("List kind = %q; want PodList", list.GetKind())
		}

		unstructured.SetNestedField(got.Object, "Running", "status", "phase")
		status, err := pods.UpdateStatus(ctx, got, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("UpdateStatus: %s", statusOf(err))
		}
		if phase, _, _ := unstructured.NestedString(status.Object, "status", "phase"); phase != "Running" {
			t.Errorf("status.phase after UpdateStatus = %q; want Running", phase)
		}

		if err := pods.Delete(ctx, "dyn-pod", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("Delete: %s", statusOf(err))
		}
		var types []watch.EventType
		timeout := time.After(10 * time.Second)
		for len(types) == 0 || types[len(types)-1] != watch.Deleted {
			select {
			case ev, ok := <-w.ResultChan():
				if !ok {
					t.Fatalf("watch closed after %v", types)
				}
				if _, ok := ev.Object.(*unstructured.Unstructured); !ok {
					t.Fatalf("watch object is %T; want *unstructured.Unstructured", ev.Object)
				}
				types = append(types, ev.Type)
			case <-timeout:
				t.Fatalf("no DELETED event within 10s; saw %v", types)
			}
		}
		if want := []watch.EventType{watch.Added, watch.Modified, watch.Deleted}; !slices.Equal(types, want) {
			t.Errorf("watch events = %v; want %v", types, want)
		}
	})

	t.Run("replicasets", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		rss := dyn.Resource(replicaSetsGVR).Namespace(ns)
		created, err := rss.Create(ctx, unstructuredReplicaSet("dyn-rs", 3), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("Create: %s", statusOf(err))
		}
		if replicas, _, _ := unstructured.NestedInt64(created.Object, "spec", "replicas"); replicas != 3 {
			t.Errorf("created spec.replicas = %d; want 3", replicas)
		}
		if gen := created.GetGeneration(); gen != 1 {
			t.Errorf("created generation = %d; want 1", gen)
		}
		got, err := rss.Get(ctx, "dyn-rs", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("Get: %s", statusOf(err))
		}
		if got.GetKind() != "ReplicaSet" || got.GetAPIVersion() != "apps/v1" {
			t.Errorf("Get kind %q apiVersion %q; want ReplicaSet apps/v1", got.GetKind(), got.GetAPIVersion())
		}
		list, err := rss.List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatalf("List: %s", statusOf(err))
		}
		if len(list.Items) != 1 || list.Items[0].GetName() != "dyn-rs" {
			t.Errorf("List = %v; want dyn-rs only", list.Items)
		}

		unstructured.SetNestedField(got.Object, int64(5), "spec", "replicas")
		updated, err := rss.Update(ctx, got, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("Update: %s", statusOf(err))
		}
		if replicas, _, _ := unstructured.NestedInt64(updated.Object, "spec", "replicas"); replicas != 5 || updated.GetGeneration() != 2 {
			t.Errorf("updated replicas %d generation %d; want 5 and 2", replicas, updated.GetGeneration())
		}

		patched, err := rss.Patch(ctx, "dyn-rs", types.MergePatchType, []byte(`{"spec":{"replicas":1}}`), metav1.PatchOptions{})
		if err != nil {
			t.Fatalf("Patch: %s", statusOf(err))
		}
		if replicas, _, _ := unstructured.NestedInt64(patched.Object, "spec", "replicas"); replicas != 1 {
			t.Errorf("patched replicas %d; want 1", replicas)
		}

		scale, err := rss.Get(ctx, "dyn-rs", metav1.GetOptions{}, "scale")
		if err != nil {
			t.Fatalf("Get scale: %s", statusOf(err))
		}
		if scale.GetKind() != "Scale" || scale.GetAPIVersion() != "autoscaling/v1" {
			t.Errorf("scale kind %q apiVersion %q; want Scale autoscaling/v1", scale.GetKind(), scale.GetAPIVersion())
		}
		if replicas, _, _ := unstructured.NestedInt64(scale.Object, "spec", "replicas"); replicas != 1 {
			t.Errorf("scale spec.replicas = %d; want 1", replicas)
		}

		if err := rss.Delete(ctx, "dyn-rs", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("Delete: %s", statusOf(err))
		}
		if _, err := rss.Get(ctx, "dyn-rs", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("Get after Delete: got %s; want NotFound", statusOf(err))
		}
	})

	t.Run("unknown resource is NotFound", func(t *testing.T) {
		t.Parallel()
		gvr := schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "statefulsets"}
		if _, err := dyn.Resource(gvr).Namespace(ns).List(t.Context(), metav1.ListOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("List statefulsets: got %s; want NotFound", statusOf(err))
		}
	})
}
