package scheduler

import (
	"slices"
	"sync"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
)

// cache is the scheduler's view of nodes and the pods on them: pods bound (seen from
// the API) and pods assumed (decided by this scheduler, binding in flight). A snapshot
// of it is taken at the start of each cycle; only the nodes changed since the last
// snapshot are copied. Safe for concurrent use.
type cache struct {
	mu    sync.Mutex
	nodes map[string]*framework.NodeInfo // by name; Node nil when only pods are known
	pods  map[string]*podState           // by uid
	dirty map[string]bool                // node names changed since the last snapshot
	gen   int64
	now   func() time.Time
	ttl   time.Duration // how long an assumed pod waits for its binding to be seen
	added bool          // a node was added or removed since the last snapshot
}

type podState struct {
	pod      *api.Pod
	assumed  bool
	deadline time.Time // once binding finished; zero while binding
}

func newCache(now func() time.Time, ttl time.Duration) *cache {
	return &cache{nodes: map[string]*framework.NodeInfo{}, pods: map[string]*podState{}, dirty: map[string]bool{}, now: now, ttl: ttl}
}

func (c *cache) touch(name string) *framework.NodeInfo {
	n, ok := c.nodes[name]
	if !ok {
		n = &framework.NodeInfo{UsedPorts: map[framework.HostPort]bool{}}
		c.nodes[name] = n
	}
	c.gen++
	n.Generation = c.gen
	c.dirty[name] = true
	return n
}

func (c *cache) addNode(node *api.Node) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.touch(node.Name)
	if n.Node == nil {
		c.added = true
	}
	n.SetNode(node)
}

func (c *cache) removeNode(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.nodes[name]
	if !ok {
		return
	}
	c.touch(name)
	c.added = true
	if len(n.Pods) == 0 {
		delete(c.nodes, name)
		return
	}
	n.Node = nil // its pods are still there until they are deleted
}

func (c *cache) addPodLocked(p *api.Pod) {
	c.touch(p.Spec.NodeName).AddPod(framework.NewPodInfo(p))
}

func (c *cache) removePodLocked(p *api.Pod) {
	n, ok := c.nodes[p.Spec.NodeName]
	if !ok {
		return
	}
	n.RemovePod(p.UID)
	c.touch(p.Spec.NodeName)
	if n.Node == nil && len(n.Pods) == 0 {
		delete(c.nodes, p.Spec.NodeName)
	}
}

// addPod records a bound pod seen from the API, confirming an assumed one.
func (c *cache) addPod(p *api.Pod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.pods[p.UID]; ok {
		c.removePodLocked(st.pod)
	}
	c.addPodLocked(p)
	c.pods[p.UID] = &podState{pod: p}
}

// removePod forgets a pod that went.
func (c *cache) removePod(p *api.Pod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.pods[p.UID]; ok {
		c.removePodLocked(st.pod)
		delete(c.pods, p.UID)
	}
}

// assume records the scheduler's decision before the binding is written.
func (c *cache) assume(p *api.Pod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addPodLocked(p)
	c.pods[p.UID] = &podState{pod: p, assumed: true}
}

// finishBinding starts the wait for the binding to be seen.
func (c *cache) finishBinding(p *api.Pod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.pods[p.UID]; ok && st.assumed {
		st.deadline = c.now().Add(c.ttl)
	}
}

// forget drops an assumed pod whose binding failed.
func (c *cache) forget(p *api.Pod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.pods[p.UID]; ok && st.assumed {
		c.removePodLocked(st.pod)
		delete(c.pods, p.UID)
	}
}

// isAssumedOrBound reports whether the cache has a placement for uid.
func (c *cache) isAssumedOrBound(uid string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.pods[uid]
	return ok
}

// expire drops assumed pods whose binding was never seen within the TTL.
func (c *cache) expire() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	n := 0
	for uid, st := range c.pods {
		if st.assumed && !st.deadline.IsZero() && now.After(st.deadline) {
			c.removePodLocked(st.pod)
			delete(c.pods, uid)
			n++
		}
	}
	return n
}

// snapshot is the cycle's immutable view of the nodes.
type snapshot struct {
	infos map[string]*framework.NodeInfo
	list  []*framework.NodeInfo // by name
	index map[string]int        // position in list
}

func newSnapshot() *snapshot {
	return &snapshot{infos: map[string]*framework.NodeInfo{}, index: map[string]int{}}
}

// updateSnapshot brings s up to date, copying only the nodes changed since.
func (c *cache) updateSnapshot(s *snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name := range c.dirty {
		n, ok := c.nodes[name]
		if !ok || n.Node == nil {
			delete(s.infos, name)
			continue
		}
		clone := n.Clone()
		s.infos[name] = clone
		if i, ok := s.index[name]; ok && !c.added {
			s.list[i] = clone
		}
	}
	rebuild := c.added
	clear(c.dirty)
	c.added = false
	if !rebuild {
		return
	}
	s.list = s.list[:0]
	for _, n := range s.infos {
		s.list = append(s.list, n)
	}
	slices.SortFunc(s.list, func(a, b *framework.NodeInfo) int {
		switch {
		case a.Node.Name < b.Node.Name:
			return -1
		case a.Node.Name > b.Node.Name:
			return 1
		}
		return 0
	})
	clear(s.index)
	for i, n := range s.list {
		s.index[n.Node.Name] = i
	}
}
