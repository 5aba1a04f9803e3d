// Package scheduler is the sample scheduler: it places pending pods on nodes with
// kube-scheduler's semantics: a priority queue with backoff and requeue on cluster
// events, a cache of nodes with assume-then-bind, filter and score plugins (the
// built-in ones of package plugins and any a program adds through the framework API),
// Kubernetes' percentageOfNodesToScore, and the events and conditions that explain
// its decisions.
package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/record"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
	"github.com/orrery-dev/orrery/controllers/scheduler/plugins"
	"github.com/orrery-dev/orrery/informer"
	"github.com/orrery-dev/orrery/manager"
)

// DefaultSchedulerName is the spec.schedulerName of pods that name none.
const DefaultSchedulerName = "default-scheduler"

// Name is the controller's name in logs and leader election.
const Name = "kube-scheduler"

// WeightedPlugin is a plugin with its score weight (ignored for plugins that do not
// score).
type WeightedPlugin struct {
	Plugin framework.Plugin
	Weight int64
}

// Options configure the scheduler. The zero value is kube-scheduler's default profile.
type Options struct {
	// SchedulerName is the spec.schedulerName of the pods this scheduler takes. Empty
	// means "default-scheduler".
	SchedulerName string
	// Plugins are the plugins, in order. Nil means DefaultPlugins().
	Plugins []WeightedPlugin
	// PercentageOfNodesToScore is how many nodes, in percent, are looked at for each
	// pod once that many fit. Zero means Kubernetes' adaptive default: 50% less 1% per
	// 125 nodes, at least 5%, and at least 100 nodes.
	PercentageOfNodesToScore int32
	// Parallelism is how many nodes are filtered and scored at once. Zero means 16.
	Parallelism int
	// BindParallelism bounds the bindings in flight. Zero means 64.
	BindParallelism int
	// AssumedPodTTL is how long an assumed pod waits, after its binding was written,
	// for the binding to be seen. Zero means 30 seconds.
	AssumedPodTTL time.Duration
}

// DefaultPlugins are kube-scheduler's default plugins with their default weights.
func DefaultPlugins(namespaceLabels func(string) map[string]string) []WeightedPlugin {
	return []WeightedPlugin{
		{Plugin: plugins.NodeUnschedulable{}},
		{Plugin: plugins.NodeName{}},
		{Plugin: plugins.TaintToleration{}, Weight: 3},
		{Plugin: plugins.NodeAffinity{}, Weight: 2},
		{Plugin: plugins.NodePorts{}},
		{Plugin: plugins.NodeResourcesFit{Strategy: plugins.LeastAllocated}, Weight: 1},
		{Plugin: plugins.PodTopologySpread{}, Weight: 2},
		{Plugin: plugins.InterPodAffinity{NamespaceLabels: namespaceLabels}, Weight: 2},
		{Plugin: plugins.BalancedAllocation{}, Weight: 1},
	}
}

// Scheduler is the scheduler.
type Scheduler struct {
	opts    Options
	client  *client.Client
	cache   *cache
	queue   *queue
	snap    *snapshot
	events  record.Recorder
	logger  *zap.Logger
	metrics *metrics
	now     func() time.Time

	preFilters []framework.PreFilterPlugin
	filters    []framework.FilterPlugin
	preScores  []framework.PreScorePlugin
	scores     []weightedScore
	postBinds  []framework.PostBindPlugin

	nextStart atomic.Int64
	bindSlots chan struct{}
	// The scores of the cycle, kept from one pod to the next: one cycle runs at a time.
	cycleTotals, cycleScores []framework.NodeScore
	binds                    sync.WaitGroup
}

type weightedScore struct {
	plugin framework.ScorePlugin
	weight int64
}

