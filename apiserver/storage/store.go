package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
)

// Config says how a Store reaches etcd and what it stores.
type Config struct {
	// Client is the etcd client. Required. The Store does not close it.
	Client *clientv3.Client
	// Prefix is the etcd key prefix of the resource, e.g. "/registry/pods". Required.
	Prefix string
	// Resource names the resource in metrics and logs, e.g. "pods". Empty means the
	// last element of Prefix.
	Resource string
	// NewFunc returns a new empty object of the stored kind. Required.
	NewFunc func() api.Object
	// Attrs extracts labels and fields for predicates that do not set their own. Nil
	// means MetaAttrs.
	Attrs AttrFunc
	// PageSize bounds the number of keys one etcd read returns when the Store reads a
	// whole range (a List without a limit, the initial state of a watch): it reads in
	// pages of this many keys, all at one revision, so that no response grows past the
	// etcd client's message size limit however many objects there are. Zero means
	// DefaultPageSize.
	PageSize int64
	// TTL, if positive, makes every object expire that long after its last write
	// (Kubernetes' --event-ttl). Keys are attached to etcd leases shared by all the keys
	// that expire within the same TTLGranularity, so an object lives between TTL and
	// TTL+TTLGranularity after its last write, and etcd holds a lease per window, not
	// per object. Zero means objects do not expire.
	TTL time.Duration
	// TTLGranularity is the width of the expiry windows that share a lease. Zero means
	// a twentieth of TTL, at most DefaultTTLGranularity (as Kubernetes reuses a lease
	// for 5% of the TTL, at most a minute).
	TTLGranularity time.Duration
	// Codec encodes objects for etcd and decodes them back. Nil means JSON.
	Codec Codec
	// Metrics records etcd request latencies and decode errors. Nil means none.
	Metrics *Metrics
	// Logger logs failures worth an operator's attention. Nil means no logs.
	Logger *zap.Logger
}

// Codec is how objects are kept in etcd. Decode must read whatever an earlier codec of
// the same kind wrote (JSON, at least), so that a change of encoding needs no
// migration: objects are rewritten in the new one as they are updated.
type Codec interface {
	Encode(obj api.Object) ([]byte, error)
	Decode(data []byte, into api.Object) error
}

// jsonCodec keeps objects as JSON.
type jsonCodec struct{}

func (jsonCodec) Encode(obj api.Object) ([]byte, error)     { return json.Marshal(obj) }
func (jsonCodec) Decode(data []byte, into api.Object) error { return json.Unmarshal(data, into) }

// The defaults of Config.
const (
	DefaultPageSize       = 10000
	DefaultTTLGranularity = time.Minute
)

// Store is the etcd implementation of Interface.
type Store struct {
	client   *clientv3.Client
	prefix   string // ends with "/"
	resource string
	newFunc  func() api.Object
	attrs    AttrFunc
	pageSize int64
	leases   *leases // nil: objects do not expire
	codec    Codec
	metrics  *Metrics
	logger   *zap.Logger
}

var _ Interface = (*Store)(nil)

