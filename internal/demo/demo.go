// Package demo runs Orrery's demonstration: a fresh cluster, then a Deployment's
// life told step by step from what the components write (events, conditions, pods):
// nodes registering, pods created, scheduled and run, a node failing and its pods
// replaced, a scale-up and a rollout, cascading deletion, and an unschedulable pod
// explained.
package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/kubelet"
	"github.com/orrery-dev/orrery/controllers/nodelifecycle"
	"github.com/orrery-dev/orrery/internal/cluster"
)

// Config configures a demonstration.
type Config struct {
	// Cluster is the cluster to start (DataDir, Nodes, Fast, ...).
	Cluster cluster.Config
	// Replicas is the Deployment's size.
	Replicas int32
	// Out receives the narration; Terminal draws progress bars on it.
	Out      io.Writer
	Terminal bool
	// StepTimeout bounds each step.
	StepTimeout time.Duration
}

// result is one step's line of the summary.
type result struct {
	name     string
	took     time.Duration
	pods     int
	p50, p99 time.Duration
}

type runner struct {
	cfg     Config
	c       *client.Client
	pods    *client.ResourceClient[*api.Pod]
	results []result

	mu      sync.Mutex
	added   map[string]time.Time // pod name → when the watch first saw it
	running map[string]time.Time // pod name → when it was first seen Running
	current map[string]*api.Pod
}

const (
	ns      = "default"
	appName = "demo"
)

// Run starts the cluster and runs the steps; it returns the first step that failed.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Replicas <= 0 {
		cfg.Replicas = 30
	}
	if cfg.StepTimeout <= 0 {
		cfg.StepTimeout = 2 * time.Minute
	}
	if cfg.Cluster.Nodes <= 0 {
		cfg.Cluster.Nodes = 10
	}
	out := cfg.Out
	fmt.Fprintf(out, "Starting Orrery: apiserver (embedded etcd), controller-manager, scheduler and %d simulated nodes...\n", cfg.Cluster.Nodes)
	if cfg.Cluster.Fast {
		fmt.Fprintln(out, "(fast timings: a node is unreachable 5 s after its last heartbeat, and the demo's pods tolerate that for 5 s instead of 5 minutes)")
	}
	cl, err := cluster.Start(ctx, cfg.Cluster)
	if err != nil {
		return fmt.Errorf("start the cluster: %w", err)
	}
	defer cl.Stop()
	c, err := client.New(cl.ClientConfig)
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(out, "Cluster up at %s. To look around while it runs: export KUBECONFIG=%s\n\n", cl.Server.URL(), cl.KubeconfigPath())
	r := &runner{cfg: cfg, c: c, pods: client.Resource[*api.Pod](c).Namespace(ns),
		added: map[string]time.Time{}, running: map[string]time.Time{}, current: map[string]*api.Pod{}}
	wctx, stopWatch := context.WithCancel(ctx)
	watched, err := r.watchPods(wctx)
	if err != nil {
		stopWatch()
		return err
	}
	defer func() {
		stopWatch()
		<-watched
	}()
	steps := []struct {
		name string
		fn   func(ctx context.Context) (result, error)
	}{
		{"Nodes register and become Ready", r.nodesReady},
		{fmt.Sprintf("A Deployment of %d replicas runs", cfg.Replicas), r.deploy},
		{"A node fails; its pods are replaced elsewhere", r.nodeFails},
		{"Scale up, then roll out a new image", r.scaleAndRoll},
		{"Delete the Deployment; the garbage collector cleans up", r.deleteAll},
		{"A pod that fits nowhere is explained", r.unschedulable},
	}
	for i, s := range steps {
		fmt.Fprintf(out, "▶ Step %d/%d: %s\n", i+1, len(steps), s.name)
		sctx, cancel := context.WithTimeout(ctx, cfg.StepTimeout)
		start := time.Now()
		res, err := s.fn(sctx)
		cancel()
		if err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, s.name, err)
		}
		res.name, res.took = s.name, time.Since(start)
		r.results = append(r.results, res)
		fmt.Fprintf(out, "✓ done in %s\n\n", res.took.Round(10*time.Millisecond))
	}
	r.summary()
	return nil
}

// watchPods follows the demo's pods, noting when each appeared and first ran.
// It returns a channel closed once the watch has ended with ctx.
func (r *runner) watchPods(ctx context.Context) (<-chan struct{}, error) {
	w, err := r.pods.Watch(ctx, client.ListOptions{LabelSelector: "app=" + appName})
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer w.Stop()
		for ev := range w.ResultChan() {
			p, ok := ev.Object.(*api.Pod)
			if !ok {
				continue
			}
			now := time.Now()
			r.mu.Lock()
			if ev.Type == api.Deleted {
				delete(r.current, p.Name)
			} else {
				r.current[p.Name] = p
				if _, ok := r.added[p.Name]; !ok {
					r.added[p.Name] = now
				}
				if _, ok := r.running[p.Name]; !ok && p.Status.Phase == api.PodRunning {
					r.running[p.Name] = now
				}
			}
			r.mu.Unlock()
		}
	}()
	return done, nil
}