// Setup adds the scheduler to m; it runs while the manager leads.
func Setup(m *manager.Manager, opts Options) (*Scheduler, error) {
	if opts.SchedulerName == "" {
		opts.SchedulerName = DefaultSchedulerName
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = 16
	}
	if opts.BindParallelism <= 0 {
		opts.BindParallelism = 64
	}
	if opts.AssumedPodTTL <= 0 {
		opts.AssumedPodTTL = 30 * time.Second
	}
	s := &Scheduler{opts: opts, client: m.Client(), events: m.EventRecorder(opts.SchedulerName),
		logger: m.Logger().Named("scheduler"), now: time.Now, snap: newSnapshot(),
		bindSlots: make(chan struct{}, opts.BindParallelism)}
	s.cache = newCache(s.now, opts.AssumedPodTTL)
	s.queue = newQueue(s.now)
	var err error
	if s.metrics, err = newMetrics(m.Registry(), s.queue); err != nil {
		return nil, err
	}
	namespaces, err := manager.NewClient[*api.Namespace](m, manager.Scope{})
	if err != nil {
		return nil, err
	}
	if opts.Plugins == nil {
		opts.Plugins = DefaultPlugins(func(ns string) map[string]string {
			n, err := namespaces.Lister().Get(ns)
			if err != nil {
				return nil
			}
			return n.Labels
		})
		s.opts.Plugins = opts.Plugins
	}
	if err := s.register(opts.Plugins); err != nil {
		return nil, err
	}

	pods, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.Pod]{})
	if err != nil {
		return nil, err
	}
	if _, err := pods.AddHandler(informer.HandlerFuncs[*api.Pod]{
		AddFunc:    func(p *api.Pod, _ bool) { s.podChanged(nil, p) },
		UpdateFunc: s.podChanged,
		DeleteFunc: s.podDeleted,
	}); err != nil {
		return nil, err
	}
	nodes, err := manager.Cache(m, manager.Scope{}, manager.CacheOptions[*api.Node]{})
	if err != nil {
		return nil, err
	}
	if _, err := nodes.AddHandler(informer.HandlerFuncs[*api.Node]{
		AddFunc: func(n *api.Node, _ bool) { s.cache.addNode(n); s.queue.moveAll() },
		UpdateFunc: func(old, n *api.Node) {
			s.cache.addNode(n)
			if nodeChangeMayHelp(old, n) {
				s.queue.moveAll()
			}
		},
		DeleteFunc: func(n *api.Node) { s.cache.removeNode(n.Name) },
	}); err != nil {
		return nil, err
	}
	return s, m.Add(manager.RunnableFunc(s.run), true)
}

func (s *Scheduler) register(ps []WeightedPlugin) error {
	names := map[string]bool{}
	for _, wp := range ps {
		p := wp.Plugin
		if names[p.Name()] {
			return fmt.Errorf("scheduler: two plugins named %q", p.Name())
		}
		names[p.Name()] = true
		used := false
		if x, ok := p.(framework.PreFilterPlugin); ok {
			s.preFilters, used = append(s.preFilters, x), true
		}
		if x, ok := p.(framework.FilterPlugin); ok {
			s.filters, used = append(s.filters, x), true
		}
		if x, ok := p.(framework.PreScorePlugin); ok {
			s.preScores, used = append(s.preScores, x), true
		}
		if x, ok := p.(framework.ScorePlugin); ok && wp.Weight > 0 {
			s.scores, used = append(s.scores, weightedScore{x, wp.Weight}), true
		}
		if x, ok := p.(framework.PostBindPlugin); ok {
			s.postBinds, used = append(s.postBinds, x), true
		}
		if !used {
			return fmt.Errorf("scheduler: plugin %q implements no extension point (or scores with weight 0)", p.Name())
		}
	}
	return nil
}

// nodeChangeMayHelp reports whether a node's change may let an unschedulable pod fit.
func nodeChangeMayHelp(old, n *api.Node) bool {
	return old.Spec.Unschedulable != n.Spec.Unschedulable || !equalLabels(old.Labels, n.Labels) ||
		fmt.Sprint(old.Spec.Taints) != fmt.Sprint(n.Spec.Taints) ||
		fmt.Sprint(old.Status.Allocatable) != fmt.Sprint(n.Status.Allocatable)
}

func (s *Scheduler) responsible(p *api.Pod) bool {
	name := p.Spec.SchedulerName
	if name == "" {
		name = DefaultSchedulerName
	}
	return name == s.opts.SchedulerName
}

func (s *Scheduler) podChanged(old, p *api.Pod) {
	switch {
	case p.Spec.NodeName != "":
		if old != nil && old.Spec.NodeName == "" {
			s.queue.remove(p)
		}
		if p.Status.Phase == api.PodSucceeded || p.Status.Phase == api.PodFailed {
			s.cache.removePod(p) // finished: its resources are free
			s.queue.moveAll()
			return
		}
		s.cache.addPod(p)
	case p.DeletionTimestamp == nil && s.responsible(p) && p.Status.Phase != api.PodSucceeded && p.Status.Phase != api.PodFailed:
		s.queue.add(p)
	}
}

func (s *Scheduler) podDeleted(p *api.Pod) {
	if p.Spec.NodeName == "" {
		s.queue.remove(p)
		return
	}
	s.cache.removePod(p)
	s.queue.moveAll()
}

