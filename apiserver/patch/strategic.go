package patch

import (
	"slices"
	"sort"
	"strings"
)

// Strategic merge patch directives.
const (
	directiveMarker               = "$patch"
	retainKeysDirective           = "$retainKeys"
	deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList"
	setElementOrderPrefix         = "$setElementOrder"

	deleteDirective  = "delete"
	replaceDirective = "replace"
	mergeDirective   = "merge"
)

// Kubernetes' messages for malformed directives (k8s.io/apimachinery mergepatch).
const (
	msgBadPrimitiveList   = "invalid patch format of primitive list"
	msgBadRetainKeys      = "invalid patch format of retainKeys"
	msgBadSetElementOrder = "invalid patch format of setElementOrder list"
	msgListOfLists        = "lists of lists are not supported"
)

// StrategicMergePatch applies an application/strategic-merge-patch+json patch to
// original, an object, and returns the patched object. schema says which lists merge
// (see SchemaOf); a nil schema merges no lists.
//
// It behaves like MergePatch (null deletes a field, objects merge, other values replace)
// except that:
//
//   - A list whose schema has strategy "merge" and a merge key merges element by element:
//     a patch element whose merge key matches an element of the document is merged into
//     it recursively; the others are added. Elements present in the patch come in the
//     patch's order, the document's other elements keep their relative order, and the
//     two are interleaved as Kubernetes does (a new element comes before the document
//     elements that follow no patch element).
//   - A list of primitives with strategy "merge" (metadata.finalizers) is merged as a set:
//     the union, without duplicates.
//   - Directives: "$patch": "replace" in an object replaces it with the rest of the patch
//     object, and as a list element replaces the whole list; "$patch": "delete" deletes
//     an object, and as a list element deletes the elements with its merge key;
//     "$deleteFromPrimitiveList/<list>": [...] removes values from a primitive list;
//     "$setElementOrder/<list>": [...] sets the order of a list's elements (for objects,
//     by merge key); "$retainKeys": [...] clears every field of the object it does not
//     name. "$patch": "merge" and any other "$patch" value are rejected, as in
//     Kubernetes.
//
// A null patch changes nothing. Errors match ErrInvalidPatch for a patch that is not a
// JSON object or holds a malformed directive, ErrCannotApply when it does not fit the
// document (for example a merged list element without its merge key), and
// ErrInvalidDocument when original is not a JSON object.
func StrategicMergePatch(original, patch []byte, schema *Schema) ([]byte, error) {
	doc, err := decode(original)
	if err != nil {
		return nil, invalidDocument("invalid JSON document: %v", err)
	}
	docMap, ok := doc.(map[string]any)
	if !ok {
		return nil, invalidDocument("invalid JSON document: json: cannot unmarshal %s into Go value of type map[string]interface {}", jsonKind(doc))
	}
	p, err := decode(patch)
	if err != nil {
		return nil, invalidPatch("invalid strategic merge patch: %v", err)
	}
	var patchMap map[string]any
	switch t := p.(type) {
	case nil:
		patchMap = map[string]any{}
	case map[string]any:
		patchMap = t
	default:
		return nil, invalidPatch("invalid strategic merge patch: json: cannot unmarshal %s into Go value of type map[string]interface {}", jsonKind(p))
	}
	merged, err := mergeMap(docMap, patchMap, schema)
	if err != nil {
		return nil, err
	}
	return encode(merged)
}

