package validation

import (
	"path"
	"regexp"
	"strings"

	"github.com/orrery-dev/orrery/api"
)

var (
	supportedHostPathTypes = []api.HostPathType{api.HostPathUnset, api.HostPathDirectoryOrCreate, api.HostPathDirectory,
		api.HostPathFileOrCreate, api.HostPathFile, api.HostPathSocket, api.HostPathCharDev, api.HostPathBlockDev}
	supportedStorageMedia = []api.StorageMedium{api.StorageMediumDefault, api.StorageMediumMemory}
	supportedURISchemes   = []api.URIScheme{api.URISchemeHTTP, api.URISchemeHTTPS}
	supportedSeccompTypes = []api.SeccompProfileType{api.SeccompProfileTypeLocalhost,
		api.SeccompProfileTypeRuntimeDefault, api.SeccompProfileTypeUnconfined}

	httpHeaderNameRegexp = regexp.MustCompile(`^[-A-Za-z0-9]+$`)
)

const fileModeDetail = "must be a number between 0 and 0777 (octal), both inclusive"

// validateVolumes checks a pod's volumes and returns the set of their names: each has
// a unique DNS-1123-label name and exactly one valid source.
func validateVolumes(volumes []api.Volume, p *Path) (map[string]bool, ErrorList) {
	var errs ErrorList
	names := map[string]bool{}
	for i := range volumes {
		v := &volumes[i]
		vp := p.Index(i)
		switch {
		case v.Name == "":
			errs = append(errs, Required(vp.Child("name"), ""))
		case names[v.Name]:
			errs = append(errs, Duplicate(vp.Child("name"), v.Name))
		default:
			for _, msg := range api.IsDNS1123Label(v.Name) {
				errs = append(errs, Invalid(vp.Child("name"), v.Name, msg))
			}
		}
		if v.Name != "" {
			names[v.Name] = true
		}
		errs = append(errs, validateVolumeSource(&v.VolumeSource, vp)...)
	}
	return names, errs
}

func validateVolumeSource(s *api.VolumeSource, p *Path) ErrorList {
	var errs ErrorList
	sources := 0
	// one counts a source; a second or later one is reported at its own field.
	one := func(name string) bool {
		sources++
		if sources > 1 {
			errs = append(errs, Forbidden(p.Child(name), "may not specify more than 1 volume type"))
			return false
		}
		return true
	}
	if s.HostPath != nil && one("hostPath") {
		hp := p.Child("hostPath")
		if s.HostPath.Path == "" {
			errs = append(errs, Required(hp.Child("path"), ""))
		}
		if t := s.HostPath.Type; t != nil && !contains(supportedHostPathTypes, *t) {
			errs = append(errs, NotSupported(hp.Child("type"), *t, supportedHostPathTypes))
		}
	}
	if s.EmptyDir != nil && one("emptyDir") {
		ep := p.Child("emptyDir")
		if !contains(supportedStorageMedia, s.EmptyDir.Medium) {
			errs = append(errs, NotSupported(ep.Child("medium"), s.EmptyDir.Medium, supportedStorageMedia))
		}
		if q := s.EmptyDir.SizeLimit; q != nil && q.Sign() < 0 {
			errs = append(errs, Invalid(ep.Child("sizeLimit"), q.String(), "must be greater than or equal to 0"))
		}
	}
	if s.Secret != nil && one("secret") {
		sp := p.Child("secret")
		if s.Secret.SecretName == "" {
			errs = append(errs, Required(sp.Child("secretName"), ""))
		}
		errs = append(errs, validateFileMode(s.Secret.DefaultMode, sp.Child("defaultMode"))...)
		errs = append(errs, validateKeyToPaths(s.Secret.Items, sp.Child("items"))...)
	}
	if s.PersistentVolumeClaim != nil && one("persistentVolumeClaim") {
		if s.PersistentVolumeClaim.ClaimName == "" {
			errs = append(errs, Required(p.Child("persistentVolumeClaim", "claimName"), ""))
		}
	}
	if s.DownwardAPI != nil && one("downwardAPI") {
		dp := p.Child("downwardAPI")
		errs = append(errs, validateFileMode(s.DownwardAPI.DefaultMode, dp.Child("defaultMode"))...)
		for i, f := range s.DownwardAPI.Items {
			ip := dp.Child("items").Index(i)
			errs = append(errs, validateRelativePath(f.Path, ip.Child("path"), true)...)
			errs = append(errs, validateFileMode(f.Mode, ip.Child("mode"))...)
			if f.FieldRef == nil {
				errs = append(errs, Required(ip, "one of fieldRef and resourceFieldRef is required"))
				continue
			}
			if f.FieldRef.APIVersion == "" {
				errs = append(errs, Required(ip.Child("fieldRef", "apiVersion"), ""))
			}
			if f.FieldRef.FieldPath == "" {
				errs = append(errs, Required(ip.Child("fieldRef", "fieldPath"), ""))
			}
		}
	}
	if s.ConfigMap != nil && one("configMap") {
		cp := p.Child("configMap")
		if s.ConfigMap.Name == "" {
			errs = append(errs, Required(cp.Child("name"), ""))
		}
		errs = append(errs, validateFileMode(s.ConfigMap.DefaultMode, cp.Child("defaultMode"))...)
		errs = append(errs, validateKeyToPaths(s.ConfigMap.Items, cp.Child("items"))...)
	}
	if sources == 0 {
		errs = append(errs, Required(p, "must specify a volume type"))
	}
	return errs
}

