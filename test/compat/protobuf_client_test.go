package compat

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
)

// bodyLog records the Content-Type of every request that carries a body, and of
// every response.
type bodyLog struct {
	mu        sync.Mutex
	types     map[string][]string // "POST /api/v1/namespaces/x/pods" → content types
	responses map[string][]string // the same, of the responses
}

func (l *bodyLog) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		key := r.Method + " " + r.URL.Path
		if r.Body != nil && r.ContentLength != 0 {
			l.mu.Lock()
			l.types[key] = append(l.types[key], r.Header.Get("Content-Type"))
			l.mu.Unlock()
		}
		resp, err := rt.RoundTrip(r)
		if err == nil {
			l.mu.Lock()
			l.responses[key] = append(l.responses[key], resp.Header.Get("Content-Type"))
			l.mu.Unlock()
		}
		return resp, err
	})
}

// nonProtobufResponses lists the responses that were not protobuf, and counts those
// that were.
func (l *bodyLog) nonProtobufResponses() (bad []string, protobuf int) {
	return l.split(l.responses, runtime.ContentTypeProtobuf+";stream=watch")
}

// nonProtobuf lists the requests whose body was not protobuf, and counts those that were.
func (l *bodyLog) nonProtobuf() (bad []string, protobuf int) {
	return l.split(l.types, runtime.ContentTypeProtobuf)
}

// split lists the entries of log whose content type is neither protobuf nor also, and
// counts those that are.
func (l *bodyLog) split(log map[string][]string, also string) (bad []string, protobuf int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for key, types := range log {
		for _, ct := range types {
			if ct == runtime.ContentTypeProtobuf || ct == also {
				protobuf++
			} else {
				bad = append(bad, key+" ("+ct+")")
			}
		}
	}
	slices.Sort(bad)
	return bad, protobuf
}

// protobufClient is a clientset built from the server's rest.Config without a content
// type, as a user builds one: client-go then sends request bodies as protobuf and
// prefers protobuf responses. With protobufOnly it accepts nothing else, as
// Kubernetes' own components are configured. The returned log records the content
// type of every request body and response.
func protobufClient(t *testing.T, s *testServer, protobufOnly bool) (kubernetes.Interface, *bodyLog) {
	t.Helper()
	config := rest.CopyConfig(s.config)
	config.ContentType = ""
	if protobufOnly {
		config.ContentType = runtime.ContentTypeProtobuf
		config.AcceptContentTypes = runtime.ContentTypeProtobuf
	}
	log := &bodyLog{types: map[string][]string{}, responses: map[string][]string{}}
	config.WrapTransport = log.wrap
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		t.Fatalf("clientset: %v", err)
	}
	return client, log
}

// TestProtobufClient drives every write client-go's typed clients make for the kinds
// Orrery serves, with client-go's default (protobuf) request bodies, and checks what
// the server stored.
func TestProtobufClient(t *testing.T) {
	t.Parallel()
	testProtobufClient(t, false)
}

// TestProtobufBothWays is TestProtobufClient with protobuf only, both ways: every
// answer (objects, lists, Status errors, Scales) comes in protobuf.
func TestProtobufBothWays(t *testing.T) {
	t.Parallel()
	testProtobufClient(t, true)
}

