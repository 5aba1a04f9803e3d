package patch

// MergePatch applies an application/merge-patch+json patch (RFC 7386) to original and
// returns the patched document.
//
// An object in the patch is merged into the corresponding object of the document: a
// member whose value is null deletes that member, any other member is merged
// recursively. Every other patch value (array, string, number, boolean) replaces the
// target as is; a patch that is not an object replaces the whole document. Nulls inside
// a patch object that lands where the document has no object are dropped, as if it were
// merged into an empty object.
//
// Errors match ErrInvalidDocument when original is not JSON and ErrInvalidPatch when
// patch is not JSON.
func MergePatch(original, patch []byte) ([]byte, error) {
	doc, err := decode(original)
	if err != nil {
		return nil, invalidDocument("invalid JSON document: %v", err)
	}
	p, err := decode(patch)
	if err != nil {
		return nil, invalidPatch("invalid JSON merge patch: %v", err)
	}
	return encode(mergeValue(doc, p))
}

// mergeValue is RFC 7386's MergePatch(Target, Patch). It may reuse parts of both.
func mergeValue(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = make(map[string]any, len(p))
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergeValue(t[k], v)
	}
	return t
}
