package bench

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

func TestPercentiles(t *testing.T) {
	t.Parallel()
	var v []float64
	for i := 1; i <= 100; i++ {
		v = append(v, float64(101-i)) // unsorted
	}
	if got := percentiles(v); got != (Percentiles{P50: 50, P90: 90, P99: 99, Max: 100}) {
		t.Errorf("percentiles of 1..100: %+v", got)
	}
	if got := percentiles([]float64{3}); got != (Percentiles{3, 3, 3, 3}) {
		t.Errorf("percentiles of one: %+v", got)
	}
	if got := percentiles(nil); got != (Percentiles{}) {
		t.Errorf("percentiles of none: %+v", got)
	}
}

func TestCount(t *testing.T) {
	t.Parallel()
	start := time.Unix(1000, 0)
	at := func(s float64) time.Time { return start.Add(time.Duration(s * float64(time.Second))) }
	times := map[string]*podTimes{
		"a": {created: at(0), scheduled: at(1), running: at(2)},
		"b": {created: at(0.5), scheduled: at(3)},
		"c": {created: at(4)},
	}
	if got := count(times, start, at(2)); got != (Point{Seconds: 2, Created: 2, Scheduled: 1, Running: 1}) {
		t.Errorf("count at 2 s: %+v", got)
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	r := &Result{Scenario: "burst", Pods: 10, Nodes: 2, Cluster: `a<b"`, AllRunning: 3,
		Timeline:  []Point{{0, 0, 0, 0}, {1, 10, 5, 2}, {3, 10, 10, 10}},
		Processes: []Process{{Name: "orrery up", CPUSeconds: 1.5, PeakRSS: 64 << 20}},
		Latency:   []Bucket{{Le: 1, Scheduled: 4, Running: 0}, {Le: 2, Scheduled: 6, Running: 3}, {Le: 3, Running: 7}}}
	var table, svg bytes.Buffer
	if err := WriteTable(&table, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "process orrery up  1.5 CPU-s, peak RSS 64 MiB") {
		t.Errorf("table:\n%s", table.String())
	}
	if err := WriteSVG(&svg, r); err != nil {
		t.Fatal(err)
	}
	if s := svg.String(); !strings.Contains(s, "a&lt;b&quot;") || strings.Count(s, "<polyline") != 3 || strings.Count(s, "<rect") != 1+4 || !strings.HasSuffix(s, "</svg>\n") {
		t.Errorf("svg:\n%s", s)
	}
}

func TestHistogram(t *testing.T) {
	t.Parallel()
	// The largest latency, 3.7 s, makes bars of 0.2 s (3.7/20 rounded up to 1, 2 or 5
	// times a power of ten).
	got := histogram([]float64{0.05, 0.2, 0.21}, []float64{0.5, 3.7, 0})
	if len(got) != histogramBuckets || got[0].Le != 0.2 || got[histogramBuckets-1].Le != 4 {
		t.Fatalf("buckets: %+v", got)
	}
	want := map[int]Bucket{0: {Le: 0.2, Scheduled: 2, Running: 1}, 1: {Le: 0.4, Scheduled: 1}, 2: {Le: 0.6000000000000001, Running: 1}, 18: {Le: 3.8000000000000003, Running: 1}}
	for i, b := range got {
		w, ok := want[i]
		if !ok {
			w = Bucket{Le: b.Le}
		}
		if b.Scheduled != w.Scheduled || b.Running != w.Running {
			t.Errorf("bucket %d (le %.2f): %+v, want %+v", i, b.Le, b, w)
		}
	}
	if got := histogram(nil, nil); got != nil {
		t.Errorf("histogram of nothing: %+v", got)
	}
	for _, c := range []struct{ v, want float64 }{{0.185, 0.2}, {0.2, 0.2}, {0.3, 0.5}, {7, 10}, {12, 20}} {
		if got := roundUp(c.v); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("roundUp(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}
