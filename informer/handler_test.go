package informer

import (
	"sync"
	"testing"

	"github.com/orrery-dev/orrery/api"
)

// TestListenerBufferFollowsBacklog feeds a listener so that one or two deltas are
// always pending while many pass through: its buffer must stay the size of the
// backlog, not grow with the history.
func TestListenerBufferFollowsBacklog(t *testing.T) {
	t.Parallel()
	const total = 100_000
	const maxCap = 4096
	called := make(chan *api.Pod)
	l := newListener(Handler[*api.Pod](HandlerFuncs[*api.Pod]{
		UpdateFunc: func(_, obj *api.Pod) { called <- obj },
	}))
	var wg sync.WaitGroup
	wg.Go(l.run)
	defer func() { l.stop(); wg.Wait() }()
	bufCap := func() int {
		l.mu.Lock()
		defer l.mu.Unlock()
		return cap(l.buf.items)
	}

	pods := make([]*api.Pod, total)
	for i := range pods {
		pods[i] = pod("ns", "p", "1")
	}
	push := func(i int) { l.add(Delta[*api.Pod]{Type: Updated, Object: pods[i], Old: pods[i]}) }
	push(0)
	push(1)
	gotCap := 0
	for i := range total {
		// The handler is in its call for delta i; i+1 is pending.
		if got := <-called; got != pods[i] {
			t.Fatalf("handler call %d: got another delta, want them in order", i)
		}
		if i+2 < total {
			push(i + 2)
		}
		gotCap = max(gotCap, bufCap())
	}
	if gotCap >= maxCap {
		t.Errorf("listener buffer capacity with a backlog of at most 2 over %d deltas: got %d, want < %d", total, gotCap, maxCap)
	}
}
