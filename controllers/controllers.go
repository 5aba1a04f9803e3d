// Package controllers runs Orrery's controllers (the ones kube-controller-manager
// runs, as packages below this one), each written with package manager as a user
// would write one, and chosen by name as kube-controller-manager's --controllers flag
// chooses them.
package controllers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orrery-dev/orrery/controllers/deployment"
	"github.com/orrery-dev/orrery/controllers/disruption"
	"github.com/orrery-dev/orrery/controllers/garbagecollector"
	"github.com/orrery-dev/orrery/controllers/namespace"
	"github.com/orrery-dev/orrery/controllers/nodelifecycle"
	"github.com/orrery-dev/orrery/controllers/podgc"
	"github.com/orrery-dev/orrery/controllers/replicaset"
	"github.com/orrery-dev/orrery/manager"
)

// Controller is one controller that can be run.
type Controller struct {
	// Name is the name kube-controller-manager gives it ("replicaset-controller");
	// Aliases are its other names ("replicaset").
	Name    string
	Aliases []string
	// Setup adds it to a manager.
	Setup func(m *manager.Manager) error
}

// All returns every controller, in the order they start.
func All() []Controller {
	return []Controller{
		{Name: "replicaset-controller", Aliases: []string{"replicaset"}, Setup: func(m *manager.Manager) error {
			_, err := replicaset.Setup(m, replicaset.Options{})
			return err
		}},
		{Name: "deployment-controller", Aliases: []string{"deployment"}, Setup: func(m *manager.Manager) error {
			_, err := deployment.Setup(m, deployment.Options{})
			return err
		}},
		{Name: "garbage-collector-controller", Aliases: []string{"garbagecollector"}, Setup: func(m *manager.Manager) error {
			_, err := garbagecollector.Setup(m, garbagecollector.Options{})
			return err
		}},
		{Name: "namespace-controller", Aliases: []string{"namespace"}, Setup: func(m *manager.Manager) error {
			_, err := namespace.Setup(m, namespace.Options{})
			return err
		}},
		{Name: "pod-garbage-collector-controller", Aliases: []string{"podgc"}, Setup: func(m *manager.Manager) error {
			_, err := podgc.Setup(m, podgc.Options{})
			return err
		}},
		{Name: "disruption-controller", Aliases: []string{"disruption"}, Setup: func(m *manager.Manager) error {
			_, err := disruption.Setup(m)
			return err
		}},
		{Name: "node-lifecycle-controller", Aliases: []string{"nodelifecycle"}, Setup: func(m *manager.Manager) error {
			_, err := nodelifecycle.Setup(m, nodelifecycle.Options{})
			return err
		}},
	}
}

// Select returns the controllers a --controllers value enables: "*" is every one,
// "name" enables it, "-name" disables it (by name or alias); later items win over "*".
func Select(spec []string) ([]Controller, error) {
	all := All()
	known := func(n string) (int, bool) {
		for i, c := range all {
			if c.Name == n || slices.Contains(c.Aliases, n) {
				return i, true
			}
		}
		return 0, false
	}
	on := make([]bool, len(all))
	star := false
	explicit := map[int]bool{}
	for _, item := range spec {
		item = strings.TrimSpace(item)
		switch {
		case item == "*":
			star = true
		case strings.HasPrefix(item, "-"):
			i, ok := known(item[1:])
			if !ok {
				return nil, fmt.Errorf("%q is not in the list of known controllers", item[1:])
			}
			on[i], explicit[i] = false, true
		default:
			i, ok := known(item)
			if !ok {
				return nil, fmt.Errorf("%q is not in the list of known controllers", item)
			}
			on[i], explicit[i] = true, true
		}
	}
	var out []Controller
	for i, c := range all {
		if on[i] || (star && !explicit[i]) {
			out = append(out, c)
		}
	}
	return out, nil
}
