package compat

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	cgrecord "k8s.io/client-go/tools/record"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/record"
)

// TestEventRecordersSideBySide records the same events about one pod with Orrery's
// recorder and with client-go's, from two components: each correlates its own
// (three identical events make one event with count 3; twelve similar ones make nine
// events and one combined), and client-go reads Orrery's events exactly as it reads
// its own.
func TestEventRecordersSideBySide(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := t.Context()
	ns := s.namespace(t, "recorders")
	pod := mustCreate(t, s.client.CoreV1().Pods(ns), newPod("subject", nil))

	cg := cgrecord.NewBroadcaster(cgrecord.WithContext(context.WithoutCancel(ctx)))
	t.Cleanup(cg.Shutdown)
	cg.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: s.client.CoreV1().Events("")})
	cgRec := cg.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "clientgo", Host: "host-1"})

	oc, err := client.New(client.Config{Host: s.srv.URL(), CAData: s.srv.CAPEM(), BearerToken: s.srv.AdminToken(), QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	ob := record.NewBroadcaster(record.BroadcasterConfig{})
	sinkCtx, stop := context.WithCancel(ctx)
	if err := ob.StartRecordingToSink(sinkCtx, record.NewClientSink(oc)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(); ob.Shutdown() })
	oRec := ob.NewRecorder("orrery")
	oPod, err := client.Resource[*api.Pod](oc).Namespace(ns).Get(ctx, "subject")
	if err != nil {
		t.Fatal(err)
	}

	for range 3 {
		cgRec.Event(pod, corev1.EventTypeNormal, "Pulled", "image pulled")
		oRec.Event(oPod, api.EventTypeNormal, "Pulled", "image pulled")
	}
	for i := range 12 {
		cgRec.Eventf(pod, corev1.EventTypeWarning, "Failed", "attempt %d failed", i)
		oRec.Eventf(oPod, api.EventTypeWarning, "Failed", "attempt %d failed", i)
	}

	type summary struct{ pulled, failed, combined, combinedCount, pulledCount int }
	sum := func(evs []corev1.Event, component string) summary {
		var s summary
		for _, ev := range evs {
			if ev.Source.Component != component {
				continue
			}
			switch {
			case ev.Reason == "Pulled":
				s.pulled++
				s.pulledCount = int(ev.Count)
			case strings.HasPrefix(ev.Message, "(combined from similar events): "):
				s.combined++
				s.combinedCount = int(ev.Count)
			default:
				s.failed++
			}
		}
		return s
	}
	want := summary{pulled: 1, pulledCount: 3, failed: 9, combined: 1, combinedCount: 3}
	poll(t, "both recorders' events", func(ctx context.Context) (bool, error) {
		list, err := s.client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.uid=" + string(pod.UID)})
		if err != nil {
			return false, err
		}
		cgSum, oSum := sum(list.Items, "clientgo"), sum(list.Items, "orrery")
		if cgSum != want || oSum != want {
			return false, fmt.Errorf("client-go's %+v, Orrery's %+v; want %+v each", cgSum, oSum, want)
		}
		for _, ev := range list.Items {
			if ev.Source.Component == "orrery" && (ev.InvolvedObject.Kind != "Pod" || ev.InvolvedObject.APIVersion != "v1" ||
				ev.ReportingController != "orrery" || ev.FirstTimestamp.IsZero() || ev.LastTimestamp.Before(&ev.FirstTimestamp)) {
				return false, fmt.Errorf("Orrery's event as client-go reads it: %+v", ev)
			}
		}
		return true, nil
	})
}
