package informer

import (
	"context"
	"errors"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/watch"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func pod(ns, name, rv string) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Namespace: ns, Name: name, ResourceVersion: rv}}
}

// fakeLW is a scripted ListerWatcher: List answers with the next entry of lists (or
// the last one again); Watch answers with the next error of watchErrs, else a new
// watch.Fake that it hands to the test on watches.
type fakeLW struct {
	mu         sync.Mutex
	lists      []listResult
	watchErrs  []error
	listCalls  []client.ListOptions
	watchCalls []client.ListOptions
	watches    chan *watch.Fake
}

type listResult struct {
	items []*api.Pod
	rv    string
	err   error
}

func newFakeLW(lists ...listResult) *fakeLW {
	return &fakeLW{lists: lists, watches: make(chan *watch.Fake, 100)}
}

func (f *fakeLW) List(_ context.Context, opts client.ListOptions) (*client.List[*api.Pod], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listCalls = append(f.listCalls, opts)
	if len(f.lists) == 0 {
		return nil, errors.New("no list scripted")
	}
	r := f.lists[0]
	if len(f.lists) > 1 {
		f.lists = f.lists[1:]
	}
	if r.err != nil {
		return nil, r.err
	}
	return &client.List[*api.Pod]{ResourceVersion: r.rv, Items: append([]*api.Pod(nil), r.items...)}, nil
}

func (f *fakeLW) Watch(_ context.Context, opts client.ListOptions) (watch.Interface, error) {
	f.mu.Lock()
	f.watchCalls = append(f.watchCalls, opts)
	if len(f.watchErrs) > 0 {
		err := f.watchErrs[0]
		f.watchErrs = f.watchErrs[1:]
		f.mu.Unlock()
		return nil, err
	}
	f.mu.Unlock()
	w := watch.NewFake(100)
	f.watches <- w
	return w, nil
}

func (f *fakeLW) calls() (lists, watches []client.ListOptions) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]client.ListOptions(nil), f.listCalls...), append([]client.ListOptions(nil), f.watchCalls...)
}

// recorder is a Handler that records what it is told as strings.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) OnAdd(obj *api.Pod, initial bool) {
	s := "add " + obj.Name + "@" + obj.ResourceVersion
	if initial {
		s += " initial"
	}
	r.record(s)
}

func (r *recorder) OnUpdate(old, obj *api.Pod) {
	r.record("update " + obj.Name + "@" + old.ResourceVersion + "->" + obj.ResourceVersion)
}

func (r *recorder) OnDelete(obj *api.Pod) { r.record("delete " + obj.Name + "@" + obj.ResourceVersion) }

func (r *recorder) record(s string) {
	r.mu.Lock()
	r.events = append(r.events, s)
	r.mu.Unlock()
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

func expired() *api.Status { return api.NewExpired("too old resource version: 1 (5)") }
