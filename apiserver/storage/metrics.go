package storage

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics holds the storage metrics shared by every Store of one server:
//   - etcd_request_duration_seconds{operation,type}: etcd request latency;
//   - apiserver_storage_decode_errors_total{resource}: stored values that did not
//     decode (each is logged with its key; lists and watches pass over them).
type Metrics struct {
	requestDuration *prometheus.HistogramVec
	decodeErrors    *prometheus.CounterVec
}

// NewMetrics creates the storage metrics and registers them on reg (nil: not registered).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "etcd_request_duration_seconds",
			Help:    "Etcd request latency in seconds for each operation and object type.",
			Buckets: []float64{0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60},
		}, []string{"operation", "type"}),
		decodeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "apiserver_storage_decode_errors_total",
			Help: "Number of stored object decode errors split by object type",
		}, []string{"resource"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.requestDuration, m.decodeErrors} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *Metrics) observe(op, resource string, d time.Duration) {
	if m == nil {
		return
	}
	m.requestDuration.WithLabelValues(op, resource).Observe(d.Seconds())
}

func (m *Metrics) decodeError(resource string) {
	if m == nil {
		return
	}
	m.decodeErrors.WithLabelValues(resource).Inc()
}
