package integration

import (
	"fmt"
	"maps"
	"sync"

	"github.com/orrery-dev/orrery/api"
)

// history is a Handler that checks, per key, that the sequence of events it is told
// is possible (add only when absent, update and delete only when present) and keeps
// the state it implies.
type history struct {
	mu         sync.Mutex
	state      map[string]string // key → resourceVersion
	violations []string
	events     int
	block      chan struct{} // when not nil, the first call waits until it is closed
	once       sync.Once
}

func newHistory() *history { return &history{state: map[string]string{}} }

func (h *history) wait() {
	if h.block != nil {
		h.once.Do(func() { <-h.block })
	}
}

func key(p *api.Pod) string { return p.Namespace + "/" + p.Name }

func (h *history) OnAdd(p *api.Pod, _ bool) {
	h.wait()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events++
	if _, ok := h.state[key(p)]; ok {
		h.violations = append(h.violations, fmt.Sprintf("add of present %s@%s", key(p), p.ResourceVersion))
	}
	h.state[key(p)] = p.ResourceVersion
}

func (h *history) OnUpdate(old, p *api.Pod) {
	h.wait()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events++
	if rv, ok := h.state[key(p)]; !ok || rv != old.ResourceVersion {
		h.violations = append(h.violations, fmt.Sprintf("update of %s from %s, known %q", key(p), old.ResourceVersion, rv))
	}
	h.state[key(p)] = p.ResourceVersion
}

func (h *history) OnDelete(p *api.Pod) {
	h.wait()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events++
	if _, ok := h.state[key(p)]; !ok {
		h.violations = append(h.violations, fmt.Sprintf("delete of absent %s", key(p)))
	}
	delete(h.state, key(p))
}

func (h *history) snapshot() (map[string]string, []string, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.state), append([]string(nil), h.violations...), h.events
}