// mergeMap merges patch into original (both may be modified) and returns the result.
func mergeMap(original, patch map[string]any, schema *Schema) (map[string]any, error) {
	if d, ok := patch[directiveMarker]; ok {
		switch d {
		case replaceDirective:
			delete(patch, directiveMarker)
			stripDirectives(patch)
			return patch, nil
		case deleteDirective:
			return map[string]any{}, nil
		}
		return nil, invalidPatch("unknown patch type: %s in map: %s", format(d), format(patch))
	}
	if original == nil {
		original = map[string]any{}
	}
	if err := applyRetainKeys(original, patch); err != nil {
		return nil, err
	}
	if err := applySetElementOrder(original, patch, schema); err != nil {
		return nil, err
	}

	for _, k := range sortedKeys(patch) {
		patchV := patch[k]
		isDeleteList := false
		if strings.HasPrefix(k, deleteFromPrimitiveListPrefix) {
			name, err := directiveTarget(k, deleteFromPrimitiveListPrefix)
			if err != nil {
				return nil, err
			}
			k, isDeleteList = name, true
		}
		if patchV == nil {
			delete(original, k)
			continue
		}
		origV, ok := original[k]
		if !ok || !sameType(origV, patchV) {
			if !isDeleteList {
				setNew(original, k, patchV)
			}
			continue
		}
		sub := schema.field(k)
		strategy, err := sub.strategy()
		if err != nil {
			return nil, err
		}
		switch o := origV.(type) {
		case map[string]any:
			p := patchV.(map[string]any)
			if strategy == replaceDirective {
				stripDirectives(p)
				original[k] = p
				continue
			}
			m, err := mergeMap(o, p, sub)
			if err != nil {
				return nil, err
			}
			original[k] = m
		case []any:
			l, err := mergeListField(o, patchV.([]any), sub, strategy, isDeleteList)
			if err != nil {
				return nil, err
			}
			original[k] = l
		default:
			original[k] = patchV
		}
	}
	return original, nil
}

// mergeListField merges a patch list into the document's list of the same field.
func mergeListField(original, patch []any, schema *Schema, strategy string, isDeleteList bool) ([]any, error) {
	if strategy != mergeDirective && !isDeleteList {
		stripDirectives(patch)
		return patch, nil
	}
	return mergeSlice(original, patch, schema.elem(), schema.mergeKey(), isDeleteList)
}

// sameType reports whether a and b decode to the same Go type in Kubernetes (numbers
// split into int64 and float64).
func sameType(a, b any) bool {
	return typeName(a) == typeName(b)
}

// setNew stores a patch value where the document has none (or one of another type):
// nulls inside it are dropped, objects carrying a $patch directive are dropped whole,
// and other directive keys are removed, as Kubernetes does.
func setNew(original map[string]any, k string, v any) {
	discardNulls(v)
	v, keep := removeDirectives(v)
	if !keep {
		delete(original, k)
		return
	}
	original[k] = v
}

// discardNulls deletes null-valued members of every object in v.
func discardNulls(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == nil {
				delete(t, k)
			} else {
				discardNulls(e)
			}
		}
	case []any:
		for _, e := range t {
			discardNulls(e)
		}
	}
}

// removeDirectives drops every object that carries "$patch" (reporting keep=false for v
// itself) and deletes the other directive keys.
func removeDirectives(v any) (any, bool) {
	switch t := v.(type) {
	case map[string]any:
		if _, ok := t[directiveMarker]; ok {
			return nil, false
		}
		for k, e := range t {
			if isDirectiveKey(k) {
				delete(t, k)
				continue
			}
			if ne, keep := removeDirectives(e); keep {
				t[k] = ne
			} else {
				delete(t, k)
			}
		}
		return t, true
	case []any:
		out := make([]any, 0, len(t))
		for _, e := range t {
			if ne, keep := removeDirectives(e); keep {
				out = append(out, ne)
			}
		}
		return out, true
	default:
		return v, true
	}
}

// stripDirectives deletes directive keys from every object in v, keeping the rest of
// the object: the result is what a typed decoder makes of a verbatim patch value.
func stripDirectives(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if isDirectiveKey(k) || k == directiveMarker {
				delete(t, k)
				continue
			}
			stripDirectives(e)
		}
	case []any:
		for _, e := range t {
			stripDirectives(e)
		}
	}
}

// isDirectiveKey reports whether k is a directive key other than "$patch".
func isDirectiveKey(k string) bool {
	return k == retainKeysDirective ||
		strings.HasPrefix(k, setElementOrderPrefix) ||
		strings.HasPrefix(k, deleteFromPrimitiveListPrefix)
}

