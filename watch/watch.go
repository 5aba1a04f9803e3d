package watch

import (
	"errors"
	"sync"

	"github.com/orrery-dev/orrery/api"
)

// Event is one change seen by a watch.
type Event struct {
	// Type is what happened: api.Added, api.Modified, api.Deleted, api.Bookmark or
	// api.Error.
	Type api.EventType
	// Object is the object after the change (for api.Deleted, its last state; for
	// api.Bookmark, an object carrying only metadata). Nil for api.Error.
	Object api.Object
	// Status says what went wrong; set only for api.Error.
	Status *api.Status
}

// Interface is a stream of events. Events arrive on ResultChan until the watch ends,
// when the channel is closed. Stop ends the watch; it is safe to call more than once and
// from any goroutine.
type Interface interface {
	// ResultChan returns the channel events arrive on; it is closed when the watch ends.
	ResultChan() <-chan Event
	// Stop ends the watch and releases what it holds. It returns once the watcher's own
	// goroutines have exited.
	Stop()
}

// ErrWatchClosed is returned when a watch ends before a condition was met.
var ErrWatchClosed = errors.New("watch closed before the condition was met")

// Fake is a watcher whose events the test sends by hand. Sends block until the reader
// takes the event (or the Fake is stopped); construct it with NewFake.
type Fake struct {
	result chan Event
	done   chan struct{}
	once   sync.Once
	mu     sync.Mutex // held while sending, so that closing the result chan is safe
	closed bool
}

var _ Interface = (*Fake)(nil)

// NewFake returns a Fake whose result channel has the given buffer size (0 means every
// send waits for the reader).
func NewFake(buffer int) *Fake {
	return &Fake{result: make(chan Event, buffer), done: make(chan struct{})}
}

// ResultChan implements Interface.
func (f *Fake) ResultChan() <-chan Event { return f.result }

// Stop implements Interface: later sends are dropped and the result channel is closed.
func (f *Fake) Stop() {
	f.once.Do(func() { close(f.done) })
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		close(f.result)
	}
}

// IsStopped reports whether Stop has been called.
func (f *Fake) IsStopped() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// Send delivers ev, waiting until it is read or the Fake is stopped. It reports
// whether the event was delivered.
func (f *Fake) Send(ev Event) bool {
	select {
	case <-f.done:
		return false
	default:
	}
	// Sends hold mu so Stop cannot close the channel under them; Stop closes done
	// first, which releases a blocked send.
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	select {
	case f.result <- ev:
		return true
	case <-f.done:
		return false
	}
}

// Add sends an api.Added event.
func (f *Fake) Add(obj api.Object) bool { return f.Send(Event{Type: api.Added, Object: obj}) }

// Modify sends an api.Modified event.
func (f *Fake) Modify(obj api.Object) bool { return f.Send(Event{Type: api.Modified, Object: obj}) }

// Delete sends an api.Deleted event.
func (f *Fake) Delete(obj api.Object) bool { return f.Send(Event{Type: api.Deleted, Object: obj}) }

// Bookmark sends an api.Bookmark event.
func (f *Fake) Bookmark(obj api.Object) bool {
	return f.Send(Event{Type: api.Bookmark, Object: obj})
}

// Error sends an api.Error event carrying st.
func (f *Fake) Error(st *api.Status) bool { return f.Send(Event{Type: api.Error, Status: st}) }

// CloseResult closes the result channel without marking the Fake stopped, as a server
// ending a watch cleanly would.
func (f *Fake) CloseResult() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		close(f.result)
	}
}
