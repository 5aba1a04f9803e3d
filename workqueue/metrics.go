package workqueue

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metric names, as in Kubernetes.
const (
	metricDepth          = "workqueue_depth"
	metricAdds           = "workqueue_adds_total"
	metricQueueDuration  = "workqueue_queue_duration_seconds"
	metricWorkDuration   = "workqueue_work_duration_seconds"
	metricUnfinishedWork = "workqueue_unfinished_work_seconds"
	metricLongestRunning = "workqueue_longest_running_processor_seconds"
	metricRetries        = "workqueue_retries_total"
)

// metrics holds a queue's histograms and the descriptions of the values it
// computes when scraped. Counters and gauges live in the Queue itself, under
// its lock, so that keeping them costs an increment.
type metrics struct {
	depth, adds, unfinished, longest, retries *prometheus.Desc
	queueDuration, workDuration               prometheus.Histogram
}

func newMetrics(name string) *metrics {
	labels := prometheus.Labels{"name": name}
	desc := func(fqName, help string) *prometheus.Desc {
		return prometheus.NewDesc(fqName, help, nil, labels)
	}
	histogram := func(fqName, help string) prometheus.Histogram {
		return prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:        fqName,
			Help:        help,
			ConstLabels: labels,
			// 10 ns to 100 s, as in Kubernetes.
			Buckets: prometheus.ExponentialBuckets(10e-9, 10, 10),
		})
	}
	return &metrics{
		depth: desc(metricDepth, "Current depth of workqueue"),
		adds:  desc(metricAdds, "Total number of adds handled by workqueue"),
		unfinished: desc(metricUnfinishedWork, "How many seconds of work has been done that is in "+
			"progress and hasn't been observed by work_duration. Large values indicate stuck "+
			"threads. One can deduce the number of stuck threads by observing the rate at "+
			"which this increases."),
		longest: desc(metricLongestRunning, "How many seconds has the longest running processor "+
			"for workqueue been running."),
		retries: desc(metricRetries, "Total number of retries handled by workqueue"),
		queueDuration: histogram(metricQueueDuration,
			"How long in seconds an item stays in workqueue before being requested."),
		workDuration: histogram(metricWorkDuration,
			"How long in seconds processing an item from workqueue takes."),
	}
}

// collector exports a queue's metrics to a prometheus.Registerer.
type collector[T comparable] struct{ q *Queue[T] }

var _ prometheus.Collector = collector[string]{}

// Describe implements prometheus.Collector.
func (c collector[T]) Describe(ch chan<- *prometheus.Desc) {
	m := c.q.metrics
	for _, d := range []*prometheus.Desc{m.depth, m.adds, m.unfinished, m.longest, m.retries} {
		ch <- d
	}
	m.queueDuration.Describe(ch)
	m.workDuration.Describe(ch)
}

// Collect implements prometheus.Collector. The unfinished-work gauges are
// computed from the items being processed at the time of the call.
func (c collector[T]) Collect(ch chan<- prometheus.Metric) {
	q, m := c.q, c.q.metrics
	q.mu.RLock()
	depth, adds, retries := q.nDirty, q.adds, q.retries
	now := q.now()
	var unfinished float64
	var longest int64
	if q.nProcessing > 0 {
		for i := range q.nEntries {
			if q.entry(i).state&stateProcessing != 0 {
				age := now - q.stamp(i).startedAt
				unfinished += seconds(age)
				longest = max(longest, age)
			}
		}
	}
	q.mu.RUnlock()
	ch <- prometheus.MustNewConstMetric(m.depth, prometheus.GaugeValue, float64(depth))
	ch <- prometheus.MustNewConstMetric(m.adds, prometheus.CounterValue, float64(adds))
	ch <- prometheus.MustNewConstMetric(m.unfinished, prometheus.GaugeValue, unfinished)
	ch <- prometheus.MustNewConstMetric(m.longest, prometheus.GaugeValue, seconds(longest))
	ch <- prometheus.MustNewConstMetric(m.retries, prometheus.CounterValue, float64(retries))
	m.queueDuration.Collect(ch)
	m.workDuration.Collect(ch)
}