// directiveTarget returns the field a "$prefix/<field>" key names.
func directiveTarget(k, prefix string) (string, error) {
	head, name, ok := strings.Cut(k, "/")
	if !ok || head != prefix {
		if prefix == setElementOrderPrefix {
			return "", invalidPatch(msgBadSetElementOrder)
		}
		return "", invalidPatch(msgBadPrimitiveList)
	}
	return name, nil
}

// applyRetainKeys honours a $retainKeys directive: it clears the fields of original it
// does not list, after checking that the patch sets no field outside the list.
func applyRetainKeys(original, patch map[string]any) error {
	rk, ok := patch[retainKeysDirective]
	if !ok {
		return nil
	}
	delete(patch, retainKeysDirective)
	list, ok := rk.([]any)
	if !ok {
		return invalidPatch(msgBadRetainKeys)
	}
	retain := make(map[string]bool, len(list))
	for _, v := range list {
		retain[valueKey(v)] = true
	}
	for k, v := range patch {
		if v == nil || strings.HasPrefix(k, deleteFromPrimitiveListPrefix) || strings.HasPrefix(k, setElementOrderPrefix) {
			continue
		}
		if !retain[valueKey(k)] {
			return invalidPatch(msgBadRetainKeys)
		}
	}
	for k := range original {
		if !retain[valueKey(k)] {
			delete(original, k)
		}
	}
	return nil
}

// applySetElementOrder handles every $setElementOrder/<list> directive of patch: it
// merges the patch's <list> (if any) into original's and orders the result, then
// removes both from the patch.
func applySetElementOrder(original, patch map[string]any, schema *Schema) error {
	for _, key := range sortedKeys(patch) {
		if !strings.HasPrefix(key, setElementOrderPrefix) {
			continue
		}
		orderV := patch[key]
		delete(patch, key)
		order, ok := orderV.([]any)
		if !ok {
			return invalidPatch("%s: expected a []interface {}, but received a %s", msgBadSetElementOrder, typeName(orderV))
		}
		name, err := directiveTarget(key, setElementOrderPrefix)
		if err != nil {
			return err
		}
		origV, foundOrig := original[name]
		patchV, foundPatch := patch[name]
		var origList, patchList []any
		if foundOrig {
			if origList, ok = origV.([]any); !ok {
				return cannotApply("expected a []interface {}, but received a %s", typeName(origV))
			}
		}
		if foundPatch {
			if patchList, ok = patchV.([]any); !ok {
				return invalidPatch("expected a []interface {}, but received a %s", typeName(patchV))
			}
		}
		sub := schema.field(name)
		strategy, err := sub.strategy()
		if err != nil {
			return err
		}
		mergeKey := sub.mergeKey()
		if err := validateSetElementOrder(patchList, order, mergeKey); err != nil {
			return err
		}

		var merged []any
		switch {
		case foundOrig && !foundPatch:
			merged = origList
		case !foundOrig && foundPatch:
			v, _ := removeDirectives(patchList)
			merged = v.([]any)
		case foundOrig && foundPatch:
			merged, err = mergeListField(origList, patchList, sub, strategy, false)
			if err != nil {
				return err
			}
		default:
			continue
		}

		kind, err := elementKind(origList, patchList)
		if err != nil {
			return err
		}
		inOrder, serverOnly, err := partition(merged, order, mergeKey)
		if err != nil {
			return err
		}
		result, err := normalizeElementOrder(inOrder, serverOnly, order, origList, mergeKey, kind)
		if err != nil {
			return err
		}
		original[name] = result
		delete(patch, name)
	}
	return nil
}

