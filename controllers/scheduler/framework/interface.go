package framework

import (
	"context"
	"strings"
	"sync"

	"github.com/orrery-dev/orrery/api"
)

// Code is the outcome of a plugin.
type Code int

// The codes.
const (
	// Success: the node passes (or the plugin is done).
	Success Code = iota
	// Unschedulable: the pod does not fit the node now; preempting pods may help.
	Unschedulable
	// UnschedulableAndUnresolvable: the pod cannot fit the node, and preemption cannot
	// help (a taint, a selector).
	UnschedulableAndUnresolvable
	// Error: the plugin failed; the pod is retried with backoff.
	Error
	// Skip: from PreFilter or PreScore, the plugin has nothing to do for this pod.
	Skip
)

// Status is a plugin's verdict: a code and the reasons, as they appear in the
// scheduler's "0/N nodes are available: ..." message. A nil Status is Success.
type Status struct {
	Code    Code
	Reasons []string
	Plugin  string
}

// NewStatus returns a Status with the reasons.
func NewStatus(code Code, reasons ...string) *Status { return &Status{Code: code, Reasons: reasons} }

// IsSuccess reports whether s is Success (nil is).
func (s *Status) IsSuccess() bool { return s == nil || s.Code == Success }

// IsSkip reports whether s is Skip.
func (s *Status) IsSkip() bool { return s != nil && s.Code == Skip }

// Message joins the reasons.
func (s *Status) Message() string {
	if s == nil {
		return ""
	}
	return strings.Join(s.Reasons, ", ")
}

// AsError returns the error of an Error status.
func (s *Status) AsError() error {
	if s == nil || s.Code != Error {
		return nil
	}
	return statusError(s.Message())
}

type statusError string

func (e statusError) Error() string { return string(e) }

// CycleState carries data between a plugin's extension points within one
// scheduling cycle of one pod (what PreFilter computed for Filter). Safe for
// concurrent use: Filter and Score run in parallel over nodes.
type CycleState struct {
	mu    sync.RWMutex
	data  map[string]any
	nodes []*NodeInfo
}

// NewCycleState returns an empty CycleState for a cycle over nodes, every node of the
// snapshot (plugins that look at pods beyond the feasible nodes read them with Nodes).
func NewCycleState(nodes []*NodeInfo) *CycleState {
	return &CycleState{data: map[string]any{}, nodes: nodes}
}

// Lock and Unlock hold the state for a read-then-write (ReadLocked, WriteLocked).
func (c *CycleState) Lock()   { c.mu.Lock() }
func (c *CycleState) Unlock() { c.mu.Unlock() }

// ReadLocked is Read for a caller holding Lock.
func (c *CycleState) ReadLocked(key string) (any, bool) {
	v, ok := c.data[key]
	return v, ok
}

// WriteLocked is Write for a caller holding Lock.
func (c *CycleState) WriteLocked(key string, v any) { c.data[key] = v }

// Nodes returns every node of the cycle's snapshot.
func (c *CycleState) Nodes() []*NodeInfo { return c.nodes }

// Write stores v under key.
func (c *CycleState) Write(key string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data[key] = v
}

// Read returns what is stored under key.
func (c *CycleState) Read(key string) (any, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.data[key]
	return v, ok
}

// Plugin is any plugin: it has a name, unique within a scheduler.
type Plugin interface {
	Name() string
}

// PreFilterPlugin computes, once per pod, what its Filter needs, and may reject the
// pod outright (an Unschedulable status for every node).
type PreFilterPlugin interface {
	Plugin
	PreFilter(ctx context.Context, state *CycleState, pod *api.Pod, nodes []*NodeInfo) *Status
}

// FilterPlugin decides whether a pod fits a node. It runs in parallel over nodes.
type FilterPlugin interface {
	Plugin
	Filter(ctx context.Context, state *CycleState, pod *api.Pod, node *NodeInfo) *Status
}

// PreScorePlugin computes, once per pod, what its Score needs, given the nodes that
// passed the filters.
type PreScorePlugin interface {
	Plugin
	PreScore(ctx context.Context, state *CycleState, pod *api.Pod, nodes []*NodeInfo) *Status
}

// ScorePlugin ranks a node for a pod. It runs in parallel over nodes. Scores are
// brought to 0-100 by NormalizeScore when the plugin has it (MaxNodeScore otherwise
// bounds them), then multiplied by the plugin's weight.
type ScorePlugin interface {
	Plugin
	Score(ctx context.Context, state *CycleState, pod *api.Pod, node *NodeInfo) (int64, *Status)
}

// ScoreNormalizer is a ScorePlugin whose raw scores need bringing to 0-100.
type ScoreNormalizer interface {
	NormalizeScore(ctx context.Context, state *CycleState, pod *api.Pod, scores []NodeScore) *Status
}

// PostBindPlugin is told of a pod bound to a node.
type PostBindPlugin interface {
	Plugin
	PostBind(ctx context.Context, state *CycleState, pod *api.Pod, nodeName string)
}

// NodeScore is one node's score.
type NodeScore struct {
	Name  string
	Score int64
}

// MaxNodeScore is the highest score a plugin gives a node.
const MaxNodeScore = 100

// DefaultNormalize brings scores to 0-MaxNodeScore in proportion to the highest; with
// reverse, the highest raw score gets 0 (for counts of bad things).
func DefaultNormalize(scores []NodeScore, reverse bool) {
	var top int64
	for _, s := range scores {
		top = max(top, s.Score)
	}
	if top == 0 {
		if reverse {
			for i := range scores {
				scores[i].Score = MaxNodeScore
			}
		}
		return
	}
	for i := range scores {
		s := MaxNodeScore * scores[i].Score / top
		if reverse {
			s = MaxNodeScore - s
		}
		scores[i].Score = s
	}
}
