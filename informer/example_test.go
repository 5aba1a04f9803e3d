package informer_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/informer"
	"github.com/orrery-dev/orrery/watch"
)

// staticLW lists two pods and hands out one watch the example drives by hand.
type staticLW struct{ w *watch.Fake }

func (s staticLW) List(context.Context, client.ListOptions) (*client.List[*api.Pod], error) {
	return &client.List[*api.Pod]{ResourceVersion: "10", Items: []*api.Pod{
		{ObjectMeta: api.ObjectMeta{Namespace: "default", Name: "web-1", ResourceVersion: "5", Labels: map[string]string{"app": "web"}}},
		{ObjectMeta: api.ObjectMeta{Namespace: "default", Name: "db-1", ResourceVersion: "6", Labels: map[string]string{"app": "db"}}},
	}}, nil
}

func (s staticLW) Watch(context.Context, client.ListOptions) (watch.Interface, error) {
	return s.w, nil
}

func ExampleSharedInformer() {
	lw := staticLW{w: watch.NewFake(10)}
	inf, _ := informer.New(informer.Config[*api.Pod]{ListerWatcher: lw, DisableWatchList: true})
	done := make(chan struct{})
	inf.AddHandler(informer.HandlerFuncs[*api.Pod]{
		AddFunc: func(p *api.Pod, initial bool) { fmt.Println("add", p.Name, "initial:", initial) },
		DeleteFunc: func(p *api.Pod) {
			fmt.Println("delete", p.Name)
			close(done)
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { inf.Run(ctx) })
	<-inf.Synced()

	web := labels.SelectorFromSet(labels.Set{"app": "web"})
	fmt.Println("web pods:", len(inf.Lister().Namespace("default").List(web)))
	lw.w.Delete(&api.Pod{ObjectMeta: api.ObjectMeta{Namespace: "default", Name: "db-1", ResourceVersion: "11"}})
	<-done
	cancel()
	wg.Wait() // Run returns once every goroutine it started has exited
	// Unordered output:
	// add web-1 initial: true
	// add db-1 initial: true
	// web pods: 1
	// delete db-1
}

func ExampleStore() {
	byNode := func(p *api.Pod) []string { return []string{p.Spec.NodeName} }
	s := informer.NewStore(informer.Indexers[*api.Pod]{"node": byNode})
	s.Add(&api.Pod{ObjectMeta: api.ObjectMeta{Namespace: "a", Name: "x"}, Spec: api.PodSpec{NodeName: "n1"}})
	s.Add(&api.Pod{ObjectMeta: api.ObjectMeta{Namespace: "b", Name: "y"}, Spec: api.PodSpec{NodeName: "n1"}})
	s.Add(&api.Pod{ObjectMeta: api.ObjectMeta{Namespace: "b", Name: "z"}, Spec: api.PodSpec{NodeName: "n2"}})
	onN1, _ := informer.NewLister(s, api.GroupResource{Resource: "pods"}).ByIndex("node", "n1")
	inB, _ := informer.NewLister(s, api.GroupResource{Resource: "pods"}).Namespace("b").ByIndex("node", "n1")
	fmt.Println(s.Keys(), len(onN1), len(inB))
	// Output: [a/x b/y b/z] 2 1
}
