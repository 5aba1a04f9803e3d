package cacher

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/fields"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
)

// replica follows the cache the way a client's reflector does and checks every event
// it sees: in revision order, no duplicates, and the state it rebuilds is storage's.
type replica struct {
	name   string
	prefix string
	pred   storage.Predicate
	state  map[string]int // key -> value
	rev    int64
	// stall, if set, stops the replica reading after a few events until it is closed:
	// a client that does not keep up.
	stall chan struct{}
	// done reports that the replica has seen enough.
	done func() bool
	// Counters, for the log.
	watches, relists, expired, closedByServer, events int
}

func (r *replica) apply(ev storage.Event) error {
	if ev.Type == api.Bookmark {
		if ev.Revision < r.rev {
			return fmt.Errorf("bookmark at %d after revision %d", ev.Revision, r.rev)
		}
		r.rev = ev.Revision
		return nil
	}
	if ev.Revision <= r.rev {
		return fmt.Errorf("%s at %d after revision %d: out of order or duplicated", ev.Type, ev.Revision, r.rev)
	}
	w := ev.Object.(*storagetest.Widget)
	key := storage.ObjectKey(w.Namespace, w.Name)
	// ADDED and MODIFIED carry the new state, DELETED the last state that matched.
	if r.prefix != "" && !strings.HasPrefix(key, r.prefix) || !r.pred.Matches(w) {
		return fmt.Errorf("%s %s at %d: not selected", ev.Type, key, ev.Revision)
	}
	_, exists := r.state[key]
	switch ev.Type {
	case api.Added:
		if exists {
			return fmt.Errorf("ADDED %s at %d: already there", key, ev.Revision)
		}
		r.state[key] = w.Spec.Value
	case api.Modified:
		if !exists {
			return fmt.Errorf("MODIFIED %s at %d: not there", key, ev.Revision)
		}
		r.state[key] = w.Spec.Value
	case api.Deleted:
		if !exists {
			return fmt.Errorf("DELETED %s at %d: not there", key, ev.Revision)
		}
		delete(r.state, key)
	}
	r.rev = ev.Revision
	r.events++
	return nil
}

// list replaces the state with storage's at rev (0: a consistent list from the cache).
func (r *replica) list(ctx context.Context, s storage.Interface, rev int64) error {
	opts := storage.ListOptions{Predicate: r.pred}
	if rev > 0 {
		opts.ResourceVersion, opts.ResourceVersionMatch = strconv.FormatInt(rev, 10), storage.MatchExact
	}
	res, err := s.List(ctx, r.prefix, opts)
	if err != nil {
		return err
	}
	r.state = map[string]int{}
	for _, it := range res.Items {
		w := it.(*storagetest.Widget)
		r.state[storage.ObjectKey(w.Namespace, w.Name)] = w.Spec.Value
	}
	r.rev = res.ResourceVersion
	r.relists++
	return nil
}

// follow watches from r.rev, reading at most n events before it closes the watch
// itself; it stops early when the server closes the watch.
func (r *replica) follow(ctx context.Context, c *Cacher, st storage.Interface, n int) error {
	r.watches++
	w, err := c.Watch(ctx, r.prefix, storage.WatchOptions{ResourceVersion: r.rev, Predicate: r.pred, ProgressNotify: true})
	if err != nil {
		return err
	}
	defer w.Stop()
	for i := range n {
		if r.done() {
			return nil
		}
		if i == 5 && r.stall != nil {
			select {
			case <-r.stall:
			case <-ctx.Done():
			}
			r.stall = nil
		}
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				r.closedByServer++
				return nil
			}
			if ev.Type == api.Error {
				if !storage.IsExpired(ev.Err) {
					return ev.Err
				}
				r.expired++
				return r.list(ctx, c, 0)
			}
			if err := r.apply(ev); err != nil {
				return err
			}
		case <-ctx.Done():
			return nil
		}
	}
	return nil
}

