// Package integration tests Orrery's client side (client, watch, informer) against a
// real apiserver running in the test's process over an embedded etcd: convergence
// under concurrent writes, across an apiserver restart and after a watch expires.
package integration
