package nodelifecycle

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are kube-controller-manager's node lifecycle and taint eviction metrics, by
// their names. A zone is the node's topology.kubernetes.io/zone label.
type metrics struct {
	zoneHealth      *prometheus.GaugeVec
	zoneSize        *prometheus.GaugeVec
	unhealthy       *prometheus.GaugeVec
	evictions       *prometheus.CounterVec
	checkDuration   prometheus.Histogram
	podDeletions    prometheus.Counter
	podDeletionLate prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	zone := []string{"zone"}
	m := &metrics{
		zoneHealth: prometheus.NewGaugeVec(prometheus.GaugeOpts{Subsystem: "node_collector", Name: "zone_health",
			Help: "Gauge measuring percentage of healthy nodes per zone."}, zone),
		zoneSize: prometheus.NewGaugeVec(prometheus.GaugeOpts{Subsystem: "node_collector", Name: "zone_size",
			Help: "Gauge measuring number of registered Nodes per zones."}, zone),
		unhealthy: prometheus.NewGaugeVec(prometheus.GaugeOpts{Subsystem: "node_collector", Name: "unhealthy_nodes_in_zone",
			Help: "Gauge measuring number of not Ready Nodes per zones."}, zone),
		evictions: prometheus.NewCounterVec(prometheus.CounterOpts{Subsystem: "node_collector", Name: "evictions_total",
			Help: "Number of Node evictions that happened since current instance of NodeController started."}, zone),
		checkDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Subsystem: "node_collector", Name: "update_all_nodes_health_duration_seconds",
			Help: "Duration in seconds for NodeController to update the health of all nodes.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 8)}),
		podDeletions: prometheus.NewCounter(prometheus.CounterOpts{Subsystem: "taint_eviction_controller", Name: "pod_deletions_total",
			Help: "Total number of Pods deleted by TaintEvictionController since its start."}),
		podDeletionLate: prometheus.NewHistogram(prometheus.HistogramOpts{Subsystem: "taint_eviction_controller", Name: "pod_deletion_duration_seconds",
			Help:    "Latency, in seconds, between the time when a taint effect has been activated for the Pod and its deletion via TaintEvictionController.",
			Buckets: []float64{0.005, 0.025, 0.1, 0.5, 1, 2.5, 10, 30, 60, 120, 180, 240}}),
	}
	for _, c := range []prometheus.Collector{m.zoneHealth, m.zoneSize, m.unhealthy, m.evictions, m.checkDuration, m.podDeletions, m.podDeletionLate} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// setZones sets the zone gauges from each zone's node count and nodes down, and drops
// those of zones no longer in total.
func (m *metrics) setZones(total, down map[string]int, before map[string]zoneState) {
	for zone, n := range total {
		m.zoneSize.WithLabelValues(zone).Set(float64(n))
		m.unhealthy.WithLabelValues(zone).Set(float64(down[zone]))
		m.zoneHealth.WithLabelValues(zone).Set(100 * float64(n-down[zone]) / float64(n))
	}
	for zone := range before {
		if _, ok := total[zone]; !ok {
			m.zoneSize.DeleteLabelValues(zone)
			m.unhealthy.DeleteLabelValues(zone)
			m.zoneHealth.DeleteLabelValues(zone)
		}
	}
}
