package watch

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/protoschema"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
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
	// Protobuf, when set, says the body is a watch stream in Kubernetes' protobuf
	// encoding (application/vnd.kubernetes.protobuf;stream=watch: frames of a
	// four-byte big-endian length and a WatchEvent), whose objects are decoded with
	// this message straight into the objects New makes.
	Protobuf *protoschema.Message
	// Strings, when set, shares the strings of the objects decoded from protobuf
	// (see protobuf.Strings).
	Strings *protobuf.Strings
}

// maxFrame bounds one frame of a protobuf watch stream, as the apiserver bounds a
// request body many times over.
const maxFrame = 64 << 20

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

func (s *streamWatcher) receive() {
	defer close(s.result)
	defer s.stop()
	body := &readErr{r: s.cfg.Body}
	var next func() (Event, error)
	if s.cfg.Protobuf != nil {
		next = s.protobufEvents(body)
	} else {
		dec := json.NewDecoder(body)
		next = func() (Event, error) { return s.next(dec) }
	}
	for {
		ev, err := next()
		if err != nil {
			// Bad content is reported; the stream ending or breaking is not (the reader
			// learns it from the closed channel).
			var syntax *json.SyntaxError
			bad := errors.As(err, &syntax) || errors.Is(err, errBadEvent)
			broken := errors.Is(err, io.ErrUnexpectedEOF) || (body.err != nil && !errors.Is(body.err, io.EOF))
			if s.stopped() || !bad || broken {
				return
			}
			s.send(Event{Type: api.Error, Status: decodeStatus(err)})
			return
		}
		if !s.send(ev) {
			return
		}
	}
}

// protobufEvents returns a function that reads and decodes the next frame of a
// protobuf watch stream.
func (s *streamWatcher) protobufEvents(body io.Reader) func() (Event, error) {
	var buf []byte
	return func() (Event, error) {
		var size [4]byte
		if _, err := io.ReadFull(body, size[:]); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return Event{}, io.ErrUnexpectedEOF
			}
			return Event{}, err
		}
		n := binary.BigEndian.Uint32(size[:])
		if n > maxFrame {
			return Event{}, fmt.Errorf("%w: a frame of %d bytes", errBadEvent, n)
		}
		if cap(buf) < int(n) {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if _, err := io.ReadFull(body, buf); err != nil {
			return Event{}, io.ErrUnexpectedEOF
		}
		typ, obj, err := protobuf.WatchEvent(buf)
		if err != nil {
			return Event{}, fmt.Errorf("%w: %w", errBadEvent, err)
		}
		return s.decodeObject(api.EventType(typ), func(v any) error {
			if st, ok := v.(*api.Status); ok {
				return protobuf.Unmarshal(obj, protoschema.Status, st)
			}
			return protobuf.UnmarshalWith(obj, s.cfg.Protobuf, v, s.cfg.Strings)
		})
	}
}

// readErr remembers the error its reader returned, to tell a broken stream from bad
// content.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil {
		r.err = err
	}
	return n, err
}

// errBadEvent is a well-formed line that is not a valid event.
var errBadEvent = errors.New("bad watch event")

// next decodes one event. The server writes "type" before "object", so the object is
// decoded straight from the stream into its final type; lines in the other order are
// decoded through a copy of the object.
func (s *streamWatcher) next(dec *json.Decoder) (Event, error) {
	if tok, err := dec.Token(); err != nil {
		return Event{}, err
	} else if tok != json.Delim('{') {
		return Event{}, fmt.Errorf("%w: got %v, want an object", errBadEvent, tok)
	}
	var (
		typ     api.EventType
		raw     json.RawMessage
		ev      Event
		decoded bool
	)
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return Event{}, err
		}
		switch key {
		case "type":
			if err := dec.Decode(&typ); err != nil {
				return Event{}, err
			}
		case "object":
			if typ == "" {
				if err := dec.Decode(&raw); err != nil {
					return Event{}, err
				}
				continue
			}
			if ev, err = s.decodeObject(typ, dec.Decode); err != nil {
				return Event{}, err
			}
			decoded = true
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return Event{}, err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // }
		return Event{}, err
	}
	if decoded {
		return ev, nil
	}
	if raw == nil {
		return Event{}, fmt.Errorf("%w: %q event without an object", errBadEvent, typ)
	}
	return s.decodeObject(typ, func(v any) error { return json.Unmarshal(raw, v) })
}

// decodeObject decodes the object of an event of type typ with decode.
func (s *streamWatcher) decodeObject(typ api.EventType, decode func(any) error) (Event, error) {
	switch typ {
	case api.Error:
		st := &api.Status{}
		if err := decode(st); err != nil {
			return Event{}, fmt.Errorf("%w: %w", errBadEvent, err)
		}
		return Event{Type: api.Error, Status: st}, nil
	case api.Added, api.Modified, api.Deleted, api.Bookmark:
		obj := s.cfg.New()
		if err := decode(obj); err != nil {
			return Event{}, fmt.Errorf("%w: %w", errBadEvent, err)
		}
		return Event{Type: typ, Object: obj}, nil
	default:
		return Event{}, fmt.Errorf("%w: unknown event type %q", errBadEvent, typ)
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

func decodeStatus(err error) *api.Status {
	st := api.NewStatus(http.StatusInternalServerError, api.StatusReasonInternalError,
		"unable to decode an event from the watch stream: "+err.Error())
	st.Details = &api.StatusDetails{Causes: []api.StatusCause{{Type: api.CauseTypeUnexpectedServerResponse, Message: err.Error()}}}
	return st
}
