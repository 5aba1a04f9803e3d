package deployment

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/orrery-dev/orrery/api"
)

// The annotations the controller keeps on deployments and their replica sets, as
// Kubernetes names them (kubectl rollout history and undo read them).
const (
	RevisionAnnotation        = "deployment.kubernetes.io/revision"
	RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
	DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
	MaxReplicasAnnotation     = "deployment.kubernetes.io/max-replicas"
	lastAppliedAnnotation     = "kubectl.kubernetes.io/last-applied-configuration"
	rollbackToAnnotation      = "deprecated.deployment.rollback.to"
)

// The reasons of the Progressing and Available conditions.
const (
	ReasonNewRSCreated       = "NewReplicaSetCreated"
	ReasonFoundNewRS         = "FoundNewReplicaSet"
	ReasonRSUpdated          = "ReplicaSetUpdated"
	ReasonNewRSAvailable     = "NewReplicaSetAvailable"
	ReasonTimedOut           = "ProgressDeadlineExceeded"
	ReasonPaused             = "DeploymentPaused"
	ReasonResumed            = "DeploymentResumed"
	ReasonMinimumAvailable   = "MinimumReplicasAvailable"
	ReasonMinimumUnavailable = "MinimumReplicasUnavailable"
	ReasonFailedRSCreate     = "ReplicaSetCreateError"
)

func replicas(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

// scaledValue resolves an int-or-percent against total, rounding a percentage up or
// down.
func scaledValue(v *api.IntOrString, total int, roundUp bool) (int, error) {
	if v == nil {
		return 0, nil
	}
	if v.Type == api.IntOrStringInt {
		return int(v.IntVal), nil
	}
	s := strings.TrimSuffix(v.StrVal, "%")
	if s == v.StrVal {
		return 0, fmt.Errorf("invalid value for IntOrString: invalid type: string is not a percentage")
	}
	pct, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("invalid value %q: %w", v.StrVal, err)
	}
	if roundUp {
		return int(math.Ceil(float64(pct) * float64(total) / 100)), nil
	}
	return int(math.Floor(float64(pct) * float64(total) / 100)), nil
}

// resolveFenceposts returns maxSurge (a percentage rounded up) and maxUnavailable
// (rounded down) for desired replicas; both 0 becomes maxUnavailable 1, so a rollout
// can always move.
func resolveFenceposts(d *api.Deployment) (surge, unavailable int32) {
	ru := d.Spec.Strategy.RollingUpdate
	if d.Spec.Strategy.Type != api.RollingUpdateDeploymentStrategyType || ru == nil {
		return 0, 0
	}
	desired := int(replicas(d.Spec.Replicas))
	s, _ := scaledValue(ru.MaxSurge, desired, true)
	u, _ := scaledValue(ru.MaxUnavailable, desired, false)
	if s == 0 && u == 0 {
		u = 1
	}
	return int32(s), int32(u)
}

// maxSurge is the surge a rolling deployment allows (0 for Recreate).
func maxSurge(d *api.Deployment) int32 {
	s, _ := resolveFenceposts(d)
	return s
}

// maxUnavailable is the pods a rolling deployment may lack, at most spec.replicas.
func maxUnavailable(d *api.Deployment) int32 {
	want := replicas(d.Spec.Replicas)
	if d.Spec.Strategy.Type != api.RollingUpdateDeploymentStrategyType || want == 0 {
		return 0
	}
	_, u := resolveFenceposts(d)
	return min(u, want)
}

// sumSpec sums the replicas the replica sets ask for; sumStatus what they have;
// sumAvailable and sumReady their available and ready pods.
func sumSpec(rss []*api.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += replicas(rs.Spec.Replicas)
		}
	}
	return n
}

func sumStatus(rss []*api.ReplicaSet, f func(*api.ReplicaSetStatus) int32) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += f(&rs.Status)
		}
	}
	return n
}