// validateSetElementOrder checks that the elements of the patch list (deletions aside)
// appear in the $setElementOrder list, in the same relative order.
func validateSetElementOrder(patchList, order []any, mergeKey string) error {
	if len(order) == 0 || len(patchList) == 0 {
		return nil
	}
	kept := patchList
	if mergeKey != "" {
		var err error
		if kept, _, err = splitDeletions(patchList); err != nil {
			return err
		}
	}
	pi, oi := 0, 0
	for pi < len(kept) && oi < len(order) {
		if hasDirective(kept[pi]) {
			pi++
			continue
		}
		eq, err := mergeKeyEqual(kept[pi], order[oi], mergeKey)
		if err != nil {
			return err
		}
		if eq {
			pi++
		}
		oi++
	}
	if pi < len(kept) && oi >= len(order) {
		return invalidPatch("the order in patch list:\n%s\n doesn't match %s list:\n%s", format(patchList), setElementOrderPrefix, format(order))
	}
	return nil
}

func hasDirective(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, ok = m[directiveMarker]
	return ok
}

// mergeKeyEqual compares two list elements by merge key (or by value for primitives).
func mergeKeyEqual(a, b any, mergeKey string) (bool, error) {
	if mergeKey == "" {
		return smpEqual(a, b), nil
	}
	am, ok := a.(map[string]any)
	if !ok {
		return false, invalidPatch("expected a map[string]interface {}, but received a %s", typeName(a))
	}
	bm, ok := b.(map[string]any)
	if !ok {
		return false, invalidPatch("expected a map[string]interface {}, but received a %s", typeName(b))
	}
	av, ok := am[mergeKey]
	if !ok {
		return false, invalidPatch("map: %s does not contain declared merge key: %s", format(am), mergeKey)
	}
	bv, ok := bm[mergeKey]
	if !ok {
		return false, invalidPatch("map: %s does not contain declared merge key: %s", format(bm), mergeKey)
	}
	return smpEqual(av, bv), nil
}

// splitDeletions splits a list of objects into those without "$patch": "delete" and
// those with it.
func splitDeletions(l []any) (kept, deletions []any, err error) {
	for _, v := range l {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, nil, invalidPatch("expected a map[string]interface {}, but received a %s", typeName(v))
		}
		if d, ok := m[directiveMarker]; ok && d == deleteDirective {
			deletions = append(deletions, v)
		} else {
			kept = append(kept, v)
		}
	}
	return kept, deletions, nil
}

// elemKind classifies list elements as Kubernetes' decoded Go types do.
type elemKind string

const kindMap elemKind = "map[string]interface {}"

// elementKind returns the common element type of the lists, or an error when they hold
// lists, nulls or elements of different types.
func elementKind(lists ...[]any) (elemKind, error) {
	var kind elemKind
	for _, l := range lists {
		for _, v := range l {
			k := elemKind(typeName(v))
			switch {
			case v == nil:
				return "", cannotApply("list element types are not identical: %s", format(lists))
			case kind == "":
				if _, ok := v.([]any); ok {
					return "", cannotApply(msgListOfLists)
				}
				kind = k
			case k != kind:
				return "", cannotApply("list element types are not identical: %s", format(lists))
			}
		}
	}
	if kind == "" {
		return "", cannotApply("no elements in any of the given slices")
	}
	return kind, nil
}

// mergeSlice merges a patch list into a document list of a field with strategy merge
// (or applies a $deleteFromPrimitiveList list).
func mergeSlice(original, patch []any, elemSchema *Schema, mergeKey string, isDeleteList bool) ([]any, error) {
	if len(original) == 0 && len(patch) == 0 {
		return original, nil
	}
	kind, err := elementKind(original, patch)
	if err != nil {
		return nil, err
	}
	var merged []any
	if kind != kindMap {
		if isDeleteList {
			return deleteFromList(original, patch), nil
		}
		merged = uniqueValues(slices.Concat(original, patch))
	} else {
		if mergeKey == "" {
			return nil, cannotApply("cannot merge lists without merge key")
		}
		original, patch, err = applyListDirectives(original, patch, mergeKey)
		if err != nil {
			return nil, err
		}
		merged, err = mergeByKey(original, patch, mergeKey, elemSchema)
		if err != nil {
			return nil, err
		}
	}
	inPatch, serverOnly, err := partition(merged, patch, mergeKey)
	if err != nil {
		return nil, err
	}
	return normalizeElementOrder(inPatch, serverOnly, patch, original, mergeKey, kind)
}

