package printers_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
	"github.com/orrery-dev/orrery/apiserver/printers"
)

// The Table of a pod list, printed the way kubectl prints it: priority 0 columns only,
// as without -o wide.
func ExampleTable() {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	pods := []api.Object{
		&api.Pod{
			ObjectMeta: api.ObjectMeta{Name: "web-0", CreationTimestamp: api.NewTime(now.Add(-5 * time.Minute))},
			Spec:       api.PodSpec{NodeName: "node-a", Containers: []api.Container{{Name: "nginx"}}},
			Status: api.PodStatus{Phase: api.PodRunning, ContainerStatuses: []api.ContainerStatus{
				{Name: "nginx", Ready: true, State: api.ContainerState{Running: &api.ContainerStateRunning{}}},
			}},
		},
		&api.Pod{
			ObjectMeta: api.ObjectMeta{Name: "web-1", CreationTimestamp: api.NewTime(now.Add(-90 * time.Second))},
			Spec:       api.PodSpec{Containers: []api.Container{{Name: "nginx"}}},
			Status: api.PodStatus{Phase: api.PodPending, ContainerStatuses: []api.ContainerStatus{
				{Name: "nginx", State: api.ContainerState{Waiting: &api.ContainerStateWaiting{Reason: "ContainerCreating"}}},
			}},
		},
	}
	podKind, _ := builtin.Registry().ByResource("", "pods")
	table, err := printers.Table(podKind, pods, printers.Options{Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	var header []string
	for _, c := range table.ColumnDefinitions {
		if c.Priority == 0 {
			header = append(header, strings.ToUpper(c.Name))
		}
	}
	fmt.Println(strings.Join(header, "\t"))
	for _, row := range table.Rows {
		var cells []string
		for i, c := range table.ColumnDefinitions {
			if c.Priority == 0 {
				cells = append(cells, fmt.Sprint(row.Cells[i]))
			}
		}
		fmt.Println(strings.Join(cells, "\t"))
	}
	// Output:
	// NAME	READY	STATUS	RESTARTS	AGE
	// web-0	1/1	Running	0	5m
	// web-1	0/1	ContainerCreating	0	90s
}
