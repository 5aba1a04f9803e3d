package patch

import (
	"strconv"
	"strings"
)

const (
	// MaxJSONPatchOperations is the largest number of operations a JSON patch may hold,
	// the apiserver's limit.
	MaxJSONPatchOperations = 10000
	// MaxJSONPatchCopyBytes bounds the total size, in bytes of encoded JSON, that the
	// copy operations of one JSON patch may add to the document (the apiserver's
	// default JSONPatchMaxCopyBytes), so that a small patch cannot blow a document up.
	MaxJSONPatchCopyBytes = 3 * 1024 * 1024
)

// JSONPatch applies an application/json-patch+json patch (RFC 6902) to original and
// returns the patched document. The operations apply in order; if any fails, the whole
// patch fails and no result is returned.
//
// Paths are JSON pointers (RFC 6901) with ~0 and ~1 escapes. Like the apiserver's
// implementation: "-" appends to an array; a negative array index counts from the end
// (-1 is the last element; for add, -1 inserts before the end, i.e. appends); "replace"
// of an object member that does not exist adds it; "test" of a missing member against
// null succeeds; "replace" with the path "" replaces the whole document with an object or
// array; "add" with the path "" is rejected.
//
// Errors match ErrInvalidPatch for a patch that is not a JSON array of operation objects
// or that holds an operation without a valid "op", "path" or "from"; ErrTooManyOperations
// for more than MaxJSONPatchOperations operations; ErrCannotApply for an operation that
// does not apply (its message is the one Kubernetes gives); ErrInvalidDocument when
// original is not a JSON object or array.
func JSONPatch(original, patch []byte) ([]byte, error) {
	p, err := decode(patch)
	if err != nil {
		return nil, invalidPatch("invalid JSON patch: %v", err)
	}
	var ops []any
	switch t := p.(type) {
	case nil:
	case []any:
		ops = t
	default:
		return nil, invalidPatch("invalid JSON patch: json: cannot unmarshal %s into Go value of type jsonpatch.Patch", jsonKind(p))
	}
	for i, op := range ops {
		if _, ok := op.(map[string]any); !ok && op != nil {
			return nil, invalidPatch("invalid JSON patch: operation %d: json: cannot unmarshal %s into Go value of type jsonpatch.Operation", i, jsonKind(op))
		}
	}
	if len(ops) > MaxJSONPatchOperations {
		return nil, &patchError{class: ErrTooManyOperations, msg: "The allowed maximum operations in a JSON patch is " +
			strconv.Itoa(MaxJSONPatchOperations) + ", got " + strconv.Itoa(len(ops))}
	}

	doc, err := decode(original)
	if err != nil {
		return nil, invalidDocument("invalid JSON document: %v", err)
	}
	switch doc.(type) {
	case map[string]any, []any:
	default:
		return nil, invalidDocument("invalid JSON document: json: cannot unmarshal %s into Go value of type jsonpatch.partialDoc", jsonKind(doc))
	}

	a := applier{root: doc}
	for _, op := range ops {
		o, _ := op.(map[string]any)
		if err := a.apply(o); err != nil {
			return nil, err
		}
	}
	return encode(a.root)
}

// applier holds the document a JSON patch is being applied to.
type applier struct {
	root     any
	copySize int
}

func (a *applier) apply(op map[string]any) error {
	kind := "unknown"
	if s, ok := op["op"].(string); ok {
		kind = s
	}
	switch kind {
	case "add":
		return a.add(op)
	case "remove":
		return a.remove(op)
	case "replace":
		return a.replace(op)
	case "move":
		return a.move(op)
	case "test":
		return a.test(op)
	case "copy":
		return a.copy(op)
	default:
		return invalidPatch("Unexpected kind: %s", kind)
	}
}

// stringField reads the "path" or "from" member of an operation.
func stringField(op map[string]any, name string) (string, error) {
	v, ok := op[name]
	if !ok || v == nil {
		if name == "from" {
			return "", invalidPatch("operation, missing from field: missing value")
		}
		return "", invalidPatch("operation missing path field: missing value")
	}
	s, ok := v.(string)
	if !ok {
		return "", invalidPatch("json: cannot unmarshal %s into Go value of type string", jsonKind(v))
	}
	return s, nil
}

// decodeField reads "path" or "from", wrapping a failure in the operation's message.
// keepCause says whether the underlying reason is part of the message (the apiserver's
// library drops it for some operations).
func decodeField(op map[string]any, name, prefix string, keepCause bool) (string, error) {
	s, err := stringField(op, name)
	if err == nil {
		return s, nil
	}
	if keepCause {
		return "", invalidPatch("%s: %v", prefix, err)
	}
	return "", invalidPatch("%s: missing value", prefix)
}