// run schedules pods until ctx ends, then waits for the bindings in flight.
func (s *Scheduler) run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() { s.queue.run(ctx) })
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if n := s.cache.expire(); n > 0 {
					s.logger.Warn("assumed pods expired without their binding being seen", zap.Int("pods", n))
					s.queue.moveAll()
				}
			}
		}
	})
	s.logger.Info("scheduler started", zap.String("schedulerName", s.opts.SchedulerName))
	for {
		qp, pod, cycle := s.queue.popPod(ctx)
		if qp == nil {
			break
		}
		s.scheduleOne(ctx, qp, pod, cycle)
	}
	s.binds.Wait()
	wg.Wait()
	return nil
}

// fitError is the outcome of a pod that fits no node.
type fitError struct {
	nodes    int
	statuses map[string]*framework.Status // by node
	pre      *framework.Status            // a PreFilter that rejected the pod outright
	post     string                       // what preemption found
}

// Error is kube-scheduler's message: "0/3 nodes are available: 1 Insufficient cpu, 2
// node(s) had untolerated taint {k: v}."
func (e *fitError) Error() string {
	msg := e.message()
	if e.post != "" {
		msg += " " + e.post
	}
	return msg
}

func (e *fitError) message() string {
	if e.pre != nil {
		return fmt.Sprintf("0/%d nodes are available: %s.", e.nodes, e.pre.Message())
	}
	counts := map[string]int{}
	for _, st := range e.statuses {
		for _, r := range st.Reasons {
			counts[r]++
		}
	}
	var parts []string
	for r, n := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", n, r))
	}
	sort.Strings(parts)
	msg := fmt.Sprintf("0/%d nodes are available", e.nodes)
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, ", ")
	}
	return msg + "."
}

// scheduleOne runs one scheduling cycle for qp.
func (s *Scheduler) scheduleOne(ctx context.Context, qp *queuedPod, pod *api.Pod, cycle int64) {
	if pod.DeletionTimestamp != nil || s.cache.isAssumedOrBound(pod.UID) {
		s.queue.done(qp)
		return
	}
	start := s.now()
	s.cache.updateSnapshot(s.snap)
	state := framework.NewCycleState(s.snap.list)
	host, err := s.schedule(ctx, state, pod)
	if err != nil {
		var fe *fitError
		unschedulable := errors.As(err, &fe)
		result := "error"
		if unschedulable {
			result = "unschedulable"
			if fe.pre == nil && len(s.snap.list) > 0 {
				_, fe.post = s.preempt(ctx, state, pod, fe)
			}
		}
		s.metrics.attempts.WithLabelValues(result, s.opts.SchedulerName).Inc()
		s.metrics.attemptDuration.WithLabelValues(result, s.opts.SchedulerName).Observe(s.now().Sub(start).Seconds())
		s.fail(ctx, qp, pod, cycle, err, unschedulable)
		return
	}
	assumed := pod.DeepCopy()
	assumed.Spec.NodeName = host
	s.cache.assume(assumed)
	s.metrics.attempts.WithLabelValues("scheduled", s.opts.SchedulerName).Inc()
	s.metrics.attemptDuration.WithLabelValues("scheduled", s.opts.SchedulerName).Observe(s.now().Sub(start).Seconds())
	select {
	case s.bindSlots <- struct{}{}:
	case <-ctx.Done():
		s.cache.forget(assumed)
		s.queue.done(qp)
		return
	}
	s.binds.Go(func() {
		defer func() { <-s.bindSlots }()
		s.bind(ctx, qp, cycle, assumed, host, state)
	})
}

// schedule finds the best node for pod.
func (s *Scheduler) schedule(ctx context.Context, state *framework.CycleState, pod *api.Pod) (string, error) {
	nodes := s.snap.list
	if len(nodes) == 0 {
		return "", &fitError{nodes: 0}
	}
	skip := map[string]bool{}
	for _, p := range s.preFilters {
		st := p.PreFilter(ctx, state, pod, nodes)
		if st.IsSkip() {
			skip[p.Name()] = true
			continue
		}
		if st.IsSuccess() {
			continue
		}
		if st.Code == framework.Error {
			return "", fmt.Errorf("running PreFilter plugin %q: %s", p.Name(), st.Message())
		}
		return "", &fitError{nodes: len(nodes), pre: st}
	}
	filters := s.filters
	if len(skip) > 0 {
		filters = nil
		for _, f := range s.filters {
			if !skip[f.Name()] {
				filters = append(filters, f)
			}
		}
	}
	feasible, statuses, err := s.findFeasible(ctx, state, pod, nodes, filters)
	if err != nil {
		return "", err
	}
	if len(feasible) == 0 {
		return "", &fitError{nodes: len(nodes), statuses: statuses}
	}
	if len(feasible) == 1 {
		return feasible[0].Node.Name, nil
	}
	scores, err := s.score(ctx, state, pod, feasible)
	if err != nil {
		return "", err
	}
	return selectHost(scores), nil
}