func validateKeyToPaths(items []api.KeyToPath, p *Path) ErrorList {
	var errs ErrorList
	for i, kp := range items {
		ip := p.Index(i)
		if kp.Key == "" {
			errs = append(errs, Required(ip.Child("key"), ""))
		}
		errs = append(errs, validateRelativePath(kp.Path, ip.Child("path"), true)...)
		errs = append(errs, validateFileMode(kp.Mode, ip.Child("mode"))...)
	}
	return errs
}

func validateFileMode(mode *int32, p *Path) ErrorList {
	if mode != nil && (*mode < 0 || *mode > 0o777) {
		return ErrorList{Invalid(p, *mode, fileModeDetail)}
	}
	return nil
}

// validateRelativePath checks a path that must stay below a directory: relative and
// without ".." elements.
func validateRelativePath(s string, p *Path, required bool) ErrorList {
	if s == "" {
		if required {
			return ErrorList{Required(p, "")}
		}
		return nil
	}
	var errs ErrorList
	if path.IsAbs(s) {
		errs = append(errs, Invalid(p, s, "must be a relative path"))
	}
	for _, elem := range strings.Split(s, "/") {
		if elem == ".." {
			errs = append(errs, Invalid(p, s, "must not contain '..'"))
			break
		}
	}
	return errs
}

// validateVolumeMounts checks a container's mounts: each names a volume of the pod and
// has a unique mount path and a relative subPath.
func validateVolumeMounts(mounts []api.VolumeMount, volumes map[string]bool, p *Path) ErrorList {
	var errs ErrorList
	paths := map[string]bool{}
	for i, m := range mounts {
		mp := p.Index(i)
		switch {
		case m.Name == "":
			errs = append(errs, Required(mp.Child("name"), ""))
		case !volumes[m.Name]:
			errs = append(errs, NotFound(mp.Child("name"), m.Name))
		}
		switch {
		case m.MountPath == "":
			errs = append(errs, Required(mp.Child("mountPath"), ""))
		case paths[m.MountPath]:
			errs = append(errs, Invalid(mp.Child("mountPath"), m.MountPath, "must be unique"))
		}
		paths[m.MountPath] = true
		errs = append(errs, validateRelativePath(m.SubPath, mp.Child("subPath"), false)...)
	}
	return errs
}