func TestRandomizedConsistency(t *testing.T) {
	t.Parallel()
	e := startCacher(t, func(cfg *Config) {
		// A small buffer, so that some re-watches are too old; small watcher buffers
		// and a short stall budget, so that some watchers are closed.
		cfg.MinCapacity, cfg.MaxCapacity = 50, 200
		cfg.WatcherBuffer, cfg.StallTimeout = 4, 5*time.Millisecond
		cfg.BookmarkInterval = 50 * time.Millisecond
	})
	ctx := ctxFor(t)
	start, err := e.c.CurrentRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	red, _ := labels.Parse("color=red")
	notBlue, _ := labels.Parse("color!=blue")
	attrs := storagetest.WidgetAttrs
	replicas := []*replica{
		{name: "all", prefix: ""},
		{name: "namespace a", prefix: "a/"},
		{name: "red", pred: storage.Predicate{Label: red, Attrs: attrs}},
		{name: "node n1 (indexed)", pred: storage.Predicate{Field: fields.OneTermEqualSelector("spec.node", "n1"), Attrs: attrs}},
		{name: "not blue on n2 in b", prefix: "b/", pred: storage.Predicate{Label: notBlue, Field: fields.OneTermEqualSelector("spec.node", "n2"), Attrs: attrs}},
		{name: "all, slow", prefix: ""},
		{name: "red, from 0", pred: storage.Predicate{Label: red, Attrs: attrs}},
		{name: "namespace b", prefix: "b/"},
	}

	const writers, writes = 4, 250
	writeCtx, stopWriting := context.WithCancel(ctx)
	defer stopWriting()
	var wwg sync.WaitGroup
	for wr := range writers {
		wwg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(wr), 1))
			for range writes {
				ns := []string{"a", "b"}[rng.IntN(2)]
				name := fmt.Sprintf("w%02d", rng.IntN(20))
				key := storage.ObjectKey(ns, name)
				value := rng.IntN(1000)
				color := []string{"red", "blue", "green"}[rng.IntN(3)]
				node := []string{"n1", "n2", ""}[rng.IntN(3)]
				var err error
				switch rng.IntN(4) {
				case 0:
					w := widget(ns, name, value, node)
					w.Labels = map[string]string{"color": color}
					_, err = e.store.Create(writeCtx, key, w)
				case 1, 2:
					_, err = e.store.GuaranteedUpdate(writeCtx, key, storage.UpdateOptions{}, func(cur api.Object) (api.Object, error) {
						w := cur.(*storagetest.Widget)
						w.Spec.Value = value
						if rng.IntN(2) == 0 {
							w.Labels = map[string]string{"color": color}
						} else {
							w.Spec.Node = node
						}
						return w, nil
					})
				case 3:
					_, err = e.store.Delete(writeCtx, key, storage.DeleteOptions{})
				}
				if err != nil && !storage.IsNotFound(err) && !storage.IsAlreadyExists(err) {
					if writeCtx.Err() == nil {
						t.Errorf("write %s: %v", key, err)
					}
					return
				}
			}
		})
	}

	var final int64
	finalSet := make(chan struct{})
	writesDone := make(chan struct{})
	replicas[5].stall = writesDone
	var rwg sync.WaitGroup
	for i, r := range replicas {
		r.done = func() bool {
			select {
			case <-finalSet:
				return r.rev >= final
			default:
				return false
			}
		}
		rwg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 2))
			// Start at a random revision of the history so far.
			cur, err := e.store.CurrentRevision(ctx)
			if err != nil {
				t.Errorf("%s: %v", r.name, err)
				return
			}
			from := start + rng.Int64N(cur-start+1)
			if r.name == "red, from 0" {
				err = r.follow0(ctx, e.c)
			} else {
				err = r.list(ctx, e.store, from)
			}
			if err != nil {
				t.Errorf("%s: start at %d: %v", r.name, from, err)
				return
			}
			for !r.done() {
				n := 1 + rng.IntN(40)
				if r.stall != nil {
					n = 1000
				}
				if err := r.follow(ctx, e.c, e.store, n); err != nil {
					t.Errorf("%s: %v", r.name, err)
					return
				}
				if ctx.Err() != nil {
					t.Errorf("%s: did not reach revision %d (at %d)", r.name, final, r.rev)
					return
				}
			}
		})
	}
	wwg.Wait()
	close(writesDone)
	if final, err = e.store.CurrentRevision(ctx); err != nil {
		t.Fatal(err)
	}
	close(finalSet)
	rwg.Wait()
	for _, r := range replicas {
		want := &replica{prefix: r.prefix, pred: r.pred}
		if err := want.list(ctx, e.store, r.rev); err != nil {
			t.Fatalf("%s: exact list at %d: %v", r.name, r.rev, err)
		}
		if diff := cmp.Diff(want.state, r.state); diff != "" {
			t.Errorf("%s: replayed state at %d differs from storage's (-want +got):\n%s", r.name, r.rev, diff)
		}
		t.Logf("%s: %d events, %d watches, %d lists, %d expired, %d closed by the server, %d objects at %d",
			r.name, r.events, r.watches, r.relists, r.expired, r.closedByServer, len(r.state), r.rev)
	}
}

// follow0 starts with a watch from 0: the state as ADDED events, then changes.
func (r *replica) follow0(ctx context.Context, c *Cacher) error {
	r.state = map[string]int{}
	w, err := c.Watch(ctx, r.prefix, storage.WatchOptions{Predicate: r.pred, InitialEventsEnd: true})
	if err != nil {
		return err
	}
	defer w.Stop()
	r.watches++
	for ev := range w.ResultChan() {
		if ev.Type == api.Bookmark && ev.InitialEventsEnd {
			r.rev = ev.Revision
			return nil
		}
		if ev.Type != api.Added {
			return fmt.Errorf("initial event %s, want ADDED", ev.Type)
		}
		w := ev.Object.(*storagetest.Widget)
		r.state[storage.ObjectKey(w.Namespace, w.Name)] = w.Spec.Value
		r.events++
	}
	return errors.New("watch from 0 closed before the initial-events-end bookmark")
}