// counts returns the demo's live pods: pending unscheduled, scheduled not running,
// running; by node for the running ones.
func (r *runner) counts() (pending, scheduled, running int, byNode map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	byNode = map[string]int{}
	for _, p := range r.current {
		switch {
		case p.DeletionTimestamp != nil:
		case p.Status.Phase == api.PodRunning:
			running++
			byNode[p.Spec.NodeName]++
		case p.Spec.NodeName != "":
			scheduled++
		default:
			pending++
		}
	}
	return pending, scheduled, running, byNode
}

// progress shows the pod counts: a bar on a terminal, a line a second otherwise.
func (r *runner) progress(want int, last *time.Time) {
	pending, scheduled, running, _ := r.counts()
	if r.cfg.Terminal {
		const width = 30
		filled := min(width, running*width/max(want, 1))
		fmt.Fprintf(r.cfg.Out, "\r  [%s%s] Pending %d  Scheduled %d  Running %d/%d   ", strings.Repeat("█", filled), strings.Repeat("·", width-filled), pending, scheduled, running, want)
		return
	}
	if time.Since(*last) >= time.Second {
		*last = time.Now()
		fmt.Fprintf(r.cfg.Out, "  Pending %d, Scheduled %d, Running %d/%d\n", pending, scheduled, running, want)
	}
}

func (r *runner) endProgress() {
	if r.cfg.Terminal {
		fmt.Fprintln(r.cfg.Out)
	}
}

// until polls cond every 50 ms until it holds, showing progress if want > 0.
func (r *runner) until(ctx context.Context, want int, what string, cond func() bool) error {
	var last time.Time
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		if want > 0 {
			r.progress(want, &last)
		}
		if cond() {
			if want > 0 {
				r.endProgress()
			}
			return nil
		}
		select {
		case <-ctx.Done():
			if want > 0 {
				r.endProgress()
			}
			return fmt.Errorf("%s: not within %v", what, r.cfg.StepTimeout)
		case <-t.C:
		}
	}
}

func (r *runner) say(format string, args ...any) { fmt.Fprintf(r.cfg.Out, "  "+format+"\n", args...) }

// events returns the events of reason since, newest last.
func (r *runner) events(ctx context.Context, reason string, since time.Time) []*api.Event {
	l, err := client.Resource[*api.Event](r.c).List(ctx, client.ListOptions{FieldSelector: "reason=" + reason})
	if err != nil {
		return nil
	}
	var out []*api.Event
	for _, e := range l.Items {
		if !e.LastTimestamp.Before(since.Truncate(time.Second)) {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LastTimestamp.Before(out[j].LastTimestamp.Time) })
	return out
}

func (r *runner) nodesReady(ctx context.Context) (result, error) {
	want := r.cfg.Cluster.Nodes
	var ready int
	err := r.until(ctx, 0, "nodes Ready", func() bool {
		l, err := client.Resource[*api.Node](r.c).List(ctx, client.ListOptions{LabelSelector: "type=orrery-simulated"})
		if err != nil {
			return false
		}
		ready = 0
		for _, n := range l.Items {
			for _, cond := range n.Status.Conditions {
				if cond.Type == api.NodeReady && cond.Status == api.ConditionTrue {
					ready++
				}
			}
		}
		return ready == want
	})
	if err != nil {
		return result{}, err
	}
	r.say("kubelet: %d nodes registered, each renewing its Lease in kube-node-lease; all Ready", ready)
	return result{}, nil
}

// latencies are the create→Running times of the pods first seen since.
func (r *runner) latencies(since time.Time) (int, time.Duration, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ds []time.Duration
	for name, added := range r.added {
		if run, ok := r.running[name]; ok && !added.Before(since) {
			ds = append(ds, run.Sub(added))
		}
	}
	if len(ds) == 0 {
		return 0, 0, 0
	}
	slices.Sort(ds)
	return len(ds), ds[len(ds)*50/100], ds[min(len(ds)-1, len(ds)*99/100)]
}

