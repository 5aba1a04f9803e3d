// Package record records Events about objects, as client-go's tools/record does, so
// that they show in `kubectl get events` and `kubectl describe`.
//
// A Recorder emits events into a Broadcaster (a watch.Broadcaster that drops events
// when a sink falls 1,000 behind rather than block the controller). Each sink started
// on the Broadcaster runs one goroutine with Kubernetes' correlation:
//   - an event identical to one written within 10 minutes updates that one (count + 1,
//     lastTimestamp and message, by PATCH) instead of creating another;
//   - past 10 events that differ only in their message within 10 minutes (same object,
//     type and reason), the rest are combined into one event whose message starts
//     "(combined from similar events): ";
//   - a token bucket per source and object (burst 25, then one event per 5 minutes)
//     drops the excess.
//
// Writes that fail are retried up to 12 times, 10 s apart (the first delay random),
// unless the server refused them for good (the namespace is gone, a 4xx).
package record

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/watch"
)

// Sink writes events: the apiserver (NewClientSink) or anything else.
type Sink interface {
	// Create creates the event and returns it as stored.
	Create(ctx context.Context, ev *api.Event) (*api.Event, error)
	// Patch applies a strategic merge patch to the stored event ev names and returns it.
	Patch(ctx context.Context, ev *api.Event, patch []byte) (*api.Event, error)
}

// clientSink writes events through the apiserver.
type clientSink struct{ c *client.Client }

// NewClientSink returns a Sink that writes events to the apiserver c talks to.
func NewClientSink(c *client.Client) Sink { return clientSink{c: c} }

func (s clientSink) Create(ctx context.Context, ev *api.Event) (*api.Event, error) {
	return client.Resource[*api.Event](s.c).Namespace(ev.Namespace).Create(ctx, ev)
}

func (s clientSink) Patch(ctx context.Context, ev *api.Event, patch []byte) (*api.Event, error) {
	return client.Resource[*api.Event](s.c).Namespace(ev.Namespace).Patch(ctx, ev.Name, client.StrategicMergePatchType, patch)
}

// BroadcasterConfig configures a Broadcaster.
type BroadcasterConfig struct {
	// Registry names the kinds of the objects events are about. Nil means api/builtin's.
	Registry *api.Registry
	// Logger receives the broadcaster's own logs (failed writes). Nil means none.
	Logger *zap.Logger
}

// Broadcaster carries the events of its Recorders to its sinks. Make one with
// NewBroadcaster, start sinks, make Recorders, and Shutdown when done.
type Broadcaster struct {
	cfg    BroadcasterConfig
	b      *watch.Broadcaster
	logger *zap.Logger
	wg     sync.WaitGroup
}

// queueLength is how many events a sink may fall behind before new ones are dropped.
const queueLength = 1000

// NewBroadcaster returns a Broadcaster without sinks.
func NewBroadcaster(cfg BroadcasterConfig) *Broadcaster {
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Registry == nil {
		cfg.Registry = builtin.Registry()
	}
	return &Broadcaster{
		cfg:    cfg,
		b:      watch.NewBroadcaster(watch.BroadcasterConfig{Buffer: queueLength, FullPolicy: watch.DropIfFull}),
		logger: cfg.Logger.Named("events"),
	}
}

// StartRecordingToSink writes every event to sink, correlated, from a goroutine that
// runs until ctx ends or the Broadcaster shuts down.
func (b *Broadcaster) StartRecordingToSink(ctx context.Context, sink Sink) error {
	c := newCorrelator(time.Now)
	return b.start(ctx, func(ev *api.Event) {
		out := c.correlate(ev)
		if out.event != nil {
			b.write(ctx, sink, c, out)
		}
	})
}

// StartLogging logs every event to logger (at info level, Warning events at warn),
// from a goroutine that runs until ctx ends or the Broadcaster shuts down.
func (b *Broadcaster) StartLogging(ctx context.Context, logger *zap.Logger) error {
	return b.start(ctx, func(ev *api.Event) {
		log := logger.Info
		if ev.Type == api.EventTypeWarning {
			log = logger.Warn
		}
		o := ev.InvolvedObject
		log("event", zap.String("object", o.Kind+" "+o.Namespace+"/"+o.Name), zap.String("type", ev.Type),
			zap.String("reason", ev.Reason), zap.String("message", ev.Message))
	})
}

func (b *Broadcaster) start(ctx context.Context, handle func(*api.Event)) error {
	w, err := b.b.Watch()
	if err != nil {
		return err
	}
	b.wg.Go(func() {
		defer w.Stop()
		for {
			select {
			case e, ok := <-w.ResultChan():
				if !ok {
					return
				}
				handle(e.Object.(*api.Event))
			case <-ctx.Done():
				return
			}
		}
	})
	return nil
}

