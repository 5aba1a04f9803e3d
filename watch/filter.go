package watch

import "sync"

// FilterFunc decides what a filtered watcher passes on: it returns the event to deliver
// (possibly changed) and whether to deliver it.
type FilterFunc func(Event) (Event, bool)

// Filter returns a watcher that delivers the events of src that fn accepts, as fn
// rewrites them. Stopping it stops src; when src ends, it ends.
func Filter(src Interface, fn FilterFunc) Interface {
	f := &filtered{src: src, result: make(chan Event), done: make(chan struct{})}
	f.wg.Go(f.loop(fn))
	return f
}

type filtered struct {
	src    Interface
	result chan Event
	done   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
}

func (f *filtered) loop(fn FilterFunc) func() {
	return func() {
		defer close(f.result)
		defer f.src.Stop()
		for {
			var ev Event
			var ok bool
			select {
			case <-f.done:
				return
			case ev, ok = <-f.src.ResultChan():
			}
			if !ok {
				return
			}
			if ev, ok = fn(ev); !ok {
				continue
			}
			select {
			case f.result <- ev:
			case <-f.done:
				return
			}
		}
	}
}

func (f *filtered) ResultChan() <-chan Event { return f.result }

func (f *filtered) Stop() {
	f.once.Do(func() { close(f.done) })
	f.wg.Wait()
}
