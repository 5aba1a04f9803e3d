package validation

import (
	"strings"

	"github.com/orrery-dev/orrery/api"
)

// The Default functions fill the fields Kubernetes defaults when an object is decoded,
// leaving every field that is already set alone (each kind's registration calls its
// own).
//
// Pods (and pod templates): restartPolicy Always, dnsPolicy ClusterFirst, schedulerName
// default-scheduler, terminationGracePeriodSeconds 30, enableServiceLinks true, an
// empty securityContext, serviceAccountName and its old name serviceAccount from each
// other, and per container: port protocol TCP, imagePullPolicy (Always for a ":latest"
// or untagged image, else IfNotPresent), terminationMessagePath /dev/termination-log,
// terminationMessagePolicy File, requests copied from limits where unset, fieldRef
// apiVersion v1, and per probe: timeoutSeconds 1, periodSeconds 10, successThreshold
// 1, failureThreshold 3, httpGet path "/" and scheme HTTP, grpc service "". Volumes:
// configMap, secret and downwardAPI defaultMode 0644 (420), hostPath type "". Pods
// alone also get priority 0 and preemptionPolicy PreemptLowerPriority, which
// Kubernetes' priority admission sets for a pod without a priority class, and phase
// Pending, which its create strategy sets. ReplicaSets: replicas 1. Nodes: allocatable
// copied from capacity. Namespaces: phase Active.

// DefaultPod fills a pod's defaults.
func DefaultPod(pod *api.Pod) {
	DefaultPodSpec(&pod.Spec)
	if pod.Spec.Priority == nil {
		pod.Spec.Priority = new(int32)
	}
	if pod.Spec.PreemptionPolicy == nil {
		policy := api.PreemptLowerPriority
		pod.Spec.PreemptionPolicy = &policy
	}
	if pod.Status.Phase == "" {
		pod.Status.Phase = api.PodPending
	}
}

// DefaultPodSpec fills the defaults of a pod spec; see DefaultPod.
func DefaultPodSpec(spec *api.PodSpec) {
	if spec.RestartPolicy == "" {
		spec.RestartPolicy = api.RestartPolicyAlways
	}
	if spec.DNSPolicy == "" {
		spec.DNSPolicy = api.DNSClusterFirst
	}
	if spec.SchedulerName == "" {
		spec.SchedulerName = api.DefaultSchedulerName
	}
	if spec.TerminationGracePeriodSeconds == nil {
		s := int64(30)
		spec.TerminationGracePeriodSeconds = &s
	}
	if spec.EnableServiceLinks == nil {
		enable := true
		spec.EnableServiceLinks = &enable
	}
	if spec.SecurityContext == nil {
		spec.SecurityContext = &api.PodSecurityContext{}
	}
	// serviceAccount is the old name of serviceAccountName; Kubernetes keeps both set.
	if spec.ServiceAccountName == "" {
		spec.ServiceAccountName = spec.DeprecatedServiceAccount
	}
	if spec.DeprecatedServiceAccount == "" {
		spec.DeprecatedServiceAccount = spec.ServiceAccountName
	}
	for i := range spec.Volumes {
		defaultVolumeSource(&spec.Volumes[i].VolumeSource)
	}
	for i := range spec.InitContainers {
		defaultContainer(&spec.InitContainers[i])
	}
	for i := range spec.Containers {
		defaultContainer(&spec.Containers[i])
	}
}

func defaultContainer(c *api.Container) {
	for i := range c.Ports {
		if c.Ports[i].Protocol == "" {
			c.Ports[i].Protocol = api.ProtocolTCP
		}
	}
	if c.ImagePullPolicy == "" {
		if imageTag(c.Image) == "latest" || imageTag(c.Image) == "" && !strings.Contains(c.Image, "@") {
			c.ImagePullPolicy = api.PullAlways
		} else {
			c.ImagePullPolicy = api.PullIfNotPresent
		}
	}
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = api.DefaultTerminationMessagePath
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = api.TerminationMessageReadFile
	}
	for name, limit := range c.Resources.Limits {
		if _, ok := c.Resources.Requests[name]; !ok {
			if c.Resources.Requests == nil {
				c.Resources.Requests = api.ResourceList{}
			}
			c.Resources.Requests[name] = limit
		}
	}
	for i := range c.Env {
		if vf := c.Env[i].ValueFrom; vf != nil && vf.FieldRef != nil && vf.FieldRef.APIVersion == "" {
			vf.FieldRef.APIVersion = "v1"
		}
	}
	for _, pr := range []*api.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		defaultProbe(pr)
	}
}

// defaultProbe fills a probe's timings and its handler's defaults.
func defaultProbe(pr *api.Probe) {
	if pr == nil {
		return
	}
	for _, f := range []struct {
		v   *int32
		def int32
	}{{&pr.TimeoutSeconds, 1}, {&pr.PeriodSeconds, 10}, {&pr.SuccessThreshold, 1}, {&pr.FailureThreshold, 3}} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	if h := pr.HTTPGet; h != nil {
		if h.Path == "" {
			h.Path = "/"
		}
		if h.Scheme == "" {
			h.Scheme = api.URISchemeHTTP
		}
	}
	if g := pr.GRPC; g != nil && g.Service == nil {
		g.Service = new(string)
	}
}

// defaultVolumeSource fills the file modes of projected volumes, the type of a
// hostPath volume and fieldRef apiVersions.
func defaultVolumeSource(s *api.VolumeSource) {
	defaultMode := func(m **int32) {
		if *m == nil {
			mode := api.DefaultVolumeMode
			*m = &mode
		}
	}
	if s.HostPath != nil && s.HostPath.Type == nil {
		t := api.HostPathUnset
		s.HostPath.Type = &t
	}
	if s.Secret != nil {
		defaultMode(&s.Secret.DefaultMode)
	}
	if s.ConfigMap != nil {
		defaultMode(&s.ConfigMap.DefaultMode)
	}
	if s.DownwardAPI != nil {
		defaultMode(&s.DownwardAPI.DefaultMode)
		for i := range s.DownwardAPI.Items {
			if f := s.DownwardAPI.Items[i].FieldRef; f != nil && f.APIVersion == "" {
				f.APIVersion = "v1"
			}
		}
	}
}

// imageTag returns the tag of an image reference ("nginx:1.25" → "1.25"), or "" if it
// has none. A digest ("@sha256:...") is not a tag.
func imageTag(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	slash := strings.LastIndex(image, "/")
	colon := strings.LastIndex(image, ":")
	if colon > slash {
		return image[colon+1:]
	}
	return ""
}

// DefaultReplicaSet fills a replica set's defaults, including its pod template's; see
// Default.
func DefaultReplicaSet(rs *api.ReplicaSet) {
	if rs.Spec.Replicas == nil {
		one := int32(1)
		rs.Spec.Replicas = &one
	}
	DefaultPodSpec(&rs.Spec.Template.Spec)
}

// DefaultNode copies capacity to allocatable when allocatable is unset.
func DefaultNode(node *api.Node) {
	if node.Status.Allocatable == nil && node.Status.Capacity != nil {
		node.Status.Allocatable = node.Status.Capacity.DeepCopy()
	}
}

// DefaultNamespace sets the phase of a namespace to Active when unset.
func DefaultNamespace(ns *api.Namespace) {
	if ns.Status.Phase == "" {
		ns.Status.Phase = api.NamespaceActive
	}
}