// New returns a Store for one resource.
func New(cfg Config) (*Store, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("storage: Config.Client is required")
	case cfg.Prefix == "" || cfg.Prefix == "/":
		return nil, errors.New("storage: Config.Prefix is required")
	case cfg.NewFunc == nil:
		return nil, errors.New("storage: Config.NewFunc is required")
	case cfg.PageSize < 0:
		return nil, fmt.Errorf("storage: Config.PageSize %d is negative", cfg.PageSize)
	case cfg.TTL < 0 || cfg.TTLGranularity < 0:
		return nil, errors.New("storage: Config.TTL and TTLGranularity must not be negative")
	}
	prefix := strings.TrimSuffix(cfg.Prefix, "/") + "/"
	resource := cfg.Resource
	if resource == "" {
		parts := strings.Split(strings.Trim(prefix, "/"), "/")
		resource = parts[len(parts)-1]
	}
	attrs := cfg.Attrs
	if attrs == nil {
		attrs = MetaAttrs
	}
	logger := cfg.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	pageSize := cfg.PageSize
	if pageSize == 0 {
		pageSize = DefaultPageSize
	}
	s := &Store{
		client:   cfg.Client,
		prefix:   prefix,
		resource: resource,
		newFunc:  cfg.NewFunc,
		attrs:    attrs,
		pageSize: pageSize,
		metrics:  cfg.Metrics,
		logger:   logger.With(zap.String("resource", resource)),
		codec:    cfg.Codec,
	}
	if s.codec == nil {
		s.codec = jsonCodec{}
	}
	if cfg.TTL > 0 {
		g := cfg.TTLGranularity
		if g == 0 {
			g = max(min(DefaultTTLGranularity, cfg.TTL/20), time.Millisecond)
		}
		s.leases = &leases{ttl: cfg.TTL, granularity: g, byExpiry: map[int64]clientv3.LeaseID{},
			grant: func(ctx context.Context, ttl int64) (clientv3.LeaseID, error) {
				start := time.Now()
				resp, err := cfg.Client.Grant(ctx, ttl)
				s.observe("grantLease", start)
				if err != nil {
					return 0, fmt.Errorf("grant lease: %w", err)
				}
				return resp.ID, nil
			}}
	}
	return s, nil
}

func (s *Store) etcdKey(key string) string { return s.prefix + key }

func (s *Store) observe(op string, start time.Time) {
	s.metrics.observe(op, s.resource, time.Since(start))
}

// encode serializes obj for storage, without a resourceVersion (etcd's ModRevision
// is the resourceVersion).
func (s *Store) encode(obj api.Object) ([]byte, error) {
	m := obj.GetObjectMeta()
	rv := m.ResourceVersion
	m.ResourceVersion = ""
	data, err := s.codec.Encode(obj)
	m.ResourceVersion = rv
	return data, err
}

// decode parses a stored value and sets its resourceVersion to rev. A value that does
// not decode is logged and counted (apiserver_storage_decode_errors_total) and is an
// Invalid error naming the key.
func (s *Store) decode(key string, value []byte, rev int64) (api.Object, error) {
	obj := s.newFunc()
	if err := s.codec.Decode(value, obj); err != nil {
		s.logger.Error("stored object does not decode", zap.String("key", s.etcdKey(key)), zap.Int64("revision", rev), zap.Error(err))
		s.metrics.decodeError(s.resource)
		return nil, errInvalid(key, err)
	}
	obj.GetObjectMeta().ResourceVersion = FormatResourceVersion(rev)
	return obj, nil
}

func (s *Store) key(kv *mvccpb.KeyValue) string {
	return strings.TrimPrefix(string(kv.Key), s.prefix)
}

// Create implements Interface.
func (s *Store) Create(ctx context.Context, key string, obj api.Object) (api.Object, error) {
	if rv := obj.GetObjectMeta().ResourceVersion; rv != "" {
		return nil, errBadRequest("resourceVersion should not be set on objects to be created")
	}
	data, err := s.codec.Encode(obj)
	if err != nil {
		return nil, &Error{Code: CodeInvalid, Key: key, Message: "encode object", Err: err}
	}
	k := s.etcdKey(key)
	resp, err := s.txn(ctx, "create", func(put []clientv3.OpOption) clientv3.Txn {
		return s.client.Txn(ctx).
			If(clientv3.Compare(clientv3.CreateRevision(k), "=", 0)).
			Then(clientv3.OpPut(k, string(data), put...))
	})
	if err != nil {
		return nil, fmt.Errorf("create %s %q: %w", s.resource, key, err)
	}
	if !resp.Succeeded {
		return nil, errAlreadyExists(key)
	}
	obj.GetObjectMeta().ResourceVersion = FormatResourceVersion(resp.Header.Revision)
	return obj, nil
}

// Get implements Interface.
func (s *Store) Get(ctx context.Context, key string, opts GetOptions) (api.Object, error) {
	minRV, err := ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	resp, err := s.client.Get(ctx, s.etcdKey(key))
	s.observe("get", start)
	if err != nil {
		return nil, fmt.Errorf("get %s %q: %w", s.resource, key, err)
	}
	if minRV > resp.Header.Revision {
		return nil, errTooLarge(minRV, resp.Header.Revision)
	}
	if len(resp.Kvs) == 0 {
		return nil, errNotFound(key)
	}
	return s.decode(key, resp.Kvs[0].Value, resp.Kvs[0].ModRevision)
}

