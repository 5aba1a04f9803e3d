package validation

import (
	"fmt"
	"math"
	"net"
	"regexp"
	"strings"

	"github.com/orrery-dev/orrery/api"
)

var (
	supportedRestartPolicies = []api.RestartPolicy{api.RestartPolicyAlways, api.RestartPolicyOnFailure, api.RestartPolicyNever}
	supportedDNSPolicies     = []api.DNSPolicy{api.DNSClusterFirstWithHostNet, api.DNSClusterFirst, api.DNSDefault, api.DNSNone}
	supportedPullPolicies    = []api.PullPolicy{api.PullAlways, api.PullIfNotPresent, api.PullNever}
	supportedMessagePolicies = []api.TerminationMessagePolicy{api.TerminationMessageReadFile, api.TerminationMessageFallbackToLogsOnError}
	supportedProtocols       = []api.Protocol{api.ProtocolSCTP, api.ProtocolTCP, api.ProtocolUDP}
	supportedTaintEffects    = []api.TaintEffect{api.TaintEffectNoSchedule, api.TaintEffectPreferNoSchedule, api.TaintEffectNoExecute}
	supportedTolerationOps   = []api.TolerationOperator{api.TolerationOpEqual, api.TolerationOpExists}
	supportedPodPhases       = []api.PodPhase{api.PodFailed, api.PodPending, api.PodRunning, api.PodSucceeded, api.PodUnknown}

	supportedPreemptionPolicies    = []api.PreemptionPolicy{api.PreemptLowerPriority, api.PreemptNever}
	supportedUnsatisfiableActions  = []api.UnsatisfiableConstraintAction{api.DoNotSchedule, api.ScheduleAnyway}
	supportedNodeInclusionPolicies = []api.NodeInclusionPolicy{api.NodeInclusionPolicyHonor, api.NodeInclusionPolicyIgnore}

	envVarNameRegexp   = regexp.MustCompile(`^[-._a-zA-Z][-._a-zA-Z0-9]*$`)
	portNameCharRegexp = regexp.MustCompile(`^[-a-z0-9]+$`)
	portNameLetter     = regexp.MustCompile(`[a-z]`)
	envFieldPaths      = []string{"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
		"spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"}
)

// ValidatePod checks a pod being created.
func ValidatePod(pod *api.Pod) ErrorList {
	errs := ValidateObjectMeta(&pod.ObjectMeta, true, NameIsDNSSubdomain, NewPath("metadata"))
	errs = append(errs, ValidatePodSpec(&pod.Spec, NewPath("spec"))...)
	return errs
}

// ValidatePodTemplateSpec checks the pod template of a controller: its labels and
// annotations, and its spec as a pod's.
func ValidatePodTemplateSpec(t *api.PodTemplateSpec, p *Path) ErrorList {
	errs := ValidateLabels(t.Labels, p.Child("labels"))
	errs = append(errs, ValidateAnnotations(t.Annotations, p.Child("annotations"))...)
	errs = append(errs, ValidatePodSpec(&t.Spec, p.Child("spec"))...)
	return errs
}

// ValidatePodSpec checks a defaulted pod spec: at least one container, unique
// DNS-1123-label container names, images, ports, environment, resources (requests
// non-negative and within limits), restart and DNS policy, tolerations, node
// selector, affinity (node, pod and pod anti-affinity), topology spread constraints,
// priority class name, preemption policy and overhead; volumes (unique
// DNS-1123-label names, exactly one source each), volume mounts (naming a volume of
// the pod, with a mount path), probes (exactly one handler, ports in range or IANA
// names) and security contexts.
func ValidatePodSpec(spec *api.PodSpec, p *Path) ErrorList {
	return validatePodSpec(spec, false, p)
}

