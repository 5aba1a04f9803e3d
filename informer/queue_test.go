package informer

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
)

func deltaString(d Delta[*api.Pod]) string {
	s := fmt.Sprintf("%v %s@%s", map[DeltaType]string{Added: "added", Updated: "updated", Deleted: "deleted", Resynced: "resynced"}[d.Type],
		d.Object.Name, d.Object.ResourceVersion)
	if d.InInitialList {
		s += " initial"
	}
	return s
}

func TestQueue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		push func(q *Queue[*api.Pod])
		want []string
		keys []string
	}{
		{
			name: "every change in order, no coalescing",
			push: func(q *Queue[*api.Pod]) {
				q.Replace(nil)
				q.Add(pod("ns", "a", "1"))
				q.Update(pod("ns", "a", "2"))
				q.Update(pod("ns", "a", "3"))
				q.Delete(pod("ns", "a", "4"))
				q.Add(pod("ns", "a", "5"))
			},
			want: []string{"added a@1", "updated a@2", "updated a@3", "deleted a@4", "added a@5"},
			keys: []string{"ns/a"},
		},
		{
			name: "first replace is the initial list",
			push: func(q *Queue[*api.Pod]) {
				q.Replace([]*api.Pod{pod("ns", "a", "1"), pod("ns", "b", "2")})
			},
			want: []string{"added a@1 initial", "added b@2 initial"},
			keys: []string{"ns/a", "ns/b"},
		},
		{
			name: "relist deletes what vanished with its last known state, keeps what did not change",
			push: func(q *Queue[*api.Pod]) {
				q.Replace([]*api.Pod{pod("ns", "a", "1"), pod("ns", "b", "2"), pod("ns", "c", "3")})
				q.Update(pod("ns", "b", "4"))
				q.Replace([]*api.Pod{pod("ns", "a", "1"), pod("ns", "c", "6"), pod("ns", "d", "7")})
			},
			want: []string{"added a@1 initial", "added b@2 initial", "added c@3 initial", "updated b@4",
				"deleted b@4", "updated c@6", "added d@7"},
			keys: []string{"ns/a", "ns/c", "ns/d"},
		},
		{
			name: "delete of an unknown key is dropped",
			push: func(q *Queue[*api.Pod]) {
				q.Replace(nil)
				q.Delete(pod("ns", "ghost", "9"))
			},
			keys: []string{},
		},
		{
			name: "resync replays the store",
			push: func(q *Queue[*api.Pod]) {
				q.Replace([]*api.Pod{pod("ns", "a", "1")})
				q.Resync()
			},
			want: []string{"added a@1 initial", "resynced a@1"},
			keys: []string{"ns/a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := NewStore[*api.Pod](nil)
			q := NewQueue(QueueConfig[*api.Pod]{Store: store})
			tt.push(q)
			var got []string
			for q.Len() > 0 {
				if err := q.Pop(t.Context(), func(d Delta[*api.Pod]) { got = append(got, deltaString(d)) }); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("deltas:\n got %q\nwant %q", got, tt.want)
			}
			if keys := store.Keys(); !slices.Equal(keys, tt.keys) {
				t.Errorf("store keys: got %v, want %v", keys, tt.keys)
			}
		})
	}
}

func TestQueueTransform(t *testing.T) {
	t.Parallel()
	store := NewStore[*api.Pod](nil)
	strip := func(p *api.Pod) *api.Pod { p.Annotations = nil; return p }
	q := NewQueue(QueueConfig[*api.Pod]{Store: store, Transform: strip})
	p := pod("ns", "a", "1")
	p.Annotations = map[string]string{"big": "x"}
	q.Replace([]*api.Pod{p})
	q.Update(&api.Pod{ObjectMeta: api.ObjectMeta{Namespace: "ns", Name: "a", ResourceVersion: "2", Annotations: map[string]string{"big": "y"}}})
	for q.Len() > 0 {
		q.Pop(t.Context(), func(Delta[*api.Pod]) {})
	}
	got, _ := store.Get("ns/a")
	if got.ResourceVersion != "2" || got.Annotations != nil {
		t.Errorf("stored: got rv %s annotations %v, want rv 2 and none", got.ResourceVersion, got.Annotations)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name  string
		at    []time.Duration // offsets from t0 of successive calls
		r     float64
		wants []time.Duration
	}{
		{
			name:  "doubles to the cap without jitter",
			at:    []time.Duration{0, 1, 2, 3, 4, 5, 6, 7, 8},
			wants: []time.Duration{800 * time.Millisecond, 1600 * time.Millisecond, 3200 * time.Millisecond, 6400 * time.Millisecond, 12800 * time.Millisecond, 25600 * time.Millisecond, 30 * time.Second, 30 * time.Second, 30 * time.Second},
		},
		{
			name:  "jitter stretches up to twice",
			at:    []time.Duration{0, 1},
			r:     0.5,
			wants: []time.Duration{1200 * time.Millisecond, 2400 * time.Millisecond},
		},
		{
			name:  "two healthy minutes reset it",
			at:    []time.Duration{0, time.Second, 2*time.Second + 2*time.Minute, 3*time.Second + 2*time.Minute},
			wants: []time.Duration{800 * time.Millisecond, 1600 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newBackoff()
			for i, at := range tt.at {
				if got := b.next(t0.Add(at), tt.r); got != tt.wants[i] {
					t.Errorf("call %d: got %v, want %v", i, got, tt.wants[i])
				}
			}
		})
	}
}
