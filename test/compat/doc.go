// Package compat holds tests that run the real client-go against Orrery and
// side-by-side benchmarks of Orrery's client machinery and client-go's. It is
// a separate module so that the main module never depends on k8s.io/*.
package compat
