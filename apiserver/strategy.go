package apiserver

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/fields"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/api/validation"
)

// The per-kind rules of create, update and delete, as Kubernetes' registry strategies.

// attrs gives storage the labels and selectable fields of any kind.
func attrs(obj api.Object) (labels.Set, fields.Set) {
	return labels.Set(obj.GetObjectMeta().Labels), fields.Set(api.SelectableFields(obj))
}

// newUID returns a random RFC 4122 version 4 UUID.
func newUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// generateNameSuffix is what Kubernetes appends to generateName: 5 characters from an
// alphabet without vowels or look-alikes.
func generateNameSuffix() string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	var b [5]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// prepareForCreate sets system fields and resets what clients may not set on create:
// the status of kinds whose status is a subresource (nodes keep theirs: the kubelet
// registers a node with its status).
func prepareForCreate(obj api.Object, now time.Time) {
	validation.PrepareForCreate(obj.GetObjectMeta(), now, newUID())
	switch o := obj.(type) {
	case *api.Pod:
		o.Status = api.PodStatus{Phase: api.PodPending, QOSClass: qosClass(&o.Spec)}
	case *api.ReplicaSet:
		o.Status = api.ReplicaSetStatus{}
	case *api.Namespace:
		o.Status = api.NamespaceStatus{Phase: api.NamespaceActive}
		if !slices.Contains(o.Spec.Finalizers, api.FinalizerKubernetes) {
			o.Spec.Finalizers = append(o.Spec.Finalizers, api.FinalizerKubernetes)
		}
	}
	validation.Default(obj)
}

// qosClass is the quality-of-service class of a pod, as Kubernetes computes it.
func qosClass(spec *api.PodSpec) api.PodQOSClass {
	requests, limits := 0, 0
	guaranteed := true
	for _, c := range spec.Containers {
		requests += len(c.Resources.Requests)
		limits += len(c.Resources.Limits)
		for _, name := range []api.ResourceName{api.ResourceCPU, api.ResourceMemory} {
			l, hasLimit := c.Resources.Limits[name]
			r, hasRequest := c.Resources.Requests[name]
			if !hasLimit || (hasRequest && r.Cmp(l) != 0) {
				guaranteed = false
			}
		}
	}
	switch {
	case requests == 0 && limits == 0:
		return api.PodQOSBestEffort
	case guaranteed:
		return api.PodQOSGuaranteed
	}
	return api.PodQOSBurstable
}

// hasStatus reports whether a kind's status is written only through its status
// subresource.
func hasStatus(kind api.KindInfo) bool { return slices.Contains(kind.Subresources, "status") }

// copyStatus sets dst's status to src's.
func copyStatus(dst, src api.Object) {
	switch d := dst.(type) {
	case *api.Pod:
		d.Status = src.(*api.Pod).Status
	case *api.Node:
		d.Status = src.(*api.Node).Status
	case *api.ReplicaSet:
		d.Status = src.(*api.ReplicaSet).Status
	case *api.Namespace:
		d.Status = src.(*api.Namespace).Status
	}
}

// prepareForUpdate carries over from old what an update of the main resource may not
// change: system metadata, the status (for kinds with a status subresource) and the
// generation, which goes up with spec changes only.
func prepareForUpdate(kind api.KindInfo, obj, old api.Object) {
	m, om := obj.GetObjectMeta(), old.GetObjectMeta()
	if m.UID == "" {
		m.UID = om.UID
	}
	m.CreationTimestamp = om.CreationTimestamp
	m.DeletionTimestamp = om.DeletionTimestamp
	m.DeletionGracePeriodSeconds = om.DeletionGracePeriodSeconds
	if hasStatus(kind) {
		copyStatus(obj, old)
	}
	if ns, ok := obj.(*api.Namespace); ok {
		// Namespace finalizers change through the finalize subresource only.
		ns.Spec.Finalizers = old.(*api.Namespace).Spec.Finalizers
	}
	validation.Default(obj)
	validation.UpdateGeneration(obj, old)
}

// statusUpdate is old with the status of obj: what an update through the status
// subresource stores. Metadata and spec changes in obj are ignored.
func statusUpdate(obj, old api.Object) api.Object {
	out := deepCopy(old)
	copyStatus(out, obj)
	out.GetObjectMeta().ResourceVersion = obj.GetObjectMeta().ResourceVersion
	return out
}

// deepCopy copies any kind.
func deepCopy(obj api.Object) api.Object {
	if c, ok := obj.(interface{ DeepCopyObject() api.Object }); ok {
		return c.DeepCopyObject()
	}
	panic(fmt.Sprintf("apiserver: %T cannot be copied", obj))
}

// gracePeriod decides how a delete proceeds: 0 deletes now; more marks the object with
// a deletionTimestamp that far in the future and leaves the deletion to its owner (the
// kubelet, for pods). Only pods bound to a node have a grace period.
func gracePeriod(obj api.Object, opts *api.DeleteOptions) int64 {
	pod, ok := obj.(*api.Pod)
	if !ok {
		return 0
	}
	if pod.Spec.NodeName == "" {
		return 0 // never scheduled: nothing runs it, nothing to wait for
	}
	if pod.Status.Phase == api.PodSucceeded || pod.Status.Phase == api.PodFailed {
		return 0
	}
	if opts.GracePeriodSeconds != nil {
		return max(*opts.GracePeriodSeconds, 0)
	}
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		return *pod.Spec.TerminationGracePeriodSeconds
	}
	return 30
}
