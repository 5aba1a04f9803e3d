package informer

import (
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/watch"
)

// reflectorRig runs a Reflector over a fakeLW into a Queue and a Store, with a
// consumer that applies the queue's changes, inside a synctest bubble.
type reflectorRig struct {
	lw     *fakeLW
	store  *Store[*api.Pod]
	r      *Reflector[*api.Pod]
	errs   []error
	mu     sync.Mutex
	deltas []string
	stop   func()
}

func startReflector(t *testing.T, watchList bool, lw *fakeLW) *reflectorRig {
	t.Helper()
	rig := &reflectorRig{lw: lw, store: NewStore[*api.Pod](nil)}
	q := NewQueue(QueueConfig[*api.Pod]{Store: rig.store})
	r, err := NewReflector(ReflectorConfig[*api.Pod]{
		ListerWatcher: lw, Sink: q, DisableWatchList: !watchList,
		OnWatchError: func(err error) { rig.mu.Lock(); rig.errs = append(rig.errs, err); rig.mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	rig.r = r
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := r.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	wg.Go(func() {
		for q.Pop(ctx, func(d Delta[*api.Pod]) {
			rig.mu.Lock()
			rig.deltas = append(rig.deltas, deltaString(d))
			rig.mu.Unlock()
		}) == nil {
		}
	})
	rig.stop = func() { cancel(); wg.Wait() }
	t.Cleanup(rig.stop)
	return rig
}

func (rig *reflectorRig) got() []string {
	synctest.Wait()
	rig.mu.Lock()
	defer rig.mu.Unlock()
	return append([]string(nil), rig.deltas...)
}

func listRVs(lw *fakeLW) []string {
	lists, _ := lw.calls()
	var out []string
	for _, o := range lists {
		out = append(out, fmt.Sprintf("%q", o.ResourceVersion))
	}
	return out
}

func watchRVs(lw *fakeLW) []string {
	_, watches := lw.calls()
	var out []string
	for _, o := range watches {
		out = append(out, fmt.Sprintf("%q", o.ResourceVersion))
	}
	return out
}

func bookmark(rv string, initialEnd bool) *api.Pod {
	p := &api.Pod{ObjectMeta: api.ObjectMeta{ResourceVersion: rv}}
	if initialEnd {
		p.Annotations = map[string]string{InitialEventsEndAnnotation: "true"}
	}
	return p
}

func TestReflectorCleanCloseRewatchesWithoutRelist(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW(listResult{items: []*api.Pod{pod("ns", "a", "1")}, rv: "10"})
		rig := startReflector(t, false, lw)
		w := <-lw.watches
		w.Add(pod("ns", "b", "11"))
		w.Bookmark(bookmark("15", false))
		synctest.Wait()
		if got := rig.r.LastSyncResourceVersion(); got != "15" {
			t.Errorf("last resourceVersion after a bookmark: got %s, want 15", got)
		}
		w.CloseResult()
		w = <-lw.watches
		w.Modify(pod("ns", "b", "16"))
		if got, want := rig.got(), []string{"added a@1 initial", "added b@11", "updated b@16"}; !slices.Equal(got, want) {
			t.Errorf("deltas: got %q, want %q", got, want)
		}
		if got, want := listRVs(lw), []string{`"0"`}; !slices.Equal(got, want) {
			t.Errorf("lists: got %v, want %v", got, want)
		}
		if got, want := watchRVs(lw), []string{`"10"`, `"15"`}; !slices.Equal(got, want) {
			t.Errorf("watches: got %v, want %v", got, want)
		}
		_, watches := lw.calls()
		for _, o := range watches {
			if !o.AllowWatchBookmarks || o.TimeoutSeconds < 300 || o.TimeoutSeconds >= 600 {
				t.Errorf("watch options: got bookmarks %v timeout %ds, want bookmarks and a timeout in [300s, 600s)", o.AllowWatchBookmarks, o.TimeoutSeconds)
			}
		}
	})
}

func TestReflectorExpiredWatchRelistsAtLastResourceVersion(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW(
			listResult{items: []*api.Pod{pod("ns", "a", "1"), pod("ns", "b", "2")}, rv: "10"},
			listResult{items: []*api.Pod{pod("ns", "b", "2"), pod("ns", "c", "19")}, rv: "20"},
		)
		rig := startReflector(t, false, lw)
		w := <-lw.watches
		w.Modify(pod("ns", "a", "12"))
		w.Error(expired())
		start := time.Now()
		<-lw.watches
		if d := time.Since(start); d < 800*time.Millisecond || d >= 1600*time.Millisecond {
			t.Errorf("backoff before the relist: got %v, want within [0.8s, 1.6s)", d)
		}
		want := []string{"added a@1 initial", "added b@2 initial", "updated a@12", "deleted a@12", "added c@19"}
		if got := rig.got(); !slices.Equal(got, want) {
			t.Errorf("deltas: got %q, want %q", got, want)
		}
		if got, want := listRVs(lw), []string{`"0"`, `"12"`}; !slices.Equal(got, want) {
			t.Errorf("lists: got %v, want %v", got, want)
		}
		if got, want := watchRVs(lw), []string{`"10"`, `"20"`}; !slices.Equal(got, want) {
			t.Errorf("watches: got %v, want %v", got, want)
		}
		if len(rig.errs) != 1 {
			t.Errorf("watch errors reported: got %v, want one", rig.errs)
		}
	})
}

