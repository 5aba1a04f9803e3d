package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// CompactorConfig says how often and where a Compactor compacts.
type CompactorConfig struct {
	// Client is the etcd client. Required.
	Client *clientv3.Client
	// Interval between compactions. Zero means 5 minutes.
	Interval time.Duration
	// Key is the etcd key through which the servers sharing one etcd agree on who
	// compacts. Empty means "compact_rev_key", as Kubernetes.
	Key string
	// Logger logs compactions and failures. Nil means no logs.
	Logger *zap.Logger
}

// Compactor compacts etcd's history periodically, keeping at least one interval of
// it: each step compacts up to the revision the previous step saw. Several servers
// sharing one etcd may each run a Compactor: a compare-and-swap on Key makes only one
// of them compact per interval.
type Compactor struct {
	client   *clientv3.Client
	interval time.Duration
	key      string
	logger   *zap.Logger

	// Owned by Step's caller (Run or a test); not safe for concurrent Steps.
	version int64 // the version of Key this compactor last saw
	rev     int64 // the revision seen at the last step: the next compaction point
}

// NewCompactor returns a Compactor; start it with Run.
func NewCompactor(cfg CompactorConfig) (*Compactor, error) {
	if cfg.Client == nil {
		return nil, errors.New("storage: CompactorConfig.Client is required")
	}
	if cfg.Interval == 0 {
		cfg.Interval = 5 * time.Minute
	}
	if cfg.Key == "" {
		cfg.Key = "compact_rev_key"
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	return &Compactor{client: cfg.Client, interval: cfg.Interval, key: cfg.Key, logger: cfg.Logger.Named("compactor")}, nil
}

// Run compacts every interval until ctx ends; it returns nil then.
func (c *Compactor) Run(ctx context.Context) error {
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := c.Step(ctx); err != nil && ctx.Err() == nil {
			c.logger.Warn("compaction failed", zap.Error(err))
		}
	}
}

// Step is one round of Run: it records the current revision and compacts up to the one
// recorded by the previous round, if no other server did so in between.
func (c *Compactor) Step(ctx context.Context) error {
	resp, err := c.client.Txn(ctx).
		If(clientv3.Compare(clientv3.Version(c.key), "=", c.version)).
		Then(clientv3.OpPut(c.key, strconv.FormatInt(c.rev, 10))).
		Else(clientv3.OpGet(c.key)).
		Commit()
	if err != nil {
		return fmt.Errorf("record compaction point: %w", err)
	}
	current := resp.Header.Revision
	if !resp.Succeeded {
		// Another server compacted this round; follow its count.
		c.version = resp.Responses[0].GetResponseRange().Kvs[0].Version
		c.rev = current
		return nil
	}
	c.version++
	target := c.rev
	c.rev = current
	if target == 0 {
		return nil
	}
	if _, err := c.client.Compact(ctx, target); err != nil && !isCompacted(err) {
		return fmt.Errorf("compact to revision %d: %w", target, err)
	}
	c.logger.Info("compacted etcd history", zap.Int64("revision", target))
	return nil
}