// value returns the operation's "value" member; absent means null.
func value(op map[string]any) (any, bool) {
	v, ok := op["value"]
	return v, ok
}

// container is the object or array that holds the target of a JSON pointer.
type container struct {
	obj map[string]any
	arr []any
	// setArr stores a new array (after an insertion or removal) where arr lives.
	setArr func([]any)
}

// unescape decodes one JSON pointer reference token.
var unescaper = strings.NewReplacer("~1", "/", "~0", "~")

// locate resolves every token of path but the last and returns the container it names
// and the last token. ok is false when the path does not lead to an object or array.
func (a *applier) locate(path string) (c container, key string, ok bool) {
	if !strings.HasPrefix(path, "/") {
		return container{}, "", false
	}
	parts := strings.Split(path[1:], "/")
	cur := a.root
	set := func(v []any) { a.root = v }
	for _, part := range parts[:len(parts)-1] {
		part = unescaper.Replace(part)
		var next any
		switch t := cur.(type) {
		case map[string]any:
			next = t[part]
			set = func(v []any) { t[part] = v }
		case []any:
			idx, err := arrayIndex(t, part)
			if err != nil {
				return container{}, "", false
			}
			next = t[idx]
			set = func(v []any) { t[idx] = v }
		}
		switch next.(type) {
		case map[string]any, []any:
			cur = next
		default:
			return container{}, "", false
		}
	}
	key = unescaper.Replace(parts[len(parts)-1])
	switch t := cur.(type) {
	case map[string]any:
		return container{obj: t}, key, true
	case []any:
		return container{arr: t, setArr: set}, key, true
	}
	return container{}, "", false
}

// arrayIndex resolves an index for reading, replacing or removing: negative indices
// count from the end.
func arrayIndex(arr []any, key string) (int, error) {
	idx, err := strconv.Atoi(key)
	if err != nil {
		return 0, err
	}
	if idx < 0 {
		if idx < -len(arr) {
			return 0, invalidIndex(idx)
		}
		idx += len(arr)
	}
	if idx >= len(arr) {
		return 0, invalidIndex(idx)
	}
	return idx, nil
}

type indexError int

func (e indexError) Error() string {
	return "Unable to access invalid index: " + strconv.Itoa(int(e)) + ": invalid index referenced"
}

func invalidIndex(idx int) error { return indexError(idx) }

// get returns the value at key (nil for a missing object member).
func (c container) get(key string) (any, error) {
	if c.obj != nil {
		return c.obj[key], nil
	}
	idx, err := arrayIndex(c.arr, key)
	if err != nil {
		return nil, err
	}
	return c.arr[idx], nil
}

// add inserts v at key: sets an object member, or inserts into an array.
func (c container) add(key string, v any) error {
	if c.obj != nil {
		c.obj[key] = v
		return nil
	}
	if key == "-" {
		c.setArr(append(c.arr, v))
		return nil
	}
	idx, err := strconv.Atoi(key)
	if err != nil {
		return errorString("value was not a proper array index: '" + key + "': " + err.Error())
	}
	n := len(c.arr) + 1
	if idx >= n {
		return invalidIndex(idx)
	}
	if idx < 0 {
		if idx < -n {
			return invalidIndex(idx)
		}
		idx += n
	}
	arr := make([]any, 0, n)
	arr = append(arr, c.arr[:idx]...)
	arr = append(arr, v)
	arr = append(arr, c.arr[idx:]...)
	c.setArr(arr)
	return nil
}

