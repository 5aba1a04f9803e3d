package record

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// memorySink stores events as the apiserver would, and can be told to fail.
type memorySink struct {
	mu      sync.Mutex
	events  map[string]*api.Event // by namespace/name
	creates int
	patches int
	rv      int
	fail    []error // returned by the next writes, in order
}

func (s *memorySink) next() error {
	if len(s.fail) == 0 {
		return nil
	}
	err := s.fail[0]
	s.fail = s.fail[1:]
	return err
}

func (s *memorySink) Create(_ context.Context, ev *api.Event) (*api.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.next(); err != nil {
		return nil, err
	}
	s.creates++
	s.rv++
	stored := *ev
	stored.ResourceVersion = strconv.Itoa(s.rv)
	s.events[ev.Namespace+"/"+ev.Name] = &stored
	out := stored
	return &out, nil
}

func (s *memorySink) Patch(_ context.Context, ev *api.Event, patch []byte) (*api.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.next(); err != nil {
		return nil, err
	}
	stored, ok := s.events[ev.Namespace+"/"+ev.Name]
	if !ok {
		return nil, api.NewNotFound(api.GroupResource{Resource: "events"}, ev.Name)
	}
	if err := json.Unmarshal(patch, stored); err != nil {
		return nil, err
	}
	s.patches++
	s.rv++
	stored.ResourceVersion = strconv.Itoa(s.rv)
	out := *stored
	return &out, nil
}

func (s *memorySink) list() []api.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []api.Event
	for _, ev := range s.events {
		out = append(out, *ev)
	}
	return out
}

func (s *memorySink) counts() (creates, patches int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates, s.patches
}

// setup starts a broadcaster recording to a memory sink in a synctest bubble.
func setup(t *testing.T) (Recorder, *memorySink) {
	t.Helper()
	b := NewBroadcaster(BroadcasterConfig{})
	sink := &memorySink{events: map[string]*api.Event{}}
	if err := b.StartRecordingToSink(t.Context(), sink); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Shutdown)
	return b.NewRecorder("test-controller"), sink
}

func pod(name string) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "ns", UID: "uid-" + name}}
}

func TestIdenticalEventsUpdateOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, sink := setup(t)
		p := pod("web")
		start := time.Now()
		for range 3 {
			r.Event(p, api.EventTypeNormal, "Pulled", "image pulled")
			synctest.Wait()
			time.Sleep(time.Minute)
		}
		if c, pt := sink.counts(); c != 1 || pt != 2 {
			t.Fatalf("creates=%d patches=%d; want 1 and 2", c, pt)
		}
		ev := sink.list()[0]
		if ev.Count != 3 || !ev.FirstTimestamp.Equal(start) || !ev.LastTimestamp.Equal(start.Add(2*time.Minute)) {
			t.Errorf("count=%d first=%v last=%v; want 3, %v, %v", ev.Count, ev.FirstTimestamp, ev.LastTimestamp, start, start.Add(2*time.Minute))
		}
		if ev.InvolvedObject.Kind != "Pod" || ev.InvolvedObject.APIVersion != "v1" || ev.InvolvedObject.UID != "uid-web" ||
			ev.Source.Component != "test-controller" || ev.ReportingComponent != "test-controller" || ev.Namespace != "ns" ||
			!strings.HasPrefix(ev.Name, "web.") {
			t.Errorf("event %+v", ev)
		}

		// More than 10 minutes later, the same event is a new one.
		time.Sleep(11 * time.Minute)
		r.Event(p, api.EventTypeNormal, "Pulled", "image pulled")
		synctest.Wait()
		if c, _ := sink.counts(); c != 2 {
			t.Errorf("creates=%d after the dedup window; want 2", c)
		}
	})
}