func TestReflectorExpiredListRelistsWithoutResourceVersion(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW(
			listResult{items: []*api.Pod{pod("ns", "a", "1")}, rv: "10"},
			listResult{err: expired()},
			listResult{items: []*api.Pod{pod("ns", "a", "30")}, rv: "30"},
		)
		rig := startReflector(t, false, lw)
		w := <-lw.watches
		w.Error(expired())
		<-lw.watches
		if got, want := listRVs(lw), []string{`"0"`, `"10"`, `""`}; !slices.Equal(got, want) {
			t.Errorf("lists: got %v, want %v", got, want)
		}
		if got, want := watchRVs(lw), []string{`"10"`, `"30"`}; !slices.Equal(got, want) {
			t.Errorf("watches: got %v, want %v", got, want)
		}
		if got, want := rig.got(), []string{"added a@1 initial", "updated a@30"}; !slices.Equal(got, want) {
			t.Errorf("deltas: got %q, want %q", got, want)
		}
	})
}

func TestReflectorBackoffGrowsAndRecovers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fail := listResult{err: api.NewInternalError(fmt.Errorf("etcd down"))}
		lw := newFakeLW(fail, fail, fail, fail, listResult{rv: "5"})
		start := time.Now()
		rig := startReflector(t, false, lw)
		<-lw.watches
		// Four failures: waits of 0.8, 1.6, 3.2 and 6.4 s, each stretched by at most 2.
		if d := time.Since(start); d < 12*time.Second || d >= 24*time.Second {
			t.Errorf("time to the first watch after four failed lists: got %v, want within [12s, 24s)", d)
		}
		if got := len(rig.errs); got != 4 {
			t.Errorf("errors reported: got %d, want 4", got)
		}
	})
}

func TestReflectorRefusedWatchRetriesWithoutRelist(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW(listResult{items: []*api.Pod{pod("ns", "a", "1")}, rv: "10"})
		refused := fmt.Errorf("GET /api/v1/pods: %w", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
		lw.watchErrs = []error{refused, refused}
		rig := startReflector(t, false, lw)
		<-lw.watches
		if got, want := listRVs(lw), []string{`"0"`}; !slices.Equal(got, want) {
			t.Errorf("lists: got %v, want %v", got, want)
		}
		if got, want := watchRVs(lw), []string{`"10"`, `"10"`, `"10"`}; !slices.Equal(got, want) {
			t.Errorf("watches: got %v, want %v", got, want)
		}
		if got, want := rig.got(), []string{"added a@1 initial"}; !slices.Equal(got, want) {
			t.Errorf("deltas: got %q, want %q", got, want)
		}
	})
}

func TestReflectorShortEmptyWatchBacksOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW(listResult{rv: "10"})
		startReflector(t, false, lw)
		w := <-lw.watches
		w.CloseResult()
		start := time.Now()
		<-lw.watches
		if d := time.Since(start); d < 800*time.Millisecond {
			t.Errorf("re-watch after an empty watch that ended at once: got after %v, want a backoff of at least 0.8s", d)
		}
	})
}

func TestReflectorStreamingList(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW()
		rig := startReflector(t, true, lw)
		w := <-lw.watches
		w.Add(pod("ns", "a", "3"))
		w.Add(pod("ns", "b", "4"))
		w.Bookmark(bookmark("7", false)) // a plain bookmark does not end the initial events
		w.Bookmark(bookmark("9", true))
		w.Modify(pod("ns", "a", "10"))
		want := []string{"added a@3 initial", "added b@4 initial", "updated a@10"}
		if got := rig.got(); !slices.Equal(got, want) {
			t.Errorf("deltas: got %q, want %q", got, want)
		}
		if got := rig.r.LastSyncResourceVersion(); got != "10" {
			t.Errorf("last resourceVersion: got %s, want 10", got)
		}
		_, watches := lw.calls()
		if o := watches[0]; !o.SendInitialEvents || !o.AllowWatchBookmarks || o.ResourceVersionMatch != "NotOlderThan" {
			t.Errorf("streaming list options: got %+v", o)
		}
		if lists, _ := lw.calls(); len(lists) != 0 {
			t.Errorf("lists: got %d, want none", len(lists))
		}
	})
}

func TestReflectorStreamingListFallsBackToList(t *testing.T) {
	tests := []struct {
		name  string
		setup func(lw *fakeLW)
		fail  func(w *watch.Fake)
	}{
		{name: "server refuses the request", setup: func(lw *fakeLW) {
			lw.watchErrs = []error{api.NewStatus(422, api.StatusReasonInvalid, "sendInitialEvents is forbidden")}
		}},
		{name: "stream ends before the initial events do", fail: func(w *watch.Fake) {
			w.Add(pod("ns", "x", "1"))
			w.CloseResult()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				lw := newFakeLW(listResult{items: []*api.Pod{pod("ns", "a", "1")}, rv: "10"})
				if tt.setup != nil {
					tt.setup(lw)
				}
				rig := startReflector(t, true, lw)
				if tt.fail != nil {
					tt.fail(<-lw.watches)
				}
				<-lw.watches
				if got, want := rig.got(), []string{"added a@1 initial"}; !slices.Equal(got, want) {
					t.Errorf("deltas: got %q, want %q", got, want)
				}
				if got, want := listRVs(lw), []string{`"0"`}; !slices.Equal(got, want) {
					t.Errorf("lists: got %v, want %v", got, want)
				}
			})
		})
	}
}
