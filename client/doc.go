// Package client talks to an Orrery (or Kubernetes) apiserver: a REST client with a
// client-side rate limit, retries and timeouts, and a generic typed client for every
// kind Orrery serves.
//
//	cfg, err := client.LoadConfig("", "")            // $KUBECONFIG or ~/.kube/config
//	c, err := client.New(cfg)
//	defer c.Close()
//	pods := client.Resource[*api.Pod](c).Namespace("default")
//	pod, err := pods.Get(ctx, "web")
//	if client.IsNotFound(err) { ... }
//
// Guarantees:
//   - A Client is safe for concurrent use; its typed clients are cheap values that share
//     its connections (HTTP/2 where the server offers it) and its rate limiter.
//   - Every request, and every retry, waits for the rate limiter (QPS and Burst).
//   - A 429 or 5xx response that carries Retry-After is retried, after the delay the
//     server asked for, up to MaxRetries times; nothing else is retried.
//   - A request other than a watch is bounded by Timeout; a watch lasts until its
//     context ends, its Stop is called or the server ends it.
//   - Every error response comes back as an *api.Status (a Go error) with the reason and
//     code the server gave, or one derived from the HTTP code when the body is not a
//     Status; IsNotFound, IsConflict and the other predicates look through wrapping.
//
// Objects returned are the caller's to keep and change.
package client
