package compat

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/record"
)

func TestEventRecorder(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	ns := s.namespace(t, "events")
	pod := mustCreate(t, s.client.CoreV1().Pods(ns), newPod("subject", nil))

	var reqs requestLog
	config := rest.CopyConfig(s.config)
	config.Wrap(reqs.wrap)
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		t.Fatalf("clientset: %v", err)
	}
	broadcaster := record.NewBroadcaster(record.WithContext(context.WithoutCancel(ctx)))
	t.Cleanup(broadcaster.Shutdown)
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: client.CoreV1().Events("")})
	recorder := broadcaster.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "compat-test", Host: "host-1"})
	events := s.client.CoreV1().Events(ns)

	// eventsFor lists the events about the pod with a reason, through the
	// server's field selectors.
	eventsFor := func(ctx context.Context, reason string) ([]corev1.Event, error) {
		list, err := events.List(ctx, metav1.ListOptions{
			FieldSelector: "involvedObject.kind=Pod,involvedObject.name=subject,involvedObject.uid=" + string(pod.UID) + ",reason=" + reason,
		})
		if err != nil {
			return nil, err
		}
		return list.Items, nil
	}

	t.Run("recorded event", func(t *testing.T) {
		recorder.Event(pod, corev1.EventTypeNormal, "Pulled", "image pulled")
		var ev corev1.Event
		poll(t, "the Pulled event", func(ctx context.Context) (bool, error) {
			got, err := eventsFor(ctx, "Pulled")
			if err != nil || len(got) == 0 {
				return false, err
			}
			ev = got[0]
			return true, nil
		})
		ref := ev.InvolvedObject
		if ref.Kind != "Pod" || ref.APIVersion != "v1" || ref.Namespace != ns || ref.Name != "subject" || ref.UID != pod.UID || ref.ResourceVersion != pod.ResourceVersion {
			t.Errorf("involvedObject = %+v; want Pod v1 %s/subject uid %s rv %s", ref, ns, pod.UID, pod.ResourceVersion)
		}
		if ev.Reason != "Pulled" || ev.Message != "image pulled" || ev.Type != corev1.EventTypeNormal || ev.Count != 1 {
			t.Errorf("event reason %q message %q type %q count %d; want Pulled, image pulled, Normal, 1", ev.Reason, ev.Message, ev.Type, ev.Count)
		}
		if ev.Source.Component != "compat-test" || ev.Source.Host != "host-1" {
			t.Errorf("event source = %+v; want compat-test on host-1", ev.Source)
		}
		if !strings.HasPrefix(ev.Name, "subject.") || ev.Namespace != ns {
			t.Errorf("event %s/%s; want %s/subject.<suffix>", ev.Namespace, ev.Name, ns)
		}
	})

	t.Run("repeat patches the count", func(t *testing.T) {
		recorder.Eventf(pod, corev1.EventTypeWarning, "BackOff", "restarting %s", "app")
		recorder.Eventf(pod, corev1.EventTypeWarning, "BackOff", "restarting %s", "app")
		recorder.Eventf(pod, corev1.EventTypeWarning, "BackOff", "restarting %s", "app")
		var ev corev1.Event
		poll(t, "the BackOff event to count 3", func(ctx context.Context) (bool, error) {
			got, err := eventsFor(ctx, "BackOff")
			if err != nil {
				return false, err
			}
			if len(got) != 1 || got[0].Count != 3 {
				return false, fmt.Errorf("events %s", describeEvents(got))
			}
			ev = got[0]
			return true, nil
		})
		if !ev.LastTimestamp.After(ev.FirstTimestamp.Time) && !ev.LastTimestamp.Equal(&ev.FirstTimestamp) {
			t.Errorf("lastTimestamp %v before firstTimestamp %v", ev.LastTimestamp, ev.FirstTimestamp)
		}
		patches := reqs.matching("PATCH", "/api/v1/namespaces/"+ns+"/events/"+ev.Name)
		if len(patches) != 2 {
			t.Errorf("PATCH requests for %s: %v; want 2", ev.Name, patches)
		}
	})

	t.Run("similar events are aggregated", func(t *testing.T) {
		// Events with one reason and different messages are recorded as they
		// are up to the ninth; from the tenth on, client-go records one
		// combined event (created once, then patched with the count and the
		// latest message).
		for i := range 12 {
			recorder.Eventf(pod, corev1.EventTypeWarning, "Failed", "attempt %d failed", i)
		}
		poll(t, "the combined event to count 3", func(ctx context.Context) (bool, error) {
			got, err := eventsFor(ctx, "Failed")
			if err != nil {
				return false, err
			}
			var combined []corev1.Event
			for _, ev := range got {
				if strings.HasPrefix(ev.Message, "(combined from similar events): ") {
					combined = append(combined, ev)
				}
			}
			if len(got) != 10 || len(combined) != 1 || combined[0].Count != 3 ||
				combined[0].Message != "(combined from similar events): attempt 11 failed" {
				return false, fmt.Errorf("events %s", describeEvents(got))
			}
			return true, nil
		})
	})
}

func describeEvents(evs []corev1.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "[%s count=%d %q] ", ev.Name, ev.Count, ev.Message)
	}
	return b.String()
}
