package fields_test

import (
	"fmt"

	"github.com/orrery-dev/orrery/api/fields"
)

func ExampleParse() {
	sel, err := fields.Parse(`status.phase!=Failed,spec.nodeName=node-1,metadata.name=a\,b`)
	if err != nil {
		panic(err)
	}
	fmt.Println(sel.String())
	fmt.Println(sel.Matches(fields.Set{"metadata.name": "a,b", "spec.nodeName": "node-1", "status.phase": "Running"}))
	fmt.Println(sel.RequiresExactMatch("spec.nodeName"))

	_, err = fields.Parse("spec.nodeName")
	fmt.Println(err)
	// Output:
	// metadata.name=a\,b,spec.nodeName=node-1,status.phase!=Failed
	// true
	// node-1 true
	// invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'
}