func TestSimilarEventsAreCombined(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, sink := setup(t)
		p := pod("web")
		for i := range 12 {
			r.Eventf(p, api.EventTypeWarning, "BackOff", "attempt %d failed", i)
		}
		synctest.Wait()
		c, pt := sink.counts()
		if c != 10 || pt != 2 {
			t.Fatalf("creates=%d patches=%d; want 9 separate events, 1 combined, patched twice", c, pt)
		}
		var combined []api.Event
		for _, ev := range sink.list() {
			if strings.HasPrefix(ev.Message, combinedPrefix) {
				combined = append(combined, ev)
			}
		}
		if len(combined) != 1 || combined[0].Count != 3 || combined[0].Message != combinedPrefix+"attempt 11 failed" {
			t.Errorf("combined events %+v; want one, count 3, saying the last message", combined)
		}
	})
}

func TestSpamFilter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, sink := setup(t)
		p := pod("web")
		for range 30 {
			r.Event(p, api.EventTypeNormal, "Sync", "synced")
		}
		synctest.Wait()
		if c, pt := sink.counts(); c+pt != 25 {
			t.Fatalf("%d writes of 30 events; want the burst of 25", c+pt)
		}
		// Another object is not limited by the first's bucket.
		r.Event(pod("other"), api.EventTypeNormal, "Sync", "synced")
		synctest.Wait()
		if c, pt := sink.counts(); c+pt != 26 {
			t.Errorf("%d writes; the other object's event was dropped", c+pt)
		}
		// One more token after 5 minutes.
		time.Sleep(5 * time.Minute)
		r.Event(p, api.EventTypeNormal, "Sync", "synced")
		r.Event(p, api.EventTypeNormal, "Sync", "synced")
		synctest.Wait()
		if c, pt := sink.counts(); c+pt != 27 {
			t.Errorf("%d writes; want 27 (one token refilled)", c+pt)
		}
	})
}

func TestWriteRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, sink := setup(t)
		unavailable := api.NewInternalError(errors.New("etcd is down"))
		sink.mu.Lock()
		sink.fail = []error{unavailable, unavailable}
		sink.mu.Unlock()
		start := time.Now()
		r.Event(pod("a"), api.EventTypeNormal, "Created", "created")
		synctest.Wait()
		time.Sleep(21 * time.Second) // fake time: the two retries are due
		synctest.Wait()
		if c, _ := sink.counts(); c != 1 {
			t.Fatalf("creates=%d after two failures; want the third attempt to succeed", c)
		}
		if waited := time.Since(start); waited > 21*time.Second {
			t.Errorf("waited %v", waited)
		}

		// A refusal (4xx) is not retried.
		sink.mu.Lock()
		sink.fail = []error{api.NewBadRequest("namespace is terminating")}
		sink.mu.Unlock()
		r.Event(pod("b"), api.EventTypeNormal, "Created", "created")
		synctest.Wait()
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if c, _ := sink.counts(); c != 1 {
			t.Errorf("creates=%d; a refused event was retried", c)
		}
	})
}

func TestBadEventsAreDropped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, sink := setup(t)
		r.Event(pod("a"), "Info", "Created", "bad type")
		type unknown struct{ api.Pod }
		r.Event(&unknown{}, api.EventTypeNormal, "Created", "unknown kind")
		synctest.Wait()
		if c, pt := sink.counts(); c+pt != 0 {
			t.Errorf("%d writes; want none", c+pt)
		}
	})
}

// TestClusterScopedObjectsGoToDefault: events about nodes live in "default".
func TestClusterScopedObjectsGoToDefault(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, sink := setup(t)
		r.Event(&api.Node{ObjectMeta: api.ObjectMeta{Name: "n1"}}, api.EventTypeWarning, "NodeNotReady", "down")
		synctest.Wait()
		evs := sink.list()
		if len(evs) != 1 || evs[0].Namespace != "default" || evs[0].InvolvedObject.Kind != "Node" {
			t.Errorf("events %s", fmt.Sprint(evs))
		}
	})
}
