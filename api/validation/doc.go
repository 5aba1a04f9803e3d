// Package validation checks and defaults Orrery's API objects the way Kubernetes'
// apiserver does, so that a request Kubernetes rejects is rejected here with the same
// field paths and messages ("spec.containers[0].image: Required value").
//
// For each kind K there is ValidateK(obj) and ValidateKUpdate(new, old); Validate and
// ValidateUpdate dispatch on the object's type. Validation is pure: it never changes
// its arguments, and an empty ErrorList means the object is valid. Validation expects
// defaulted objects: run Default first, as the apiserver does after decoding.
//
// Default fills the fields Kubernetes defaults (restartPolicy Always, schedulerName
// default-scheduler, terminationGracePeriodSeconds 30, port protocol TCP, ReplicaSet
// replicas 1, namespace phase Active, ...). PrepareForCreate and UpdateGeneration set
// the system-owned metadata at create and update time.
//
// The package imports only the standard library and api.
package validation
