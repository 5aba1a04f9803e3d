package cacher

import (
	"reflect"
	"testing"
	"time"
)

func TestCapacityFor(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	b := bounds{min: 100, max: 800, window: 75 * time.Second}
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	tests := []struct {
		name            string
		oldest, quarter time.Time
		c               int
		want            int
	}{
		{"fills faster than the window: doubles", ago(10 * time.Second), ago(time.Second), 100, 200},
		{"doubling stops at max", ago(10 * time.Second), ago(time.Second), 400, 800},
		{"at max: keeps", ago(10 * time.Second), ago(time.Second), 800, 800},
		{"covers the window: keeps", ago(100 * time.Second), ago(20 * time.Second), 400, 400},
		{"oldest exactly at the window: keeps", ago(75 * time.Second), ago(10 * time.Second), 400, 400},
		{"newest quarter beyond the window: halves", ago(10 * time.Minute), ago(2 * time.Minute), 400, 200},
		{"halving stops at min", ago(10 * time.Minute), ago(2 * time.Minute), 150, 100},
		{"at min: keeps", ago(10 * time.Minute), ago(2 * time.Minute), 100, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := capacityFor(now, tc.oldest, tc.quarter, tc.c, b); got != tc.want {
				t.Errorf("capacityFor(oldest %s ago, quarter %s ago, %d): got %d, want %d",
					now.Sub(tc.oldest), now.Sub(tc.quarter), tc.c, got, tc.want)
			}
		})
	}
}

func TestRingGrowsShrinksAndKeepsTheNewest(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	b := bounds{min: 4, max: 16, window: 10 * time.Second}
	r := newRing(4, 100)
	rev := int64(100)
	push := func(at time.Time) {
		rev++
		r.push(&event{rev: rev, at: at}, at, b)
	}
	// 40 events within one second: the buffer doubles up to 16 and then evicts.
	for i := range 40 {
		push(start.Add(time.Duration(i) * 10 * time.Millisecond))
	}
	if got, want := len(r.buf), 16; got != want {
		t.Fatalf("capacity after a burst: got %d, want %d", got, want)
	}
	if got, want := r.n, 16; got != want {
		t.Fatalf("events held: got %d, want %d", got, want)
	}
	if got, want := r.floor, rev-16; got != want {
		t.Fatalf("floor: got %d, want %d", got, want)
	}
	for i := range r.n {
		if got, want := r.at(i).rev, rev-15+int64(i); got != want {
			t.Fatalf("event %d: got rev %d, want %d", i, got, want)
		}
	}
	if got, want := r.since(rev-3), 13; got != want {
		t.Errorf("since(%d): got %d, want %d", rev-3, got, want)
	}
	// Much later, one event a minute: the buffer halves down to 4.
	late := start.Add(time.Hour)
	for i := range 3 {
		push(late.Add(time.Duration(i) * time.Minute))
	}
	if got, want := len(r.buf), 4; got != want {
		t.Fatalf("capacity after a slow period: got %d, want %d", got, want)
	}
	if got, want := r.at(r.n-1).rev, rev; got != want {
		t.Fatalf("newest event: got rev %d, want %d", got, want)
	}
	if got, want := r.floor, r.at(0).rev-1; got != want {
		t.Errorf("floor after shrinking: got %d, want %d", got, want)
	}
}

func TestNextBookmark(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		deadline time.Time
		want     time.Time
	}{
		{"no deadline: an interval later", time.Time{}, now.Add(time.Minute)},
		{"deadline far away: an interval later", now.Add(10 * time.Minute), now.Add(time.Minute)},
		{"deadline within the interval: shortly before it", now.Add(30 * time.Second), now.Add(28 * time.Second)},
		{"too close to the deadline: an interval later", now.Add(time.Second), now.Add(time.Minute)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := nextBookmark(now, tc.deadline, time.Minute); !got.Equal(tc.want) {
				t.Errorf("got %s, want %s", got.Sub(now), tc.want.Sub(now))
			}
		})
	}
}

func TestVersionsShareEqualFieldSets(t *testing.T) {
	t.Parallel()
	prev := &object{fields: map[string]string{"metadata.name": "a", "status.phase": "Pending"}}
	same := &object{fields: map[string]string{"metadata.name": "a", "status.phase": "Pending"}}
	changed := &object{fields: map[string]string{"metadata.name": "a", "status.phase": "Running"}}
	same.shareFields(prev)
	changed.shareFields(prev)
	if reflect.ValueOf(same.fields).UnsafePointer() != reflect.ValueOf(prev.fields).UnsafePointer() {
		t.Error("an equal field set is not shared")
	}
	if changed.fields["status.phase"] != "Running" || prev.fields["status.phase"] != "Pending" {
		t.Errorf("a changed field set was shared: %v, prev %v", changed.fields, prev.fields)
	}
}