// Shutdown stops taking events, lets the sinks write what they hold (each until its
// context ends) and waits for them.
func (b *Broadcaster) Shutdown() {
	b.b.Shutdown()
	b.wg.Wait()
}

// write creates or patches out's event, retrying failures that may pass.
func (b *Broadcaster) write(ctx context.Context, sink Sink, c *correlator, out correlated) {
	const tries = 12
	const interval = 10 * time.Second
	for attempt := 1; ; attempt++ {
		var stored *api.Event
		var err error
		if out.patch != nil {
			stored, err = sink.Patch(ctx, out.event, out.patch)
		}
		if out.patch == nil || client.IsNotFound(err) {
			ev := *out.event
			ev.ResourceVersion = ""
			stored, err = sink.Create(ctx, &ev)
		}
		if err == nil {
			c.written(out.key, stored)
			return
		}
		var st *api.Status
		if errors.As(err, &st) && st.Code >= 400 && st.Code < 500 && st.Code != 429 {
			b.logger.Warn("server refused event; not retrying", zap.String("event", out.event.Name), zap.Error(err))
			return
		}
		if attempt == tries {
			b.logger.Error("unable to write event; dropping it", zap.String("event", out.event.Name), zap.Error(err))
			return
		}
		delay := interval
		if attempt == 1 {
			delay = time.Duration(rand.Float64() * float64(interval))
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

// Recorder records events about objects.
type Recorder interface {
	// Event records an event of type eventtype (api.EventTypeNormal or
	// api.EventTypeWarning) with a CamelCase reason about obj.
	Event(obj api.Object, eventtype, reason, message string)
	// Eventf is Event with a formatted message.
	Eventf(obj api.Object, eventtype, reason, format string, args ...any)
}

// NewRecorder returns a Recorder whose events come from component (their
// source.component and reportingComponent) on this host.
func (b *Broadcaster) NewRecorder(component string) Recorder {
	host, _ := os.Hostname()
	return &recorder{b: b, source: api.EventSource{Component: component, Host: host}}
}

type recorder struct {
	b      *Broadcaster
	source api.EventSource
}

func (r *recorder) Eventf(obj api.Object, eventtype, reason, format string, args ...any) {
	r.Event(obj, eventtype, reason, fmt.Sprintf(format, args...))
}

func (r *recorder) Event(obj api.Object, eventtype, reason, message string) {
	if eventtype != api.EventTypeNormal && eventtype != api.EventTypeWarning {
		r.b.logger.Error("unsupported event type; event dropped", zap.String("type", eventtype), zap.String("reason", reason))
		return
	}
	ref, err := Reference(r.b.cfg.Registry, obj)
	if err != nil {
		r.b.logger.Error("event about an object of no known kind dropped", zap.Error(err), zap.String("reason", reason))
		return
	}
	ns := ref.Namespace
	if ns == "" {
		ns = "default"
	}
	now := time.Now()
	t := api.NewTime(now)
	ev := &api.Event{
		ObjectMeta:     api.ObjectMeta{Name: fmt.Sprintf("%s.%x", ref.Name, now.UnixNano()), Namespace: ns},
		InvolvedObject: ref, Reason: reason, Message: message, Type: eventtype,
		Source: r.source, FirstTimestamp: t, LastTimestamp: t, Count: 1,
		ReportingComponent: r.source.Component, ReportingInstance: r.source.Host,
	}
	_ = r.b.b.Send(context.Background(), watch.Event{Type: api.Added, Object: ev}) // drops when a sink is full
}

// Reference returns a reference to obj: its kind and apiVersion from its TypeMeta, or
// from reg by its Go type when the TypeMeta is empty (objects from a typed client or
// an informer).
func Reference(reg *api.Registry, obj api.Object) (api.ObjectReference, error) {
	tm, m := obj.GetTypeMeta(), obj.GetObjectMeta()
	kind, apiVersion := tm.Kind, tm.APIVersion
	if kind == "" || apiVersion == "" {
		k, ok := reg.Of(obj)
		if !ok {
			return api.ObjectReference{}, fmt.Errorf("record: %T is not a registered kind", obj)
		}
		kind, apiVersion = k.Kind, k.APIVersion()
	}
	return api.ObjectReference{Kind: kind, APIVersion: apiVersion, Namespace: m.Namespace, Name: m.Name,
		UID: m.UID, ResourceVersion: m.ResourceVersion}, nil
}