// validatePodSpec is ValidatePodSpec; with allowInvalidRequiredValues set, the values
// of required node affinity expressions are not checked as label values.
func validatePodSpec(spec *api.PodSpec, allowInvalidRequiredValues bool, p *Path) ErrorList {
	volumes, errs := validateVolumes(spec.Volumes, p.Child("volumes"))
	names := map[string]bool{}
	for i := range spec.InitContainers {
		errs = append(errs, validateContainer(&spec.InitContainers[i], names, volumes, p.Child("initContainers").Index(i))...)
	}
	if len(spec.Containers) == 0 {
		errs = append(errs, Required(p.Child("containers"), ""))
	}
	for i := range spec.Containers {
		errs = append(errs, validateContainer(&spec.Containers[i], names, volumes, p.Child("containers").Index(i))...)
	}
	switch {
	case spec.RestartPolicy == "":
		errs = append(errs, Required(p.Child("restartPolicy"), ""))
	case !contains(supportedRestartPolicies, spec.RestartPolicy):
		errs = append(errs, NotSupported(p.Child("restartPolicy"), spec.RestartPolicy, supportedRestartPolicies))
	}
	switch {
	case spec.DNSPolicy == "":
		errs = append(errs, Required(p.Child("dnsPolicy"), ""))
	case !contains(supportedDNSPolicies, spec.DNSPolicy):
		errs = append(errs, NotSupported(p.Child("dnsPolicy"), spec.DNSPolicy, supportedDNSPolicies))
	case spec.DNSPolicy == api.DNSNone:
		// Orrery does not model dnsConfig, which policy None requires.
		errs = append(errs, Required(p.Child("dnsConfig"), "must provide `dnsConfig` when `dnsPolicy` is None"))
	}
	if s := spec.TerminationGracePeriodSeconds; s != nil && *s < 0 {
		errs = append(errs, Invalid(p.Child("terminationGracePeriodSeconds"), *s, "must be greater than or equal to 0"))
	}
	if s := spec.ActiveDeadlineSeconds; s != nil && (*s < 1 || *s > math.MaxInt32) {
		errs = append(errs, Invalid(p.Child("activeDeadlineSeconds"), *s, "must be between 1 and 2147483647, inclusive"))
	}
	errs = append(errs, ValidateLabels(spec.NodeSelector, p.Child("nodeSelector"))...)
	for _, f := range []struct {
		name, value string
		check       func(string) []string
	}{
		{"serviceAccountName", spec.ServiceAccountName, api.IsDNS1123Subdomain},
		{"nodeName", spec.NodeName, api.IsDNS1123Subdomain},
		{"hostname", spec.Hostname, api.IsDNS1123Label},
		{"subdomain", spec.Subdomain, api.IsDNS1123Label},
		{"schedulerName", spec.SchedulerName, api.IsDNS1123Subdomain},
		{"priorityClassName", spec.PriorityClassName, api.IsDNS1123Subdomain},
	} {
		if f.value == "" {
			continue
		}
		for _, msg := range f.check(f.value) {
			errs = append(errs, Invalid(p.Child(f.name), f.value, msg))
		}
	}
	errs = append(errs, ValidateTolerations(spec.Tolerations, p.Child("tolerations"))...)
	errs = append(errs, validateAffinity(spec.Affinity, allowInvalidRequiredValues, p.Child("affinity"))...)
	errs = append(errs, validateTopologySpreadConstraints(spec.TopologySpreadConstraints, p.Child("topologySpreadConstraints"))...)
	if pp := spec.PreemptionPolicy; pp != nil {
		switch {
		case *pp == "":
			errs = append(errs, Required(p.Child("preemptionPolicy"), ""))
		case !contains(supportedPreemptionPolicies, *pp):
			errs = append(errs, NotSupported(p.Child("preemptionPolicy"), *pp, supportedPreemptionPolicies))
		}
	}
	if spec.Overhead != nil {
		// Kubernetes checks the overhead as a container's limits.
		errs = append(errs, validateResources(&api.ResourceRequirements{Limits: spec.Overhead}, p.Child("overhead"))...)
	}
	errs = append(errs, validatePodSecurityContext(spec.SecurityContext, p.Child("securityContext"))...)
	return errs
}

