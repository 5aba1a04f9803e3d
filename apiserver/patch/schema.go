package patch

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orrery-dev/orrery/api"
)

// Patch strategies, as written in Kubernetes' patchStrategy struct tags.
const (
	// StrategyMerge merges a list element by element: lists of objects by their merge
	// key, lists of primitives as sets.
	StrategyMerge = "merge"
	// StrategyReplace replaces the value wholesale; it is what a list without a strategy
	// gets.
	StrategyReplace = "replace"
	// StrategyRetainKeys marks a union type: a patch may carry a $retainKeys directive
	// that clears every field it does not list.
	StrategyRetainKeys = "retainKeys"
	// StrategyMergeRetainKeys is StrategyMerge for the list, with union-typed elements.
	StrategyMergeRetainKeys = "merge,retainKeys"
)

// Schema is the strategic merge patch metadata of a JSON value: what Kubernetes reads
// from the patchStrategy and patchMergeKey struct tags of its API types.
//
// A nil *Schema, or a field missing from Fields, means "no metadata": objects merge,
// lists are replaced. A Schema must not be modified while a patch is using it.
type Schema struct {
	// Fields holds, for an object, the schema of each field by its JSON name.
	Fields map[string]*Schema
	// PatchStrategy is the strategy of this value: "" (the default: objects merge,
	// lists are replaced), StrategyMerge, StrategyReplace, StrategyRetainKeys or
	// StrategyMergeRetainKeys.
	PatchStrategy string
	// PatchMergeKey is, for a merged list of objects, the field that identifies an
	// element (for example "name" for containers). Lists of primitives have none.
	PatchMergeKey string
	// Elem is, for a list, the schema of its elements.
	Elem *Schema
}

// field returns the schema of the named field; nil when there is none.
func (s *Schema) field(name string) *Schema {
	if s == nil {
		return nil
	}
	return s.Fields[name]
}

// elem returns the schema of list elements; nil when there is none.
func (s *Schema) elem() *Schema {
	if s == nil {
		return nil
	}
	return s.Elem
}

// mergeKey returns the merge key of a list; "" when there is none.
func (s *Schema) mergeKey() string {
	if s == nil {
		return ""
	}
	return s.PatchMergeKey
}

// strategy returns the patch strategy other than retainKeys ("" if there is none), as
// Kubernetes splits a combined tag.
func (s *Schema) strategy() (string, error) {
	if s == nil || s.PatchStrategy == "" {
		return "", nil
	}
	parts := strings.Split(s.PatchStrategy, ",")
	switch len(parts) {
	case 1:
		if parts[0] == StrategyRetainKeys {
			return "", nil
		}
		return parts[0], nil
	case 2:
		switch {
		case parts[0] == StrategyRetainKeys:
			return parts[1], nil
		case parts[1] == StrategyRetainKeys:
			return parts[0], nil
		}
	}
	return "", fmt.Errorf("unexpected patch strategy: %v", parts)
}

// SchemaOf returns the strategic merge patch schema of a kind whose registration gives
// rules (api.Kind.MergeRules), with the rules of metadata every kind has (finalizers
// merged as a set, ownerReferences by uid). Every call returns a new Schema, which
// callers may keep and share. Nil rules give metadata's alone: every other list is
// replaced by a patch.
func SchemaOf(rules map[string]api.MergeRule) *Schema {
	root := &Schema{Fields: map[string]*Schema{"metadata": objectMetaSchema()}}
	paths := slices.Collect(maps.Keys(rules))
	// A list's rule before the rules of its elements' fields.
	slices.SortFunc(paths, func(a, b string) int {
		if c := strings.Count(a, ".") - strings.Count(b, "."); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for _, path := range paths {
		node := root
		for _, part := range strings.Split(path, ".") {
			if node.PatchStrategy != "" {
				// A list: the path goes on in its elements.
				if node.Elem == nil {
					node.Elem = &Schema{}
				}
				node = node.Elem
			}
			if node.Fields == nil {
				node.Fields = map[string]*Schema{}
			}
			child := node.Fields[part]
			if child == nil {
				child = &Schema{}
				node.Fields[part] = child
			}
			node = child
		}
		node.PatchStrategy, node.PatchMergeKey = rules[path].Strategy, rules[path].Key
	}
	return root
}

// mergeList is a list merged by key.
func mergeList(key string, elem *Schema) *Schema {
	return &Schema{PatchStrategy: StrategyMerge, PatchMergeKey: key, Elem: elem}
}

// objectMetaSchema is meta/v1 ObjectMeta.
func objectMetaSchema() *Schema {
	return &Schema{Fields: map[string]*Schema{
		"finalizers":      {PatchStrategy: StrategyMerge},
		"ownerReferences": mergeList("uid", nil),
	}}
}
