package garbagecollector

import (
	"slices"
	"sync"

	"github.com/orrery-dev/orrery/api"
)

// The finalizers of the propagation policies.
const (
	finalizerOrphan     = "orphan"
	finalizerForeground = "foregroundDeletion"
)

// node is one object in the graph of ownerReferences.
type node struct {
	kind            api.KindInfo
	namespace, name string
	uid             string
	resourceVersion string
	owners          []api.OwnerReference
	finalizers      []string
	deleting        bool // has a deletionTimestamp
	dependents      map[string]bool
}

func (n *node) has(finalizer string) bool { return slices.Contains(n.finalizers, finalizer) }

// waitingForDependents reports whether n is being deleted in the foreground.
func (n *node) waitingForDependents() bool { return n.deleting && n.has(finalizerForeground) }

// orphaning reports whether n is being deleted with its dependents orphaned.
func (n *node) orphaning() bool { return n.deleting && n.has(finalizerOrphan) }

// graph is every object of every collected kind, by uid, with its owners and
// dependents. Dependents of an owner not (yet) seen are kept, so that the owner finds
// them when it appears. Safe for concurrent use.
type graph struct {
	mu    sync.Mutex
	nodes map[string]*node
	// dependentsOf holds the dependents of uids, whether or not the owner was seen.
	dependentsOf map[string]map[string]bool
}

func newGraph() *graph {
	return &graph{nodes: map[string]*node{}, dependentsOf: map[string]map[string]bool{}}
}

// change is what an event did to the graph, for the collector to act on.
type change struct {
	// checkSelf: the object's owners may be gone or deleting.
	checkSelf bool
	// dependents to check: the object went away, or is deleting them in the
	// foreground.
	dependents []string
	// owners to check: they wait for their dependents and one went or left them.
	owners []string
	// orphan: the object is being deleted with its dependents orphaned.
	orphan bool
	// foreground: the object waits for its dependents.
	foreground bool
}

// upsert records obj (of kind) and reports what to check.
func (g *graph) upsert(kind api.KindInfo, m *api.ObjectMeta) change {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, existed := g.nodes[m.UID]
	if !existed {
		n = &node{}
		g.nodes[m.UID] = n
	}
	oldOwners := n.owners
	wasDeleting := n.deleting
	*n = node{kind: kind, namespace: m.Namespace, name: m.Name, uid: m.UID, resourceVersion: m.ResourceVersion,
		owners: slices.Clone(m.OwnerReferences), finalizers: slices.Clone(m.Finalizers),
		deleting: m.DeletionTimestamp != nil}
	var ch change
	// Re-link to the owners.
	for _, o := range oldOwners {
		if !hasOwner(n.owners, o.UID) {
			delete(g.dependentsOf[o.UID], n.uid)
			if owner, ok := g.nodes[o.UID]; ok && owner.waitingForDependents() {
				ch.owners = append(ch.owners, o.UID)
			}
		}
	}
	for _, o := range n.owners {
		set := g.dependentsOf[o.UID]
		if set == nil {
			set = map[string]bool{}
			g.dependentsOf[o.UID] = set
		}
		set[n.uid] = true
		owner, ok := g.nodes[o.UID]
		if !ok || owner.deleting {
			ch.checkSelf = true
		}
	}
	if n.waitingForDependents() {
		ch.foreground = true
		if !wasDeleting || !existed {
			ch.dependents = g.dependentsLocked(n.uid)
		}
	}
	if n.orphaning() {
		ch.orphan = true
	}
	// An owner that appears finds its dependents already there; nothing to do.
	return ch
}

// remove forgets the object uid and reports its dependents and the owners waiting
// for it.
func (g *graph) remove(uid string) change {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, ok := g.nodes[uid]
	if !ok {
		return change{}
	}
	delete(g.nodes, uid)
	ch := change{dependents: g.dependentsLocked(uid)}
	for _, o := range n.owners {
		delete(g.dependentsOf[o.UID], uid)
		if len(g.dependentsOf[o.UID]) == 0 {
			delete(g.dependentsOf, o.UID)
		}
		if owner, ok := g.nodes[o.UID]; ok && owner.waitingForDependents() {
			ch.owners = append(ch.owners, o.UID)
		}
	}
	return ch
}

func (g *graph) dependentsLocked(uid string) []string {
	out := make([]string, 0, len(g.dependentsOf[uid]))
	for d := range g.dependentsOf[uid] {
		out = append(out, d)
	}
	return out
}

// get returns a copy of the node uid.
func (g *graph) get(uid string) (node, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, ok := g.nodes[uid]
	if !ok {
		return node{}, false
	}
	return *n, true
}

// dependents returns copies of the nodes that name uid as an owner.
func (g *graph) dependents(uid string) []node {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []node
	for d := range g.dependentsOf[uid] {
		if n, ok := g.nodes[d]; ok {
			out = append(out, *n)
		}
	}
	return out
}

func hasOwner(refs []api.OwnerReference, uid string) bool {
	for _, r := range refs {
		if r.UID == uid {
			return true
		}
	}
	return false
}
