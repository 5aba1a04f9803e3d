package validation

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/orrery-dev/orrery/api"
)

// podWithVolumes is validPod with a volume of each source, mounts of two of them and a
// readiness probe, defaulted.
func podWithVolumes() *api.Pod {
	pod := validPod()
	pod.Spec.Volumes = []api.Volume{
		{Name: "cache", VolumeSource: api.VolumeSource{EmptyDir: &api.EmptyDirVolumeSource{}}},
		{Name: "config", VolumeSource: api.VolumeSource{ConfigMap: &api.ConfigMapVolumeSource{
			LocalObjectReference: api.LocalObjectReference{Name: "web"},
			Items:                []api.KeyToPath{{Key: "a", Path: "conf/a"}}}}},
		{Name: "tls", VolumeSource: api.VolumeSource{Secret: &api.SecretVolumeSource{SecretName: "tls"}}},
		{Name: "data", VolumeSource: api.VolumeSource{PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}},
		{Name: "info", VolumeSource: api.VolumeSource{DownwardAPI: &api.DownwardAPIVolumeSource{
			Items: []api.DownwardAPIVolumeFile{{Path: "labels", FieldRef: &api.ObjectFieldSelector{FieldPath: "metadata.labels"}}}}}},
		{Name: "logs", VolumeSource: api.VolumeSource{HostPath: &api.HostPathVolumeSource{Path: "/var/log"}}},
	}
	c := &pod.Spec.Containers[0]
	c.VolumeMounts = []api.VolumeMount{{Name: "cache", MountPath: "/cache"}, {Name: "config", MountPath: "/etc/web", SubPath: "conf"}}
	c.ReadinessProbe = &api.Probe{ProbeHandler: api.ProbeHandler{HTTPGet: &api.HTTPGetAction{Port: api.FromInt32(80)}}}
	c.EnvFrom = []api.EnvFromSource{{ConfigMapRef: &api.ConfigMapEnvSource{LocalObjectReference: api.LocalObjectReference{Name: "web"}}}}
	c.SecurityContext = &api.SecurityContext{RunAsUser: ptr(int64(1000)), Capabilities: &api.Capabilities{Drop: []api.Capability{"ALL"}}}
	pod.Spec.SecurityContext = &api.PodSecurityContext{FSGroup: ptr(int64(2000)),
		SeccompProfile: &api.SeccompProfile{Type: api.SeccompProfileTypeRuntimeDefault}}
	DefaultPod(pod)
	return pod
}

