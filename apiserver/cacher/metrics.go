package cacher

import "github.com/prometheus/client_golang/prometheus"

// Metrics holds the watch cache metrics shared by every Cacher of one server; each
// Cacher labels its series with its resource.
type Metrics struct {
	capacity       *prometheus.GaugeVec
	eventsReceived *prometheus.CounterVec
	readWait       *prometheus.HistogramVec
	terminated     *prometheus.CounterVec
	initialized    *prometheus.CounterVec
}

// NewMetrics creates the watch cache metrics and registers them on reg (nil: not
// registered):
//   - apiserver_watch_cache_capacity{resource}: events the ring buffer can hold;
//   - apiserver_watch_cache_events_received_total{resource}: events read from etcd;
//   - apiserver_watch_cache_read_wait_seconds{resource}: how long reads waited for the
//     cache to be fresh enough;
//   - apiserver_terminated_watchers_total{resource}: watchers closed because they did
//     not keep up;
//   - apiserver_watch_cache_initialized_total{resource}: (re)initializations from a LIST.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		capacity: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "apiserver_watch_cache_capacity",
			Help: "Total capacity of watch cache broken by resource type.",
		}, []string{"resource"}),
		eventsReceived: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "apiserver_watch_cache_events_received_total",
			Help: "Counter of events received in watch cache broken by resource type.",
		}, []string{"resource"}),
		readWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "apiserver_watch_cache_read_wait_seconds",
			Help:    "Histogram of time spent waiting for a watch cache to become fresh.",
			Buckets: []float64{0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3},
		}, []string{"resource"}),
		terminated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "apiserver_terminated_watchers_total",
			Help: "Counter of watchers closed due to unresponsiveness broken by resource type.",
		}, []string{"resource"}),
		initialized: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "apiserver_watch_cache_initialized_total",
			Help: "Counter of watch cache initializations broken by resource type.",
		}, []string{"resource"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.capacity, m.eventsReceived, m.readWait, m.terminated, m.initialized} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// resourceMetrics are the series of one resource; the zero value records nothing.
type resourceMetrics struct {
	capacity       prometheus.Gauge
	eventsReceived prometheus.Counter
	readWait       prometheus.Observer
	terminated     prometheus.Counter
	initialized    prometheus.Counter
}

func (m *Metrics) forResource(resource string) resourceMetrics {
	if m == nil {
		return resourceMetrics{}
	}
	return resourceMetrics{
		capacity:       m.capacity.WithLabelValues(resource),
		eventsReceived: m.eventsReceived.WithLabelValues(resource),
		readWait:       m.readWait.WithLabelValues(resource),
		terminated:     m.terminated.WithLabelValues(resource),
		initialized:    m.initialized.WithLabelValues(resource),
	}
}

func (m resourceMetrics) setCapacity(n int) {
	if m.capacity != nil {
		m.capacity.Set(float64(n))
	}
}

func (m resourceMetrics) eventReceived() {
	if m.eventsReceived != nil {
		m.eventsReceived.Inc()
	}
}

func (m resourceMetrics) observeReadWait(seconds float64) {
	if m.readWait != nil {
		m.readWait.Observe(seconds)
	}
}

func (m resourceMetrics) watcherTerminated() {
	if m.terminated != nil {
		m.terminated.Inc()
	}
}

func (m resourceMetrics) initializedOnce() {
	if m.initialized != nil {
		m.initialized.Inc()
	}
}
