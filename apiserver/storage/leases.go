package storage

import (
	"context"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// leases hands out the etcd leases that objects with a TTL are written with. Every
// object whose expiry falls in the same window (of width granularity) shares one lease,
// which ends with the window: an object written at t expires between t+ttl and
// t+ttl+granularity, and etcd holds about ttl/granularity leases however many objects
// there are. Safe for concurrent use.
type leases struct {
	ttl, granularity time.Duration
	grant            func(ctx context.Context, ttlSeconds int64) (clientv3.LeaseID, error)

	mu sync.Mutex
	// byExpiry maps the end of a window (UnixNano) to its lease.
	byExpiry map[int64]clientv3.LeaseID
}

// expiryWindow returns when the lease of an object written at now ends: the end of the
// window that now+ttl falls in, and the lease's TTL in whole seconds from now.
func expiryWindow(now time.Time, ttl, granularity time.Duration) (end time.Time, ttlSeconds int64) {
	at := now.Add(ttl)
	end = at.Truncate(granularity)
	if end.Before(at) {
		end = end.Add(granularity)
	}
	d := end.Sub(now)
	ttlSeconds = int64((d + time.Second - 1) / time.Second)
	return end, max(ttlSeconds, 1)
}

// get returns the lease for an object written at now, granting it if it is the first
// of its window. Leases of windows that have ended are forgotten.
func (l *leases) get(ctx context.Context, now time.Time) (clientv3.LeaseID, error) {
	end, ttl := expiryWindow(now, l.ttl, l.granularity)
	l.mu.Lock()
	defer l.mu.Unlock()
	if id, ok := l.byExpiry[end.UnixNano()]; ok {
		return id, nil
	}
	id, err := l.grant(ctx, ttl)
	if err != nil {
		return 0, err
	}
	for e := range l.byExpiry {
		if e <= now.UnixNano() {
			delete(l.byExpiry, e)
		}
	}
	l.byExpiry[end.UnixNano()] = id
	return id, nil
}

// forget drops a lease etcd no longer knows, so that the next write grants a new one.
func (l *leases) forget(id clientv3.LeaseID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for e, v := range l.byExpiry {
		if v == id {
			delete(l.byExpiry, e)
		}
	}
}
