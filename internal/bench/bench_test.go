package bench

import (
	"bytes"
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
		Processes: []Process{{Name: "orrery up", CPUSeconds: 1.5, PeakRSS: 64 << 20}}}
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
	if s := svg.String(); !strings.Contains(s, "a&lt;b&quot;") || strings.Count(s, "<polyline") != 3 || !strings.HasSuffix(s, "</svg>\n") {
		t.Errorf("svg:\n%s", s)
	}
}
