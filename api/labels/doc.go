// Package labels implements Kubernetes label selectors: the string syntax of the
// labelSelector query parameter ("app=web,tier in (a,b),!canary"), the structured
// api.LabelSelector of workload specs, and matching against a label Set.
//
// Semantics follow k8s.io/apimachinery/pkg/labels:
//
//   - Parse accepts the full Kubernetes syntax: "k=v", "k==v", "k!=v", "k in (a,b)",
//     "k notin (a)", "k" (exists), "!k" (does not exist), "k>5" and "k<5" (integer
//     comparison), joined by commas, with spaces, tabs and newlines allowed between
//     tokens. Keys must be qualified names and values valid label values
//     (api.IsQualifiedName, api.IsValidLabelValue); error messages read as Kubernetes'
//     ("unable to parse requirement: ...", "found ',', expected: identifier after ','").
//     As in Kubernetes, a NUL byte where a token would start ends the input.
//   - The empty string and an empty selector match everything; Nothing matches nothing;
//     FromLabelSelector maps a nil *api.LabelSelector to Nothing and an empty one to
//     Everything.
//   - "!=" and "notin" match objects that lack the key; "in", "=", ">" and "<" require
//     it. ">" and "<" compare base-10 64-bit integers and never match a value that is
//     not one.
//
// Guarantees:
//
//   - Selectors and Requirements are immutable once built and safe for concurrent use.
//   - String is canonical: requirements are ordered by key (then operator and values),
//     the values of a requirement are sorted and de-duplicated, so equal selectors
//     print equally, and Parse(s.String()) yields an equal selector for every selector
//     s but Nothing (which prints as "", like Everything).
//   - Matches does not allocate; it is meant for the watch-cache hot path.
//   - Parse never panics, whatever its input.
package labels
