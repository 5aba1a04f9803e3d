package api_test

import (
	"fmt"

	"github.com/orrery-dev/orrery/api"
)

func ExampleParseQuantity() {
	requests := api.MustParseQuantity("0.5")
	requests.Add(api.MustParseQuantity("250m"))
	limit := api.MustParseQuantity("1")
	fmt.Println(requests.String(), requests.MilliValue(), requests.Cmp(limit))

	mem, err := api.ParseQuantity("1.5Gi")
	fmt.Println(mem.String(), mem.Value(), err)

	_, err = api.ParseQuantity("1Gib")
	fmt.Println(err)
	// Output:
	// 750m 750 -1
	// 1536Mi 1610612736 <nil>
	// quantity "1Gib": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'
}
