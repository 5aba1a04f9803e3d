package validation

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/orrery-dev/orrery/api"
)

func TestDefaultPod(t *testing.T) {
	t.Parallel()
	pod := &api.Pod{
		ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: api.PodSpec{
			Containers: []api.Container{{
				Name: "web", Image: "nginx",
				Ports: []api.ContainerPort{{ContainerPort: 80}, {ContainerPort: 53, Protocol: api.ProtocolUDP}},
				Resources: api.ResourceRequirements{Limits: api.ResourceList{
					api.ResourceCPU: api.MustParseQuantity("1"), api.ResourceMemory: api.MustParseQuantity("1Gi")}},
				Env: []api.EnvVar{{Name: "N", ValueFrom: &api.EnvVarSource{FieldRef: &api.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
			}},
			InitContainers: []api.Container{{Name: "init", Image: "busybox:1.36",
				Resources: api.ResourceRequirements{
					Limits:   api.ResourceList{api.ResourceCPU: api.MustParseQuantity("1")},
					Requests: api.ResourceList{api.ResourceCPU: api.MustParseQuantity("100m")}}}},
			DeprecatedServiceAccount: "builder",
		},
	}
	DefaultPod(pod)
	want := api.PodSpec{
		InitContainers: []api.Container{{Name: "init", Image: "busybox:1.36",
			Resources: api.ResourceRequirements{
				Limits:   api.ResourceList{api.ResourceCPU: api.MustParseQuantity("1")},
				Requests: api.ResourceList{api.ResourceCPU: api.MustParseQuantity("100m")}},
			TerminationMessagePath: "/dev/termination-log", TerminationMessagePolicy: api.TerminationMessageReadFile,
			ImagePullPolicy: api.PullIfNotPresent}},
		Containers: []api.Container{{
			Name: "web", Image: "nginx",
			Ports: []api.ContainerPort{{ContainerPort: 80, Protocol: api.ProtocolTCP}, {ContainerPort: 53, Protocol: api.ProtocolUDP}},
			Env:   []api.EnvVar{{Name: "N", ValueFrom: &api.EnvVarSource{FieldRef: &api.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}}},
			Resources: api.ResourceRequirements{
				Limits:   api.ResourceList{api.ResourceCPU: api.MustParseQuantity("1"), api.ResourceMemory: api.MustParseQuantity("1Gi")},
				Requests: api.ResourceList{api.ResourceCPU: api.MustParseQuantity("1"), api.ResourceMemory: api.MustParseQuantity("1Gi")},
			},
			TerminationMessagePath: "/dev/termination-log", TerminationMessagePolicy: api.TerminationMessageReadFile,
			ImagePullPolicy: api.PullAlways,
		}},
		RestartPolicy:                 api.RestartPolicyAlways,
		TerminationGracePeriodSeconds: ptr(int64(30)),
		DNSPolicy:                     api.DNSClusterFirst,
		ServiceAccountName:            "builder",
		DeprecatedServiceAccount:      "builder",
		SchedulerName:                 "default-scheduler",
		Priority:                      ptr(int32(0)),
		PreemptionPolicy:              ptr(api.PreemptLowerPriority),
		SecurityContext:               &api.PodSecurityContext{},
		EnableServiceLinks:            ptr(true),
	}
	if diff := cmp.Diff(want, pod.Spec); diff != "" {
		t.Errorf("defaulted spec (-want +got):\n%s", diff)
	}
	if pod.Status.Phase != api.PodPending {
		t.Errorf("phase = %q, want Pending", pod.Status.Phase)
	}
	checkErrors(t, ValidatePod(pod), nil)
}

func TestDefaultKeepsSetFields(t *testing.T) {
	t.Parallel()
	pod := validPod()
	pod.Spec.RestartPolicy = api.RestartPolicyNever
	pod.Spec.SchedulerName = "custom"
	pod.Spec.TerminationGracePeriodSeconds = ptr(int64(0))
	pod.Spec.DNSPolicy = api.DNSDefault
	pod.Spec.Priority = ptr(int32(1000))
	pod.Spec.PreemptionPolicy = ptr(api.PreemptNever)
	pod.Spec.EnableServiceLinks = ptr(false)
	pod.Spec.SecurityContext = &api.PodSecurityContext{RunAsNonRoot: ptr(true)}
	pod.Spec.Containers[0].ImagePullPolicy = api.PullNever
	pod.Status.Phase = api.PodRunning
	want := pod.DeepCopy()
	DefaultPod(pod)
	if diff := cmp.Diff(want, pod); diff != "" {
		t.Errorf("Default changed set fields (-want +got):\n%s", diff)
	}
}

func TestDefaultImagePullPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		image string
		want  api.PullPolicy
	}{
		{"nginx", api.PullAlways},
		{"nginx:latest", api.PullAlways},
		{"nginx:1.25", api.PullIfNotPresent},
		{"registry.local:5000/nginx", api.PullAlways},
		{"registry.local:5000/nginx:1.25", api.PullIfNotPresent},
		{"nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", api.PullIfNotPresent},
		{"nginx:latest@sha256:0d17b565", api.PullAlways},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			t.Parallel()
			pod := &api.Pod{Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: tt.image}}}}
			DefaultPod(pod)
			if got := pod.Spec.Containers[0].ImagePullPolicy; got != tt.want {
				t.Errorf("imagePullPolicy = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDefaultOtherKinds(t *testing.T) {
	t.Parallel()
	t.Run("replicaset", func(t *testing.T) {
		t.Parallel()
		rs := &api.ReplicaSet{Spec: api.ReplicaSetSpec{Template: api.PodTemplateSpec{Spec: api.PodSpec{
			Containers: []api.Container{{Name: "c", Image: "nginx"}}}}}}
		DefaultReplicaSet(rs)
		if rs.Spec.Replicas == nil || *rs.Spec.Replicas != 1 {
			t.Errorf("replicas = %v, want 1", rs.Spec.Replicas)
		}
		ts := rs.Spec.Template.Spec
		if ts.RestartPolicy != api.RestartPolicyAlways || ts.SchedulerName != api.DefaultSchedulerName ||
			*ts.TerminationGracePeriodSeconds != 30 || ts.Containers[0].ImagePullPolicy != api.PullAlways {
			t.Errorf("template not defaulted: %+v", ts)
		}
		if ts.EnableServiceLinks == nil || !*ts.EnableServiceLinks || ts.SecurityContext == nil {
			t.Errorf("template enableServiceLinks = %v, securityContext = %v; want true and {}", ts.EnableServiceLinks, ts.SecurityContext)
		}
		if ts.Priority != nil {
			t.Errorf("template priority = %v, want nil (admission sets it on pods only)", *ts.Priority)
		}
		if ts.PreemptionPolicy != nil {
			t.Errorf("template preemptionPolicy = %v, want nil (admission sets it on pods only)", *ts.PreemptionPolicy)
		}
		rs.Spec.Replicas = ptr(int32(0))
		DefaultReplicaSet(rs)
		if *rs.Spec.Replicas != 0 {
			t.Errorf("replicas 0 was overwritten with %d", *rs.Spec.Replicas)
		}
	})
	t.Run("namespace", func(t *testing.T) {
		t.Parallel()
		ns := &api.Namespace{}
		DefaultNamespace(ns)
		if ns.Status.Phase != api.NamespaceActive {
			t.Errorf("phase = %q, want Active", ns.Status.Phase)
		}
		ns.Status.Phase = api.NamespaceTerminating
		DefaultNamespace(ns)
		if ns.Status.Phase != api.NamespaceTerminating {
			t.Errorf("phase = %q, want Terminating kept", ns.Status.Phase)
		}
	})
	t.Run("node", func(t *testing.T) {
		t.Parallel()
		n := &api.Node{Status: api.NodeStatus{Capacity: api.ResourceList{api.ResourceCPU: api.MustParseQuantity("4")}}}
		DefaultNode(n)
		if got := n.Status.Allocatable[api.ResourceCPU]; got.String() != "4" {
			t.Errorf("allocatable cpu = %s, want 4", got.String())
		}
		n.Status.Capacity[api.ResourceMemory] = api.MustParseQuantity("1Gi")
		if _, ok := n.Status.Allocatable[api.ResourceMemory]; ok {
			t.Error("allocatable shares the capacity map")
		}
	})
}

func TestPrepareForCreate(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.UTC)
	meta := api.ObjectMeta{
		Name: "web", UID: "client-set", ResourceVersion: "99", Generation: 7,
		DeletionTimestamp: &created, DeletionGracePeriodSeconds: ptr(int64(30)),
		CreationTimestamp: api.NewTime(now.Add(-time.Hour)),
	}
	PrepareForCreate(&meta, now, "0f1e2d3c")
	want := api.ObjectMeta{Name: "web", UID: "0f1e2d3c", Generation: 1, CreationTimestamp: api.NewTime(now)}
	if diff := cmp.Diff(want, meta, cmp.Comparer(func(a, b api.Time) bool { return a.Equal(b.Time) })); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
	if meta.CreationTimestamp.Nanosecond() != 0 {
		t.Errorf("creationTimestamp keeps sub-second precision: %v", meta.CreationTimestamp)
	}
}