// current is the raw state of one key as last read; rev is 0 when the key does not exist.
type current struct {
	data []byte
	rev  int64
}

func (c current) exists() bool { return c.rev != 0 }

func (s *Store) read(ctx context.Context, key string) (current, error) {
	start := time.Now()
	resp, err := s.client.Get(ctx, s.etcdKey(key))
	s.observe("get", start)
	if err != nil {
		return current{}, fmt.Errorf("get %s %q: %w", s.resource, key, err)
	}
	return fromKVs(resp.Kvs), nil
}

func fromKVs(kvs []*mvccpb.KeyValue) current {
	if len(kvs) == 0 {
		return current{}
	}
	return current{data: kvs[0].Value, rev: kvs[0].ModRevision}
}

func checkPreconditions(key string, p *Preconditions, obj api.Object) error {
	if p == nil {
		return nil
	}
	m := obj.GetObjectMeta()
	if p.UID != nil && *p.UID != m.UID {
		return &Error{Code: CodeConflict, Key: key, Message: fmt.Sprintf(
			"Precondition failed: UID in precondition: %v, UID in object meta: %v", *p.UID, m.UID)}
	}
	if p.ResourceVersion != nil && *p.ResourceVersion != m.ResourceVersion {
		return &Error{Code: CodeConflict, Key: key, Message: fmt.Sprintf(
			"Precondition failed: ResourceVersion in precondition: %v, ResourceVersion in object meta: %v",
			*p.ResourceVersion, m.ResourceVersion)}
	}
	return nil
}

