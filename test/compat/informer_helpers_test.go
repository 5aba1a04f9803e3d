package compat

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/internal/testutil/apiservertest"
)

// informerServer runs an apiserver for tb until tb ends and returns it once ready.
func informerServer(tb testing.TB) *apiserver.Server {
	tb.Helper()
	return apiservertest.Start(tb, apiserver.Config{}).Server
}

// informerClient is an Orrery client of srv without a rate limit.
func informerClient(tb testing.TB, srv *apiserver.Server) *client.Client {
	tb.Helper()
	c, err := client.New(client.Config{Host: srv.URL(), CAData: srv.CAPEM(), BearerToken: srv.AdminToken(), QPS: -1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	return c
}

// informerRealisticPod is a pod as a ReplicaSet stamps it out and a kubelet reports
// on it: labels, an owner, two containers with resources, ports and env, and a
// running status with conditions and container statuses.
func informerRealisticPod(ns string, i int) (*api.Pod, api.PodStatus) {
	q := func(s string) api.Quantity { v, _ := api.ParseQuantity(s); return v }
	yes := true
	app := fmt.Sprintf("app-%d", i%50)
	pod := &api.Pod{
		ObjectMeta: api.ObjectMeta{
			Name:      fmt.Sprintf("%s-7d9f8c6b5d-%05d", app, i),
			Namespace: ns,
			Labels: map[string]string{
				"app": app, "pod-template-hash": "7d9f8c6b5d", "tier": "backend", "team": fmt.Sprintf("team-%d", i%7),
			},
			Annotations: map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
			OwnerReferences: []api.OwnerReference{{
				APIVersion: "apps/v1", Kind: "ReplicaSet", Name: app + "-7d9f8c6b5d",
				UID: fmt.Sprintf("5f0c2a9e-1b7d-4c3e-9a8f-%012d", i%50), Controller: &yes, BlockOwnerDeletion: &yes,
			}},
		},
		Spec: api.PodSpec{
			NodeName: fmt.Sprintf("node-%03d", i%100),
			Containers: []api.Container{
				{
					Name: "app", Image: "registry.example/" + app + ":1.4.2",
					Ports: []api.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: api.ProtocolTCP}},
					Env:   []api.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "POD_NAME", ValueFrom: &api.EnvVarSource{FieldRef: &api.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
					Resources: api.ResourceRequirements{
						Requests: api.ResourceList{"cpu": q("250m"), "memory": q("256Mi")},
						Limits:   api.ResourceList{"cpu": q("1"), "memory": q("512Mi")},
					},
				},
				{
					Name: "sidecar", Image: "registry.example/proxy:2.0.1",
					Ports: []api.ContainerPort{{Name: "metrics", ContainerPort: 9090, Protocol: api.ProtocolTCP}},
					Resources: api.ResourceRequirements{
						Requests: api.ResourceList{"cpu": q("50m"), "memory": q("64Mi")},
						Limits:   api.ResourceList{"cpu": q("200m"), "memory": q("128Mi")},
					},
				},
			},
		},
	}
	now := api.NewTime(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	ip := fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256)
	running := func(name, image string) api.ContainerStatus {
		return api.ContainerStatus{
			Name: name, Ready: true, Image: image, Started: &yes,
			ImageID:     "registry.example/" + name + "@sha256:4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0",
			ContainerID: fmt.Sprintf("containerd://%064x", i),
			State:       api.ContainerState{Running: &api.ContainerStateRunning{StartedAt: now}},
		}
	}
	status := api.PodStatus{
		Phase: api.PodRunning,
		Conditions: []api.PodCondition{
			{Type: "PodReadyToStartContainers", Status: api.ConditionTrue, LastTransitionTime: now},
			{Type: api.PodInitialized, Status: api.ConditionTrue, LastTransitionTime: now},
			{Type: api.PodReady, Status: api.ConditionTrue, LastTransitionTime: now},
			{Type: "ContainersReady", Status: api.ConditionTrue, LastTransitionTime: now},
			{Type: api.PodScheduled, Status: api.ConditionTrue, LastTransitionTime: now},
		},
		HostIP: "192.168.1.10", HostIPs: []api.HostIP{{IP: "192.168.1.10"}},
		PodIP: ip, PodIPs: []api.PodIP{{IP: ip}},
		StartTime:         &now,
		ContainerStatuses: []api.ContainerStatus{running("app", pod.Spec.Containers[0].Image), running("sidecar", pod.Spec.Containers[1].Image)},
		QOSClass:          api.PodQOSBurstable,
	}
	return pod, status
}

// informerCreatePods creates n realistic pods in namespace ns, with their status,
// from 32 goroutines.
func informerCreatePods(tb testing.TB, c *client.Client, ns string, n int) {
	tb.Helper()
	ctx := context.Background()
	nsObj := &api.Namespace{ObjectMeta: api.ObjectMeta{Name: ns}}
	if _, err := client.Resource[*api.Namespace](c).Create(ctx, nsObj); err != nil {
		tb.Fatalf("create namespace: %v", err)
	}
	pods := client.Resource[*api.Pod](c).Namespace(ns)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for w := range 32 {
		wg.Go(func() {
			for i := w; i < n; i += 32 {
				pod, status := informerRealisticPod(ns, i)
				created, err := pods.Create(ctx, pod)
				if err != nil {
					errs <- fmt.Errorf("create pod %d: %w", i, err)
					return
				}
				created.Status = status
				if _, err := pods.UpdateStatus(ctx, created); err != nil {
					errs <- fmt.Errorf("update status of pod %d: %w", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}