// remove deletes the value at key.
func (c container) remove(key string) error {
	if c.obj != nil {
		if _, ok := c.obj[key]; !ok {
			return errorString("Unable to remove nonexistent key: " + key + ": missing value")
		}
		delete(c.obj, key)
		return nil
	}
	idx, err := strconv.Atoi(key)
	if err != nil {
		return err
	}
	if idx >= len(c.arr) {
		return invalidIndex(idx)
	}
	if idx < 0 {
		if idx < -len(c.arr) {
			return invalidIndex(idx)
		}
		idx += len(c.arr)
	}
	arr := make([]any, 0, len(c.arr)-1)
	arr = append(arr, c.arr[:idx]...)
	arr = append(arr, c.arr[idx+1:]...)
	c.setArr(arr)
	return nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

func (a *applier) add(op map[string]any) error {
	path, err := decodeField(op, "path", "add operation failed to decode path", false)
	if err != nil {
		return err
	}
	c, key, ok := a.locate(path)
	if !ok {
		return cannotApply("add operation does not apply: doc is missing path: %q: missing value", path)
	}
	v, _ := value(op)
	if err := c.add(key, v); err != nil {
		return cannotApply("error in add for path: '%s': %v", path, err)
	}
	return nil
}

func (a *applier) remove(op map[string]any) error {
	path, err := decodeField(op, "path", "remove operation failed to decode path", false)
	if err != nil {
		return err
	}
	c, key, ok := a.locate(path)
	if !ok {
		return cannotApply("remove operation does not apply: doc is missing path: %q: missing value", path)
	}
	if err := c.remove(key); err != nil {
		return cannotApply("error in remove for path: '%s': %v", path, err)
	}
	return nil
}

func (a *applier) replace(op map[string]any) error {
	path, err := decodeField(op, "path", "replace operation failed to decode path", true)
	if err != nil {
		return err
	}
	v, _ := value(op)
	if path == "" {
		switch v.(type) {
		case map[string]any, []any:
			a.root = v
			return nil
		}
		return cannotApply("replace operation value must be object or array")
	}
	c, key, ok := a.locate(path)
	if !ok {
		return cannotApply("replace operation does not apply: doc is missing path: %s: missing value", path)
	}
	if c.obj != nil {
		c.obj[key] = v
		return nil
	}
	idx, err := arrayIndex(c.arr, key)
	if err != nil {
		return cannotApply("replace operation does not apply: doc is missing key: %s: missing value", path)
	}
	c.arr[idx] = v
	return nil
}

func (a *applier) move(op map[string]any) error {
	from, err := decodeField(op, "from", "move operation failed to decode from", true)
	if err != nil {
		return err
	}
	c, key, ok := a.locate(from)
	if !ok {
		return cannotApply("move operation does not apply: doc is missing from path: %s: missing value", from)
	}
	v, err := c.get(key)
	if err != nil {
		return cannotApply("error in move for path: '%s': %v", key, err)
	}
	if err := c.remove(key); err != nil {
		return cannotApply("error in move for path: '%s': %v", key, err)
	}
	path, err := decodeField(op, "path", "move operation failed to decode path", true)
	if err != nil {
		return err
	}
	c, key, ok = a.locate(path)
	if !ok {
		return cannotApply("move operation does not apply: doc is missing destination path: %s: missing value", path)
	}
	if err := c.add(key, v); err != nil {
		return cannotApply("error in move for path: '%s': %v", path, err)
	}
	return nil
}

func (a *applier) test(op map[string]any) error {
	path, err := decodeField(op, "path", "test operation failed to decode path", true)
	if err != nil {
		return err
	}
	want, hasValue := value(op)
	failed := cannotApply("testing value %s failed: test failed", path)
	if path == "" {
		if hasValue && exactEqual(a.root, want) {
			return nil
		}
		return failed
	}
	c, key, ok := a.locate(path)
	if !ok {
		return cannotApply("test operation does not apply: is missing path: %s: missing value", path)
	}
	got, err := c.get(key)
	if err != nil {
		return cannotApply("error in test for path: '%s': %v", path, err)
	}
	if hasValue && exactEqual(got, want) {
		return nil
	}
	return failed
}

func (a *applier) copy(op map[string]any) error {
	from, err := decodeField(op, "from", "copy operation failed to decode from", true)
	if err != nil {
		return err
	}
	c, key, ok := a.locate(from)
	if !ok {
		return cannotApply("copy operation does not apply: doc is missing from path: %s: missing value", from)
	}
	v, err := c.get(key)
	if err != nil {
		return cannotApply("error in copy for from: '%s': %v", from, err)
	}
	path, err := decodeField(op, "path", "copy operation failed to decode path", false)
	if err != nil {
		return err
	}
	c, key, ok = a.locate(path)
	if !ok {
		return cannotApply("copy operation does not apply: doc is missing destination path: %s: missing value", path)
	}
	if v != nil {
		b, err := encode(v)
		if err != nil {
			return cannotApply("error while performing deep copy: %v", err)
		}
		a.copySize += len(b)
		if a.copySize > MaxJSONPatchCopyBytes {
			return cannotApply("Unable to complete the copy, the accumulated size increase of copy is %d, exceeding the limit %d", a.copySize, MaxJSONPatchCopyBytes)
		}
		v = deepCopy(v)
	}
	if err := c.add(key, v); err != nil {
		return cannotApply("error while adding value during copy: %v", err)
	}
	return nil
}
