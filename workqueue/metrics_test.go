package workqueue_test

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/orrery-dev/orrery/workqueue"
)

// sample is the part of a gathered metric the tests compare.
type sample struct {
	Value   float64            // gauge or counter value; histogram sum
	Count   uint64             // histogram sample count
	Buckets map[float64]uint64 // histogram cumulative counts, only non-zero ones
}

// gather returns the metrics of the queue named name in reg, by metric name.
func gather(t *testing.T, reg *prometheus.Registry, name string) map[string]sample {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	got := make(map[string]sample)
	for _, f := range families {
		for _, m := range f.GetMetric() {
			if !hasLabel(m, "name", name) {
				continue
			}
			var s sample
			switch {
			case m.GetGauge() != nil:
				s.Value = m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				s.Value = m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				h := m.GetHistogram()
				s.Value, s.Count = h.GetSampleSum(), h.GetSampleCount()
				for _, b := range h.GetBucket() {
					if b.GetCumulativeCount() > 0 {
						if s.Buckets == nil {
							s.Buckets = make(map[float64]uint64)
						}
						s.Buckets[b.GetUpperBound()] = b.GetCumulativeCount()
					}
				}
			}
			got[f.GetName()] = s
		}
	}
	return got
}

func hasLabel(m *dto.Metric, name, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}

// TestMetrics runs a scripted sequence on fake time and checks every metric
// along the way.
func TestMetrics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg := prometheus.NewRegistry()
		q := newQueue(t, workqueue.Config[string]{Name: "pods", Registerer: reg})
		// An unrelated queue on the same registry must not disturb the figures.
		other := newQueue(t, workqueue.Config[string]{Name: "nodes", Registerer: reg})
		other.Add("n")

		check := func(step string, want map[string]sample) {
			t.Helper()
			if diff := cmp.Diff(want, gather(t, reg, "pods")); diff != "" {
				t.Errorf("after %s: metrics mismatch (-want +got):\n%s", step, diff)
			}
		}
		const (
			depth      = "workqueue_depth"
			adds       = "workqueue_adds_total"
			queued     = "workqueue_queue_duration_seconds"
			work       = "workqueue_work_duration_seconds"
			unfinished = "workqueue_unfinished_work_seconds"
			longest    = "workqueue_longest_running_processor_seconds"
			retries    = "workqueue_retries_total"
		)

		check("start", map[string]sample{
			depth: {}, adds: {}, queued: {}, work: {}, unfinished: {}, longest: {}, retries: {},
		})

		q.Add("a")
		q.Add("b")
		q.Add("a") // duplicate: not an add
		time.Sleep(time.Second)
		a, _ := q.Get() // queued for 1s
		time.Sleep(2 * time.Second)
		check("a processing for 2s", map[string]sample{
			depth:      {Value: 1},
			adds:       {Value: 2},
			queued:     {Value: 1, Count: 1, Buckets: map[float64]uint64{1: 1, 10: 1}},
			work:       {},
			unfinished: {Value: 2},
			longest:    {Value: 2},
			retries:    {},
		})

		b, _ := q.Get() // queued for 3s
		time.Sleep(time.Second)
		q.Add(a) // while processing: an add, counted in depth
		check("a and b processing", map[string]sample{
			depth:      {Value: 1},
			adds:       {Value: 3},
			queued:     {Value: 4, Count: 2, Buckets: map[float64]uint64{1: 1, 10: 2}},
			work:       {},
			unfinished: {Value: 3 + 1},
			longest:    {Value: 3},
			retries:    {},
		})

		q.Done(a) // worked 3s; requeued
		time.Sleep(500 * time.Millisecond)
		q.Done(b) // worked 1.5s
		q.AddAfter("c", 5*time.Second)
		q.AddAfter("c", 10*time.Second) // duplicate, still a retry
		q.AddRateLimited("d")           // default limiter: 5 ms
		time.Sleep(6 * time.Second)
		check("done and delayed items due", map[string]sample{
			depth:      {Value: 3}, // a, c, d
			adds:       {Value: 5},
			queued:     {Value: 4, Count: 2, Buckets: map[float64]uint64{1: 1, 10: 2}},
			work:       {Value: 4.5, Count: 2, Buckets: map[float64]uint64{10: 2}},
			unfinished: {},
			longest:    {},
			retries:    {Value: 3},
		})

		if got := gather(t, reg, "nodes")[adds].Value; got != 1 {
			t.Errorf("adds of the other queue = %v, want 1", got)
		}
	})
}

func TestMetricsRegistration(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	tests := []struct {
		name    string
		cfg     workqueue.Config[string]
		wantErr string // substring; empty: no error
	}{
		{name: "no registerer, no name", cfg: workqueue.Config[string]{}},
		{name: "registerer without name", cfg: workqueue.Config[string]{Registerer: reg}, wantErr: "Config.Name"},
		{name: "first", cfg: workqueue.Config[string]{Name: "a", Registerer: reg}},
		{name: "second name", cfg: workqueue.Config[string]{Name: "b", Registerer: reg}},
		{name: "same name again", cfg: workqueue.Config[string]{Name: "a", Registerer: reg}, wantErr: "register metrics"},
	}
	for _, tt := range tests { // in order: they share reg
		t.Run(tt.name, func(t *testing.T) {
			q, err := workqueue.New(tt.cfg)
			if q != nil {
				defer q.ShutDown()
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New: %v, want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New: error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