// validateTopologySpreadConstraints checks each constraint: maxSkew above 0, a
// topology key, a known whenUnsatisfiable, no two constraints with the same
// {topologyKey, whenUnsatisfiable}, minDomains above 0 and only with DoNotSchedule,
// known node inclusion policies, matchLabelKeys (label names, with a label selector
// that does not use them) and the label selector.
func validateTopologySpreadConstraints(constraints []api.TopologySpreadConstraint, p *Path) ErrorList {
	var errs ErrorList
	for i, c := range constraints {
		cp := p.Index(i)
		if c.MaxSkew <= 0 {
			errs = append(errs, Invalid(cp.Child("maxSkew"), c.MaxSkew, "must be greater than zero"))
		}
		if c.TopologyKey == "" {
			errs = append(errs, Required(cp.Child("topologyKey"), "can not be empty"))
		}
		if !contains(supportedUnsatisfiableActions, c.WhenUnsatisfiable) {
			errs = append(errs, NotSupported(cp.Child("whenUnsatisfiable"), c.WhenUnsatisfiable, supportedUnsatisfiableActions))
		}
		for _, later := range constraints[i+1:] {
			if later.TopologyKey == c.TopologyKey && later.WhenUnsatisfiable == c.WhenUnsatisfiable {
				errs = append(errs, Duplicate(cp.Child("{topologyKey, whenUnsatisfiable}"),
					fmt.Sprintf("{%v, %v}", c.TopologyKey, c.WhenUnsatisfiable)))
				break
			}
		}
		if md := c.MinDomains; md != nil {
			if *md <= 0 {
				errs = append(errs, Invalid(cp.Child("minDomains"), *md, "must be greater than zero"))
			}
			if c.WhenUnsatisfiable != api.DoNotSchedule {
				errs = append(errs, Invalid(cp.Child("minDomains"), *md,
					fmt.Sprintf("can only use minDomains if whenUnsatisfiable=%s, not %s", api.DoNotSchedule, c.WhenUnsatisfiable)))
			}
		}
		for _, f := range []struct {
			name   string
			policy *api.NodeInclusionPolicy
		}{{"nodeAffinityPolicy", c.NodeAffinityPolicy}, {"nodeTaintsPolicy", c.NodeTaintsPolicy}} {
			if f.policy != nil && !contains(supportedNodeInclusionPolicies, *f.policy) {
				errs = append(errs, NotSupported(cp.Child(f.name), *f.policy, supportedNodeInclusionPolicies))
			}
		}
		errs = append(errs, validateSpreadMatchLabelKeys(c.MatchLabelKeys, c.LabelSelector, cp.Child("matchLabelKeys"))...)
		errs = append(errs, ValidateLabelSelector(c.LabelSelector, cp.Child("labelSelector"))...)
	}
	return errs
}

// validateSpreadMatchLabelKeys checks the matchLabelKeys of a topology spread
// constraint: label names, allowed only with a label selector that does not use them.
func validateSpreadMatchLabelKeys(keys []string, selector *api.LabelSelector, p *Path) ErrorList {
	if len(keys) == 0 {
		return nil
	}
	var errs ErrorList
	inSelector := map[string]bool{}
	if selector != nil {
		for k := range selector.MatchLabels {
			inSelector[k] = true
		}
		for _, r := range selector.MatchExpressions {
			inSelector[r.Key] = true
		}
	} else {
		errs = append(errs, Forbidden(p, "must not be specified when labelSelector is not set"))
	}
	for i, k := range keys {
		errs = append(errs, validateLabelName(k, p.Index(i))...)
		if inSelector[k] {
			errs = append(errs, Invalid(p.Index(i), k, "exists in both matchLabelKeys and labelSelector"))
		}
	}
	return errs
}