func TestUpdateGeneration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		old    func() api.Object
		mutate func(api.Object)
		want   int64
	}{
		{"replicaset spec change", func() api.Object { return validReplicaSet() },
			func(o api.Object) { o.(*api.ReplicaSet).Spec.Replicas = ptr(int32(9)) }, 4},
		{"replicaset status change", func() api.Object { return validReplicaSet() },
			func(o api.Object) { o.(*api.ReplicaSet).Status.Replicas = 3 }, 3},
		{"replicaset label change", func() api.Object { return validReplicaSet() },
			func(o api.Object) { o.GetObjectMeta().Labels = map[string]string{"a": "b"} }, 3},
		{"client sets generation", func() api.Object { return validReplicaSet() },
			func(o api.Object) { o.GetObjectMeta().Generation = 100 }, 3},
		{"client sets generation and changes spec", func() api.Object { return validReplicaSet() },
			func(o api.Object) {
				o.GetObjectMeta().Generation = 100
				o.(*api.ReplicaSet).Spec.MinReadySeconds = 10
			}, 4},
		{"same quantity written differently", func() api.Object { return validPod() },
			func(o api.Object) {
				o.(*api.Pod).Spec.Containers[0].Resources.Limits[api.ResourceMemory] = api.MustParseQuantity("131072Ki")
			}, 3},
		{"pod spec change", func() api.Object { return validPod() },
			func(o api.Object) { o.(*api.Pod).Spec.Containers[0].Image = "nginx:2" }, 4},
		{"pod status change", func() api.Object { return validPod() },
			func(o api.Object) { o.(*api.Pod).Status.Phase = api.PodRunning }, 3},
		{"node spec change", func() api.Object { return validNode() },
			func(o api.Object) { o.(*api.Node).Spec.Unschedulable = true }, 4},
		{"lease renew", func() api.Object { return validLease() },
			func(o api.Object) { o.(*api.Lease).Spec.RenewTime = ptr(api.NewMicroTime(created.Add(time.Second))) }, 4},
		{"event has no spec", func() api.Object { return validEvent() },
			func(o api.Object) { o.(*api.Event).Count = 5 }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := tt.old()
			old.GetObjectMeta().Generation = 3
			newObj := tt.old()
			newObj.GetObjectMeta().Generation = 3
			tt.mutate(newObj)
			UpdateGeneration(newObj, old)
			if got := newObj.GetObjectMeta().Generation; got != tt.want {
				t.Errorf("generation = %d, want %d", got, tt.want)
			}
			if got := old.GetObjectMeta().Generation; got != 3 {
				t.Errorf("old generation changed to %d", got)
			}
		})
	}
}

func TestDefaultServiceAccountNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		accountName, older string
		wantName, wantOld  string
	}{
		{"neither", "", "", "", ""},
		{"new name", "builder", "", "builder", "builder"},
		{"old name", "", "builder", "builder", "builder"},
		{"both", "a", "b", "a", "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := api.PodSpec{ServiceAccountName: tt.accountName, DeprecatedServiceAccount: tt.older}
			DefaultPodSpec(&spec)
			if spec.ServiceAccountName != tt.wantName || spec.DeprecatedServiceAccount != tt.wantOld {
				t.Errorf("got %q/%q, want %q/%q", spec.ServiceAccountName, spec.DeprecatedServiceAccount, tt.wantName, tt.wantOld)
			}
		})
	}
}
