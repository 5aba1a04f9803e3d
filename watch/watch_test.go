package watch

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func pod(name, rv string) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Namespace: "default", Name: name, ResourceVersion: rv}}
}

func names(evs []Event) []string {
	var out []string
	for _, ev := range evs {
		s := string(ev.Type)
		if ev.Object != nil {
			s += " " + ev.Object.GetObjectMeta().Name
		}
		if ev.Status != nil {
			s += " " + string(ev.Status.Reason)
		}
		out = append(out, s)
	}
	return out
}

func drain(w Interface) []Event {
	var out []Event
	for ev := range w.ResultChan() {
		out = append(out, ev)
	}
	return out
}

func TestFakeStopTwiceAndSendAfterStop(t *testing.T) {
	t.Parallel()
	f := NewFake(1)
	if !f.Add(pod("a", "1")) {
		t.Fatal("Add on a running Fake: got false, want true")
	}
	f.Stop()
	f.Stop()
	if f.Add(pod("b", "2")) {
		t.Error("Add after Stop: got true, want false")
	}
	if got := names(drain(f)); strings.Join(got, ",") != "ADDED a" {
		t.Errorf("events: got %v, want [ADDED a]", got)
	}
}

func TestFakeStopReleasesBlockedSend(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewFake(0)
		var wg sync.WaitGroup
		var delivered bool
		wg.Go(func() { delivered = f.Add(pod("a", "1")) })
		synctest.Wait()
		f.Stop()
		wg.Wait()
		if delivered {
			t.Error("send released by Stop: got delivered, want not")
		}
	})
}

func TestBroadcasterPolicies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		policy   FullPolicy
		wantSlow []string
	}{
		{name: "drop skips a full watcher", policy: DropIfFull, wantSlow: []string{"ADDED a"}},
		{name: "wait delivers everything", policy: WaitIfFull, wantSlow: []string{"ADDED a", "ADDED b", "ADDED c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := NewBroadcaster(BroadcasterConfig{Buffer: 1, FullPolicy: tt.policy})
				slow, _ := b.Watch()
				fast, _ := b.Watch()
				var fastGot []Event
				var wg sync.WaitGroup
				wg.Go(func() { fastGot = drain(fast) })
				var slowGot []Event
				sendDone := make(chan struct{})
				wg.Go(func() {
					defer close(sendDone)
					for _, n := range []string{"a", "b", "c"} {
						if err := b.Send(t.Context(), Event{Type: api.Added, Object: pod(n, "1")}); err != nil {
							t.Errorf("Send: %v", err)
						}
						if tt.policy == DropIfFull {
							synctest.Wait() // the fast reader takes each event before the next
						}
					}
				})
				if tt.policy == WaitIfFull {
					synctest.Wait()
					select {
					case <-sendDone:
						t.Fatal("Send returned while the slow watcher was full")
					default:
					}
				} else {
					<-sendDone
				}
				wg.Go(func() { slowGot = drain(slow) })
				<-sendDone
				b.Shutdown()
				wg.Wait()
				if got := names(fastGot); strings.Join(got, ",") != "ADDED a,ADDED b,ADDED c" {
					t.Errorf("fast watcher: got %v, want all three", got)
				}
				if got := names(slowGot); strings.Join(got, ",") != strings.Join(tt.wantSlow, ",") {
					t.Errorf("slow watcher: got %v, want %v", got, tt.wantSlow)
				}
			})
		})
	}
}

func TestBroadcasterStopReleasesWaitingSend(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroadcaster(BroadcasterConfig{Buffer: 1})
		w, _ := b.Watch()
		var wg sync.WaitGroup
		wg.Go(func() {
			for range 3 {
				if err := b.Send(t.Context(), Event{Type: api.Added, Object: pod("a", "1")}); err != nil {
					t.Errorf("Send: %v", err)
				}
			}
		})
		synctest.Wait()
		w.Stop()
		w.Stop()
		wg.Wait()
		if got := b.Len(); got != 0 {
			t.Errorf("watchers after Stop: got %d, want 0", got)
		}
		b.Shutdown()
		if _, err := b.Watch(); !errors.Is(err, ErrBroadcasterShutDown) {
			t.Errorf("Watch after Shutdown: got %v, want ErrBroadcasterShutDown", err)
		}
		if err := b.Send(t.Context(), Event{}); !errors.Is(err, ErrBroadcasterShutDown) {
			t.Errorf("Send after Shutdown: got %v, want ErrBroadcasterShutDown", err)
		}
	})
}

func TestBroadcasterSendHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroadcaster(BroadcasterConfig{Buffer: 1})
		w, _ := b.Watch()
		defer w.Stop()
		ctx, cancel := context.WithCancel(t.Context())
		_ = b.Send(ctx, Event{Type: api.Added})
		var err error
		done := make(chan struct{})
		go func() { defer close(done); err = b.Send(ctx, Event{Type: api.Added}) }()
		synctest.Wait()
		cancel()
		<-done
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send on a full watcher with a cancelled context: got %v, want context.Canceled", err)
		}
	})
}

func TestBroadcasterInitialEvents(t *testing.T) {
	t.Parallel()
	b := NewBroadcaster(BroadcasterConfig{})
	w, err := b.Watch(Event{Type: api.Added, Object: pod("a", "1")})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Send(t.Context(), Event{Type: api.Modified, Object: pod("a", "2")}); err != nil {
		t.Fatal(err)
	}
	b.Shutdown()
	if got := strings.Join(names(drain(w)), ","); got != "ADDED a,MODIFIED a" {
		t.Errorf("events: got %s, want ADDED a,MODIFIED a", got)
	}
	w.Stop()
}

func TestFilter(t *testing.T) {
	t.Parallel()
	src := NewFake(3)
	src.Add(pod("keep", "1"))
	src.Add(pod("drop", "2"))
	src.Modify(pod("keep", "3"))
	src.CloseResult()
	w := Filter(src, func(ev Event) (Event, bool) {
		return ev, ev.Object.GetObjectMeta().Name == "keep"
	})
	if got := strings.Join(names(drain(w)), ","); got != "ADDED keep,MODIFIED keep" {
		t.Errorf("events: got %s, want ADDED keep,MODIFIED keep", got)
	}
	w.Stop()
	w.Stop()
	if !src.IsStopped() {
		t.Error("source after the filter stopped: got running, want stopped")
	}
}

func TestFilterStopWhileBlocked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := NewFake(1)
		src.Add(pod("a", "1"))
		w := Filter(src, func(ev Event) (Event, bool) { return ev, true })
		synctest.Wait() // the filter waits to hand over "a"
		w.Stop()
		if !src.IsStopped() {
			t.Error("source: got running, want stopped")
		}
	})
}

func TestStreamWatcher(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want []string
	}{
		{
			name: "events in order",
			body: `{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"5"}}}
{"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"6"}}}
{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"7"}}}
{"type":"DELETED","object":{"metadata":{"name":"a","resourceVersion":"8"}}}
`,
			want: []string{"ADDED a", "MODIFIED a", "BOOKMARK ", "DELETED a"},
		},
		{
			name: "error event carries the status",
			body: `{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}` + "\n",
			want: []string{"ERROR Expired"},
		},
		{
			name: "malformed line is one error event",
			body: `{"type":"ADDED","object":{"metadata":{"name":"a"}}}` + "\n" + `{"type":"ADDED","obj` + "}\n",
			want: []string{"ADDED a", "ERROR InternalError"},
		},
		{
			name: "object that does not fit the kind is an error event",
			body: `{"type":"ADDED","object":{"metadata":{"name":7}}}` + "\n" + `{"type":"ADDED","object":{"metadata":{"name":"b"}}}` + "\n",
			want: []string{"ERROR InternalError"},
		},
		{
			name: "unknown type is an error event",
			body: `{"type":"SIDEWAYS","object":{}}` + "\n",
			want: []string{"ERROR InternalError"},
		},
		{
			name: "object before type",
			body: `{"object":{"metadata":{"name":"a"}},"extra":1,"type":"MODIFIED"}` + "\n",
			want: []string{"MODIFIED a"},
		},
		{
			name: "event without an object is an error event",
			body: `{"type":"ADDED"}` + "\n",
			want: []string{"ERROR InternalError"},
		},
		{
			name: "truncated stream just ends",
			body: `{"type":"ADDED","object":{"metadata":{"name":"a"}}}` + "\n" + `{"type":"ADDED","object":{"meta`,
			want: []string{"ADDED a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cancelled := false
			w := NewStreamWatcher(StreamConfig{
				Body:   io.NopCloser(strings.NewReader(tt.body)),
				New:    func() api.Object { return &api.Pod{} },
				Cancel: func() { cancelled = true },
			})
			got := names(drain(w))
			w.Stop()
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("events: got %q, want %q", got, tt.want)
			}
			if !cancelled {
				t.Error("Cancel: got not called, want called once the stream ended")
			}
		})
	}
}