func TestValidatePodVolumesAndProbes(t *testing.T) {
	t.Parallel()
	c0 := "spec.containers[0]."
	tests := []struct {
		name   string
		mutate func(p *api.Pod)
		want   []fieldErr
	}{
		{"valid", func(p *api.Pod) {}, nil},
		{"volume without name", func(p *api.Pod) { p.Spec.Volumes[0].Name = ""; p.Spec.Containers[0].VolumeMounts = nil },
			[]fieldErr{{ErrorTypeRequired, "spec.volumes[0].name"}}},
		{"volume name not a label", func(p *api.Pod) { p.Spec.Volumes[5].Name = "Logs" },
			[]fieldErr{{ErrorTypeInvalid, "spec.volumes[5].name"}}},
		{"duplicate volume name", func(p *api.Pod) { p.Spec.Volumes[1].Name = "cache" },
			[]fieldErr{{ErrorTypeDuplicate, "spec.volumes[1].name"}, {ErrorTypeNotFound, c0 + "volumeMounts[1].name"}}},
		{"volume without source", func(p *api.Pod) { p.Spec.Volumes[0].EmptyDir = nil },
			[]fieldErr{{ErrorTypeRequired, "spec.volumes[0]"}}},
		{"volume with two sources", func(p *api.Pod) { p.Spec.Volumes[0].ConfigMap = p.Spec.Volumes[1].ConfigMap },
			[]fieldErr{{ErrorTypeForbidden, "spec.volumes[0].configMap"}}},
		{"hostPath without path", func(p *api.Pod) { p.Spec.Volumes[5].HostPath.Path = "" },
			[]fieldErr{{ErrorTypeRequired, "spec.volumes[5].hostPath.path"}}},
		{"bad hostPath type", func(p *api.Pod) { p.Spec.Volumes[5].HostPath.Type = ptr(api.HostPathType("Dir")) },
			[]fieldErr{{ErrorTypeNotSupported, "spec.volumes[5].hostPath.type"}}},
		{"bad emptyDir medium", func(p *api.Pod) { p.Spec.Volumes[0].EmptyDir.Medium = "Disk" },
			[]fieldErr{{ErrorTypeNotSupported, "spec.volumes[0].emptyDir.medium"}}},
		{"configMap without name", func(p *api.Pod) { p.Spec.Volumes[1].ConfigMap.Name = "" },
			[]fieldErr{{ErrorTypeRequired, "spec.volumes[1].configMap.name"}}},
		{"configMap item path escapes", func(p *api.Pod) { p.Spec.Volumes[1].ConfigMap.Items[0].Path = "../a" },
			[]fieldErr{{ErrorTypeInvalid, "spec.volumes[1].configMap.items[0].path"}}},
		{"configMap item path absolute", func(p *api.Pod) { p.Spec.Volumes[1].ConfigMap.Items[0].Path = "/a" },
			[]fieldErr{{ErrorTypeInvalid, "spec.volumes[1].configMap.items[0].path"}}},
		{"secret mode too large", func(p *api.Pod) { p.Spec.Volumes[2].Secret.DefaultMode = ptr(int32(0o1000)) },
			[]fieldErr{{ErrorTypeInvalid, "spec.volumes[2].secret.defaultMode"}}},
		{"secret without name", func(p *api.Pod) { p.Spec.Volumes[2].Secret.SecretName = "" },
			[]fieldErr{{ErrorTypeRequired, "spec.volumes[2].secret.secretName"}}},
		{"claim without name", func(p *api.Pod) { p.Spec.Volumes[3].PersistentVolumeClaim.ClaimName = "" },
			[]fieldErr{{ErrorTypeRequired, "spec.volumes[3].persistentVolumeClaim.claimName"}}},
		{"downwardAPI item without fieldRef", func(p *api.Pod) { p.Spec.Volumes[4].DownwardAPI.Items[0].FieldRef = nil },
			[]fieldErr{{ErrorTypeRequired, "spec.volumes[4].downwardAPI.items[0]"}}},
		{"mount of an unknown volume", func(p *api.Pod) { p.Spec.Containers[0].VolumeMounts[0].Name = "nope" },
			[]fieldErr{{ErrorTypeNotFound, c0 + "volumeMounts[0].name"}}},
		{"mount without path", func(p *api.Pod) { p.Spec.Containers[0].VolumeMounts[0].MountPath = "" },
			[]fieldErr{{ErrorTypeRequired, c0 + "volumeMounts[0].mountPath"}}},
		{"duplicate mount path", func(p *api.Pod) { p.Spec.Containers[0].VolumeMounts[1].MountPath = "/cache" },
			[]fieldErr{{ErrorTypeInvalid, c0 + "volumeMounts[1].mountPath"}}},
		{"subPath escapes", func(p *api.Pod) { p.Spec.Containers[0].VolumeMounts[1].SubPath = "a/../../b" },
			[]fieldErr{{ErrorTypeInvalid, c0 + "volumeMounts[1].subPath"}}},
		{"probe without handler", func(p *api.Pod) { p.Spec.Containers[0].ReadinessProbe.HTTPGet = nil },
			[]fieldErr{{ErrorTypeRequired, c0 + "readinessProbe"}}},
		{"probe with two handlers", func(p *api.Pod) {
			p.Spec.Containers[0].ReadinessProbe.TCPSocket = &api.TCPSocketAction{Port: api.FromString("http")}
		}, []fieldErr{{ErrorTypeForbidden, c0 + "readinessProbe.tcpSocket"}}},
		{"probe port out of range", func(p *api.Pod) { p.Spec.Containers[0].ReadinessProbe.HTTPGet.Port = api.FromInt32(65536) },
			[]fieldErr{{ErrorTypeInvalid, c0 + "readinessProbe.httpGet.port"}}},
		{"probe port named", func(p *api.Pod) { p.Spec.Containers[0].ReadinessProbe.HTTPGet.Port = api.FromString("http") }, nil},
		{"probe port bad name", func(p *api.Pod) { p.Spec.Containers[0].ReadinessProbe.HTTPGet.Port = api.FromString("HTTP") },
			[]fieldErr{{ErrorTypeInvalid, c0 + "readinessProbe.httpGet.port"}, {ErrorTypeInvalid, c0 + "readinessProbe.httpGet.port"}}},
		{"probe port empty name", func(p *api.Pod) { p.Spec.Containers[0].ReadinessProbe.HTTPGet.Port = api.FromString("") },
			[]fieldErr{{ErrorTypeRequired, c0 + "readinessProbe.httpGet.port"}}},
		{"probe bad scheme", func(p *api.Pod) { p.Spec.Containers[0].ReadinessProbe.HTTPGet.Scheme = "FTP" },
			[]fieldErr{{ErrorTypeNotSupported, c0 + "readinessProbe.httpGet.scheme"}}},
		{"tcp probe port zero", func(p *api.Pod) {
			p.Spec.Containers[0].LivenessProbe = &api.Probe{ProbeHandler: api.ProbeHandler{TCPSocket: &api.TCPSocketAction{}},
				TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3}
		}, []fieldErr{{ErrorTypeInvalid, c0 + "livenessProbe.tcpSocket.port"}}},
		{"liveness success threshold", func(p *api.Pod) {
			p.Spec.Containers[0].LivenessProbe = &api.Probe{ProbeHandler: api.ProbeHandler{Exec: &api.ExecAction{Command: []string{"true"}}},
				SuccessThreshold: 2}
		}, []fieldErr{{ErrorTypeInvalid, c0 + "livenessProbe.successThreshold"}}},
		{"negative probe period", func(p *api.Pod) { p.Spec.Containers[0].ReadinessProbe.PeriodSeconds = -1 },
			[]fieldErr{{ErrorTypeInvalid, c0 + "readinessProbe.periodSeconds"}}},
		{"readiness grace period", func(p *api.Pod) { p.Spec.Containers[0].ReadinessProbe.TerminationGracePeriodSeconds = ptr(int64(5)) },
			[]fieldErr{{ErrorTypeInvalid, c0 + "readinessProbe.terminationGracePeriodSeconds"}}},
		{"grpc probe port", func(p *api.Pod) {
			p.Spec.Containers[0].StartupProbe = &api.Probe{ProbeHandler: api.ProbeHandler{GRPC: &api.GRPCAction{Port: 0}}, SuccessThreshold: 1}
		}, []fieldErr{{ErrorTypeInvalid, c0 + "startupProbe.grpc.port"}}},
		{"envFrom without source", func(p *api.Pod) { p.Spec.Containers[0].EnvFrom[0].ConfigMapRef = nil },
			[]fieldErr{{ErrorTypeInvalid, c0 + "envFrom[0]"}}},
		{"negative runAsUser", func(p *api.Pod) { p.Spec.Containers[0].SecurityContext.RunAsUser = ptr(int64(-1)) },
			[]fieldErr{{ErrorTypeInvalid, c0 + "securityContext.runAsUser"}}},
		{"localhost seccomp without profile", func(p *api.Pod) { p.Spec.SecurityContext.SeccompProfile.Type = api.SeccompProfileTypeLocalhost },
			[]fieldErr{{ErrorTypeRequired, "spec.securityContext.seccompProfile.localhostProfile"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pod := podWithVolumes()
			tt.mutate(pod)
			checkErrors(t, ValidatePod(pod), tt.want)
		})
	}
}

func TestDefaultVolumesAndProbes(t *testing.T) {
	t.Parallel()
	pod := podWithVolumes()
	mode := api.DefaultVolumeMode
	if got := pod.Spec.Volumes[1].ConfigMap.DefaultMode; got == nil || *got != mode {
		t.Errorf("configMap defaultMode = %v, want %d", got, mode)
	}
	if got := pod.Spec.Volumes[2].Secret.DefaultMode; got == nil || *got != mode {
		t.Errorf("secret defaultMode = %v, want %d", got, mode)
	}
	if got := pod.Spec.Volumes[4].DownwardAPI.DefaultMode; got == nil || *got != mode {
		t.Errorf("downwardAPI defaultMode = %v, want %d", got, mode)
	}
	if got := pod.Spec.Volumes[4].DownwardAPI.Items[0].FieldRef.APIVersion; got != "v1" {
		t.Errorf("downwardAPI fieldRef apiVersion = %q, want v1", got)
	}
	if got := pod.Spec.Volumes[5].HostPath.Type; got == nil || *got != api.HostPathUnset {
		t.Errorf("hostPath type = %v, want \"\"", got)
	}
	want := &api.Probe{
		ProbeHandler:   api.ProbeHandler{HTTPGet: &api.HTTPGetAction{Path: "/", Port: api.FromInt32(80), Scheme: api.URISchemeHTTP}},
		TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3,
	}
	if diff := cmp.Diff(want, pod.Spec.Containers[0].ReadinessProbe); diff != "" {
		t.Errorf("defaulted readiness probe (-want +got):\n%s", diff)
	}

	set := &api.Probe{ProbeHandler: api.ProbeHandler{GRPC: &api.GRPCAction{Port: 9000}},
		TimeoutSeconds: 5, PeriodSeconds: 30, SuccessThreshold: 2, FailureThreshold: 7}
	pod.Spec.Containers[0].LivenessProbe = set
	DefaultPod(pod)
	wantSet := &api.Probe{ProbeHandler: api.ProbeHandler{GRPC: &api.GRPCAction{Port: 9000, Service: ptr("")}},
		TimeoutSeconds: 5, PeriodSeconds: 30, SuccessThreshold: 2, FailureThreshold: 7}
	if diff := cmp.Diff(wantSet, pod.Spec.Containers[0].LivenessProbe); diff != "" {
		t.Errorf("defaulting changed set fields (-want +got):\n%s", diff)
	}
}