func testProtobufClient(t *testing.T, protobufOnly bool) {
	s := startServer(t)
	client, log := protobufClient(t, s, protobufOnly)
	ctx := t.Context()

	ns, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "pb-", Labels: map[string]string{"team": "a"}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace: %s", statusOf(err))
	}
	if ns.Labels["team"] != "a" || !strings.HasPrefix(ns.Name, "pb-") {
		t.Errorf("created namespace %q labels %v; want pb-* with team=a", ns.Name, ns.Labels)
	}

	t.Run("pods", func(t *testing.T) {
		pods := client.CoreV1().Pods(ns.Name)
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"a": "b"}},
			Spec: corev1.PodSpec{
				Containers: []corev1.Container{{
					Name: "app", Image: "registry.example/app:1", Command: []string{"/app"}, Args: []string{"-v"},
					Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
					Env: []corev1.EnvVar{{Name: "POD", ValueFrom: &corev1.EnvVarSource{
						FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
					Resources: corev1.ResourceRequirements{
						Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
						Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m")},
					},
					VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
					ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
						HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromString("http")}}},
					StdinOnce: true, // not modelled: dropped
				}},
				Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
					ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}}}},
				TerminationGracePeriodSeconds: ptr.To[int64](45),
				NodeSelector:                  map[string]string{"disk": "ssd"},
				Tolerations: []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpExists,
					Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](60)}},
				Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
					PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{{Weight: 5,
						Preference: corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{
							{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a"}}}}}}}},
				Priority: ptr.To[int32](7),
			},
		}
		created, err := pods.Create(ctx, pod, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %s", statusOf(err))
		}
		c := created.Spec.Containers[0]
		if got := c.Resources.Limits.Cpu().String(); got != "500m" {
			t.Errorf("created limits.cpu %s; want 500m", got)
		}
		if got := c.Resources.Limits.Memory().String(); got != "128Mi" {
			t.Errorf("created limits.memory %s; want 128Mi", got)
		}
		if c.Env[0].ValueFrom == nil || c.Env[0].ValueFrom.FieldRef == nil || c.Env[0].ValueFrom.FieldRef.FieldPath != "metadata.name" {
			t.Errorf("created env %+v; want POD from metadata.name", c.Env)
		}
		if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].MountPath != "/data" {
			t.Errorf("created volumeMounts %+v; want data at /data", c.VolumeMounts)
		}
		if v := created.Spec.Volumes; len(v) != 1 || v[0].ConfigMap == nil || v[0].ConfigMap.DefaultMode == nil || *v[0].ConfigMap.DefaultMode != 0o644 {
			t.Errorf("created volumes %+v; want configMap cm with defaultMode 0644", v)
		}
		if p := c.ReadinessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Port != intstr.FromString("http") ||
			p.HTTPGet.Scheme != corev1.URISchemeHTTP || p.PeriodSeconds != 10 || p.TimeoutSeconds != 1 {
			t.Errorf("created readinessProbe %+v; want httpGet to port http, defaulted", p)
		}
		if c.StdinOnce {
			t.Error("created stdinOnce true; want it dropped (Orrery does not model it)")
		}
		// The pod's own toleration, then the two Kubernetes' DefaultTolerationSeconds
		// admission adds (not-ready and unreachable, NoExecute, 300 s).
		if got := created.Spec.Tolerations; len(got) != 3 || got[0].Key != "k" || got[0].TolerationSeconds == nil || *got[0].TolerationSeconds != 60 ||
			got[1].Key != "node.kubernetes.io/not-ready" || got[2].Key != "node.kubernetes.io/unreachable" ||
			got[2].TolerationSeconds == nil || *got[2].TolerationSeconds != 300 || got[2].Effect != corev1.TaintEffectNoExecute {
			t.Errorf("created tolerations %+v; want k Exists NoExecute for 60s, then the default not-ready and unreachable ones", got)
		}
		if a := created.Spec.Affinity; a == nil || a.NodeAffinity == nil || len(a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution) != 1 {
			t.Errorf("created affinity %+v; want one preferred term", a)
		}
		if created.Spec.TerminationGracePeriodSeconds == nil || *created.Spec.TerminationGracePeriodSeconds != 45 ||
			created.Spec.Priority == nil || *created.Spec.Priority != 7 || created.Spec.NodeSelector["disk"] != "ssd" {
			t.Errorf("created spec %+v; want grace 45, priority 7, nodeSelector disk=ssd", created.Spec)
		}

		created.Labels["version"] = "2"
		updated, err := pods.Update(ctx, created, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("update: %s", statusOf(err))
		}
		if updated.Labels["version"] != "2" || updated.ResourceVersion == created.ResourceVersion {
			t.Errorf("updated labels %v rv %s; want version=2 and a new rv", updated.Labels, updated.ResourceVersion)
		}

		transition := metav1.NewTime(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC))
		updated.Status = corev1.PodStatus{
			Phase:      corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: transition}},
			PodIP:      "10.1.0.5",
			PodIPs:     []corev1.PodIP{{IP: "10.1.0.5"}},
			StartTime:  &transition,
			ContainerStatuses: []corev1.ContainerStatus{{Name: "app", Ready: true, RestartCount: 1, Image: "registry.example/app:1",
				ImageID: "sha256:abc", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: transition}}}},
		}
		withStatus, err := pods.UpdateStatus(ctx, updated, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("update status: %s", statusOf(err))
		}
		st := withStatus.Status
		if st.Phase != corev1.PodRunning || st.PodIP != "10.1.0.5" || len(st.Conditions) != 1 ||
			!st.Conditions[0].LastTransitionTime.Equal(&transition) || len(st.ContainerStatuses) != 1 ||
			st.ContainerStatuses[0].State.Running == nil || st.ContainerStatuses[0].RestartCount != 1 {
			t.Errorf("status after update %+v; want Running at 10.1.0.5 with a Ready condition and a running container", st)
		}

		// client-go's Bind sends JSON whatever the content type, so the protobuf
		// binding is sent as Kubernetes' own clients could.
		binding := encodeProtobuf(t, &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: "web"},
			Target:     corev1.ObjectReference{Kind: "Node", Name: "node-1"},
		}, corev1.SchemeGroupVersion)
		if err := client.CoreV1().RESTClient().Post().Namespace(ns.Name).Resource("pods").Name("web").SubResource("binding").
			SetHeader("Content-Type", runtime.ContentTypeProtobuf).Body(binding).Do(ctx).Error(); err != nil {
			t.Fatalf("bind: %s", statusOf(err))
		}
		bound, err := pods.Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get after bind: %s", statusOf(err))
		}
		if bound.Spec.NodeName != "node-1" {
			t.Errorf("nodeName after bind %q; want node-1", bound.Spec.NodeName)
		}

		// The delete options travel only in the body: a wrong precondition must
		// conflict, a dry run must leave the pod, and grace 0 must delete at once.
		err = pods.Delete(ctx, "web", metav1.DeleteOptions{Preconditions: metav1.NewUIDPreconditions("not-the-uid")})
		if !apierrors.IsConflict(err) {
			t.Errorf("delete with a wrong uid precondition: got %s; want Conflict", statusOf(err))
		}
		if err := pods.Delete(ctx, "web", metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}, GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
			t.Fatalf("dry-run delete: %s", statusOf(err))
		}
		if _, err := pods.Get(ctx, "web", metav1.GetOptions{}); err != nil {
			t.Errorf("get after a dry-run delete: %s; want the pod", statusOf(err))
		}
		if err := pods.Delete(ctx, "web", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0),
			Preconditions: metav1.NewUIDPreconditions(string(bound.UID))}); err != nil {
			t.Fatalf("delete: %s", statusOf(err))
		}
		if _, err := pods.Get(ctx, "web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after delete with grace 0: got %s; want NotFound", statusOf(err))
		}
	})

	t.Run("nodes", func(t *testing.T) {
		nodes := client.CoreV1().Nodes()
		node, err := nodes.Create(ctx, &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: ns.Name + "-node", Labels: map[string]string{"zone": "a"}},
			Spec: corev1.NodeSpec{PodCIDR: "10.1.0.0/24", Taints: []corev1.Taint{
				{Key: "dedicated", Value: "db", Effect: corev1.TaintEffectNoSchedule}}},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %s", statusOf(err))
		}
		if len(node.Spec.Taints) != 1 || node.Spec.Taints[0].Value != "db" || node.Spec.PodCIDR != "10.1.0.0/24" {
			t.Errorf("created spec %+v; want podCIDR and taint dedicated=db", node.Spec)
		}
		node.Spec.Unschedulable = true
		if node, err = nodes.Update(ctx, node, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("update: %s", statusOf(err))
		}
		if !node.Spec.Unschedulable {
			t.Errorf("unschedulable after update false; want true")
		}
		heartbeat := metav1.NewTime(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC))
		node.Status = corev1.NodeStatus{
			Capacity:    corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("8Gi"), corev1.ResourcePods: resource.MustParse("110")},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3800m")},
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue,
				LastHeartbeatTime: heartbeat, LastTransitionTime: heartbeat, Reason: "KubeletReady"}},
			Addresses:       []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.0.9"}},
			DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
			NodeInfo:        corev1.NodeSystemInfo{KubeletVersion: "v1.37.0", OperatingSystem: "linux", Architecture: "amd64"},
		}
		node, err = nodes.UpdateStatus(ctx, node, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("update status: %s", statusOf(err))
		}
		st := node.Status
		if st.Capacity.Cpu().String() != "4" || st.Capacity.Memory().String() != "8Gi" || st.Allocatable.Cpu().String() != "3800m" ||
			len(st.Conditions) != 1 || !st.Conditions[0].LastHeartbeatTime.Equal(&heartbeat) ||
			st.DaemonEndpoints.KubeletEndpoint.Port != 10250 || st.NodeInfo.KubeletVersion != "v1.37.0" {
			t.Errorf("status after update %+v; want capacity 4 CPUs and 8Gi, allocatable 3800m, Ready, kubelet v1.37.0 on 10250", st)
		}
		if err := nodes.Delete(ctx, node.Name, metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete: %s", statusOf(err))
		}
	})

	t.Run("replicasets and scale", func(t *testing.T) {
		rss := client.AppsV1().ReplicaSets(ns.Name)
		rs, err := rss.Create(ctx, &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Name: "rs"},
			Spec: appsv1.ReplicaSetSpec{
				Replicas: ptr.To[int32](2),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "rs"},
					MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpExists}}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "rs", "tier": "web"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1"}}},
				},
			},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %s", statusOf(err))
		}
		if rs.Spec.Replicas == nil || *rs.Spec.Replicas != 2 || rs.Spec.Selector == nil || len(rs.Spec.Selector.MatchExpressions) != 1 ||
			rs.Spec.Template.Labels["tier"] != "web" {
			t.Errorf("created spec %+v; want 2 replicas, the selector and the template", rs.Spec)
		}
		rs.Spec.MinReadySeconds = 5
		if rs, err = rss.Update(ctx, rs, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("update: %s", statusOf(err))
		}
		if rs.Spec.MinReadySeconds != 5 {
			t.Errorf("minReadySeconds after update %d; want 5", rs.Spec.MinReadySeconds)
		}
		rs.Status = appsv1.ReplicaSetStatus{Replicas: 2, ReadyReplicas: 1, ObservedGeneration: rs.Generation}
		if rs, err = rss.UpdateStatus(ctx, rs, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("update status: %s", statusOf(err))
		}
		if rs.Status.Replicas != 2 || rs.Status.ReadyReplicas != 1 {
			t.Errorf("status after update %+v; want 2 replicas, 1 ready", rs.Status)
		}

		scale, err := rss.GetScale(ctx, "rs", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get scale: %s", statusOf(err))
		}
		scale.Spec.Replicas = 5
		scaled, err := rss.UpdateScale(ctx, "rs", &autoscalingv1.Scale{
			ObjectMeta: scale.ObjectMeta,
			Spec:       autoscalingv1.ScaleSpec{Replicas: 5},
		}, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("update scale: %s", statusOf(err))
		}
		if scaled.Spec.Replicas != 5 {
			t.Errorf("scale after update %d; want 5", scaled.Spec.Replicas)
		}
		got, err := rss.Get(ctx, "rs", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get: %s", statusOf(err))
		}
		if got.Spec.Replicas == nil || *got.Spec.Replicas != 5 {
			t.Errorf("replicas after scaling %v; want 5", got.Spec.Replicas)
		}
		if err := rss.Delete(ctx, "rs", metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationBackground)}); err != nil {
			t.Fatalf("delete: %s", statusOf(err))
		}
		if _, err := rss.Get(ctx, "rs", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after delete: got %s; want NotFound", statusOf(err))
		}
	})

	t.Run("deployments and scale", func(t *testing.T) {
		deps := client.AppsV1().Deployments(ns.Name)
		d, err := deps.Create(ctx, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "dep"},
			Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To[int32](2),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "dep"}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "dep"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1"}}},
				},
			},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %s", statusOf(err))
		}
		// Kubernetes' defaults.
		ru := d.Spec.Strategy.RollingUpdate
		if d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || ru == nil || ru.MaxSurge.String() != "25%" ||
			ru.MaxUnavailable.String() != "25%" || d.Spec.RevisionHistoryLimit == nil || *d.Spec.RevisionHistoryLimit != 10 ||
			d.Spec.ProgressDeadlineSeconds == nil || *d.Spec.ProgressDeadlineSeconds != 600 || d.Generation != 1 {
			t.Errorf("created spec %+v (generation %d); want Kubernetes' defaults", d.Spec, d.Generation)
		}
		d.Spec.Template.Spec.Containers[0].Image = "registry.example/app:2"
		if d, err = deps.Update(ctx, d, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("update: %s", statusOf(err))
		}
		if d.Generation != 2 {
			t.Errorf("generation after a template change %d; want 2", d.Generation)
		}
		d.Status = appsv1.DeploymentStatus{Replicas: 2, UpdatedReplicas: 2, ObservedGeneration: d.Generation,
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable"}}}
		if d, err = deps.UpdateStatus(ctx, d, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("update status: %s", statusOf(err))
		}
		if d.Status.UpdatedReplicas != 2 || len(d.Status.Conditions) != 1 {
			t.Errorf("status after update %+v", d.Status)
		}
		if _, err := deps.UpdateScale(ctx, "dep", &autoscalingv1.Scale{
			ObjectMeta: metav1.ObjectMeta{Name: "dep", Namespace: ns.Name},
			Spec:       autoscalingv1.ScaleSpec{Replicas: 7},
		}, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("update scale: %s", statusOf(err))
		}
		scale, err := deps.GetScale(ctx, "dep", metav1.GetOptions{})
		if err != nil || scale.Spec.Replicas != 7 || scale.Status.Selector != "app=dep" {
			t.Errorf("scale: got %+v, %s; want 7 replicas and selector app=dep", scale, statusOf(err))
		}
		d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "other"}}
		if _, err := deps.Update(ctx, d, metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
			t.Errorf("update of the selector: got %s; want Invalid", statusOf(err))
		}
		if err := deps.Delete(ctx, "dep", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete: %s", statusOf(err))
		}
	})

	t.Run("events", func(t *testing.T) {
		when := metav1.NewTime(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC))
		ev, err := client.CoreV1().Events(ns.Name).Create(ctx, &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: "web.1"},
			InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: ns.Name, Name: "web", APIVersion: "v1"},
			Reason:         "Started", Message: "Started container app",
			Source:         corev1.EventSource{Component: "kubelet", Host: "node-1"},
			FirstTimestamp: when, LastTimestamp: when, Count: 3, Type: corev1.EventTypeNormal,
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %s", statusOf(err))
		}
		if ev.InvolvedObject.Name != "web" || ev.Source.Host != "node-1" || ev.Count != 3 || !ev.LastTimestamp.Equal(&when) {
			t.Errorf("created event %+v; want about pod web, from node-1, count 3", ev)
		}
	})

	t.Run("leases", func(t *testing.T) {
		leases := client.CoordinationV1().Leases(ns.Name)
		renew := metav1.NewMicroTime(time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC))
		lease, err := leases.Create(ctx, &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: "leader"},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To("a"), LeaseDurationSeconds: ptr.To[int32](15),
				AcquireTime: &renew, RenewTime: &renew, LeaseTransitions: ptr.To[int32](0)},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %s", statusOf(err))
		}
		wantRenew := renew.Truncate(time.Microsecond)
		if lease.Spec.RenewTime == nil || !lease.Spec.RenewTime.Time.Equal(wantRenew) || *lease.Spec.HolderIdentity != "a" {
			t.Errorf("created spec %+v; want holder a renewed at %v", lease.Spec, wantRenew)
		}
		lease.Spec.HolderIdentity = ptr.To("b")
		lease.Spec.LeaseTransitions = ptr.To[int32](1)
		if lease, err = leases.Update(ctx, lease, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("update: %s", statusOf(err))
		}
		if *lease.Spec.HolderIdentity != "b" || *lease.Spec.LeaseTransitions != 1 {
			t.Errorf("spec after update %+v; want holder b after 1 transition", lease.Spec)
		}
		if err := leases.Delete(ctx, "leader", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete: %s", statusOf(err))
		}
	})

	t.Run("namespace finalize and delete", func(t *testing.T) {
		namespaces := client.CoreV1().Namespaces()
		cur, err := namespaces.Get(ctx, ns.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get: %s", statusOf(err))
		}
		cur.Spec.Finalizers = nil
		// Like Bind, client-go's Finalize sends JSON whatever the content type.
		finalized := &corev1.Namespace{}
		if err := client.CoreV1().RESTClient().Put().Resource("namespaces").Name(ns.Name).SubResource("finalize").
			SetHeader("Content-Type", runtime.ContentTypeProtobuf).Body(encodeProtobuf(t, cur, corev1.SchemeGroupVersion)).
			Do(ctx).Into(finalized); err != nil {
			t.Fatalf("finalize: %s", statusOf(err))
		}
		if len(finalized.Spec.Finalizers) != 0 {
			t.Errorf("finalizers after finalize %v; want none", finalized.Spec.Finalizers)
		}
		if err := namespaces.Delete(ctx, ns.Name, metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete: %s", statusOf(err))
		}
	})

	bad, protobuf := log.nonProtobuf()
	if len(bad) > 0 {
		t.Errorf("requests sent without a protobuf body: %v", bad)
	}
	if protobuf < 20 {
		t.Errorf("%d requests sent protobuf bodies; want every write of this test (at least 20)", protobuf)
	}
	if protobufOnly {
		bad, protobuf := log.nonProtobufResponses()
		if len(bad) > 0 {
			t.Errorf("responses not in protobuf: %v", bad)
		}
		if protobuf < 30 {
			t.Errorf("%d responses in protobuf; want every one of this test (at least 30)", protobuf)
		}
	}
}

// TestProtobufBadBodies sends protobuf bodies the server must refuse with 400.
func TestProtobufBadBodies(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	secret := encodeProtobuf(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "web"}}, corev1.SchemeGroupVersion)
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{name: "a kind Orrery does not serve", body: secret, want: `no kind "Secret" is registered`},
		{name: "not protobuf", body: []byte(`{"kind":"Pod","apiVersion":"v1"}`), want: "does not appear to be a protobuf message"},
		{name: "truncated", body: secret[:len(secret)-3], want: "unexpected end of data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := s.client.CoreV1().RESTClient().Post().
				Namespace("default").Resource("pods").
				SetHeader("Content-Type", runtime.ContentTypeProtobuf).
				Body(tt.body).
				Do(t.Context()).Error()
			if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %s; want BadRequest mentioning %q", statusOf(err), tt.want)
			}
		})
	}
}