// deleteFromList removes from current every value listed in toDelete.
func deleteFromList(current, toDelete []any) []any {
	del := make(map[string]bool, len(toDelete))
	for _, v := range toDelete {
		del[valueKey(v)] = true
	}
	out := make([]any, 0, len(current))
	for _, v := range current {
		if !del[valueKey(v)] {
			out = append(out, v)
		}
	}
	return out
}

// uniqueValues drops repeated values, keeping first occurrences.
func uniqueValues(l []any) []any {
	seen := make(map[string]bool, len(l))
	out := l[:0]
	for _, v := range l {
		k := valueKey(v)
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// applyListDirectives handles the elements of a patch list that carry "$patch": delete
// removes the document's elements with that merge key, replace makes the rest of the
// patch list the whole list. It returns the updated document list and the patch list
// without those elements (nil after a replace).
func applyListDirectives(original, patch []any, mergeKey string) ([]any, []any, error) {
	rest := make([]any, 0, len(patch))
	replace := false
	deleted := map[string]bool{}
	for _, v := range patch {
		m := v.(map[string]any)
		d, ok := m[directiveMarker]
		if !ok {
			rest = append(rest, v)
			continue
		}
		switch d {
		case deleteDirective:
			key, ok := m[mergeKey]
			if !ok {
				return nil, nil, invalidPatch("map: %s does not contain declared merge key: %s", format(m), mergeKey)
			}
			deleted[valueKey(key)] = true
		case replaceDirective:
			replace = true
		case mergeDirective:
			return nil, nil, invalidPatch("merging lists cannot yet be specified in the patch")
		default:
			return nil, nil, invalidPatch("unknown patch type: %s in map: %s", format(d), format(m))
		}
	}
	if replace {
		stripDirectives(rest)
		return rest, nil, nil
	}
	if len(deleted) > 0 {
		original = slices.DeleteFunc(slices.Clone(original), func(e any) bool {
			em, _ := e.(map[string]any)
			ev, ok := em[mergeKey]
			return ok && deleted[valueKey(ev)]
		})
	}
	return original, rest, nil
}

// mergeByKey merges each patch element into the first document element with the same
// merge key, or appends it.
func mergeByKey(original, patch []any, mergeKey string, elemSchema *Schema) ([]any, error) {
	merged := slices.Clone(original)
	first := make(map[string]int, len(merged))
	for i, e := range merged {
		em, _ := e.(map[string]any)
		if ev, ok := em[mergeKey]; ok {
			if _, seen := first[valueKey(ev)]; !seen {
				first[valueKey(ev)] = i
			}
		}
	}
	for _, v := range patch {
		pm := v.(map[string]any)
		key, ok := pm[mergeKey]
		if !ok {
			return nil, invalidPatch("map: %s does not contain declared merge key: %s", format(pm), mergeKey)
		}
		k := valueKey(key)
		idx, found := first[k]
		if !found {
			stripDirectives(pm)
			first[k] = len(merged)
			merged = append(merged, pm)
			continue
		}
		m, err := mergeMap(merged[idx].(map[string]any), pm, elemSchema)
		if err != nil {
			return nil, err
		}
		merged[idx] = m
	}
	return merged, nil
}

// partition splits merged into the elements present in by (by merge key, or by value)
// and the others, keeping their order.
func partition(merged, by []any, mergeKey string) (in, out []any, err error) {
	present := make(map[string]bool, len(by))
	for _, v := range by {
		if mergeKey == "" {
			present[valueKey(v)] = true
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, nil, invalidPatch("expected a map[string]interface {}, but received a %s", typeName(v))
		}
		if kv, ok := m[mergeKey]; ok {
			present[valueKey(kv)] = true
		}
	}
	for _, v := range merged {
		k := valueKey(v)
		if mergeKey != "" {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, nil, cannotApply("expected a map[string]interface {}, but received a %s", typeName(v))
			}
			kv, ok := m[mergeKey]
			if !ok {
				return nil, nil, cannotApply("map: %s does not contain declared merge key: %s", format(m), mergeKey)
			}
			k = valueKey(kv)
		}
		if present[k] {
			in = append(in, v)
		} else {
			out = append(out, v)
		}
	}
	return in, out, nil
}

// orderIndex maps list elements (by merge key, or by value) to their first position in
// an ordering list.
type orderIndex struct {
	pos      map[string]int
	mergeKey string
	kind     elemKind
}

func newOrderIndex(order []any, mergeKey string, kind elemKind) orderIndex {
	x := orderIndex{pos: make(map[string]int, len(order)), mergeKey: mergeKey, kind: kind}
	for i, v := range order {
		k := x.key(v)
		if _, ok := x.pos[k]; !ok {
			x.pos[k] = i
		}
	}
	return x
}

// key is what an element is looked up by: its merge key value for objects, itself for
// primitives.
func (x orderIndex) key(v any) string {
	if x.kind == kindMap {
		m, _ := v.(map[string]any)
		return valueKey(m[x.mergeKey])
	}
	return valueKey(v)
}

func (x orderIndex) index(v any) (int, bool) {
	i, ok := x.pos[x.key(v)]
	return i, ok
}

// normalizeElementOrder sorts the patch elements by patchOrder and the document-only
// elements by serverOrder, then interleaves them the way Kubernetes does: a document
// element goes before a patch element only when both appear in serverOrder and it comes
// first there.
func normalizeElementOrder(patch, serverOnly, patchOrder, serverOrder []any, mergeKey string, kind elemKind) ([]any, error) {
	patch, err := sortByOrder(patch, patchOrder, mergeKey, kind)
	if err != nil {
		return nil, err
	}
	serverOnly, err = sortByOrder(serverOnly, serverOrder, mergeKey, kind)
	if err != nil {
		return nil, err
	}
	server := newOrderIndex(serverOrder, mergeKey, kind)
	out := make([]any, 0, len(patch)+len(serverOnly))
	i, j := 0, 0
	for i < len(serverOnly) && j < len(patch) {
		li, lok := server.index(serverOnly[i])
		ri, rok := server.index(patch[j])
		if lok && rok && li < ri {
			out = append(out, serverOnly[i])
			i++
		} else {
			out = append(out, patch[j])
			j++
		}
	}
	out = append(out, serverOnly[i:]...)
	return append(out, patch[j:]...), nil
}

// sortByOrder stably sorts toSort by the position of its elements in order, with
// Kubernetes' comparison (an element missing from order sorts before anything), and
// moves "$patch": "delete" elements to the end.
func sortByOrder(toSort, order []any, mergeKey string, kind elemKind) ([]any, error) {
	var deletions []any
	if kind == kindMap {
		for _, l := range [][]any{toSort, order} {
			for _, v := range l {
				m, ok := v.(map[string]any)
				if !ok {
					return nil, cannotApply("expected a map[string]interface {}, but received a %s", typeName(v))
				}
				if _, ok := m[mergeKey]; !ok {
					return nil, cannotApply("map: %s does not contain declared merge key: %s", format(m), mergeKey)
				}
			}
		}
		var err error
		if toSort, deletions, err = splitDeletions(toSort); err != nil {
			return nil, err
		}
	} else {
		toSort = slices.Clone(toSort)
	}
	x := newOrderIndex(order, mergeKey, kind)
	type keyed struct {
		v   any
		key string
	}
	elems := make([]keyed, len(toSort))
	for i, v := range toSort {
		elems[i] = keyed{v: v, key: x.key(v)}
	}
	// The comparison is not a strict weak order when elements are missing from order;
	// sorting with the same algorithm as Kubernetes (sort.SliceStable) gives the same
	// result.
	sort.SliceStable(elems, func(i, j int) bool {
		if pi, ok := x.pos[elems[i].key]; ok {
			if pj, ok := x.pos[elems[j].key]; ok {
				return pi < pj
			}
		}
		return true
	})
	out := make([]any, 0, len(toSort)+len(deletions))
	for _, e := range elems {
		out = append(out, e.v)
	}
	return append(out, deletions...), nil
}