func validateContainer(c *api.Container, names, volumes map[string]bool, p *Path) ErrorList {
	var errs ErrorList
	switch {
	case c.Name == "":
		errs = append(errs, Required(p.Child("name"), ""))
	case names[c.Name]:
		errs = append(errs, Duplicate(p.Child("name"), c.Name))
	default:
		for _, msg := range api.IsDNS1123Label(c.Name) {
			errs = append(errs, Invalid(p.Child("name"), c.Name, msg))
		}
	}
	names[c.Name] = true
	if c.Image == "" {
		errs = append(errs, Required(p.Child("image"), ""))
	} else if c.Image != strings.TrimSpace(c.Image) {
		errs = append(errs, Invalid(p.Child("image"), c.Image, "must not have leading or trailing whitespace"))
	}
	switch {
	case c.ImagePullPolicy == "":
		errs = append(errs, Required(p.Child("imagePullPolicy"), ""))
	case !contains(supportedPullPolicies, c.ImagePullPolicy):
		errs = append(errs, NotSupported(p.Child("imagePullPolicy"), c.ImagePullPolicy, supportedPullPolicies))
	}
	switch {
	case c.TerminationMessagePolicy == "":
		errs = append(errs, Required(p.Child("terminationMessagePolicy"), "must be 'File' or 'FallbackToLogsOnError'"))
	case !contains(supportedMessagePolicies, c.TerminationMessagePolicy):
		errs = append(errs, Invalid(p.Child("terminationMessagePolicy"), c.TerminationMessagePolicy, "must be 'File' or 'FallbackToLogsOnError'"))
	}
	errs = append(errs, validatePorts(c.Ports, p.Child("ports"))...)
	errs = append(errs, validateEnv(c.Env, p.Child("env"))...)
	errs = append(errs, validateResources(&c.Resources, p.Child("resources"))...)
	errs = append(errs, validateEnvFrom(c.EnvFrom, p.Child("envFrom"))...)
	errs = append(errs, validateVolumeMounts(c.VolumeMounts, volumes, p.Child("volumeMounts"))...)
	for _, probe := range []struct {
		name string
		pr   *api.Probe
	}{{"livenessProbe", c.LivenessProbe}, {"readinessProbe", c.ReadinessProbe}, {"startupProbe", c.StartupProbe}} {
		errs = append(errs, validateProbe(probe.pr, p.Child(probe.name), probe.name)...)
	}
	errs = append(errs, validateSecurityContext(c.SecurityContext, p.Child("securityContext"))...)
	return errs
}

func validatePorts(ports []api.ContainerPort, p *Path) ErrorList {
	var errs ErrorList
	names := map[string]bool{}
	for i, port := range ports {
		pp := p.Index(i)
		if port.Name != "" {
			for _, msg := range isValidPortName(port.Name) {
				errs = append(errs, Invalid(pp.Child("name"), port.Name, msg))
			}
			if names[port.Name] {
				errs = append(errs, Duplicate(pp.Child("name"), port.Name))
			}
			names[port.Name] = true
		}
		if port.ContainerPort == 0 {
			errs = append(errs, Required(pp.Child("containerPort"), ""))
		} else if !validPortNum(port.ContainerPort) {
			errs = append(errs, Invalid(pp.Child("containerPort"), port.ContainerPort, "must be between 1 and 65535, inclusive"))
		}
		if port.HostPort != 0 && !validPortNum(port.HostPort) {
			errs = append(errs, Invalid(pp.Child("hostPort"), port.HostPort, "must be between 1 and 65535, inclusive"))
		}
		switch {
		case port.Protocol == "":
			errs = append(errs, Required(pp.Child("protocol"), ""))
		case !contains(supportedProtocols, port.Protocol):
			errs = append(errs, NotSupported(pp.Child("protocol"), port.Protocol, supportedProtocols))
		}
	}
	return errs
}

func validPortNum(n int32) bool { return n >= 1 && n <= 65535 }

func isValidPortName(name string) []string {
	var msgs []string
	if len(name) > 15 {
		msgs = append(msgs, "must be no more than 15 characters")
	}
	if !portNameCharRegexp.MatchString(name) {
		msgs = append(msgs, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
	}
	if !portNameLetter.MatchString(name) {
		msgs = append(msgs, "must contain at least one letter (a-z)")
	}
	if strings.Contains(name, "--") {
		msgs = append(msgs, "must not contain consecutive hyphens")
	}
	if strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") {
		msgs = append(msgs, "must not begin or end with a hyphen")
	}
	return msgs
}

