package compat

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

// TestControllersSeenByClientGo runs Orrery's controllers in process against the
// apiserver while client-go creates a Deployment and reads what they make: the
// ReplicaSet with its pod-template-hash and revision, the pods with their controller
// references, the Deployment's status and conditions as Kubernetes reports them; then
// a foreground delete through client-go removes everything.
func TestControllersSeenByClientGo(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	oc, err := client.New(client.Config{Host: s.srv.URL(), CAData: s.srv.CAPEM(), BearerToken: s.srv.AdminToken(), QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	controllertest.ReadyPods(t, oc)
	var setups []func(*manager.Manager) error
	for _, c := range controllers.All() {
		setups = append(setups, c.Setup)
	}
	cfg := client.Config{Host: s.srv.URL(), CAData: s.srv.CAPEM(), BearerToken: s.srv.AdminToken(), QPS: -1}
	controllertest.Run(t, cfg, setups...)

	ctx := t.Context()
	ns := s.namespace(t, "controllers")
	replicas := int32(3)
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1"}}},
			},
		},
	}
	d, err = s.client.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	poll(t, "the deployment rolled out, as client-go reads it", func(ctx context.Context) (bool, error) {
		got, err := s.client.AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		var progressing, available *appsv1.DeploymentCondition
		for i := range got.Status.Conditions {
			switch got.Status.Conditions[i].Type {
			case appsv1.DeploymentProgressing:
				progressing = &got.Status.Conditions[i]
			case appsv1.DeploymentAvailable:
				available = &got.Status.Conditions[i]
			}
		}
		ok := got.Status.ObservedGeneration == got.Generation && got.Status.AvailableReplicas == 3 && got.Status.UpdatedReplicas == 3 &&
			progressing != nil && progressing.Reason == "NewReplicaSetAvailable" && available != nil && available.Status == corev1.ConditionTrue &&
			got.Annotations["deployment.kubernetes.io/revision"] == "1"
		if !ok {
			return false, fmt.Errorf("status %+v annotations %v", got.Status, got.Annotations)
		}
		return true, nil
	})
	rss, err := s.client.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rss.Items) != 1 {
		t.Fatalf("%d replica sets", len(rss.Items))
	}
	rs := rss.Items[0]
	hash := rs.Labels["pod-template-hash"]
	ref := metav1.GetControllerOf(&rs)
	if hash == "" || rs.Name != "web-"+hash || rs.Spec.Selector.MatchLabels["pod-template-hash"] != hash || ref == nil || ref.UID != d.UID ||
		rs.Annotations["deployment.kubernetes.io/desired-replicas"] != "3" || rs.Annotations["deployment.kubernetes.io/max-replicas"] != "4" {
		t.Errorf("replica set %s labels %v annotations %v owner %+v", rs.Name, rs.Labels, rs.Annotations, ref)
	}
	pods, err := s.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "pod-template-hash=" + hash})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		ref := metav1.GetControllerOf(&p)
		if ref == nil || ref.UID != rs.UID || ref.BlockOwnerDeletion == nil || !*ref.BlockOwnerDeletion {
			t.Errorf("pod %s owner %+v", p.Name, ref)
		}
	}
	if len(pods.Items) != 3 {
		t.Errorf("%d pods", len(pods.Items))
	}

	fg := metav1.DeletePropagationForeground
	if err := s.client.AppsV1().Deployments(ns).Delete(ctx, "web", metav1.DeleteOptions{PropagationPolicy: &fg}); err != nil {
		t.Fatal(err)
	}
	poll(t, "everything deleted", func(ctx context.Context) (bool, error) {
		ds, err := s.client.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		rss, err := s.client.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		ps, err := s.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		if n := len(ds.Items) + len(rss.Items) + len(ps.Items); n > 0 {
			return false, fmt.Errorf("%d objects left", n)
		}
		return true, nil
	})
}