// active returns the replica sets that ask for pods.
func active(rss []*api.ReplicaSet) []*api.ReplicaSet {
	var out []*api.ReplicaSet
	for _, rs := range rss {
		if rs != nil && replicas(rs.Spec.Replicas) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// templateKey is the pod template as JSON without the pod-template-hash label: two
// templates are the same rollout when their keys are equal.
func templateKey(t *api.PodTemplateSpec) string {
	cp := t.DeepCopy()
	delete(cp.Labels, api.DefaultDeploymentUniqueLabelKey)
	if len(cp.Labels) == 0 {
		cp.Labels = nil
	}
	b, _ := json.Marshal(cp)
	return string(b)
}

// safeAlphabet is the alphabet of hashes in names (no vowels, no ambiguous digits).
const safeAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// computeHash is the pod-template-hash of a template and collision count.
func computeHash(t *api.PodTemplateSpec, collisionCount *int32) string {
	h := fnv.New32a()
	h.Write([]byte(templateKey(t)))
	if collisionCount != nil {
		h.Write([]byte(strconv.FormatInt(int64(*collisionCount), 10)))
	}
	digits := strconv.FormatUint(uint64(h.Sum32()), 10)
	out := make([]byte, len(digits))
	for i := range digits {
		out[i] = safeAlphabet[int(digits[i])%len(safeAlphabet)]
	}
	return string(out)
}

// revision reads a replica set's revision annotation (0 if none or unreadable).
func revision(obj api.Object) int64 {
	v, err := strconv.ParseInt(obj.GetObjectMeta().Annotations[RevisionAnnotation], 10, 64)
	if err != nil {
		return 0
	}
	return v
}

// byCreation orders replica sets oldest first (then by name).
func byCreation(rss []*api.ReplicaSet) {
	sort.SliceStable(rss, func(i, j int) bool {
		a, b := rss[i], rss[j]
		if !a.CreationTimestamp.Equal(b.CreationTimestamp.Time) {
			return a.CreationTimestamp.Before(b.CreationTimestamp.Time)
		}
		return a.Name < b.Name
	})
}

// newRSReplicas is how many replicas the new replica set may have now: up to
// spec.replicas + maxSurge pods in all.
func newRSReplicas(d *api.Deployment, all []*api.ReplicaSet, newRS *api.ReplicaSet) int32 {
	want := replicas(d.Spec.Replicas)
	if d.Spec.Strategy.Type != api.RollingUpdateDeploymentStrategyType {
		return want
	}
	cur := int32(0)
	if newRS != nil {
		cur = replicas(newRS.Spec.Replicas)
	}
	// Pods of a replica set scaled down may not be gone yet: count what each asks for
	// or still has, whichever is more, so that pods never exceed the surge.
	var total int32
	for _, rs := range all {
		if rs != nil {
			total += max(replicas(rs.Spec.Replicas), rs.Status.Replicas)
		}
	}
	maxTotal := want + maxSurge(d)
	if total >= maxTotal {
		return cur
	}
	return cur + min(maxTotal-total, want-cur)
}

// replicaSetFraction is how many replicas rs gains or loses when the deployment
// scales, in proportion to its share of the size the deployment last had.
func replicaSetFraction(rs *api.ReplicaSet, d *api.Deployment) int32 {
	if replicas(d.Spec.Replicas) == 0 {
		return -replicas(rs.Spec.Replicas)
	}
	deploymentReplicas := replicas(d.Spec.Replicas) + maxSurge(d)
	annotated, err := strconv.ParseInt(rs.Annotations[MaxReplicasAnnotation], 10, 32)
	if err != nil || annotated == 0 {
		annotated = int64(d.Status.Replicas)
	}
	if annotated == 0 {
		return 0
	}
	size := float64(replicas(rs.Spec.Replicas)*deploymentReplicas) / float64(annotated)
	return int32(math.Round(size)) - replicas(rs.Spec.Replicas)
}

// proportion is rs's part of toAdd replicas, of which added are given out already.
func proportion(rs *api.ReplicaSet, d *api.Deployment, toAdd, added int32) int32 {
	if rs == nil || replicas(rs.Spec.Replicas) == 0 || toAdd == 0 || toAdd == added {
		return 0
	}
	f := replicaSetFraction(rs, d)
	allowed := toAdd - added
	if toAdd > 0 {
		return min(f, allowed)
	}
	return max(f, allowed)
}

// proportionalSizes spreads a change of the deployment's size over its active replica
// sets in proportion to their sizes; the remainder goes to the largest (newest first
// when growing, oldest first when shrinking). It returns the new size of each.
func proportionalSizes(d *api.Deployment, rss []*api.ReplicaSet) map[string]int32 {
	want := replicas(d.Spec.Replicas)
	allowed := want
	if want > 0 {
		allowed = want + maxSurge(d)
	}
	toAdd := allowed - sumSpec(rss)
	sorted := append([]*api.ReplicaSet(nil), rss...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if replicas(a.Spec.Replicas) != replicas(b.Spec.Replicas) {
			return replicas(a.Spec.Replicas) > replicas(b.Spec.Replicas)
		}
		if toAdd > 0 { // newer first
			return b.CreationTimestamp.Before(a.CreationTimestamp.Time)
		}
		return a.CreationTimestamp.Before(b.CreationTimestamp.Time)
	})
	sizes := map[string]int32{}
	var added int32
	for _, rs := range sorted {
		p := proportion(rs, d, toAdd, added)
		sizes[rs.Name] = replicas(rs.Spec.Replicas) + p
		added += p
	}
	if len(sorted) > 0 && added != toAdd {
		first := sorted[0].Name
		sizes[first] = max(0, sizes[first]+toAdd-added)
	}
	return sizes
}

// complete reports whether the rollout is done: every pod updated and available, and
// the latest spec observed.
func complete(d *api.Deployment, st *api.DeploymentStatus) bool {
	want := replicas(d.Spec.Replicas)
	return st.UpdatedReplicas == want && st.Replicas == want && st.AvailableReplicas == want &&
		st.ObservedGeneration >= d.Generation
}

// progressing reports whether st moved the rollout on from d's last status.
func progressing(d *api.Deployment, st *api.DeploymentStatus) bool {
	old := d.Status
	return st.UpdatedReplicas > old.UpdatedReplicas ||
		st.Replicas-st.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		st.ReadyReplicas > old.ReadyReplicas || st.AvailableReplicas > old.AvailableReplicas
}

func hasProgressDeadline(d *api.Deployment) bool {
	return d.Spec.ProgressDeadlineSeconds != nil && *d.Spec.ProgressDeadlineSeconds != math.MaxInt32
}

func condition(st *api.DeploymentStatus, t api.DeploymentConditionType) *api.DeploymentCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}

// setCondition puts c in st, keeping the transition time if the status is unchanged.
func setCondition(st *api.DeploymentStatus, c api.DeploymentCondition) {
	if cur := condition(st, c.Type); cur != nil {
		if cur.Status == c.Status && cur.Reason == c.Reason {
			return
		}
		if cur.Status == c.Status {
			c.LastTransitionTime = cur.LastTransitionTime
		}
	}
	removeCondition(st, c.Type)
	st.Conditions = append(st.Conditions, c)
}

func removeCondition(st *api.DeploymentStatus, t api.DeploymentConditionType) {
	out := st.Conditions[:0:0]
	for _, c := range st.Conditions {
		if c.Type != t {
			out = append(out, c)
		}
	}
	st.Conditions = out
	if len(st.Conditions) == 0 {
		st.Conditions = nil
	}
}
