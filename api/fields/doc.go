// Package fields implements Kubernetes field selectors: the fieldSelector query
// parameter ("metadata.name=web,status.phase!=Running") and matching against the
// selectable fields of an object, given as a Set.
//
// Semantics follow k8s.io/apimachinery/pkg/fields:
//
//   - A selector is a comma-separated list of terms "field=value", "field==value" or
//     "field!=value", all of which must hold. Empty terms are skipped, so "" and ","
//     select everything.
//   - Nothing is trimmed: "a = b" compares field "a " with value " b".
//   - In values, "\," "\=" and "\\" stand for ",", "=" and "\"; any other backslash
//     sequence and any unescaped "," or "=" in a value is an error (EscapeValue and
//     UnescapeValue convert). Fields are taken literally up to the first operator.
//   - A field missing from the Set reads as "", so "f=" matches objects without f and
//     "f!=" those with a non-empty f. A term whose field and value are both empty is
//     dropped, as Kubernetes' Transform drops it.
//   - Field names are not validated here: which fields a resource supports is the
//     server's business.
//
// Guarantees:
//
//   - Selectors are immutable and safe for concurrent use; Matches does not allocate.
//   - Parse orders terms canonically (by their String form), so String is
//     deterministic and Parse(s.String()) gives a selector with the same String and the
//     same matches, for any s that Parse returned.
//   - Parse never panics, whatever its input.
package fields
