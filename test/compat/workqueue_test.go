package compat

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"

	cgworkqueue "k8s.io/client-go/util/workqueue"

	"github.com/orrery-dev/orrery/workqueue"
)

// step is one operation of a script run against both queues.
type step struct {
	op    string // "add", "get", "done", "after"
	item  string
	delay time.Duration // for "after"
}

// observation is what a script run saw: items handed out by Get, in order,
// with the time since the start, and Len after every step.
type observation struct {
	Got  []string
	At   []time.Duration
	Lens []int
}

func run(q delayingQueue, length func() int, script []step) observation {
	var obs observation
	start := time.Now()
	for _, s := range script {
		switch s.op {
		case "add":
			q.Add(s.item)
		case "after":
			q.AddAfter(s.item, s.delay)
		case "get":
			item, _ := q.Get()
			obs.Got = append(obs.Got, item)
			obs.At = append(obs.At, time.Since(start))
		case "done":
			q.Done(s.item)
		}
		obs.Lens = append(obs.Lens, length())
	}
	return obs
}

// TestWorkqueueMatchesClientGo runs the same scripts against Orrery's queue
// and client-go's, on fake time, and wants the same observations.
func TestWorkqueueMatchesClientGo(t *testing.T) {
	t.Parallel()
	add := func(item string) step { return step{op: "add", item: item} }
	get := step{op: "get"}
	done := func(item string) step { return step{op: "done", item: item} }
	after := func(item string, d time.Duration) step { return step{op: "after", item: item, delay: d} }
	tests := []struct {
		name   string
		script []step
	}{
		{name: "fifo", script: []step{add("a"), add("b"), add("c"), get, get, get}},
		{name: "duplicates", script: []step{add("a"), add("b"), add("a"), add("b"), get, done("a"), get, done("b")}},
		{
			name:   "re-add while processing",
			script: []step{add("a"), add("b"), get, add("a"), add("a"), get, done("a"), get, done("b"), done("a")},
		},
		{
			name:   "done of an unknown item",
			script: []step{done("x"), add("a"), get, done("a"), done("a")},
		},
		{
			name: "delays keep the earliest ready time",
			script: []step{
				after("a", 3*time.Second), after("b", time.Second), after("a", 2*time.Second), after("b", 5*time.Second),
				get, done("b"), get, done("a"),
			},
		},
		{
			name:   "zero delay adds now and keeps the pending add",
			script: []step{after("a", time.Second), after("a", 0), get, done("a"), get, done("a")},
		},
		{
			name:   "delayed item becomes due while processing",
			script: []step{add("a"), after("a", time.Second), get, after("c", 2*time.Second), get, done("a"), get, done("c")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ours, theirs observation
			synctest.Test(t, func(t *testing.T) {
				q, err := workqueue.New(workqueue.Config[string]{})
				if err != nil {
					t.Fatal(err)
				}
				ours = run(q, q.Len, tt.script)
				q.ShutDown()
			})
			synctest.Test(t, func(t *testing.T) {
				q := cgworkqueue.NewTypedDelayingQueue[string]()
				theirs = run(q, q.Len, tt.script)
				q.ShutDown()
			})
			if !slices.Equal(ours.Got, theirs.Got) {
				t.Errorf("handed out %q, client-go %q", ours.Got, theirs.Got)
			}
			if !slices.Equal(ours.At, theirs.At) {
				t.Errorf("at %v, client-go at %v", ours.At, theirs.At)
			}
			if !slices.Equal(ours.Lens, theirs.Lens) {
				t.Errorf("Len after each step %v, client-go %v", ours.Lens, theirs.Lens)
			}
		})
	}
}