// validateEnvFrom checks a container's envFrom sources: exactly one of configMapRef
// and secretRef, naming an object.
func validateEnvFrom(sources []api.EnvFromSource, p *Path) ErrorList {
	var errs ErrorList
	for i, s := range sources {
		sp := p.Index(i)
		if s.Prefix != "" && !envVarNameRegexp.MatchString(s.Prefix) {
			errs = append(errs, Invalid(sp.Child("prefix"), s.Prefix, "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit"))
		}
		n := 0
		if s.ConfigMapRef != nil {
			n++
			if s.ConfigMapRef.Name == "" {
				errs = append(errs, Required(sp.Child("configMapRef", "name"), ""))
			}
		}
		if s.SecretRef != nil {
			n++
			if n > 1 {
				errs = append(errs, Invalid(sp, "", "may not have more than one field specified at a time"))
			} else if s.SecretRef.Name == "" {
				errs = append(errs, Required(sp.Child("secretRef", "name"), ""))
			}
		}
		if n == 0 {
			errs = append(errs, Invalid(sp, "", "must specify one of: `configMapRef` or `secretRef`"))
		}
	}
	return errs
}

// validateProbe checks a probe: exactly one handler, valid ports, non-negative
// timings and positive thresholds. Liveness and startup probes need successThreshold
// 1; readiness probes take no terminationGracePeriodSeconds.
func validateProbe(pr *api.Probe, p *Path, kind string) ErrorList {
	if pr == nil {
		return nil
	}
	errs := validateProbeHandler(&pr.ProbeHandler, p)
	for _, f := range []struct {
		name string
		v    int32
	}{
		{"initialDelaySeconds", pr.InitialDelaySeconds}, {"timeoutSeconds", pr.TimeoutSeconds},
		{"periodSeconds", pr.PeriodSeconds}, {"successThreshold", pr.SuccessThreshold},
		{"failureThreshold", pr.FailureThreshold},
	} {
		if f.v < 0 {
			errs = append(errs, Invalid(p.Child(f.name), f.v, "must be greater than or equal to 0"))
		}
	}
	if kind != "readinessProbe" && pr.SuccessThreshold != 1 {
		errs = append(errs, Invalid(p.Child("successThreshold"), pr.SuccessThreshold, "must be 1"))
	}
	if s := pr.TerminationGracePeriodSeconds; s != nil {
		switch {
		case kind == "readinessProbe":
			errs = append(errs, Invalid(p.Child("terminationGracePeriodSeconds"), *s, "must not be set for readinessProbes"))
		case *s <= 0:
			errs = append(errs, Invalid(p.Child("terminationGracePeriodSeconds"), *s, "must be greater than 0"))
		}
	}
	return errs
}

func validateProbeHandler(h *api.ProbeHandler, p *Path) ErrorList {
	var errs ErrorList
	handlers := 0
	one := func(name string) bool {
		handlers++
		if handlers > 1 {
			errs = append(errs, Forbidden(p.Child(name), "may not specify more than 1 handler type"))
			return false
		}
		return true
	}
	if h.Exec != nil && one("exec") && len(h.Exec.Command) == 0 {
		errs = append(errs, Required(p.Child("exec", "command"), ""))
	}
	if h.HTTPGet != nil && one("httpGet") {
		hp := p.Child("httpGet")
		errs = append(errs, validatePortNumOrName(h.HTTPGet.Port, hp.Child("port"))...)
		if !contains(supportedURISchemes, h.HTTPGet.Scheme) {
			errs = append(errs, NotSupported(hp.Child("scheme"), h.HTTPGet.Scheme, supportedURISchemes))
		}
		for i, hdr := range h.HTTPGet.HTTPHeaders {
			if !httpHeaderNameRegexp.MatchString(hdr.Name) {
				errs = append(errs, Invalid(hp.Child("httpHeaders").Index(i).Child("name"), hdr.Name, "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"))
			}
		}
	}
	if h.TCPSocket != nil && one("tcpSocket") {
		errs = append(errs, validatePortNumOrName(h.TCPSocket.Port, p.Child("tcpSocket", "port"))...)
	}
	if h.GRPC != nil && one("grpc") && !validPortNum(h.GRPC.Port) {
		errs = append(errs, Invalid(p.Child("grpc", "port"), h.GRPC.Port, "must be between 1 and 65535, inclusive"))
	}
	if handlers == 0 {
		errs = append(errs, Required(p, "must specify a handler type"))
	}
	return errs
}