func TestStreamWatcherStopUnblocksRead(t *testing.T) {
	t.Parallel()
	r, pw := io.Pipe()
	w := NewStreamWatcher(StreamConfig{Body: r, New: func() api.Object { return &api.Pod{} }})
	go pw.Write([]byte(`{"type":"ADDED","object":{"metadata":{"name":"a"}}}` + "\n"))
	if ev := <-w.ResultChan(); ev.Type != api.Added {
		t.Fatalf("first event: got %v, want ADDED", ev.Type)
	}
	w.Stop() // the reader is blocked in Read: Stop must close the body to release it
	w.Stop()
	if _, ok := <-w.ResultChan(); ok {
		t.Error("result channel after Stop: got open, want closed")
	}
}

func TestUntil(t *testing.T) {
	t.Parallel()
	f := NewFake(5)
	f.Add(pod("a", "1"))
	f.Modify(pod("a", "2"))
	f.Modify(pod("a", "3"))
	f.Delete(pod("a", "4"))
	isRV := func(rv string) ConditionFunc {
		return func(ev Event) (bool, error) { return ev.Object.GetObjectMeta().ResourceVersion == rv, nil }
	}
	ev, err := Until(t.Context(), f, isRV("2"), isRV("4"))
	if err != nil {
		t.Fatalf("Until: %v", err)
	}
	if ev.Type != api.Deleted {
		t.Errorf("last event: got %s, want DELETED", ev.Type)
	}
	if !f.IsStopped() {
		t.Error("watch after Until: got running, want stopped")
	}

	closed := NewFake(1)
	closed.Add(pod("a", "1"))
	closed.CloseResult()
	if _, err := Until(t.Context(), closed, isRV("9")); !errors.Is(err, ErrWatchClosed) {
		t.Errorf("Until on a watch that ends: got %v, want ErrWatchClosed", err)
	}
}

func TestUntilWithSync(t *testing.T) {
	t.Parallel()
	lists := [][]api.Object{
		{pod("a", "1"), pod("b", "2")},
		{pod("a", "3"), pod("c", "9")}, // after the 410: b vanished, c appeared
	}
	var watchRVs []string
	watches := []func(*Fake){
		func(f *Fake) { f.Modify(pod("a", "3")); f.CloseResult() },
		func(f *Fake) { f.Error(api.NewExpired("too old resource version: 3 (8)")) },
		func(f *Fake) { f.Delete(pod("c", "10")) },
	}
	listRVs := []string{"2", "9"}
	lw := ListWatch{
		List: func(context.Context) ([]api.Object, string, error) {
			items, rv := lists[0], listRVs[0]
			lists, listRVs = lists[1:], listRVs[1:]
			return items, rv, nil
		},
		Watch: func(_ context.Context, rv string) (Interface, error) {
			watchRVs = append(watchRVs, rv)
			f := NewFake(2)
			watches[0](f)
			watches = watches[1:]
			return f, nil
		},
	}
	var seen []string
	record := func(ev Event) (bool, error) {
		seen = append(seen, string(ev.Type)+" "+ev.Object.GetObjectMeta().Name)
		return ev.Type == api.Deleted && ev.Object.GetObjectMeta().Name == "c", nil
	}
	if _, err := UntilWithSync(t.Context(), lw, nil, record); err != nil {
		t.Fatalf("UntilWithSync: %v", err)
	}
	want := "ADDED a,ADDED b,MODIFIED a,DELETED b,ADDED c,DELETED c"
	if got := strings.Join(seen, ","); got != want {
		t.Errorf("events: got %s, want %s", got, want)
	}
	if got := strings.Join(watchRVs, ","); got != "2,3,9" {
		t.Errorf("watch resourceVersions: got %s, want 2,3,9", got)
	}

	pre := func(items []api.Object) (bool, error) { return len(items) == 1, nil }
	one := ListWatch{List: func(context.Context) ([]api.Object, string, error) { return []api.Object{pod("a", "1")}, "1", nil }}
	if _, err := UntilWithSync(t.Context(), one, pre, record); err != nil {
		t.Errorf("UntilWithSync with a precondition that holds: got %v, want nil", err)
	}
}
