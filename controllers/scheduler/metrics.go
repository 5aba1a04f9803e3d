package scheduler

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are kube-scheduler's.
type metrics struct {
	attempts        *prometheus.CounterVec
	attemptDuration *prometheus.HistogramVec
	sli             *prometheus.HistogramVec
	preemption      prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, q *queue) (*metrics, error) {
	m := &metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{Subsystem: "scheduler", Name: "schedule_attempts_total",
			Help: "Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem."},
			[]string{"result", "profile"}),
		attemptDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Subsystem: "scheduler", Name: "scheduling_attempt_duration_seconds",
			Help: "Scheduling attempt latency in seconds (scheduling algorithm + binding)", Buckets: prometheus.ExponentialBuckets(0.001, 2, 15)},
			[]string{"result", "profile"}),
		sli: prometheus.NewHistogramVec(prometheus.HistogramOpts{Subsystem: "scheduler", Name: "pod_scheduling_sli_duration_seconds",
			Help:    "E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue and might involve multiple scheduling attempts.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 20)}, []string{"attempts"}),
		preemption: prometheus.NewCounter(prometheus.CounterOpts{Subsystem: "scheduler", Name: "preemption_attempts_total",
			Help: "Total preemption attempts in the cluster till now"}),
	}
	// Several profiles share the metrics (labelled by profile where Kubernetes does);
	// the first profile's queue reports the pending pods.
	register := func(c prometheus.Collector) (prometheus.Collector, error) {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				return are.ExistingCollector, nil
			}
			return nil, err
		}
		return c, nil
	}
	var err error
	var c prometheus.Collector
	if c, err = register(m.attempts); err != nil {
		return nil, err
	}
	m.attempts = c.(*prometheus.CounterVec)
	if c, err = register(m.attemptDuration); err != nil {
		return nil, err
	}
	m.attemptDuration = c.(*prometheus.HistogramVec)
	if c, err = register(m.sli); err != nil {
		return nil, err
	}
	m.sli = c.(*prometheus.HistogramVec)
	if c, err = register(m.preemption); err != nil {
		return nil, err
	}
	m.preemption = c.(prometheus.Counter)
	if _, err = register(pendingCollector{q}); err != nil {
		return nil, err
	}
	return m, nil
}

// pendingCollector exports scheduler_pending_pods{queue} from the queue's lengths.
type pendingCollector struct{ q *queue }

var pendingDesc = prometheus.NewDesc("scheduler_pending_pods",
	"Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods that the scheduler attempted to schedule and failed; 'gated' is the number of unschedulable pods that the scheduler never attempted to schedule because they are gated.",
	[]string{"queue"}, nil)

func (c pendingCollector) Describe(ch chan<- *prometheus.Desc) { ch <- pendingDesc }

func (c pendingCollector) Collect(ch chan<- prometheus.Metric) {
	a, b, u := c.q.lengths()
	ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(a), "active")
	ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(b), "backoff")
	ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(u), "unschedulable")
	ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, 0, "gated")
}
