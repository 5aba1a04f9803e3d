// Package apiserver is Orrery's Kubernetes API server: the Kubernetes HTTP API over
// etcd, with a watch cache per resource in front of the storage.
//
// It serves pods (with status and binding), nodes (status), namespaces (status,
// finalize), events, replicasets (status, scale) and leases over HTTPS, in
// Kubernetes' wire format, so kubectl and client-go work against it unchanged:
// discovery, OpenAPI v3, JSON and YAML bodies (and Kubernetes protobuf request
// bodies), JSON merge, JSON and strategic merge patches, watches as chunked JSON
// lines, server-side Tables, and Status errors with Kubernetes' reasons and codes.
//
// Guarantees:
//   - Bad input is refused with a Status (400, 404, 409, 413, 415, 422, 429) and never
//     changes stored data; a request refused by authentication (401) or
//     authorization (403) changes nothing.
//   - Reads and writes follow Kubernetes' resourceVersion semantics (see the storage
//     and cacher packages); a slow watcher never stalls others.
//   - Reads and writes each have a bounded number of slots, and watches a limit of
//     their own; beyond them requests get 429 with Retry-After.
//
// Start a server with New and Run; Run returns after a clean shutdown (in-flight
// requests finish, watches end, the watch caches and an embedded etcd stop):
//
//	s, err := apiserver.New(apiserver.Config{DataDir: "data", BindAddress: "127.0.0.1:0"})
//	if err != nil { ... }
//	go s.Run(ctx)
//	<-s.Ready() // s.URL(), s.KubeconfigPath()
//
// On first start it generates a CA and serving certificate and an admin token under
// DataDir and writes an admin kubeconfig. Members of system:masters may do anything;
// other authenticated users may get, list and watch.
package apiserver