func (r *runner) deployment(replicas int32) *api.Deployment {
	labels := map[string]string{"app": appName}
	d := &api.Deployment{
		ObjectMeta: api.ObjectMeta{Name: appName, Namespace: ns},
		Spec: api.DeploymentSpec{Replicas: &replicas, Selector: &api.LabelSelector{MatchLabels: labels},
			Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: labels},
				Spec: api.PodSpec{Containers: []api.Container{{Name: "web", Image: "nginx:1.27",
					Resources: api.ResourceRequirements{Requests: api.ResourceList{api.ResourceCPU: api.MustParseQuantity("100m"), api.ResourceMemory: api.MustParseQuantity("64Mi")}}}}}}},
	}
	if r.cfg.Cluster.Fast {
		five := int64(5)
		for _, key := range []string{nodelifecycle.TaintUnreachable, nodelifecycle.TaintNotReady} {
			d.Spec.Template.Spec.Tolerations = append(d.Spec.Template.Spec.Tolerations,
				api.Toleration{Key: key, Operator: api.TolerationOpExists, Effect: api.TaintEffectNoExecute, TolerationSeconds: &five})
		}
	}
	return d
}

func (r *runner) deploy(ctx context.Context) (result, error) {
	start := time.Now()
	want := int(r.cfg.Replicas)
	if _, err := client.Resource[*api.Deployment](r.c).Namespace(ns).Create(ctx, r.deployment(r.cfg.Replicas)); err != nil {
		return result{}, err
	}
	r.say("kubectl create deployment %s --replicas=%d (through the API)", appName, want)
	err := r.until(ctx, want, "all pods Running", func() bool {
		_, _, running, _ := r.counts()
		return running == want
	})
	if err != nil {
		return result{}, err
	}
	for _, e := range r.events(ctx, "ScalingReplicaSet", start) {
		r.say("deployment-controller: %s", e.Message)
	}
	_, _, _, byNode := r.counts()
	r.say("replicaset-controller created %d pods; default-scheduler bound them to %d nodes; the kubelets started them", want, len(byNode))
	n, p50, p99 := r.latencies(start)
	return result{pods: n, p50: p50, p99: p99}, nil
}

func (r *runner) nodeFails(ctx context.Context) (result, error) {
	_, _, _, byNode := r.counts()
	victim, most := "", 0
	for n, k := range byNode {
		if k > most || (k == most && n < victim) {
			victim, most = n, k
		}
	}
	start := time.Now()
	nodes := client.Resource[*api.Node](r.c)
	if _, err := nodes.Patch(ctx, victim, client.MergePatchType, []byte(`{"metadata":{"annotations":{"`+kubelet.AnnotationSimulate+`":"down"}}}`)); err != nil {
		return result{}, err
	}
	r.say("%s loses power (annotation %s=down): it stops renewing its Lease; it runs %d of the pods", victim, kubelet.AnnotationSimulate, most)
	var node *api.Node
	err := r.until(ctx, 0, "node NotReady", func() bool {
		n, err := nodes.Get(ctx, victim)
		if err != nil {
			return false
		}
		node = n
		for _, t := range n.Spec.Taints {
			if t.Key == nodelifecycle.TaintUnreachable && t.Effect == api.TaintEffectNoExecute {
				return true
			}
		}
		return false
	})
	if err != nil {
		return result{}, err
	}
	for _, cond := range node.Status.Conditions {
		if cond.Type == api.NodeReady {
			r.say("node-lifecycle-controller: %s Ready=%s (%s) after %s; taints %s:NoSchedule and :NoExecute",
				victim, cond.Status, cond.Message, time.Since(start).Round(100*time.Millisecond), nodelifecycle.TaintUnreachable)
		}
	}
	want := int(r.cfg.Replicas)
	err = r.until(ctx, want, "pods replaced", func() bool {
		_, _, running, byNode := r.counts()
		return running == want && byNode[victim] == 0
	})
	if err != nil {
		return result{}, err
	}
	evicted := len(r.events(ctx, "TaintManagerEviction", start))
	r.say("taint-eviction-controller evicted %d pods once their toleration ran out; replicaset-controller replaced them and default-scheduler placed them on other nodes", evicted)
	if _, err := nodes.Patch(ctx, victim, client.MergePatchType, []byte(`{"metadata":{"annotations":{"`+kubelet.AnnotationSimulate+`":null}}}`)); err != nil {
		return result{}, err
	}
	_ = r.until(ctx, 0, "node back", func() bool {
		n, err := nodes.Get(ctx, victim)
		return err == nil && len(n.Spec.Taints) == 0
	})
	r.say("%s is back: Ready again, taints removed", victim)
	n, p50, p99 := r.latencies(start)
	return result{pods: n, p50: p50, p99: p99}, nil
}

