package labels_test

import (
	"fmt"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
)

func ExampleParse() {
	sel, err := labels.Parse("tier in (web, api), env != dev, !canary")
	if err != nil {
		panic(err)
	}
	fmt.Println(sel.String())
	fmt.Println(sel.Matches(labels.Set{"tier": "web", "env": "prod"}))
	fmt.Println(sel.Matches(labels.Set{"tier": "web", "canary": "true"}))

	_, err = labels.Parse("tier in (web,")
	fmt.Println(err)
	// Output:
	// !canary,env!=dev,tier in (api,web)
	// true
	// false
	// unable to parse requirement: found '', expected: ',', or identifier
}

func ExampleFromLabelSelector() {
	sel, err := labels.FromLabelSelector(&api.LabelSelector{
		MatchLabels: map[string]string{"app": "web"},
		MatchExpressions: []api.LabelSelectorRequirement{
			{Key: "env", Operator: api.LabelSelectorOpNotIn, Values: []string{"dev"}},
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(sel.String())
	// Output: app=web,env notin (dev)
}