// validatePortNumOrName checks a port given as a number (1-65535) or as an IANA
// service name.
func validatePortNumOrName(port api.IntOrString, p *Path) ErrorList {
	switch port.Type {
	case api.IntOrStringInt:
		if !validPortNum(port.IntVal) {
			return ErrorList{Invalid(p, port.IntVal, "must be between 1 and 65535, inclusive")}
		}
	case api.IntOrStringString:
		if port.StrVal == "" {
			return ErrorList{Required(p, "")}
		}
		var errs ErrorList
		for _, msg := range isValidPortName(port.StrVal) {
			errs = append(errs, Invalid(p, port.StrVal, msg))
		}
		return errs
	default:
		return ErrorList{Invalid(p, port, "must be an integer or a string")}
	}
	return nil
}

// validateSeccompProfile checks a seccomp profile: a known type, and a localhost
// profile exactly when the type is Localhost.
func validateSeccompProfile(sp *api.SeccompProfile, p *Path) ErrorList {
	if sp == nil {
		return nil
	}
	var errs ErrorList
	if !contains(supportedSeccompTypes, sp.Type) {
		errs = append(errs, NotSupported(p.Child("type"), sp.Type, supportedSeccompTypes))
	}
	switch {
	case sp.Type == api.SeccompProfileTypeLocalhost && (sp.LocalhostProfile == nil || *sp.LocalhostProfile == ""):
		errs = append(errs, Required(p.Child("localhostProfile"), "must be set when seccomp type is Localhost"))
	case sp.Type != api.SeccompProfileTypeLocalhost && sp.LocalhostProfile != nil:
		errs = append(errs, Invalid(p.Child("localhostProfile"), *sp.LocalhostProfile, "can only be set when seccomp type is Localhost"))
	}
	return errs
}

// validatePodSecurityContext checks non-negative ids and the seccomp profile.
func validatePodSecurityContext(sc *api.PodSecurityContext, p *Path) ErrorList {
	if sc == nil {
		return nil
	}
	errs := validateIDs(p, map[string]*int64{"runAsUser": sc.RunAsUser, "runAsGroup": sc.RunAsGroup, "fsGroup": sc.FSGroup})
	for i, g := range sc.SupplementalGroups {
		if g < 0 || g > 2147483647 {
			errs = append(errs, Invalid(p.Child("supplementalGroups").Index(i), g, "must be between 0 and 2147483647, inclusive"))
		}
	}
	return append(errs, validateSeccompProfile(sc.SeccompProfile, p.Child("seccompProfile"))...)
}

// validateSecurityContext checks non-negative ids, the seccomp profile, and that a
// privileged container allows privilege escalation.
func validateSecurityContext(sc *api.SecurityContext, p *Path) ErrorList {
	if sc == nil {
		return nil
	}
	errs := validateIDs(p, map[string]*int64{"runAsUser": sc.RunAsUser, "runAsGroup": sc.RunAsGroup})
	errs = append(errs, validateSeccompProfile(sc.SeccompProfile, p.Child("seccompProfile"))...)
	if sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation && sc.Privileged != nil && *sc.Privileged {
		errs = append(errs, Invalid(p, "", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
	}
	return errs
}

func validateIDs(p *Path, ids map[string]*int64) ErrorList {
	var errs ErrorList
	for _, name := range sortedKeys(ids) {
		if id := ids[name]; id != nil && (*id < 0 || *id > 2147483647) {
			errs = append(errs, Invalid(p.Child(name), *id, "must be between 0 and 2147483647, inclusive"))
		}
	}
	return errs
}
