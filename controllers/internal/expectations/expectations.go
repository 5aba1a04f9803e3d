// Package expectations records the creates and deletes a controller has asked for and
// not yet seen in its cache, so that a sync run before the cache catches up does not
// create or delete the same pods again (kube-controller-manager's
// ControllerExpectations).
package expectations

import (
	"sync"
	"time"
)

// TTL is how long expectations hold before a sync goes ahead anyway: a watch event that
// was lost must not stall the controller for ever.
const TTL = 5 * time.Minute

// Expectations are the pending creates and deletes per controller key. The zero value
// is not usable; make one with New. Safe for concurrent use.
type Expectations struct {
	now func() time.Time

	mu    sync.Mutex
	byKey map[string]*pending
}

type pending struct {
	adds    int
	deletes map[string]bool // keys of the objects to be deleted
	since   time.Time
}

// New returns empty Expectations on the clock now (nil means time.Now).
func New(now func() time.Time) *Expectations {
	if now == nil {
		now = time.Now
	}
	return &Expectations{now: now, byKey: map[string]*pending{}}
}

// Satisfied reports whether key has no pending creates or deletes, or they have
// waited longer than TTL, or none were ever recorded: a sync may then act.
func (e *Expectations) Satisfied(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, ok := e.byKey[key]
	return !ok || (p.adds <= 0 && len(p.deletes) == 0) || e.now().Sub(p.since) > TTL
}

// ExpectCreations records that n creates were asked for, replacing what key expected.
func (e *Expectations) ExpectCreations(key string, n int) {
	e.set(key, &pending{adds: n, since: e.now()})
}

// ExpectDeletions records the objects whose deletes were asked for, replacing what
// key expected.
func (e *Expectations) ExpectDeletions(key string, objects []string) {
	p := &pending{deletes: map[string]bool{}, since: e.now()}
	for _, o := range objects {
		p.deletes[o] = true
	}
	e.set(key, p)
}

func (e *Expectations) set(key string, p *pending) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.byKey[key] = p
}

// CreationObserved lowers key's pending creates by one (a create was seen, or one
// that was expected will not happen).
func (e *Expectations) CreationObserved(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.byKey[key]; ok && p.adds > 0 {
		p.adds--
	}
}

// DeletionObserved removes object from key's pending deletes.
func (e *Expectations) DeletionObserved(key, object string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.byKey[key]; ok {
		delete(p.deletes, object)
	}
}

// Delete forgets key (its controller object is gone).
func (e *Expectations) Delete(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.byKey, key)
}