// numFeasibleNodesToFind is how many feasible nodes to look for among n, by
// percentageOfNodesToScore.
func (s *Scheduler) numFeasibleNodesToFind(n int) int {
	const minNodes, minPercent = 100, 5
	if n < minNodes {
		return n
	}
	pct := int(s.opts.PercentageOfNodesToScore)
	if pct <= 0 {
		pct = max(50-n/125, minPercent)
	}
	if pct >= 100 {
		return n
	}
	return max(n*pct/100, minNodes)
}

// findFeasible filters nodes in parallel, starting where the last cycle stopped,
// until enough fit.
func (s *Scheduler) findFeasible(ctx context.Context, state *framework.CycleState, pod *api.Pod, nodes []*framework.NodeInfo, filters []framework.FilterPlugin) ([]*framework.NodeInfo, map[string]*framework.Status, error) {
	n := len(nodes)
	want := s.numFeasibleNodesToFind(n)
	start := int(s.nextStart.Load() % int64(n))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu        sync.Mutex
		feasible  = make([]*framework.NodeInfo, 0, want)
		statuses  = map[string]*framework.Status{}
		firstErr  error
		found     atomic.Int64
		processed atomic.Int64
	)
	check := func(i int) {
		node := nodes[(start+i)%n]
		st := runFilters(ctx, filters, state, pod, node)
		processed.Add(1)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case st.IsSuccess():
			if found.Add(1) <= int64(want) {
				feasible = append(feasible, node)
			}
			if found.Load() >= int64(want) {
				cancel()
			}
		case st.Code == framework.Error:
			if firstErr == nil {
				firstErr = fmt.Errorf("running filter plugin %q on node %s: %s", st.Plugin, node.Node.Name, st.Message())
			}
			cancel()
		default:
			statuses[node.Node.Name] = st
		}
	}
	parallelize(ctx, s.opts.Parallelism, n, check)
	s.nextStart.Store(int64((start + int(processed.Load())) % n))
	return feasible, statuses, firstErr
}

func runFilters(ctx context.Context, filters []framework.FilterPlugin, state *framework.CycleState, pod *api.Pod, node *framework.NodeInfo) *framework.Status {
	for _, f := range filters {
		if st := f.Filter(ctx, state, pod, node); !st.IsSuccess() {
			st.Plugin = f.Name()
			return st
		}
	}
	return nil
}

// score ranks the feasible nodes: each score plugin's scores, normalized to 0-100,
// times its weight, summed.
func (s *Scheduler) score(ctx context.Context, state *framework.CycleState, pod *api.Pod, nodes []*framework.NodeInfo) ([]framework.NodeScore, error) {
	skip := map[string]bool{}
	for _, p := range s.preScores {
		st := p.PreScore(ctx, state, pod, nodes)
		switch {
		case st.IsSkip():
			skip[p.Name()] = true
		case !st.IsSuccess():
			return nil, fmt.Errorf("running PreScore plugin %q: %s", p.Name(), st.Message())
		}
	}
	s.cycleTotals, s.cycleScores = resize(s.cycleTotals, len(nodes)), resize(s.cycleScores, len(nodes))
	totals, scores := s.cycleTotals, s.cycleScores // scores: each plugin's in turn
	for i, n := range nodes {
		totals[i] = framework.NodeScore{Name: n.Node.Name}
	}
	for _, ws := range s.scores {
		if skip[ws.plugin.Name()] {
			continue
		}
		var failed atomic.Pointer[framework.Status]
		parallelize(ctx, s.opts.Parallelism, len(nodes), func(i int) {
			sc, st := ws.plugin.Score(ctx, state, pod, nodes[i])
			if !st.IsSuccess() {
				failed.Store(st)
			}
			scores[i] = framework.NodeScore{Name: nodes[i].Node.Name, Score: sc}
		})
		if st := failed.Load(); st != nil {
			return nil, fmt.Errorf("running Score plugin %q: %s", ws.plugin.Name(), st.Message())
		}
		if err := ctx.Err(); err != nil { // not every node scored
			return nil, err
		}
		if norm, ok := ws.plugin.(framework.ScoreNormalizer); ok {
			if st := norm.NormalizeScore(ctx, state, pod, scores); !st.IsSuccess() {
				return nil, fmt.Errorf("running NormalizeScore of %q: %s", ws.plugin.Name(), st.Message())
			}
		}
		for i := range scores {
			totals[i].Score += min(max(scores[i].Score, 0), framework.MaxNodeScore) * ws.weight
		}
	}
	return totals, nil
}