// GuaranteedUpdate implements Interface.
func (s *Store) GuaranteedUpdate(ctx context.Context, key string, opts UpdateOptions, tryUpdate UpdateFunc) (api.Object, error) {
	k := s.etcdKey(key)
	var cur current
	cached := false
	if c := opts.Cached; c != nil && c.Object != nil && c.Revision > 0 {
		if data, err := s.codec.Encode(c.Object); err == nil {
			cur, cached = current{data: data, rev: c.Revision}, true
		}
	}
	// fresh replaces a cached state with storage's, reporting whether it did.
	fresh := func() (bool, error) {
		if !cached {
			return false, nil
		}
		var err error
		cur, err = s.read(ctx, key)
		cached = false
		return true, err
	}
	if !cached {
		var err error
		if cur, err = s.read(ctx, key); err != nil {
			return nil, err
		}
	}
	for {
		if !cur.exists() && !opts.IgnoreNotFound {
			return nil, errNotFound(key)
		}
		var in api.Object
		var err error
		if cur.exists() {
			if in, err = s.decode(key, cur.data, cur.rev); err != nil {
				return nil, err
			}
			if err := checkPreconditions(key, opts.Preconditions, in); err != nil {
				if again, rerr := fresh(); again {
					if rerr != nil {
						return nil, rerr
					}
					continue
				}
				return nil, err
			}
		}
		out, err := tryUpdate(in)
		if err != nil {
			if again, rerr := fresh(); again {
				if rerr != nil {
					return nil, rerr
				}
				continue
			}
			return nil, err
		}
		if out == nil {
			return nil, &Error{Code: CodeInvalid, Key: key, Message: "update produced no object"}
		}
		m := out.GetObjectMeta()
		if rv := m.ResourceVersion; rv != "" && rv != FormatResourceVersion(cur.rev) {
			if again, rerr := fresh(); again {
				if rerr != nil {
					return nil, rerr
				}
				continue
			}
			return nil, errConflict(key, cur.rev)
		}
		data, err := s.encode(out)
		if err != nil {
			return nil, &Error{Code: CodeInvalid, Key: key, Message: "encode object", Err: err}
		}
		if cur.exists() && bytes.Equal(data, cur.data) {
			if again, rerr := fresh(); again {
				if rerr != nil {
					return nil, rerr
				}
				continue
			}
			// Nothing changed: no write, no new revision, no watch event.
			m.ResourceVersion = FormatResourceVersion(cur.rev)
			return out, nil
		}
		resp, err := s.txn(ctx, "update", func(put []clientv3.OpOption) clientv3.Txn {
			return s.client.Txn(ctx).
				If(clientv3.Compare(clientv3.ModRevision(k), "=", cur.rev)).
				Then(clientv3.OpPut(k, string(data), put...)).
				Else(clientv3.OpGet(k))
		})
		if err != nil {
			return nil, fmt.Errorf("update %s %q: %w", s.resource, key, err)
		}
		if resp.Succeeded {
			m.ResourceVersion = FormatResourceVersion(resp.Header.Revision)
			return out, nil
		}
		// Someone else wrote in between (or the cached state was stale): retry on what
		// storage holds.
		cur, cached = fromKVs(resp.Responses[0].GetResponseRange().Kvs), false
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// txn commits the transaction that build makes, passing it the options of its put:
// the lease the object expires with, when the Store has a TTL. A lease that etcd no
// longer knows (it expired or was revoked early) is dropped and the write retried once
// with a fresh one.
func (s *Store) txn(ctx context.Context, op string, build func(put []clientv3.OpOption) clientv3.Txn) (*clientv3.TxnResponse, error) {
	for attempt := 0; ; attempt++ {
		var put []clientv3.OpOption
		var lease clientv3.LeaseID
		if s.leases != nil {
			var err error
			if lease, err = s.leases.get(ctx, time.Now()); err != nil {
				return nil, fmt.Errorf("%s %s: %w", op, s.resource, err)
			}
			put = []clientv3.OpOption{clientv3.WithLease(lease)}
		}
		start := time.Now()
		resp, err := build(put).Commit()
		s.observe(op, start)
		if err != nil && lease != 0 && attempt == 0 && errors.Is(err, rpctypes.ErrLeaseNotFound) {
			s.leases.forget(lease)
			continue
		}
		return resp, err
	}
}

// Delete implements Interface.
func (s *Store) Delete(ctx context.Context, key string, opts DeleteOptions) (api.Object, error) {
	k := s.etcdKey(key)
	cur, err := s.read(ctx, key)
	if err != nil {
		return nil, err
	}
	for {
		if !cur.exists() {
			return nil, errNotFound(key)
		}
		obj, err := s.decode(key, cur.data, cur.rev)
		if err != nil {
			return nil, err
		}
		if err := checkPreconditions(key, opts.Preconditions, obj); err != nil {
			return nil, err
		}
		if opts.Validate != nil {
			if err := opts.Validate(obj); err != nil {
				return nil, err
			}
		}
		start := time.Now()
		resp, err := s.client.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(k), "=", cur.rev)).
			Then(clientv3.OpDelete(k)).
			Else(clientv3.OpGet(k)).
			Commit()
		s.observe("delete", start)
		if err != nil {
			return nil, fmt.Errorf("delete %s %q: %w", s.resource, key, err)
		}
		if resp.Succeeded {
			return obj, nil
		}
		cur = fromKVs(resp.Responses[0].GetResponseRange().Kvs)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// CurrentRevision implements Interface.
func (s *Store) CurrentRevision(ctx context.Context) (int64, error) {
	start := time.Now()
	// A read of one key (the prefix itself, which holds nothing) costs the same however
	// many objects there are, and its header carries the current revision.
	resp, err := s.client.Get(ctx, s.prefix, clientv3.WithCountOnly())
	s.observe("currentRevision", start)
	if err != nil {
		return 0, fmt.Errorf("current revision of %s: %w", s.resource, err)
	}
	return resp.Header.Revision, nil
}

// RequestProgress asks etcd to send a progress notification (a Bookmark event) to every
// watch of this Store that asked for ProgressNotify; the notification carries a revision
// that all events before it have reached.
func (s *Store) RequestProgress(ctx context.Context) error {
	return s.client.RequestProgress(clientv3.WithRequireLeader(ctx))
}

// isCompacted reports whether err is etcd's "required revision has been compacted".
func isCompacted(err error) bool {
	return errors.Is(err, rpctypes.ErrCompacted)
}