func (r *runner) scaleAndRoll(ctx context.Context) (result, error) {
	start := time.Now()
	ds := client.Resource[*api.Deployment](r.c).Namespace(ns)
	want := r.cfg.Replicas + 10
	update := func(change func(*api.Deployment)) error {
		return client.RetryOnConflict(ctx, func() error {
			d, err := ds.Get(ctx, appName)
			if err != nil {
				return err
			}
			change(d)
			_, err = ds.Update(ctx, d)
			return err
		})
	}
	if err := update(func(d *api.Deployment) { d.Spec.Replicas = &want }); err != nil {
		return result{}, err
	}
	r.say("kubectl scale deployment %s --replicas=%d", appName, want)
	if err := r.until(ctx, int(want), "scaled", func() bool { _, _, running, _ := r.counts(); return running == int(want) }); err != nil {
		return result{}, err
	}
	if err := update(func(d *api.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.28" }); err != nil {
		return result{}, err
	}
	r.say("kubectl set image deployment/%s web=nginx:1.28: a rolling update (maxSurge 25%%, maxUnavailable 25%%)", appName)
	var last string
	err := r.until(ctx, 0, "rollout complete", func() bool {
		d, err := ds.Get(ctx, appName)
		if err != nil {
			return false
		}
		rs, _ := client.Resource[*api.ReplicaSet](r.c).Namespace(ns).List(ctx, client.ListOptions{LabelSelector: "app=" + appName})
		var parts []string
		if rs != nil {
			for _, x := range rs.Items {
				parts = append(parts, fmt.Sprintf("%s (%s) %d/%d", x.Name, x.Spec.Template.Spec.Containers[0].Image, x.Status.ReadyReplicas, *x.Spec.Replicas))
			}
		}
		sort.Strings(parts)
		line := strings.Join(parts, ", ")
		if line != last {
			r.say("replica sets: %s", line)
			last = line
		}
		return d.Status.ObservedGeneration >= d.Generation && d.Status.UpdatedReplicas == want && d.Status.Replicas == want && d.Status.AvailableReplicas == want
	})
	if err != nil {
		return result{}, err
	}
	r.say("deployment %s successfully rolled out (revision 2)", appName)
	n, p50, p99 := r.latencies(start)
	return result{pods: n, p50: p50, p99: p99}, nil
}

func (r *runner) deleteAll(ctx context.Context) (result, error) {
	rss, err := client.Resource[*api.ReplicaSet](r.c).Namespace(ns).List(ctx, client.ListOptions{LabelSelector: "app=" + appName})
	if err != nil {
		return result{}, err
	}
	_, _, running, _ := r.counts()
	if err := client.Resource[*api.Deployment](r.c).Namespace(ns).Delete(ctx, appName, nil); err != nil {
		return result{}, err
	}
	r.say("kubectl delete deployment %s", appName)
	err = r.until(ctx, 0, "everything gone", func() bool {
		rs, err1 := client.Resource[*api.ReplicaSet](r.c).Namespace(ns).List(ctx, client.ListOptions{LabelSelector: "app=" + appName})
		ps, err2 := r.pods.List(ctx, client.ListOptions{LabelSelector: "app=" + appName})
		return err1 == nil && err2 == nil && len(rs.Items) == 0 && len(ps.Items) == 0
	})
	if err != nil {
		return result{}, err
	}
	r.say("garbage-collector deleted the %d ReplicaSets it owned, and then their %d pods; nothing is left", len(rss.Items), running)
	return result{}, nil
}

func (r *runner) unschedulable(ctx context.Context) (result, error) {
	start := time.Now()
	p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "too-big", Namespace: ns},
		Spec: api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx:1.27",
			Resources: api.ResourceRequirements{Requests: api.ResourceList{api.ResourceCPU: api.MustParseQuantity("1000")}}}}}}
	if _, err := r.pods.Create(ctx, p); err != nil {
		return result{}, err
	}
	r.say("a pod asking for 1000 CPUs")
	var msg string
	err := r.until(ctx, 0, "FailedScheduling", func() bool {
		for _, e := range r.events(ctx, "FailedScheduling", start) {
			if e.InvolvedObject.Name == "too-big" {
				msg = e.Message
				return true
			}
		}
		return false
	})
	if err != nil {
		return result{}, err
	}
	r.say("default-scheduler: %s", msg)
	r.say("it stays Pending (PodScheduled=False, reason Unschedulable) until a node that fits appears")
	return result{}, nil
}

func (r *runner) summary() {
	out := r.cfg.Out
	fmt.Fprintln(out, "Summary")
	fmt.Fprintf(out, "  %-58s %10s %8s %10s %10s\n", "step", "duration", "pods/s", "p50", "p99")
	for _, res := range r.results {
		rate, p50, p99 := "-", "-", "-"
		if res.pods > 0 {
			rate = fmt.Sprintf("%.1f", float64(res.pods)/res.took.Seconds())
			p50, p99 = res.p50.Round(time.Millisecond).String(), res.p99.Round(time.Millisecond).String()
		}
		fmt.Fprintf(out, "  %-58s %10s %8s %10s %10s\n", res.name, res.took.Round(10*time.Millisecond), rate, p50, p99)
	}
	fmt.Fprintln(out, "  (p50 and p99: from a pod's creation to Running, as a watch saw them)")
}

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