// resize returns b with length n, reusing its array when it is large enough.
func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// chunk is how many nodes a worker takes at a time: per-node hand-out would cost more
// than checking a node.
const chunk = 32

// parallelize calls fn for 0..n-1 from up to workers goroutines, in chunks, until done
// or ctx ends.
func parallelize(ctx context.Context, workers, n int, fn func(i int)) {
	chunks := (n + chunk - 1) / chunk
	workers = min(workers, chunks)
	if workers <= 1 {
		for i := range n {
			if ctx.Err() != nil {
				return
			}
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks || ctx.Err() != nil {
					return
				}
				for i := c * chunk; i < min((c+1)*chunk, n); i++ {
					fn(i)
				}
			}
		})
	}
	wg.Wait()
}

// selectHost picks the highest score, a random one among equals.
func selectHost(scores []framework.NodeScore) string {
	best, ties := 0, 1
	for i := 1; i < len(scores); i++ {
		switch {
		case scores[i].Score > scores[best].Score:
			best, ties = i, 1
		case scores[i].Score == scores[best].Score:
			ties++
			if rand.IntN(ties) == 0 {
				best = i
			}
		}
	}
	return scores[best].Name
}

// bind writes the binding; on failure the assumption is dropped and the pod retried.
func (s *Scheduler) bind(ctx context.Context, qp *queuedPod, cycle int64, pod *api.Pod, host string, state *framework.CycleState) {
	err := client.Resource[*api.Pod](s.client).Namespace(pod.Namespace).Bind(ctx, &api.Binding{
		ObjectMeta: api.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, UID: pod.UID},
		Target:     api.ObjectReference{Kind: "Node", Name: host},
	})
	if err != nil {
		s.cache.forget(pod)
		if client.IsConflict(err) || client.IsNotFound(err) {
			s.queue.done(qp) // bound by someone else, or gone
			return
		}
		s.fail(ctx, qp, pod, cycle, fmt.Errorf("binding rejected: %w", err), false)
		return
	}
	s.cache.finishBinding(pod)
	s.queue.done(qp)
	s.metrics.sli.WithLabelValues(attemptsLabel(qp.attempts + 1)).Observe(s.now().Sub(qp.firstQueued).Seconds())
	s.events.Eventf(pod, api.EventTypeNormal, "Scheduled", "Successfully assigned %s/%s to %s", pod.Namespace, pod.Name, host)
	for _, p := range s.postBinds {
		p.PostBind(ctx, state, pod, host)
	}
}

func attemptsLabel(n int) string {
	if n >= 15 {
		return "15+"
	}
	return fmt.Sprint(n)
}

// fail reports a pod that could not be placed (event, PodScheduled=False) and requeues
// it.
func (s *Scheduler) fail(ctx context.Context, qp *queuedPod, pod *api.Pod, cycle int64, err error, unschedulable bool) {
	msg := err.Error()
	s.events.Event(pod, api.EventTypeWarning, "FailedScheduling", msg)
	reason := "SchedulerError"
	if unschedulable {
		reason = "Unschedulable"
	}
	s.queue.requeue(qp, cycle, unschedulable)
	if ctx.Err() != nil {
		return
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == api.PodScheduled && c.Status == api.ConditionFalse && c.Reason == reason && c.Message == msg {
			return // already says so
		}
	}
	cond := api.PodCondition{Type: api.PodScheduled, Status: api.ConditionFalse, Reason: reason, Message: msg, LastTransitionTime: api.NewTime(s.now())}
	patch, _ := json.Marshal(map[string]any{"status": map[string]any{"conditions": []api.PodCondition{cond}}})
	_, err = client.Resource[*api.Pod](s.client).Namespace(pod.Namespace).Patch(ctx, pod.Name, client.StrategicMergePatchType, patch, "status")
	if err != nil && !client.IsNotFound(err) {
		s.logger.Warn("update pod condition", zap.String("pod", qp.key), zap.Error(err))
	}
}