func validateEnv(env []api.EnvVar, p *Path) ErrorList {
	var errs ErrorList
	for i, ev := range env {
		ep := p.Index(i)
		if ev.Name == "" {
			errs = append(errs, Required(ep.Child("name"), ""))
		} else if !envVarNameRegexp.MatchString(ev.Name) {
			errs = append(errs, Invalid(ep.Child("name"), ev.Name, "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"))
		}
		if ev.ValueFrom == nil {
			continue
		}
		vp := ep.Child("valueFrom")
		sources := 0
		if ref := ev.ValueFrom.FieldRef; ref != nil {
			sources++
			rp := vp.Child("fieldRef")
			if ref.APIVersion == "" {
				errs = append(errs, Required(rp.Child("apiVersion"), ""))
			}
			switch {
			case ref.FieldPath == "":
				errs = append(errs, Required(rp.Child("fieldPath"), ""))
			case contains(envFieldPaths, ref.FieldPath),
				strings.HasPrefix(ref.FieldPath, "metadata.labels['") && strings.HasSuffix(ref.FieldPath, "']"),
				strings.HasPrefix(ref.FieldPath, "metadata.annotations['") && strings.HasSuffix(ref.FieldPath, "']"):
			default:
				errs = append(errs, NotSupported(rp.Child("fieldPath"), ref.FieldPath, envFieldPaths))
			}
		}
		for _, ks := range []struct {
			name string
			sel  *api.KeySelector
		}{{"configMapKeyRef", ev.ValueFrom.ConfigMapKeyRef}, {"secretKeyRef", ev.ValueFrom.SecretKeyRef}} {
			if ks.sel == nil {
				continue
			}
			sources++
			if ks.sel.Name == "" {
				errs = append(errs, Required(vp.Child(ks.name, "name"), ""))
			}
			if ks.sel.Key == "" {
				errs = append(errs, Required(vp.Child(ks.name, "key"), ""))
			}
		}
		switch {
		case sources == 0:
			errs = append(errs, Invalid(vp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
		case ev.Value != "":
			errs = append(errs, Invalid(vp, "", "may not be specified when `value` is not empty"))
		case sources > 1:
			errs = append(errs, Invalid(vp, "", "may not have more than one field specified at a time"))
		}
	}
	return errs
}

// overcommitAllowed reports whether requests may be below limits for a resource:
// true for Kubernetes' own resources, false for extended resources ("example.com/gpu")
// and huge pages.
func overcommitAllowed(name api.ResourceName) bool {
	s := string(name)
	if strings.HasPrefix(s, "hugepages-") {
		return false
	}
	return !strings.Contains(s, "/") || strings.Contains(s, "kubernetes.io/")
}

func validateResourceName(name api.ResourceName, p *Path) ErrorList {
	var errs ErrorList
	for _, msg := range api.IsQualifiedName(string(name)) {
		errs = append(errs, Invalid(p, name, msg))
	}
	if len(errs) > 0 {
		return errs
	}
	if !strings.Contains(string(name), "/") {
		switch name {
		case api.ResourceCPU, api.ResourceMemory, api.ResourceEphemeralStorage:
		default:
			if !strings.HasPrefix(string(name), "hugepages-") {
				errs = append(errs, Invalid(p, name, "must be a standard resource for containers"))
			}
		}
	}
	return errs
}

func validateQuantity(name api.ResourceName, q api.Quantity, p *Path) ErrorList {
	if q.Sign() < 0 {
		return ErrorList{Invalid(p, q.String(), "must be greater than or equal to 0")}
	}
	if !overcommitAllowed(name) && !strings.HasPrefix(string(name), "hugepages-") && q.MilliValue()%1000 != 0 {
		return ErrorList{Invalid(p, q.String(), "must be an integer")}
	}
	return nil
}

func validateResources(r *api.ResourceRequirements, p *Path) ErrorList {
	var errs ErrorList
	limPath, reqPath := p.Child("limits"), p.Child("requests")
	for _, name := range sortedResourceNames(r.Limits) {
		q := r.Limits[name]
		errs = append(errs, validateResourceName(name, limPath.Key(string(name)))...)
		errs = append(errs, validateQuantity(name, q, limPath.Key(string(name)))...)
	}
	for _, name := range sortedResourceNames(r.Requests) {
		q := r.Requests[name]
		errs = append(errs, validateResourceName(name, reqPath.Key(string(name)))...)
		errs = append(errs, validateQuantity(name, q, reqPath.Key(string(name)))...)
		limit, ok := r.Limits[name]
		switch {
		case ok && !overcommitAllowed(name) && q.Cmp(limit) != 0:
			errs = append(errs, Invalid(reqPath, q.String(), fmt.Sprintf("must be equal to %s limit of %s", name, limit.String())))
		case ok && q.Cmp(limit) > 0:
			errs = append(errs, Invalid(reqPath, q.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", name, limit.String())))
		case !ok && !overcommitAllowed(name):
			errs = append(errs, Required(limPath, "Limit must be set for non overcommitable resources"))
		}
	}
	return errs
}

func sortedResourceNames(l api.ResourceList) []api.ResourceName {
	m := make(map[string]struct{}, len(l))
	for k := range l {
		m[string(k)] = struct{}{}
	}
	keys := sortedKeys(m)
	out := make([]api.ResourceName, len(keys))
	for i, k := range keys {
		out[i] = api.ResourceName(k)
	}
	return out
}

// ValidateTolerations checks tolerations: an empty key needs operator Exists,
// tolerationSeconds needs effect NoExecute, Exists takes no value, Equal a valid label
// value, and the effect, when set, is a known one.
func ValidateTolerations(tolerations []api.Toleration, p *Path) ErrorList {
	var errs ErrorList
	for i, t := range tolerations {
		tp := p.Index(i)
		if t.Key != "" {
			for _, msg := range api.IsQualifiedName(t.Key) {
				errs = append(errs, Invalid(tp.Child("key"), t.Key, msg))
			}
		}
		if t.Key == "" && t.Operator != api.TolerationOpExists {
			errs = append(errs, Invalid(tp.Child("operator"), t.Operator,
				"operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
		}
		if t.TolerationSeconds != nil && t.Effect != api.TaintEffectNoExecute {
			errs = append(errs, Invalid(tp.Child("effect"), t.Effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
		}
		switch t.Operator {
		case api.TolerationOpEqual, "":
			if msgs := api.IsValidLabelValue(t.Value); len(msgs) > 0 {
				errs = append(errs, Invalid(tp.Child("operator"), t.Value, strings.Join(msgs, ";")))
			}
		case api.TolerationOpExists:
			if t.Value != "" {
				errs = append(errs, Invalid(tp.Child("operator"), t, "value must be empty when `operator` is 'Exists'"))
			}
		default:
			errs = append(errs, NotSupported(tp.Child("operator"), t.Operator, supportedTolerationOps))
		}
		if t.Effect != "" && !contains(supportedTaintEffects, t.Effect) {
			errs = append(errs, NotSupported(tp.Child("effect"), t.Effect, supportedTaintEffects))
		}
	}
	return errs
}

// podUpdatableFields is Kubernetes' list of what a pod update may change.
const podUpdatableFields = "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"

// ValidatePodUpdate checks an update of a pod: the new pod must be valid and its spec
// is immutable apart from container images, activeDeadlineSeconds (set, or lowered)
// and tolerations (only additions; tolerationSeconds may change); spec.nodeName is set
// only through the binding subresource, so it may not change here either.
func ValidatePodUpdate(newPod, oldPod *api.Pod) ErrorList {
	errs := ValidateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, NewPath("metadata"))
	sp := NewPath("spec")
	// A pod created before required node affinity values were checked keeps them.
	errs = append(errs, validatePodSpec(&newPod.Spec, hasInvalidRequiredNodeAffinityValue(&oldPod.Spec), sp)...)
	if len(newPod.Spec.Containers) != len(oldPod.Spec.Containers) {
		return append(errs, Forbidden(sp.Child("containers"), "pod updates may not add or remove containers"))
	}
	if len(newPod.Spec.InitContainers) != len(oldPod.Spec.InitContainers) {
		return append(errs, Forbidden(sp.Child("initContainers"), "pod updates may not add or remove containers"))
	}

	if n := newPod.Spec.ActiveDeadlineSeconds; n != nil {
		if *n < 0 || *n > math.MaxInt32 {
			return append(errs, Invalid(sp.Child("activeDeadlineSeconds"), *n, "must be between 0 and 2147483647, inclusive"))
		}
		if o := oldPod.Spec.ActiveDeadlineSeconds; o != nil && *o < *n {
			return append(errs, Invalid(sp.Child("activeDeadlineSeconds"), *n, "must be less than or equal to previous value"))
		}
	} else if oldPod.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, Invalid(sp.Child("activeDeadlineSeconds"), newPod.Spec.ActiveDeadlineSeconds, "must not update from a positive integer to nil value"))
	}

	errs = append(errs, validateOnlyAddedTolerations(newPod.Spec.Tolerations, oldPod.Spec.Tolerations, sp.Child("tolerations"))...)

	// Everything else must be unchanged: copy the updatable fields from the old spec
	// into a copy of the new one and compare.
	munged := newPod.Spec.DeepCopy()
	for i := range munged.Containers {
		munged.Containers[i].Image = oldPod.Spec.Containers[i].Image
	}
	for i := range munged.InitContainers {
		munged.InitContainers[i].Image = oldPod.Spec.InitContainers[i].Image
	}
	munged.ActiveDeadlineSeconds = oldPod.Spec.ActiveDeadlineSeconds
	munged.Tolerations = oldPod.Spec.Tolerations
	if o, n := oldPod.Spec.TerminationGracePeriodSeconds, munged.TerminationGracePeriodSeconds; o != nil && *o < 0 && n != nil && *n == 1 {
		munged.TerminationGracePeriodSeconds = o
	}
	if !semanticEqual(munged, oldPod.Spec) {
		errs = append(errs, Forbidden(sp, "pod updates may not change fields other than "+podUpdatableFields))
	}
	return errs
}

func validateOnlyAddedTolerations(newT, oldT []api.Toleration, p *Path) ErrorList {
	for _, o := range oldT {
		found := false
		for _, n := range newT {
			o.TolerationSeconds = n.TolerationSeconds
			if semanticEqual(o, n) {
				found = true
				break
			}
		}
		if !found {
			return ErrorList{Forbidden(p, "existing toleration can not be modified except its tolerationSeconds")}
		}
	}
	return nil
}

// ValidatePodStatusUpdate checks an update through pods/status: the metadata rules of
// any update, a known phase, and well-formed IPs and nominated node name.
func ValidatePodStatusUpdate(newPod, oldPod *api.Pod) ErrorList {
	errs := ValidateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, NewPath("metadata"))
	sp := NewPath("status")
	st := &newPod.Status
	if st.Phase != "" && !contains(supportedPodPhases, st.Phase) {
		errs = append(errs, NotSupported(sp.Child("phase"), st.Phase, supportedPodPhases))
	}
	if st.NominatedNodeName != "" {
		for _, msg := range api.IsDNS1123Subdomain(st.NominatedNodeName) {
			errs = append(errs, Invalid(sp.Child("nominatedNodeName"), st.NominatedNodeName, msg))
		}
	}
	errs = append(errs, validateIP(st.PodIP, sp.Child("podIP"))...)
	errs = append(errs, validateIP(st.HostIP, sp.Child("hostIP"))...)
	errs = append(errs, validateIPList(st.PodIPs, func(x api.PodIP) string { return x.IP }, sp.Child("podIPs"))...)
	errs = append(errs, validateIPList(st.HostIPs, func(x api.HostIP) string { return x.IP }, sp.Child("hostIPs"))...)
	return errs
}

func validateIP(ip string, p *Path) ErrorList {
	if ip != "" && net.ParseIP(ip) == nil {
		return ErrorList{Invalid(p, ip, "must be a valid IP address")}
	}
	return nil
}

func validateIPList[T any](ips []T, ipOf func(T) string, p *Path) ErrorList {
	var errs ErrorList
	seen := map[string]bool{}
	for i, x := range ips {
		ip := ipOf(x)
		ipPath := p.Index(i).Child("ip")
		if net.ParseIP(ip) == nil {
			errs = append(errs, Invalid(ipPath, ip, "must be a valid IP address"))
			continue
		}
		if seen[ip] {
			errs = append(errs, Duplicate(ipPath, ip))
		}
		seen[ip] = true
	}
	if len(ips) > 2 {
		errs = append(errs, TooMany(p, len(ips), 2))
	}
	return errs
}

// ValidateBinding checks a pod binding: the target must name a node, and its kind, if
// given, must be Node.
func ValidateBinding(b *api.Binding) ErrorList {
	var errs ErrorList
	if b.Target.Kind != "" && b.Target.Kind != "Node" {
		errs = append(errs, NotSupported(NewPath("target", "kind"), b.Target.Kind, []string{"Node", "<empty>"}))
	}
	if b.Target.Name == "" {
		errs = append(errs, Required(NewPath("target", "name"), ""))
	}
	return errs
}
