package informer

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
)

// runInformer runs inf until the test ends (or stop is called) and checks that Run
// returns nil.
func runInformer(t *testing.T, inf *SharedInformer[*api.Pod]) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := inf.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	stop = func() { cancel(); wg.Wait() }
	t.Cleanup(stop)
	return stop
}

func TestInformerHandlers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW(listResult{items: []*api.Pod{pod("ns", "a", "1")}, rv: "10"})
		inf, err := New(Config[*api.Pod]{DisableWatchList: true, ListerWatcher: lw})
		if err != nil {
			t.Fatal(err)
		}
		early := &recorder{}
		regEarly, _ := inf.AddHandler(early)
		if regEarly.HasSynced() || inf.HasSynced() {
			t.Error("HasSynced before Run: got true, want false")
		}
		runInformer(t, inf)
		w := <-lw.watches
		synctest.Wait()
		if !inf.HasSynced() || !regEarly.HasSynced() {
			t.Errorf("HasSynced after the list: got informer %v, handler %v; want both", inf.HasSynced(), regEarly.HasSynced())
		}
		w.Add(pod("ns", "b", "11"))
		synctest.Wait()
		late := &recorder{}
		regLate, _ := inf.AddHandler(late)
		w.Modify(pod("ns", "a", "12"))
		w.Delete(pod("ns", "b", "13"))
		synctest.Wait()
		if !regLate.HasSynced() {
			t.Error("late handler HasSynced: got false, want true")
		}
		if got, want := early.got(), []string{"add a@1 initial", "add b@11", "update a@1->12", "delete b@13"}; !slices.Equal(got, want) {
			t.Errorf("early handler: got %q, want %q", got, want)
		}
		wantLate := []string{"add a@1 initial", "add b@11 initial", "update a@1->12", "delete b@13"}
		got := late.got()
		// The synthetic adds come in store order; compare them as a set.
		slices.Sort(got[:2])
		if !slices.Equal(got, wantLate) {
			t.Errorf("late handler: got %q, want %q", got, wantLate)
		}
		if got := inf.Lister().Namespace("ns").List(nil); len(got) != 1 || got[0].ResourceVersion != "12" {
			t.Errorf("lister: got %v, want a@12", got)
		}
		if got := inf.LastSyncResourceVersion(); got != "13" {
			t.Errorf("LastSyncResourceVersion: got %s, want 13", got)
		}
	})
}

// blockingHandler records adds, but its first call waits until release is closed.
type blockingHandler struct {
	recorder
	release chan struct{}
	once    sync.Once
}

func (b *blockingHandler) OnAdd(obj *api.Pod, initial bool) {
	b.once.Do(func() { <-b.release })
	b.recorder.OnAdd(obj, initial)
}

func TestInformerSlowHandlerDelaysNobody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW(listResult{rv: "1"})
		inf, _ := New(Config[*api.Pod]{DisableWatchList: true, ListerWatcher: lw})
		slow := &blockingHandler{release: make(chan struct{})}
		fast := &recorder{}
		regSlow, _ := inf.AddHandler(slow)
		regFast, _ := inf.AddHandler(fast)
		runInformer(t, inf)
		w := <-lw.watches
		for i := range 1000 {
			w.Add(pod("ns", "p"+string(rune('a'+i%26))+time.Duration(i).String(), "2"))
		}
		synctest.Wait()
		if got := len(fast.got()); got != 1000 {
			t.Errorf("fast handler while the slow one is stuck: got %d events, want 1000", got)
		}
		if got := len(slow.got()); got != 0 {
			t.Errorf("slow handler while stuck: got %d events, want 0", got)
		}
		if !regFast.HasSynced() || !regSlow.HasSynced() {
			t.Error("both handlers synced on an empty initial list: got false")
		}
		close(slow.release)
		synctest.Wait()
		if got := len(slow.got()); got != 1000 {
			t.Errorf("slow handler after release: got %d events, want 1000", got)
		}
	})
}

