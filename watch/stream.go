package watch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/orrery-dev/orrery/api"
)

// StreamConfig configures a stream watcher.
type StreamConfig struct {
	// Body is the body of a watch response: one JSON object per event,
	// {"type":"ADDED","object":{...}}. The watcher reads it and closes it. Required.
	Body io.ReadCloser
	// New returns an empty object to decode each event's object into. Required.
	New func() api.Object
	// Cancel, when set, is called once when the watch ends, to release the request.
	Cancel func()
}

// NewStreamWatcher returns a watcher that decodes the events of a watch response.
// An event that cannot be decoded is delivered as one api.Error event (Status 500,
// reason InternalError) and ends the watch; the end of the body, or a broken
// connection, ends it silently.
func NewStreamWatcher(cfg StreamConfig) Interface {
	s := &streamWatcher{cfg: cfg, result: make(chan Event), done: make(chan struct{})}
	s.wg.Go(s.receive)
	return s
}

type streamWatcher struct {
	cfg    StreamConfig
	result chan Event
	done   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
}

func (s *streamWatcher) ResultChan() <-chan Event { return s.result }

func (s *streamWatcher) Stop() {
	s.stop()
	s.wg.Wait()
}

// stop ends the watch without waiting: it releases a blocked read by closing the body.
func (s *streamWatcher) stop() {
	s.once.Do(func() {
		close(s.done)
		if s.cfg.Cancel != nil {
			s.cfg.Cancel()
		}
		s.cfg.Body.Close()
	})
}

type wireEvent struct {
	Type   api.EventType   `json:"type"`
	Object json.RawMessage `json:"object"`
}

func (s *streamWatcher) receive() {
	defer close(s.result)
	defer s.stop()
	dec := json.NewDecoder(s.cfg.Body)
	for {
		var line wireEvent
		if err := dec.Decode(&line); err != nil {
			// A syntax error is bad content; anything else is the stream ending or
			// breaking, which the reader learns from the closed channel.
			var syntax *json.SyntaxError
			if s.stopped() || !errors.As(err, &syntax) {
				return
			}
			s.send(Event{Type: api.Error, Status: decodeStatus(err)})
			return
		}
		ev, err := s.decode(line)
		if err != nil {
			ev = Event{Type: api.Error, Status: decodeStatus(err)}
		}
		if !s.send(ev) || err != nil {
			return
		}
	}
}

// send delivers ev unless the watch is stopped first.
func (s *streamWatcher) send(ev Event) bool {
	select {
	case s.result <- ev:
		return true
	case <-s.done:
		return false
	}
}

func (s *streamWatcher) stopped() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// errUnknownType is a well-formed event of a type the protocol does not have.
var errUnknownType = errors.New("unknown event type")

func (s *streamWatcher) decode(line wireEvent) (Event, error) {
	switch line.Type {
	case api.Error:
		st := &api.Status{}
		if err := json.Unmarshal(line.Object, st); err != nil {
			return Event{}, err
		}
		return Event{Type: api.Error, Status: st}, nil
	case api.Added, api.Modified, api.Deleted, api.Bookmark:
		obj := s.cfg.New()
		if err := json.Unmarshal(line.Object, obj); err != nil {
			return Event{}, err
		}
		return Event{Type: line.Type, Object: obj}, nil
	default:
		return Event{}, fmt.Errorf("%w %q", errUnknownType, line.Type)
	}
}

func decodeStatus(err error) *api.Status {
	st := api.NewStatus(http.StatusInternalServerError, api.StatusReasonInternalError,
		"unable to decode an event from the watch stream: "+err.Error())
	st.Details = &api.StatusDetails{Causes: []api.StatusCause{{Type: api.CauseTypeUnexpectedServerResponse, Message: err.Error()}}}
	return st
}