func TestInformerHandlerSyncedOnlyAfterHandlingInitialList(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW(listResult{items: []*api.Pod{pod("ns", "a", "1"), pod("ns", "b", "1")}, rv: "1"})
		inf, _ := New(Config[*api.Pod]{DisableWatchList: true, ListerWatcher: lw})
		slow := &blockingHandler{release: make(chan struct{})}
		reg, _ := inf.AddHandler(slow)
		runInformer(t, inf)
		<-lw.watches
		synctest.Wait()
		if !inf.HasSynced() {
			t.Error("informer HasSynced: got false, want true")
		}
		if reg.HasSynced() {
			t.Error("registration HasSynced before its handler saw the list: got true, want false")
		}
		close(slow.release)
		synctest.Wait()
		if !reg.HasSynced() {
			t.Error("registration HasSynced after its handler saw the list: got false, want true")
		}
	})
}

func TestInformerResync(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW(listResult{items: []*api.Pod{pod("ns", "a", "1")}, rv: "1"})
		inf, _ := New(Config[*api.Pod]{DisableWatchList: true, ListerWatcher: lw, ResyncPeriod: 30 * time.Second})
		rec := &recorder{}
		inf.AddHandler(rec)
		runInformer(t, inf)
		<-lw.watches
		time.Sleep(29 * time.Second)
		synctest.Wait()
		if got, want := rec.got(), []string{"add a@1 initial"}; !slices.Equal(got, want) {
			t.Errorf("before the period: got %q, want %q", got, want)
		}
		time.Sleep(32 * time.Second)
		synctest.Wait()
		if got, want := rec.got(), []string{"add a@1 initial", "update a@1->1", "update a@1->1"}; !slices.Equal(got, want) {
			t.Errorf("after two periods: got %q, want %q", got, want)
		}
	})
}

func TestInformerTransformAndWatchErrorHook(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW(listResult{rv: "1"})
		var mu sync.Mutex
		var errs []error
		inf, _ := New(Config[*api.Pod]{
			DisableWatchList: true,
			ListerWatcher:    lw,
			Transform:        func(p *api.Pod) *api.Pod { p.Annotations = nil; return p },
			OnWatchError:     func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() },
		})
		runInformer(t, inf)
		w := <-lw.watches
		p := pod("ns", "a", "2")
		p.Annotations = map[string]string{"kubectl.kubernetes.io/last-applied-configuration": "{...}"}
		w.Add(p)
		synctest.Wait()
		got, err := inf.Lister().Namespace("ns").Get("a")
		if err != nil || got.Annotations != nil {
			t.Errorf("stored object: got %v, %v; want one without annotations", got, err)
		}
		w.Error(expired())
		<-lw.watches
		mu.Lock()
		defer mu.Unlock()
		if len(errs) != 1 || !client.IsExpired(errs[0]) {
			t.Errorf("watch errors: got %v, want one expired", errs)
		}
	})
}

func TestInformerLifecycle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lw := newFakeLW(listResult{rv: "1"})
		inf, _ := New(Config[*api.Pod]{DisableWatchList: true, ListerWatcher: lw})
		rec := &recorder{}
		reg, _ := inf.AddHandler(rec)
		stop := runInformer(t, inf)
		w := <-lw.watches
		inf.RemoveHandler(reg)
		inf.RemoveHandler(reg)
		w.Add(pod("ns", "a", "2"))
		synctest.Wait()
		if got := rec.got(); len(got) != 0 {
			t.Errorf("removed handler: got %q, want nothing", got)
		}
		stop()
		if err := inf.Run(t.Context()); !errors.Is(err, ErrStopped) {
			t.Errorf("second Run: got %v, want ErrStopped", err)
		}
		if _, err := inf.AddHandler(rec); !errors.Is(err, ErrStopped) {
			t.Errorf("AddHandler after Run returned: got %v, want ErrStopped", err)
		}
	})
	if _, err := New(Config[*api.Pod]{}); err == nil {
		t.Error("New without a ListerWatcher: got nil error, want one")
	}
}
